"""Alembic environment: migrations run on the engine handed over in config.attributes."""

from alembic import context

import inspector_app.core.sync.models  # noqa: F401,E402,I001 - registers sync_batches on Base.metadata
from inspector_app.core.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect().execution_options(write=True) as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
