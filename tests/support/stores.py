"""Real stores for tests that run on every backend: a SQLite file, or a scratch PostgreSQL database."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from showdesk.adapters.storage.sql import SqlStore

# The server in PostgreSQL tests: the `test` database is only where scratch databases are made from.
POSTGRES_ADMIN_URL = os.environ.get("SHOWDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# `params` for a store fixture: SQLite always, PostgreSQL marked so it can be selected or skipped.
SQL_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@asynccontextmanager
async def migrated_store(backend: str, folder: Path) -> AsyncIterator[SqlStore]:
    """A migrated SqlStore on `backend` (sqlite: a file in `folder`; postgresql: a scratch database)."""
    if backend == "sqlite":
        store = SqlStore(f"sqlite+aiosqlite:///{folder / 'showdesk.db'}")
        await store.migrate()
        try:
            yield store
        finally:
            await store.close()
        return
    async with scratch_postgres() as url:
        store = SqlStore(url)
        await store.migrate()
        try:
            yield store
        finally:
            await store.close()


@asynccontextmanager
async def scratch_postgres() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards; its SQLAlchemy URL.

    Skips the test, saying why, when PostgreSQL is not reachable at POSTGRES_ADMIN_URL.
    """
    admin_url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg")
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 3})
    name = f"showdesk_test_{secrets.token_hex(6)}"
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except (OSError, DBAPIError) as exc:
        await admin.dispose()
        pytest.skip(
            f"no scratch database on PostgreSQL at {POSTGRES_ADMIN_URL} ({exc}); set SHOWDESK_TEST_POSTGRES_URL"
        )
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
