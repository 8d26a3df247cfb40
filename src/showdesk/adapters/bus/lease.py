"""Leases across nodes in Redis: who routes, and which nodes are alive.

A lease is a key holding its node's id with an expiry (SET NX PX), renewed or deleted only by that node
(a Lua script compares first); each node's heartbeat is a key of its own with the same expiry. A node
alone needs none of this: `showdesk.services.routing_cluster.SoloLease`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import redis.asyncio as aioredis

_HOLD = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
"""

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLease:
    shared = True

    def __init__(self, url: str, ttl: float = 3.0) -> None:
        self.node_id = uuid.uuid4().hex[:16]
        self.ttl = ttl
        self._redis = aioredis.from_url(url)

    async def hold(self, name: str) -> bool:
        ms = int(self.ttl * 1000)
        await self._redis.set(_heartbeat(self.node_id), "1", px=ms)
        return bool(await self._redis.eval(_HOLD, 1, name, self.node_id, ms))

    async def alive(self, node_ids: Iterable[str]) -> set[str]:
        ids = sorted(set(node_ids))
        if not ids:
            return set()
        found = await self._redis.mget([_heartbeat(n) for n in ids])
        return {n for n, beat in zip(ids, found, strict=True) if beat is not None}

    async def release(self, name: str) -> None:
        await self._redis.eval(_RELEASE, 1, name, self.node_id)
        await self._redis.delete(_heartbeat(self.node_id))

    async def close(self) -> None:
        await self._redis.aclose()


def _heartbeat(node_id: str) -> str:
    return f"showdesk:node:{node_id}:alive"
