"""video sessions remember how the network fought back: relay retries, ICE restarts, picture problems

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("video_sessions") as batch:
        batch.add_column(sa.Column("relay_retries", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("ice_restarts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("problems", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("video_sessions") as batch:
        batch.drop_column("problems")
        batch.drop_column("ice_restarts")
        batch.drop_column("relay_retries")
