"""Storage: the SQL store (SQLite by default, PostgreSQL at scale) and an in-memory store for tests."""

from __future__ import annotations

from showdesk.services.ports import Store


async def open_store(database_url: str) -> Store:
    """A ready SQL store for the URL, its schema migrated to the newest version (a SQLite file owner-only)."""
    from showdesk.adapters.storage.private_files import prepare_sqlite_file
    from showdesk.adapters.storage.sql import SqlStore

    prepare_sqlite_file(database_url)
    store = SqlStore(database_url)
    await store.migrate()
    return store
