"""The SQL store's schema: Alembic's migrations applied at start, and the revisions a database is at
(what /readyz compares with this version's head)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from showdesk.adapters.storage.sql_rows import SqlRows

MIGRATIONS = Path(__file__).with_name("migrations")


def _run_migrations(sync_conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


def migration_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The schema revisions this version migrates to (Alembic's heads; one while history is linear), and
    every revision it knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(cfg)
    return frozenset(scripts.get_heads()), frozenset(s.revision for s in scripts.walk_revisions())


class SqlSchema(SqlRows):
    async def migrate(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_migrations)

    async def schema_revisions(self) -> frozenset[str]:
        """The revisions the database's schema is at (Alembic's version table): one query, so it also says
        whether the database answers."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(row[0]) for row in rows)
