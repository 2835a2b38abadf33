"""Alembic environment: the engine comes from the caller (workflows.db.upgrade)."""

from alembic import context
from sqlmodel import SQLModel

import workflows.models  # noqa: F401  (registers the tables on the metadata)

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    context.run_migrations()
