"""video sessions keep a summary of the quality the agent received, and the detail/smooth preference

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("video_sessions") as batch:
        batch.add_column(sa.Column("quality", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("preference", sa.String(length=20), nullable=False, server_default="detail"))


def downgrade() -> None:
    with op.batch_alter_table("video_sessions") as batch:
        batch.drop_column("preference")
        batch.drop_column("quality")
