"""Rate limits: a token bucket for one socket's writes, and named rules kept by a Limiter across nodes.

Both let `burst` actions through at once and then `rate` a second; the caller brings the time.
A `Rule` is checked with GCRA (the generic cell rate algorithm): one number a key, the time at which
the key's bucket will be full again ("theoretical arrival time"), so memory and Redis keep the same state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from showdesk.domain.errors import ShowDeskError


class RateLimited(ShowDeskError):
    """Too much, too fast: the action was not done; `retry_after` says when one more would be."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class TokenBucket:
    rate: float  # tokens added a second
    burst: float  # the most it holds (and holds at first)
    tokens: float = field(default=-1.0)
    updated: float = 0.0

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.burst

    def take(self, now: float) -> float:
        """Take one token: 0.0 when there was one, else the seconds until there will be (nothing taken)."""
        if self.rate <= 0:
            return 0.0  # no limit
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def idle_since(self, now: float) -> bool:
        """Full again: forgetting it changes nothing."""
        return self.tokens + (now - self.updated) * self.rate >= self.burst


@dataclass(frozen=True)
class Rule:
    """At most `limit` actions per `period` seconds for one key (an address, an account, a deployment)."""

    name: str  # names the rule in keys, logs and docs/security.md, e.g. "chat_start_ip"
    limit: int  # 0 or less: no limit
    period: float

    @property
    def interval(self) -> float:
        return self.period / self.limit


def gcra(full_at: float, now: float, rule: Rule) -> tuple[float, float]:
    """One action at `now` for a key whose bucket is full again at `full_at` (0: never used).

    Returns (the new full-again time, 0.0) when the action may go, or (`full_at` unchanged, the seconds
    until it may) when it may not.
    """
    if rule.limit <= 0:
        return full_at, 0.0
    ahead = max(full_at - now, 0.0) + rule.interval  # how far ahead of now the bucket would be full again
    wait = ahead - rule.period
    if wait > 1e-9:  # float sums: the last action a period holds must not read as a wait of 1e-14 s
        return full_at, wait
    return now + ahead, 0.0
