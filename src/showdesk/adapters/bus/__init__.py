"""Pub/sub of event frames: in-process by default, Redis across nodes."""

from __future__ import annotations

from showdesk.services.ports import Bus


def create_bus(redis_url: str | None) -> Bus:
    if redis_url:
        from showdesk.adapters.bus.redis import RedisBus

        return RedisBus(redis_url)
    from showdesk.adapters.bus.memory import MemoryBus

    return MemoryBus()
