"""Rate-limit state (`services.ports.Limiter`): in memory for one node, in Redis across nodes."""

from __future__ import annotations

from showdesk.services.ports import Limiter


def create_limiter(redis_url: str | None) -> Limiter:
    if redis_url:
        from showdesk.adapters.limits.redis import RedisLimiter

        return RedisLimiter(redis_url)
    from showdesk.adapters.limits.memory import MemoryLimiter

    return MemoryLimiter()
