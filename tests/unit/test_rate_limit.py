"""The token bucket behind the customer's message limit."""

import pytest

from showdesk.domain.rate_limit import RateLimited, TokenBucket
from showdesk.transport.rate_limits import GuestRateLimits


def test_a_burst_then_the_rate() -> None:
    bucket = TokenBucket(rate=2, burst=4)
    assert [bucket.take(0.0) for _ in range(4)] == [0.0] * 4
    assert bucket.take(0.0) == pytest.approx(0.5)  # empty: the next token in half a second
    assert bucket.take(0.25) == pytest.approx(0.25)  # half a token by now: nothing taken
    assert bucket.take(0.5) == 0.0
    assert bucket.take(0.5) > 0
    assert bucket.take(10.0) == 0.0  # refilled, but never past the burst
    assert bucket.tokens == pytest.approx(3.0)


def test_a_rate_of_zero_limits_nothing() -> None:
    bucket = TokenBucket(rate=0, burst=0)
    assert all(bucket.take(0.0) == 0.0 for _ in range(1000))


def test_limits_are_per_conversation() -> None:
    limits = GuestRateLimits(rate=2)
    for _ in range(4):
        limits.check_message("a")
    with pytest.raises(RateLimited) as info:
        limits.check_message("a")
    assert info.value.code == "rate_limited" and info.value.retry_after > 0
    limits.check_message("b")  # another chat is untouched
