"""Benchmarks for Heart to Heart: cost per turn, store round trips, cold start, content load,
web endpoint throughput and sizes, each against a baseline measured in the same run.

Run ``python -m bench`` (or ``make bench``); ``python -m bench --quick`` is the smoke-test mode.
"""
