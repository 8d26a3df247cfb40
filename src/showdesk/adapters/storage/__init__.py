"""Storage: the SQL store (SQLite by default, PostgreSQL at scale) and an in-memory store for tests."""

from __future__ import annotations

from showdesk.services.ports import Store


async def open_store(database_url: str, secret_key: str | None = None, *, seal_plain_secrets: bool = True) -> Store:
    """A ready SQL store for the URL, its schema migrated to the newest version (a SQLite file owner-only).

    With the server's `secret_key`, stored secrets (TURN servers') are sealed and opened with it, and
    those stored in plain text by an older version are sealed now, unless `seal_plain_secrets` is off
    (`showdesk doctor` reads and never writes: its key could be the wrong one)."""
    from showdesk.adapters.storage.private_files import prepare_sqlite_file
    from showdesk.adapters.storage.sql import SqlStore

    prepare_sqlite_file(database_url)
    store = SqlStore(database_url, secret_key)
    await store.migrate()
    if secret_key and seal_plain_secrets:
        await store.seal_secrets()
    return store
