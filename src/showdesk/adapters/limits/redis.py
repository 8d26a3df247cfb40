"""Rate-limit state in Redis, shared by every node: GCRA in one Lua script, on Redis's own clock.

One key a (rule, key) holding the time its bucket is full again, expiring then, so nothing is swept.
"""

from __future__ import annotations

import hashlib

import redis.asyncio as aioredis

from showdesk.domain.rate_limit import Rule

# KEYS[1] the key; ARGV: interval (ms), period (ms), count it (1) or only look (0). Returns the wait in ms.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local full_at = tonumber(redis.call('GET', KEYS[1]) or '0')
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local after = math.max(full_at, now) + interval
local wait = after - period - now
if wait > 0 then
  return wait
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], after, 'PX', math.max(1, after - now))
end
return 0
"""


class RedisLimiter:
    def __init__(self, url: str) -> None:
        self._redis = aioredis.from_url(url)
        self._prefix = "showdesk:limits"

    async def bind(self, installation_id: str) -> None:
        self._prefix = f"showdesk:{installation_id}:limits"

    async def hit(self, rule: Rule, key: str) -> float:
        return await self._run(rule, key, count=True)

    async def peek(self, rule: Rule, key: str) -> float:
        return await self._run(rule, key, count=False)

    async def close(self) -> None:
        await self._redis.aclose()

    async def _run(self, rule: Rule, key: str, count: bool) -> float:
        if rule.limit <= 0:
            return 0.0
        # Keys are hashed: an address or an email never needs to be readable in Redis, and stays short.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        interval = max(1, round(rule.interval * 1000))
        period = round(rule.period * 1000)
        wait = await self._redis.eval(
            _GCRA, 1, f"{self._prefix}:{rule.name}:{digest}", interval, period, "1" if count else "0"
        )
        return int(wait) / 1000.0
