"""canned responses: an organization's (no owner) and each agent's own

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canned_responses",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization_id", sa.String(64), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("owner_user_id", sa.String(64), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_canned_responses_organization_id", "canned_responses", ["organization_id"])


def downgrade() -> None:
    op.drop_index("ix_canned_responses_organization_id", "canned_responses")
    op.drop_table("canned_responses")
