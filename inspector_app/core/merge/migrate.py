"""Alembic migrations for the central database, run by `open_central` (a database at head costs one query)."""

from __future__ import annotations

from pathlib import Path

from inspector_app.core.store.migrate import Migrations

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "c0014"  # tests/core/test_merge.py keeps this equal to Alembic's head
VERSION_TABLE = "central_alembic_version"  # distinct from the laptop store's, should both ever share a database
CENTRAL = Migrations(MIGRATIONS, HEAD_REVISION, VERSION_TABLE)

current_revision = CENTRAL.current_revision
alembic_config = CENTRAL.config
upgrade = CENTRAL.upgrade
script_head = CENTRAL.script_head
