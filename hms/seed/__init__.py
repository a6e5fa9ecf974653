"""The demo hospital: a deterministic, Swedish-looking hospital for trying HMS,
for tests at scale and for benchmarks. See ``hms.seed.demo``."""
