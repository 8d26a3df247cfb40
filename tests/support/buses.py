"""Buses for the contract tests: who publishes and who listens (the same bus in memory; two nodes on
Redis), and an inbox a handler fills that a test waits on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from showdesk.services.ports import Bus

WAIT = 10.0  # seconds a test waits for frames before it fails


@dataclass
class Buses:
    publisher: Bus
    subscriber: Bus  # the publisher itself in memory; another node on Redis
    redis_url: str | None = None
    _redis: Any = field(default=None, repr=False)

    async def settled(self, topic: str, listeners: int) -> None:
        """Wait until the broker has `listeners` nodes listening on `topic` (at once in memory): what is
        published after it reaches exactly them."""
        if self.redis_url is None:
            return
        if self._redis is None:
            import redis.asyncio as aioredis

            self._redis = aioredis.from_url(self.redis_url)
        deadline = time.monotonic() + WAIT
        while True:
            [(_, count)] = await self._redis.pubsub_numsub(topic)
            if count == listeners:
                return
            assert time.monotonic() < deadline, f"{topic}: {count} listeners, not {listeners}"
            await asyncio.sleep(0.01)  # polls Redis for a condition it cannot announce

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


class Inbox:
    """The frames a handler was given, in order; `until` waits for a condition on them."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self._changed = asyncio.Event()

    async def __call__(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)
        self._changed.set()

    async def until(self, check: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
        async with asyncio.timeout(WAIT):
            while not check(self.frames):
                self._changed.clear()
                await self._changed.wait()
        return self.frames

    def of(self, key: str) -> list[Any]:
        return [frame[key] for frame in self.frames if key in frame]
