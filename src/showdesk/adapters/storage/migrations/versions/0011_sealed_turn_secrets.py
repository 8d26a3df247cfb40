"""turn_servers: secret and credential as text, room for their sealed form (AES-GCM, base64); the rows
are sealed at the next start by the server, which holds the key (adapters/storage/sealed.py)

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("turn_servers") as batch:
        batch.alter_column("secret", type_=sa.Text(), existing_type=sa.String(500), existing_nullable=False)
        batch.alter_column("credential", type_=sa.Text(), existing_type=sa.String(500), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("turn_servers") as batch:
        batch.alter_column("secret", type_=sa.String(500), existing_type=sa.Text(), existing_nullable=False)
        batch.alter_column("credential", type_=sa.String(500), existing_type=sa.Text(), existing_nullable=False)
