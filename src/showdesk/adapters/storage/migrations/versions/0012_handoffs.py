"""handoffs: one-time codes that move a customer's chat to another device (kept as digests); the device
kind that sends a video session

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("organization_id", sa.String(64), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("deployment_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("device", sa.String(20), nullable=True),
    )
    op.create_index("ix_handoffs_conversation_id", "handoffs", ["conversation_id"])
    with op.batch_alter_table("video_sessions") as batch:
        batch.add_column(sa.Column("device", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("video_sessions") as batch:
        batch.drop_column("device")
    op.drop_index("ix_handoffs_conversation_id", "handoffs")
    op.drop_table("handoffs")
