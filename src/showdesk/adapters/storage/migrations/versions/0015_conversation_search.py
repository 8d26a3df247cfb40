"""conversations found by time, queue, agent, state and the words of their messages

Revision ID: 0015
Revises: 0014

- `ix_conversations_org_created`: an organization's conversations newest first (every search's order).
- Full-text search over `messages.text`, outside tables.py (each database has its own kind):
  on SQLite an FTS5 index `messages_fts` over the messages' own rows (external content, keyed by their
  rowid) kept by three triggers; on PostgreSQL a GIN index of `to_tsvector('simple', text)`.
  A later migration that rebuilds `messages` on SQLite (`batch_alter_table`) drops the triggers and
  renumbers rowids: it must create the triggers again and end with `INSERT INTO messages_fts(messages_fts)
  VALUES ('rebuild')`.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE messages_fts USING fts5("
    "text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
    "INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text); END",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    op.create_index("ix_conversations_org_created", "conversations", ["organization_id", "created_at", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    else:
        op.execute("CREATE INDEX ix_messages_text_search ON messages USING gin (to_tsvector('simple', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("messages_fts_insert", "messages_fts_delete", "messages_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS messages_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_messages_text_search")
    op.drop_index("ix_conversations_org_created", table_name="conversations")
