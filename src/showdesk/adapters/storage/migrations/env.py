"""Alembic environment: ShowDesk hands in an open connection (see SqlStore.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from showdesk.adapters.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:  # `alembic revision --autogenerate` from a developer's shell, with sqlalchemy.url set
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
