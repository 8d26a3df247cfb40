"""The backends a server under test runs on: a SQLite file with the in-process bus, or PostgreSQL with
Redis (several nodes' setup). Integration tests take `backend` and run on each that is reachable."""

from __future__ import annotations

import asyncio
import os
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

SQLITE_MEMORY = "sqlite+memory-bus"
POSTGRES_REDIS = "postgresql+redis"
POSTGRES_ADMIN_URL = os.environ.get("SHOWDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SHOWDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# `params` for a `backend` fixture; the second is marked so it can be selected (-m) or skipped.
BACKENDS = [SQLITE_MEMORY, pytest.param(POSTGRES_REDIS, marks=[pytest.mark.postgres, pytest.mark.redis])]


def unreachable(backend: str) -> str | None:
    """Why `backend` cannot be used here, or None."""
    if backend != POSTGRES_REDIS:
        return None
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"no Redis at {REDIS_URL} ({exc}); set SHOWDESK_TEST_REDIS_URL"
    try:
        _run_admin("SELECT 1")
    except Exception as exc:
        return f"no PostgreSQL at {POSTGRES_ADMIN_URL} ({exc}); set SHOWDESK_TEST_POSTGRES_URL"
    return None


def _run_admin(statement: str) -> None:
    """Run one statement on the admin database, in a thread of its own (the caller may be inside an
    event loop: Playwright's sync API keeps one running in the test's thread)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _admin(statement)).result()


async def _admin(statement: str) -> None:
    url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg")
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 3})
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


class ScratchDatabase:
    """A new, empty PostgreSQL database for one server under test; `drop()` removes it."""

    def __init__(self) -> None:
        self.name = f"showdesk_srv_{secrets.token_hex(6)}"
        _run_admin(f'CREATE DATABASE "{self.name}"')
        base = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg", database=self.name)
        self.url = base.render_as_string(hide_password=False)

    def drop(self) -> None:
        _run_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
