"""Choosing the bus from settings: NATS JetStream for a ``nats://`` URL, else in-process."""

from __future__ import annotations

from tradewindow.bus.jetstream import JetStreamBus
from tradewindow.bus.memory import InProcessBus
from tradewindow.bus.ports import Bus

DEFAULT_STREAM = "TRADEWINDOW"
DEFAULT_PREFIX = "tw"


async def open_bus(
    url: str | None,
    *,
    stream: str = DEFAULT_STREAM,
    prefix: str = DEFAULT_PREFIX,
    ack_wait: float = 30.0,
) -> Bus:
    """The bus at ``url`` (``TRADEWINDOW_BUS_URL``); in-process when there is none. On NATS the
    stream ``stream`` holds every subject under ``prefix``."""
    if not url:
        return InProcessBus(ack_wait=ack_wait)
    return await JetStreamBus.connect(
        url, stream=stream, subjects=[f"{prefix}.>"], ack_wait=ack_wait
    )
