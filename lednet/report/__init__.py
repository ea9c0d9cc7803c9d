"""Benchmark reports for a period: HTML and PDF, per authority and for the network."""
