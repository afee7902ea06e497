"""Alembic migrations, run when a database is opened: the laptop's store here, the central database in
core/merge/migrate.py, through the same `Migrations` runner.

A database already at the newest revision is recognised with one query, so the app does not import Alembic
on an ordinary start (start-up time matters on a ward round).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError


class Migrations:
    """One Alembic script folder, its head revision and its version table."""

    def __init__(self, folder: Path, head: str, version_table: str = "alembic_version"):
        self.folder, self.head, self.version_table = folder, head, version_table

    def current_revision(self, engine: Engine) -> str | None:
        with engine.connect() as connection:
            try:
                return connection.execute(text(f"SELECT version_num FROM {self.version_table}")).scalar()
            except DBAPIError:
                return None  # no version table yet: a new database

    def config(self, engine: Engine):  # noqa: ANN201 - alembic is imported lazily
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(self.folder))
        config.attributes["engine"] = engine
        return config

    def upgrade(self, engine: Engine, revision: str = "head") -> None:
        if revision == "head" and self.current_revision(engine) == self.head:
            return
        from alembic import command

        command.upgrade(self.config(engine), revision)

    def script_head(self) -> str:
        from alembic.script import ScriptDirectory

        return ScriptDirectory(str(self.folder)).get_current_head() or ""


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0008"  # tests/core/test_store.py keeps this equal to Alembic's head
LOCAL = Migrations(MIGRATIONS, HEAD_REVISION)

current_revision = LOCAL.current_revision
alembic_config = LOCAL.config
upgrade = LOCAL.upgrade
script_head = LOCAL.script_head
