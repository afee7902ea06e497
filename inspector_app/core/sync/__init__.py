"""Offline-first sync, first part: laptops push signed batches of finished inspections to a central share.

share.py documents the share's layout, bundle_format.py the batch format; push.py is the laptop side and
verify.py / quarantine.py the office's checks before a batch is merged. Qt-free.
"""

from __future__ import annotations

from inspector_app.core.sync.bundle_format import (
    BatchData,
    InspectionRecord,
    Manifest,
    bundle_name,
    json_schemas,
)
from inspector_app.core.sync.models import SyncBatch
from inspector_app.core.sync.push import PushReport, SentBatch, push
from inspector_app.core.sync.quarantine import quarantine
from inspector_app.core.sync.share import Share
from inspector_app.core.sync.verify import (
    Limits,
    Quarantine,
    VerifiedBundle,
    open_bundle,
)

__all__ = [
    "BatchData",
    "InspectionRecord",
    "Limits",
    "Manifest",
    "PushReport",
    "Quarantine",
    "SentBatch",
    "Share",
    "SyncBatch",
    "VerifiedBundle",
    "bundle_name",
    "json_schemas",
    "open_bundle",
    "push",
    "quarantine",
]
