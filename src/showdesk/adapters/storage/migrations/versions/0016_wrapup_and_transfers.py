"""wrap-up codes, the wrap-up a conversation was closed with, its transfers, and the queue setting that
makes a wrap-up code required

Revision ID: 0016
Revises: 0015

Only columns are added to `conversations` (SQLite's ALTER TABLE ADD COLUMN, no rebuild), so the full-text
triggers of 0015 on `messages` are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wrapup_codes",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization_id", sa.String(64), sa.ForeignKey("organizations.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("organization_id", "name"),
    )
    with op.batch_alter_table("queues") as batch:
        batch.add_column(sa.Column("wrapup_required", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("wrapup_code_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("wrapup_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("wrapup_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("wrapped_up_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("transfers", sa.JSON(), nullable=True))
    op.create_index("ix_conversations_org_wrapped_up", "conversations", ["organization_id", "wrapped_up_at"])


def downgrade() -> None:
    op.drop_index("ix_conversations_org_wrapped_up", "conversations")
    with op.batch_alter_table("conversations") as batch:
        for column in ("transfers", "wrapped_up_at", "wrapup_note", "wrapup_name", "wrapup_code_id"):
            batch.drop_column(column)
    with op.batch_alter_table("queues") as batch:
        batch.drop_column("wrapup_required")
    op.drop_table("wrapup_codes")
