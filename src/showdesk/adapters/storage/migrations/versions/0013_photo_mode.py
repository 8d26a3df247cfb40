"""video_sessions: photo mode (sharp stills instead of live frames on a slow uplink) and the stills received

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("video_sessions") as batch:
        batch.add_column(sa.Column("photo_mode", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("stills", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("video_sessions") as batch:
        batch.drop_column("stills")
        batch.drop_column("photo_mode")
