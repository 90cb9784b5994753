"""Messaging behind one interface: in-process by default, NATS JetStream when
``TRADEWINDOW_BUS_URL`` is set (``open_bus``)."""

from tradewindow.bus.ports import Bus, Consumer, Message
from tradewindow.bus.select import open_bus

__all__ = ["Bus", "Consumer", "Message", "open_bus"]
