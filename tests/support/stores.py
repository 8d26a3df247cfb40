"""Stores for tests that run on every backend: in memory, a SQLite file, or a scratch PostgreSQL database.

`Databases` keeps one module's migrated databases, so a contract test module migrates once per backend:
each test gets a copy of a migrated SQLite file, or the module's PostgreSQL database emptied."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Awaitable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.memory import MemoryStore
from showdesk.adapters.storage.sql import SqlStore
from showdesk.services.ports import Store

T = TypeVar("T")

# The server in PostgreSQL tests: the `test` database is only where scratch databases are made from.
POSTGRES_ADMIN_URL = os.environ.get("SHOWDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# `params` for a store fixture: SQLite always, PostgreSQL marked so it can be selected or skipped.
SQL_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# ... and the store in memory every unit test runs on, held to the same contract.
STORE_BACKENDS = ["memory", *SQL_BACKENDS]
# The server's key in store tests: TURN servers' secrets are stored sealed with it.
SECRET_KEY = "contract-tests-secret-key-0123456789"
# Emptied before each test on the module's PostgreSQL database, referring rows first (DELETE: a TRUNCATE
# of every table costs PostgreSQL tenths of a second); the installation's id is kept, as it stays.
_EMPTIED = [table for table in reversed(t.metadata.sorted_tables) if table is not t.installation]


def _in_a_thread(work: Awaitable[T]) -> T:
    """Run `work` on an event loop of its own (a module fixture is made outside the tests' loops)."""

    async def run() -> T:
        return await work

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


async def _migrate(url: str) -> None:
    store = SqlStore(url)
    try:
        await store.migrate()
    finally:
        await store.close()


class Databases:
    """One test module's migrated databases, each made when first asked for: a SQLite file that every
    test gets a copy of, and a scratch PostgreSQL database every test gets emptied. `drop()` at the end."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._postgres_name: str | None = None
        self._no_postgres: str | None = None

    def sqlite_url(self, folder: Path) -> str:
        """A copy of the migrated SQLite file in `folder`; its URL."""
        if self._sqlite is None:
            template = self._folder / "template.db"
            _in_a_thread(_migrate(f"sqlite+aiosqlite:///{template}"))
            self._sqlite = template
        database = folder / "showdesk.db"
        shutil.copyfile(self._sqlite, database)
        return f"sqlite+aiosqlite:///{database}"

    def postgres_url(self) -> str:
        """The module's migrated PostgreSQL database; skips, saying why, when PostgreSQL is not reachable."""
        if self._no_postgres is not None:
            pytest.skip(self._no_postgres)
        if self._postgres is None:
            admin_url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg")
            name = f"showdesk_contract_{secrets.token_hex(6)}"
            try:
                _in_a_thread(_admin(admin_url.render_as_string(hide_password=False), f'CREATE DATABASE "{name}"'))
            except (OSError, DBAPIError) as exc:
                self._no_postgres = (
                    f"no scratch database on PostgreSQL at {POSTGRES_ADMIN_URL} ({exc}); set SHOWDESK_TEST_POSTGRES_URL"
                )
                pytest.skip(self._no_postgres)
            self._postgres_name = name
            url = admin_url.set(database=name).render_as_string(hide_password=False)
            _in_a_thread(_migrate(url))
            self._postgres = url
        return self._postgres

    @asynccontextmanager
    async def store(self, backend: str, folder: Path) -> AsyncIterator[Store]:
        """An empty store of `backend` for one test (memory, sqlite or postgresql), closed afterwards."""
        if backend == "memory":
            yield MemoryStore()
            return
        if backend == "sqlite":
            opened = SqlStore(self.sqlite_url(folder), SECRET_KEY)
        else:
            opened = SqlStore(self.postgres_url(), SECRET_KEY)
            async with opened.engine.begin() as conn:
                for table in _EMPTIED:
                    await conn.execute(table.delete())
        try:
            yield opened
        finally:
            await opened.close()

    def drop(self) -> None:
        if self._postgres_name is not None:
            admin_url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg")
            statement = f'DROP DATABASE IF EXISTS "{self._postgres_name}" WITH (FORCE)'
            _in_a_thread(_admin(admin_url.render_as_string(hide_password=False), statement))


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 3})
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


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
