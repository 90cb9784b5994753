"""Port logistics collaboration: DCSA Track & Trace events, subscriptions and callbacks,
and the paperless last mile from customs release to the terminal gate."""
