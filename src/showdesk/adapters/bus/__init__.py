"""Pub/sub of event frames and leases: in-process by default, Redis across nodes."""

from __future__ import annotations

from showdesk.services.ports import Bus, Lease


def create_bus(redis_url: str | None) -> Bus:
    if redis_url:
        from showdesk.adapters.bus.redis import RedisBus

        return RedisBus(redis_url)
    from showdesk.adapters.bus.memory import MemoryBus

    return MemoryBus()


def create_lease(redis_url: str | None, ttl: float = 3.0) -> Lease:
    if redis_url:
        from showdesk.adapters.bus.lease import RedisLease

        return RedisLease(redis_url, ttl)
    from showdesk.services.routing_cluster import SoloLease

    return SoloLease()
