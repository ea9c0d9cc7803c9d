"""Benchmarks for a period: the merged figures, derived indicators, ranks and distributions."""
