"""Benchmarks: durable writes, load, publishing, size and memory. Figures only, no assertions."""
