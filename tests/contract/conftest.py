"""The backends every contract test runs over, each skipped (saying why) when it is not reachable:

- `store`: in memory (what unit tests run on), a SQLite file, PostgreSQL (one scratch database a module);
- `sql_store`: the two SQL ones, for what only a database has (sealed columns, a second connection);
- `buses`: the in-process bus, and Redis with two nodes (a publisher and a subscriber apart);
- `limiter`: in memory and in Redis.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from showdesk.adapters.bus.memory import MemoryBus
from showdesk.adapters.limits.memory import MemoryLimiter
from showdesk.adapters.storage.sql import SqlStore
from showdesk.services.ports import Limiter, Store
from tests.support.backends import REDIS_URL
from tests.support.buses import Buses
from tests.support.stores import SQL_BACKENDS, STORE_BACKENDS, Databases


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    found = Databases(tmp_path_factory.mktemp("databases"))
    yield found
    found.drop()


@pytest.fixture(params=STORE_BACKENDS)
async def store(request: pytest.FixtureRequest, databases: Databases, tmp_path: Path) -> AsyncIterator[Store]:
    async with databases.store(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture(params=SQL_BACKENDS)
async def sql_store(request: pytest.FixtureRequest, databases: Databases, tmp_path: Path) -> AsyncIterator[SqlStore]:
    async with databases.store(request.param, tmp_path) as opened:
        assert isinstance(opened, SqlStore)
        yield opened


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); set SHOWDESK_TEST_REDIS_URL")


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def buses(request: pytest.FixtureRequest) -> AsyncIterator[Buses]:
    if request.param == "memory":
        bus = MemoryBus()
        yield Buses(bus, bus)
        await bus.close()
        return
    _redis_or_skip()
    from showdesk.adapters.bus.redis import RedisBus

    found = Buses(RedisBus(REDIS_URL), RedisBus(REDIS_URL), redis_url=REDIS_URL)
    yield found
    await asyncio.gather(found.publisher.close(), found.subscriber.close())
    await found.aclose()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[Limiter]:
    if request.param == "memory":
        yield MemoryLimiter()
        return
    _redis_or_skip()
    from showdesk.adapters.limits.redis import RedisLimiter

    found = RedisLimiter(REDIS_URL)
    await found.bind(f"test-{uuid.uuid4().hex}")
    yield found
    await found.close()
