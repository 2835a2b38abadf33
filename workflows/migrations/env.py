"""Alembic environment: the engine comes from the caller (workflows.db.upgrade)."""

from alembic import context
from sqlmodel import SQLModel

# These imports register the tables on the metadata; `import workflows.x` binds the name `workflows`,
# so only the last of them needs the marker that it is imported for its side effect.
import workflows.accounts
import workflows.documents
import workflows.rating_models
import workflows.models
import workflows.outbox
import workflows.throttle  # noqa: F401
import audit.models  # noqa: F401
import inspections.draw_tables
import inspections.models  # noqa: F401

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    context.run_migrations()
