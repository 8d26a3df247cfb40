"""Rate-limit state in this process: one float a key, swept when full again (a node alone, and tests)."""

from __future__ import annotations

import time
from collections.abc import Callable

from showdesk.domain.rate_limit import Rule, gcra

SWEEP_EVERY = 60.0  # seconds between sweeps of keys whose bucket is full again
MAX_KEYS = 100_000  # a flood of new keys (addresses) is swept at once past this


class MemoryLimiter:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._full_at: dict[tuple[str, str], float] = {}
        self._swept = now()

    async def hit(self, rule: Rule, key: str) -> float:
        now = self._now()
        full_at, wait = gcra(self._full_at.get((rule.name, key), 0.0), now, rule)
        if wait == 0.0 and rule.limit > 0:
            self._full_at[(rule.name, key)] = full_at
        if now - self._swept > SWEEP_EVERY or len(self._full_at) > MAX_KEYS:
            self._sweep(now)
        return wait

    async def peek(self, rule: Rule, key: str) -> float:
        return gcra(self._full_at.get((rule.name, key), 0.0), self._now(), rule)[1]

    async def bind(self, installation_id: str) -> None:
        return None

    async def close(self) -> None:
        self._full_at.clear()

    def _sweep(self, now: float) -> None:
        self._swept = now
        self._full_at = {k: at for k, at in self._full_at.items() if at > now}
