"""Redis pub/sub bus, so several ShowDesk nodes see each other's events.

One Redis connection per node listens on every topic any local socket wants; frames are delivered
to local handlers the same way the memory bus does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any

import redis.asyncio as aioredis

from showdesk.services.ports import Handler

log = logging.getLogger(__name__)


class RedisSubscription:
    def __init__(self, bus: RedisBus, handler: Handler) -> None:
        self._bus = bus
        self.handler = handler
        self.topics: set[str] = set()

    async def add(self, topic: str) -> None:
        self.topics.add(topic)
        await self._bus.listen(topic, self)

    async def remove(self, topic: str) -> None:
        self.topics.discard(topic)
        await self._bus.unlisten(topic, self)

    async def close(self) -> None:
        for topic in list(self.topics):
            await self.remove(topic)


class RedisBus:
    def __init__(self, url: str) -> None:
        self._redis = aioredis.from_url(url)
        self._pubsub = self._redis.pubsub()
        self._local: defaultdict[str, set[RedisSubscription]] = defaultdict(set)
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, topic: str, frame: dict[str, Any]) -> None:
        await self._redis.publish(topic, json.dumps(frame))

    def subscribe(self, handler: Handler) -> RedisSubscription:
        return RedisSubscription(self, handler)

    async def listen(self, topic: str, sub: RedisSubscription) -> None:
        async with self._lock:
            first = not self._local[topic]
            self._local[topic].add(sub)
            if first:
                await self._pubsub.subscribe(topic)
            if self._reader is None:
                self._reader = asyncio.create_task(self._read())

    async def unlisten(self, topic: str, sub: RedisSubscription) -> None:
        async with self._lock:
            subs = self._local.get(topic)
            if subs is None:
                return
            subs.discard(sub)
            if not subs:
                del self._local[topic]
                await self._pubsub.unsubscribe(topic)

    async def _read(self) -> None:
        while True:
            try:
                msg = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except Exception:
                log.exception("redis bus read failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if msg is None:
                continue
            topic = msg["channel"].decode() if isinstance(msg["channel"], bytes) else msg["channel"]
            frame = json.loads(msg["data"])
            for sub in list(self._local.get(topic, ())):
                try:
                    await sub.handler(frame)
                except Exception:
                    log.exception("bus handler failed for topic %s", topic)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()
