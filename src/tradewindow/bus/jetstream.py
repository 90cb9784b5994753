"""The bus on NATS JetStream: one durable file-backed stream, durable pull consumers with
explicit ack and redelivery after ``ack_wait``, and ``Nats-Msg-Id`` dedupe within the
stream's duplicate window."""

from __future__ import annotations

import contextlib

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from tradewindow.bus.ports import Message

DUPLICATE_WINDOW_SECONDS = 120.0


class JetStreamMessage:
    def __init__(self, message: Msg) -> None:
        self._message = message
        self.subject = message.subject
        self.data = message.data
        self.msg_id = (message.headers or {}).get("Nats-Msg-Id", "")

    async def ack(self) -> None:
        await self._message.ack()

    async def nak(self) -> None:
        await self._message.nak()


class JetStreamConsumer:
    def __init__(self, subscription: JetStreamContext.PullSubscription) -> None:
        self._subscription = subscription

    async def fetch(self, batch: int, timeout: float) -> list[Message]:
        try:
            messages = await self._subscription.fetch(batch=batch, timeout=timeout)
        except (NatsTimeout, TimeoutError):  # nats-py raises either when nothing came
            return []
        return [JetStreamMessage(m) for m in messages]

    async def release(self) -> None:
        """Nak what a pull answered after its fetch gave up waiting (nats-py keeps it for
        the next fetch of this subscription), then unsubscribe."""
        pending = self._subscription._sub._pending_queue
        while not pending.empty():
            message = pending.get_nowait()
            if JetStreamContext.is_status_msg(message) is None:  # a stream message, not a 404
                with contextlib.suppress(Exception):
                    await message.nak()
        with contextlib.suppress(Exception):
            await self._subscription.unsubscribe()


class JetStreamBus:
    def __init__(self, client: Client, stream: str, *, ack_wait: float) -> None:
        self._client = client
        self._js = client.jetstream()
        self.stream = stream
        self.ack_wait = ack_wait

    @classmethod
    async def connect(
        cls, url: str, *, stream: str, subjects: list[str], ack_wait: float = 30.0
    ) -> JetStreamBus:
        client = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=10)
        bus = cls(client, stream, ack_wait=ack_wait)
        config = StreamConfig(
            name=stream,
            subjects=subjects,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        )
        try:
            await bus._js.add_stream(config)
        except BadRequestError:  # exists with another configuration: bring it up to date
            await bus._js.update_stream(config)
        return bus

    async def publish(self, subject: str, data: bytes, msg_id: str) -> None:
        await self._js.publish(subject, data, headers={"Nats-Msg-Id": msg_id})

    async def consumer(self, subjects: str, durable: str) -> JetStreamConsumer:
        config = ConsumerConfig(
            durable_name=durable,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            max_deliver=-1,
            filter_subject=subjects,
        )
        subscription = await self._js.pull_subscribe(
            subjects, durable=durable, stream=self.stream, config=config
        )
        return JetStreamConsumer(subscription)

    async def close(self) -> None:
        await self._client.drain()
