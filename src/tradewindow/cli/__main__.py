"""``python -m tradewindow.cli``: the same commands as the ``tradewindow`` script."""

from tradewindow.cli import main

raise SystemExit(main())
