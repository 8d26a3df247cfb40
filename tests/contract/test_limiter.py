"""The same checks over every rate-limit backend (the `limiter` fixture): memory (a node alone) and Redis
(several nodes)."""

from __future__ import annotations

import pytest

from showdesk.adapters.limits.memory import MemoryLimiter
from showdesk.domain.rate_limit import Rule
from showdesk.services.ports import Limiter


async def test_a_burst_up_to_the_limit_goes_then_one_waits_for_its_interval(limiter: Limiter) -> None:
    rule = Rule("test_burst", limit=5, period=60.0)
    assert [await limiter.hit(rule, "10.0.0.1") for _ in range(5)] == [0.0] * 5
    wait = await limiter.hit(rule, "10.0.0.1")
    assert 11.0 < wait <= 12.0  # one more every 60 / 5 s
    assert await limiter.peek(rule, "10.0.0.1") == pytest.approx(wait, abs=0.1)


async def test_keys_and_rules_are_counted_apart(limiter: Limiter) -> None:
    rule = Rule("test_apart", limit=1, period=60.0)
    other_rule = Rule("test_apart_other", limit=1, period=60.0)
    assert await limiter.hit(rule, "a") == 0.0
    assert await limiter.hit(rule, "a") > 0
    assert await limiter.hit(rule, "b") == 0.0
    assert await limiter.hit(other_rule, "a") == 0.0


async def test_a_refused_action_is_not_counted_and_peek_counts_nothing(limiter: Limiter) -> None:
    rule = Rule("test_refused", limit=2, period=0.4)
    assert await limiter.peek(rule, "k") == 0.0
    assert await limiter.hit(rule, "k") == 0.0
    assert await limiter.hit(rule, "k") == 0.0
    first = await limiter.hit(rule, "k")
    second = await limiter.hit(rule, "k")
    assert first > 0 and second <= first  # refusals did not push the time further away


async def test_no_limit_when_the_rule_says_zero(limiter: Limiter) -> None:
    rule = Rule("test_off", limit=0, period=60.0)
    assert all([await limiter.hit(rule, "k") == 0.0 for _ in range(50)])


def test_memory_keys_are_forgotten_once_full_again() -> None:
    now = [1000.0]
    limiter = MemoryLimiter(lambda: now[0])
    rule = Rule("test_sweep", limit=1, period=10.0)

    async def run() -> None:
        await limiter.hit(rule, "a")
        now[0] += 11 + 60  # full again, and past a sweep
        assert await limiter.hit(rule, "b") == 0.0
        assert ("test_sweep", "a") not in limiter._full_at

    import asyncio

    asyncio.run(run())
