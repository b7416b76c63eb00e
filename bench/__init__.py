"""Benchmarks: `python -m bench [NAME...] [-- ARGS]` runs bench/NAME/run.py (all of them by default)."""
