"""Redis pub/sub bus, so several ShowDesk nodes see each other's events.

One Redis connection per node listens on every topic any local socket wants; frames are delivered
to local handlers the same way the memory bus does. Publishing goes through one writer task: the frames
published while it sends are sent together in the next pipeline, so a burst of messages costs a few round
trips instead of a connection each (a pool would run out of them under load).
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


MAX_BATCH = 1000  # frames in one pipeline


class RedisBus:
    def __init__(self, url: str) -> None:
        self._redis = aioredis.from_url(url)
        self._pubsub = self._redis.pubsub()
        self._local: defaultdict[str, set[RedisSubscription]] = defaultdict(set)
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._outgoing: list[tuple[str, str, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    async def publish(self, topic: str, frame: dict[str, Any]) -> None:
        """Returns once Redis took the frame; raises what Redis raised for the pipeline it went in."""
        sent = asyncio.get_running_loop().create_future()
        self._outgoing.append((topic, json.dumps(frame), sent))
        self._wake.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await sent

    async def _write(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._outgoing:
                batch, self._outgoing = self._outgoing[:MAX_BATCH], self._outgoing[MAX_BATCH:]
                try:
                    pipe = self._redis.pipeline(transaction=False)
                    for topic, data, _ in batch:
                        pipe.publish(topic, data)
                    await pipe.execute()
                except Exception as exc:
                    for _, _, sent in batch:
                        if not sent.done():
                            sent.set_exception(exc)
                    continue
                for _, _, sent in batch:
                    if not sent.done():
                        sent.set_result(None)

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
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        for _, _, sent in self._outgoing:
            if not sent.done():
                sent.cancel()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]  # typed from redis 8.2 on
        await self._redis.aclose()
