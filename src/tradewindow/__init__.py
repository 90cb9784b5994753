"""tradewindow: an open international-trade single window."""

__version__ = "0.1.0"
