"""The Redis bus under a burst: thousands of frames published at once all arrive, in the order published.

Each publish used to take a pooled connection; past the pool's 100, publishing failed with "Too many
connections" and stored messages went unannounced (found by the two-node benchmark)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from showdesk.adapters.bus.redis import RedisBus
from tests.support.backends import REDIS_URL

pytestmark = pytest.mark.redis


async def test_a_burst_of_publishes_arrives_whole_and_in_order() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); set SHOWDESK_TEST_REDIS_URL")
    sender, receiver = RedisBus(REDIS_URL), RedisBus(REDIS_URL)
    topic = f"test.burst.{uuid.uuid4().hex}"
    got: list[int] = []
    all_in = asyncio.Event()
    count = 5000

    async def keep(frame: dict[str, Any]) -> None:
        got.append(frame["n"])
        if len(got) == count:
            all_in.set()

    try:
        await receiver.subscribe(keep).add(topic)
        await asyncio.sleep(0.2)  # the subscription reaches Redis
        await asyncio.gather(*(sender.publish(topic, {"n": n}) for n in range(count)))
        await asyncio.wait_for(all_in.wait(), 20)
        assert got == list(range(count))
    finally:
        await sender.close()
        await receiver.close()
