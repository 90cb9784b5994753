"""The bus interface: publish with a message ID (duplicates dropped), durable consumers that
fetch, and explicit acknowledgement; an unacknowledged message is delivered again."""

from __future__ import annotations

from typing import Protocol


class Message(Protocol):
    @property
    def subject(self) -> str: ...

    @property
    def data(self) -> bytes: ...

    @property
    def msg_id(self) -> str: ...

    async def ack(self) -> None:
        """Done with: never delivered to this consumer again."""

    async def nak(self) -> None:
        """Not done: deliver again soon."""


class Consumer(Protocol):
    async def fetch(self, batch: int, timeout: float) -> list[Message]:
        """Up to ``batch`` messages (first redeliveries, then new ones), waiting at most
        ``timeout`` seconds for the first; an empty list when none came."""

    async def release(self) -> None:
        """Stop consuming here: what was delivered to this consumer and not handed out by
        ``fetch`` yet is given back for delivery elsewhere at once (not after ``ack_wait``)."""


class Bus(Protocol):
    async def publish(self, subject: str, data: bytes, msg_id: str) -> None:
        """Store ``data`` durably on ``subject``; a second publish of ``msg_id`` is dropped."""

    async def consumer(self, subjects: str, durable: str) -> Consumer:
        """The durable consumer ``durable`` of ``subjects`` (``tw.events.>`` wildcards as
        in NATS), created on first use and resumed where it stopped afterwards."""

    async def close(self) -> None: ...
