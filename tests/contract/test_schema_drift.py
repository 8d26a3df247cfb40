"""The schema is said twice, in tables.py (what the code reads and writes) and in the migrations (what a
database becomes); Alembic's compare_metadata holds them to each other on SQLite and on PostgreSQL:
tables, columns, their types, nullability and server defaults, indexes, unique constraints, foreign keys
(all but the full-text search index, which tables.py names and each database keeps its own way)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON
from sqlalchemy.engine import Connection

from showdesk.adapters.storage.sql import SqlStore
from showdesk.adapters.storage.tables import FULL_TEXT_SEARCH, metadata


def _json_default(
    _context: Any,
    _inspected: Any,
    column: Any,
    inspected_default: str | None,
    _default: Any,
    rendered_default: str | None,
) -> bool | None:
    """PostgreSQL has no `=` for JSON, which Alembic's own comparison asks it for: JSON defaults are compared
    as text (`'[]'::json` against `'[]'`); every other column the usual way (None)."""
    if not isinstance(column.type, JSON) or inspected_default is None or rendered_default is None:
        return None
    return inspected_default.split("::")[0].strip("'") != rendered_default.strip("'")


def _modelled(name: str | None, _type: str, _parents: Any) -> bool:
    """Everything but the full-text search index, which each database keeps its own way (migration 0015)."""
    return not (name or "").startswith(FULL_TEXT_SEARCH)


def _differences(conn: Connection) -> list[Any]:
    options = {"compare_type": True, "compare_server_default": _json_default, "include_name": _modelled}
    return list(compare_metadata(MigrationContext.configure(conn, opts=options), metadata))


async def test_a_database_migrated_to_head_is_what_tables_py_says(sql_store: SqlStore) -> None:
    async with sql_store.engine.connect() as conn:
        differences = await conn.run_sync(_differences)

    assert differences == [], (
        "tables.py and the migrations disagree (a change to one needs the other: a new migration, or the "
        f"model fixed); what a migration would have to do: {differences}"
    )
