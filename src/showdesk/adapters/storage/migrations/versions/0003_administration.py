"""administration: flow versions, API clients, TURN servers, audit log

Revision ID: 0003
Revises: 0002
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flow_versions",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["flow_id"], ["flows.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("flow_id", "version"),
    )
    op.create_index("ix_flow_versions_flow_id", "flow_versions", ["flow_id"])
    _keep_current_flows_as_versions()
    op.create_table(
        "api_clients",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organization_id", "name"),
    )
    op.create_index("ix_api_clients_organization_id", "api_clients", ["organization_id"])
    op.create_table(
        "turn_servers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.Column("authentication", sa.String(length=20), nullable=False),
        sa.Column("secret", sa.String(length=500), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("credential", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organization_id", "name"),
    )
    op.create_index("ix_turn_servers_organization_id", "turn_servers", ["organization_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=80), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_org_id", "audit_log", ["organization_id", "id"])


def _keep_current_flows_as_versions() -> None:
    """Flows saved before versions were kept get their current definition as their one known version."""
    flows = sa.table(
        "flows",
        sa.column("id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("definition", sa.JSON),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    versions = sa.table(
        "flow_versions",
        sa.column("id", sa.String),
        sa.column("flow_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("definition", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("created_by", sa.String),
    )
    conn = op.get_bind()
    for flow in conn.execute(sa.select(flows)).all():
        conn.execute(
            versions.insert().values(
                id=f"{flow.id}:{flow.version}",
                flow_id=flow.id,
                version=flow.version,
                definition=flow.definition,
                created_at=flow.updated_at or datetime.now(UTC),
                created_by="(saved before versions were kept)",
            )
        )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("turn_servers")
    op.drop_table("api_clients")
    op.drop_table("flow_versions")
