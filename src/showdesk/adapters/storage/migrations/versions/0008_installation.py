"""the installation's own id: nodes sharing this database share it, and name their cluster's Redis keys by it

Revision ID: 0008
Revises: 0007
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "installation",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.bulk_insert(table, [{"key": "id", "value": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("installation")
