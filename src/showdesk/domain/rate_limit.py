"""A token bucket: `rate` actions a second on average, `burst` at once; the caller brings the time."""

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
