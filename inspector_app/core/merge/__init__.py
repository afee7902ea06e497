"""The office's side of sync: merging verified batch bundles into one central database. Qt-free.

models.py is the central schema (its own metadata and Alembic migrations in migrations/), database.py opens it
by URL, rows.py turns a bundle into rows, service.py merges one bundle (or a group: bulk.py writes its rows),
share.py a share's incoming/ folder (verifying in workers.py, writing a group beside that in writer.py).
"""

from __future__ import annotations

from inspector_app.core.merge.database import CentralDB, default_url, open_central
from inspector_app.core.merge.service import ConflictRef, MergeResult, merge_bundle
from inspector_app.core.merge.share import (
    BundleOutcome,
    ShareReport,
    merge_files,
    merge_share,
)

__all__ = [
    "BundleOutcome",
    "CentralDB",
    "ConflictRef",
    "MergeResult",
    "ShareReport",
    "default_url",
    "merge_bundle",
    "merge_files",
    "merge_share",
    "open_central",
]
