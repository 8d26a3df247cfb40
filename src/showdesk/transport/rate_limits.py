"""How fast a customer may write: a token bucket per conversation (not per socket, so opening more
sockets buys nothing), `rate` messages a second with a burst of twice that. A message over the limit is
refused with `rate_limited` and `retryAfterMs`, and nothing of it is stored; other chats are untouched."""

from __future__ import annotations

import time

from showdesk.domain.rate_limit import RateLimited, TokenBucket

FORGET_EVERY = 60.0  # seconds between sweeps of full buckets


class GuestRateLimits:
    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._buckets: dict[str, TokenBucket] = {}
        self._swept = time.monotonic()

    def check_message(self, conversation_id: str) -> None:
        """Raises RateLimited when this chat's customer writes faster than the limit."""
        if self.rate <= 0:
            return
        now = time.monotonic()
        bucket = self._buckets.get(conversation_id)
        if bucket is None:
            bucket = self._buckets[conversation_id] = TokenBucket(self.rate, max(1.0, 2 * self.rate), updated=now)
        wait = bucket.take(now)
        if now - self._swept > FORGET_EVERY:
            self._sweep(now)
        if wait > 0:
            raise RateLimited(
                f"too many messages: at most {self.rate:g} a second; try again in {wait:.1f} s", retry_after=wait
            )

    def _sweep(self, now: float) -> None:
        self._swept = now
        for conversation_id in [c for c, b in self._buckets.items() if b.idle_since(now)]:
            del self._buckets[conversation_id]
