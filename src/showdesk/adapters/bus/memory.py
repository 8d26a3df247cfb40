"""The in-process bus: topics map to the handlers subscribed to them, in this process only."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from showdesk.services.ports import Handler

log = logging.getLogger(__name__)


class MemorySubscription:
    def __init__(self, bus: MemoryBus, handler: Handler) -> None:
        self._bus = bus
        self.handler = handler
        self.topics: set[str] = set()

    async def add(self, topic: str) -> None:
        self.topics.add(topic)
        self._bus.subscribers[topic].add(self)

    async def remove(self, topic: str) -> None:
        self.topics.discard(topic)
        subs = self._bus.subscribers.get(topic)
        if subs is not None:
            subs.discard(self)
            if not subs:
                del self._bus.subscribers[topic]

    async def close(self) -> None:
        for topic in list(self.topics):
            await self.remove(topic)


class MemoryBus:
    def __init__(self) -> None:
        self.subscribers: defaultdict[str, set[MemorySubscription]] = defaultdict(set)

    async def publish(self, topic: str, frame: dict[str, Any]) -> None:
        for sub in list(self.subscribers.get(topic, ())):
            try:
                await sub.handler(frame)
            except Exception:  # one broken socket must not stop delivery to the others
                log.exception("bus handler failed for topic %s", topic)

    def subscribe(self, handler: Handler) -> MemorySubscription:
        return MemorySubscription(self, handler)

    async def close(self) -> None:
        self.subscribers.clear()
