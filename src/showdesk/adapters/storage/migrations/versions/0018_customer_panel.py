"""the customer panel: what the site and the browser told about a chat's customer, and the site's own id
for the customer (indexed within the organization, for their earlier chats)

Revision ID: 0018
Revises: 0017

Only columns are added to `conversations` (SQLite's ALTER TABLE ADD COLUMN, no rebuild), so the full-text
triggers of 0015 on `messages` are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("customer_info", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("customer_ref", sa.String(100), nullable=True))
    op.create_index("ix_conversations_org_customer", "conversations", ["organization_id", "customer_ref"])


def downgrade() -> None:
    op.drop_index("ix_conversations_org_customer", "conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("customer_ref")
        batch.drop_column("customer_info")
