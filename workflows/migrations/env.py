"""Alembic environment: the engine comes from the caller (workflows.db.upgrade)."""

from alembic import context
from sqlmodel import SQLModel

import workflows.accounts  # noqa: F401  (these imports register the tables on the metadata)
import workflows.documents  # noqa: F401
import workflows.feedback  # noqa: F401
import workflows.models  # noqa: F401
import workflows.throttle  # noqa: F401
import audit.models  # noqa: F401

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    context.run_migrations()
