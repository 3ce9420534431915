"""Benchmarks (tables + JSON). They own the voices and spoken sets (bench/voices.py,
bench/spoken_commands.py) that tests import; bench never imports tests."""
