"""The SQL store: SQLAlchemy 2 async on SQLite (default) or PostgreSQL, one part per aggregate
(`<aggregate>_sql.py`) over one engine. Messages go through the group-commit writer (message_writer.py);
TURN servers' secrets are sealed with the server's key (sealed.py); a SQLite database is held (a shared
flock on `<db>-lock`) while it is open, so `showdesk restore` refuses it (sqlite_backup.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from showdesk.adapters.storage.audit_sql import SqlAuditStore
from showdesk.adapters.storage.canned_responses_sql import SqlCannedResponseStore
from showdesk.adapters.storage.configuration_sql import SqlConfigurationStore
from showdesk.adapters.storage.conversations_sql import SqlConversationStore
from showdesk.adapters.storage.directory_sql import SqlDirectoryStore
from showdesk.adapters.storage.handoffs_sql import SqlHandoffStore
from showdesk.adapters.storage.message_writer import MessageWriter
from showdesk.adapters.storage.photos_sql import SqlPhotoStore
from showdesk.adapters.storage.private_files import sqlite_file
from showdesk.adapters.storage.retention_sql import SqlRetentionStore
from showdesk.adapters.storage.schema_sql import SqlSchema
from showdesk.adapters.storage.sealed import NoSecretBox, Sealer, SecretBox
from showdesk.adapters.storage.sqlite_backup import SqliteHold
from showdesk.adapters.storage.sqlite_messages import PRAGMAS as SQLITE_PRAGMAS
from showdesk.adapters.storage.tokens_sql import SqlRevokedTokenStore
from showdesk.adapters.storage.video_sql import SqlVideoStore


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in SQLITE_PRAGMAS:  # the same as the message process's connection
        cursor.execute(pragma)
    cursor.close()


class SqlStore(
    SqlConversationStore,
    SqlDirectoryStore,
    SqlConfigurationStore,
    SqlVideoStore,
    SqlPhotoStore,
    SqlAuditStore,
    SqlRetentionStore,
    SqlRevokedTokenStore,
    SqlHandoffStore,
    SqlCannedResponseStore,
    SqlSchema,
):
    def __init__(self, url: str, secret_key: str | None = None) -> None:
        self.url = url
        # Without the server's key (commands that touch no secret), sealed secrets read as not set.
        self.secrets: Sealer = SecretBox(secret_key) if secret_key else NoSecretBox()
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            # A fixed pool: each aiosqlite connection is a thread, so none are made and dropped under load.
            self.engine: AsyncEngine = create_async_engine(url, pool_size=8, max_overflow=0, pool_timeout=30)
            event.listen(self.engine.sync_engine, "connect", _on_sqlite_connect)
        else:
            self.engine = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        self._writer = MessageWriter(self.engine)
        database = sqlite_file(url)
        # Held while open: `showdesk restore` refuses a database a server or a command is using.
        self._hold = SqliteHold(database) if database is not None else None

    async def close(self) -> None:
        await self._writer.close()
        await self.engine.dispose()
        if self._hold is not None:
            self._hold.release()
