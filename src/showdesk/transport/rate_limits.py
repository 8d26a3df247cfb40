"""How fast a customer may write: token buckets per conversation (not per socket, so opening more sockets
buys nothing). Messages: `rate` a second with a burst of twice that. Every other frame that stores or
relays something (video signals and statuses, camera results, photo failures): `frame_rate` a second
with a burst of three times that, enough for a video start's trickle of ICE candidates. A frame
over a limit is refused with `rate_limited` and `retryAfterMs`, and nothing of it is stored or relayed;
other chats are untouched. Kept by each node (a customer's sockets are on one node at a time)."""

from __future__ import annotations

import time

from showdesk.domain.rate_limit import RateLimited, TokenBucket

FORGET_EVERY = 60.0  # seconds between sweeps of full buckets


class GuestRateLimits:
    def __init__(self, rate: float, frame_rate: float = 20.0) -> None:
        self.rate = rate
        self.frame_rate = frame_rate
        self._buckets: dict[str, TokenBucket] = {}
        self._frame_buckets: dict[str, TokenBucket] = {}
        self._swept = time.monotonic()

    def check_message(self, conversation_id: str) -> None:
        """Raises RateLimited when this chat's customer writes faster than the limit."""
        wait = self._take(self._buckets, conversation_id, self.rate, 2)
        if wait > 0:
            raise RateLimited(
                f"too many messages: at most {self.rate:g} a second; try again in {wait:.1f} s", retry_after=wait
            )

    def check_frame(self, conversation_id: str) -> None:
        """Raises RateLimited when this chat's customer sends frames that store or relay something too fast."""
        wait = self._take(self._frame_buckets, conversation_id, self.frame_rate, 3)
        if wait > 0:
            raise RateLimited(
                f"too much at once: at most {self.frame_rate:g} frames a second; try again in {wait:.1f} s",
                retry_after=wait,
            )

    def _take(self, buckets: dict[str, TokenBucket], conversation_id: str, rate: float, burst: float) -> float:
        if rate <= 0:
            return 0.0
        now = time.monotonic()
        bucket = buckets.get(conversation_id)
        if bucket is None:
            bucket = buckets[conversation_id] = TokenBucket(rate, max(1.0, burst * rate), updated=now)
        wait = bucket.take(now)
        if now - self._swept > FORGET_EVERY:
            self._sweep(now)
        return wait

    def _sweep(self, now: float) -> None:
        self._swept = now
        for buckets in (self._buckets, self._frame_buckets):
            for conversation_id in [c for c, b in buckets.items() if b.idle_since(now)]:
                del buckets[conversation_id]
