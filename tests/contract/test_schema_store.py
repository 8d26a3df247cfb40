"""The schema port (`ports.SchemaStore`) /readyz reads: a SQL store says its database's schema is at this
version's head (and a database without the newest migration says so); a store in memory has no schema."""

from __future__ import annotations

from sqlalchemy import text

from showdesk.adapters.storage.memory import MemoryStore
from showdesk.adapters.storage.schema_sql import migration_revisions
from showdesk.adapters.storage.sql import SqlStore
from showdesk.services.ports import Store


async def test_a_migrated_database_is_at_this_versions_head(store: Store) -> None:
    revisions = await store.schema_revisions()

    if isinstance(store, MemoryStore):
        assert revisions is None
    else:
        heads, _ = migration_revisions()
        assert revisions == heads


async def test_a_database_behind_says_which_revision_it_is_at(sql_store: SqlStore) -> None:
    [head] = await sql_store.schema_revisions() or {"none"}
    set_to = text("UPDATE alembic_version SET version_num = :revision")
    async with sql_store.engine.begin() as conn:
        await conn.execute(set_to, {"revision": "0007"})
    try:
        assert await sql_store.schema_revisions() == frozenset({"0007"})
    finally:  # the module's PostgreSQL database serves the next tests
        async with sql_store.engine.begin() as conn:
            await conn.execute(set_to, {"revision": head})
