"""Benchmarks: `tradewindow bench …` measures a path and the raw cost of the same data."""
