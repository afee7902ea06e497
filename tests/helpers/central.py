"""A central database on either backend with a hospital's bundles merged: what the office tests start from.

Fixtures parametrised over ("sqlite", "postgresql") call `merged_central(request, folder, bundles, trusted)`;
the PostgreSQL database is a new one in the session's throwaway cluster (tests/helpers/postgres.py), the SQLite
file lives in `folder / "o"`, the merged photos and signatures in `folder / "files"` (where a later merge in the
test puts its files too).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509

from inspector_app.core.merge.database import DB_FILE, CentralDB, default_url, open_central
from inspector_app.core.merge.share import merge_files
from tests.helpers.templates import made_once


def backend_url(request: pytest.FixtureRequest, folder: Path) -> str:
    """A new central database at the schema's head, with nothing merged, for the fixture's parameter ("sqlite"
    or "postgresql"): a copy of one migrated once per process (or cluster), which every migration would
    otherwise take a third of a second (SQLite) or two thirds (PostgreSQL) to build again."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_cluster").new_central()
    target = folder / "o" / DB_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template(), target)
    return default_url(folder / "o")


def _sqlite_template() -> Path:
    def build(root: Path) -> Path:
        open_central(default_url(root)).close()  # closing checkpoints the WAL: the one file holds it all
        return root / DB_FILE

    return made_once("central", build)


@contextmanager
def merged_central(request: pytest.FixtureRequest, folder: Path, bundles: Sequence[Path],
                   trusted: list[x509.Certificate]) -> Iterator[tuple[CentralDB, str]]:
    """The central database with `bundles` merged cleanly, and its URL; closed afterwards."""
    url = backend_url(request, folder)
    db = open_central(url)
    try:
        assert merge_files(db, bundles, trusted, folder / "files").clean
        yield db, url
    finally:
        db.close()
