"""Use cases: the only layer that changes state and publishes events."""
