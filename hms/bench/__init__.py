"""Benchmarks through the real HTTP stack (``hms bench …``)."""
