"""Benchmarks for ShowDesk; each lives in its own package and runs with `python -m bench.<name>`."""
