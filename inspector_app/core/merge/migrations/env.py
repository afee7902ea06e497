"""Alembic environment of the central database: runs on the engine handed over in config.attributes.

The connection is a writer (BEGIN IMMEDIATE on SQLite), so two merges opening a new database at once
migrate it one after the other.
"""

from alembic import context

from inspector_app.core.merge.migrate import VERSION_TABLE
from inspector_app.core.merge.models import CentralBase

config = context.config
engine = config.attributes["engine"]

with engine.connect().execution_options(write=True) as connection:
    context.configure(connection=connection, target_metadata=CentralBase.metadata, render_as_batch=True,
                      version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
