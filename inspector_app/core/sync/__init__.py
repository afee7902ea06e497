"""Offline-first sync: laptops push signed batches to a central share and pull what the office published.

share.py documents the share's layout, bundle_format.py the batch format, published_format.py the office's
publication; push.py and pull.py are the laptop side (run.py: one sync = push then pull), publish.py and
verify.py / quarantine.py the office's. Qt-free.
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
from inspector_app.core.sync.publish import PublishReport, publish
from inspector_app.core.sync.pull import PullReport, pull
from inspector_app.core.sync.push import PushReport, SentBatch, push
from inspector_app.core.sync.quarantine import quarantine
from inspector_app.core.sync.run import SyncReport, sync_with_share
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
    "PublishReport",
    "PullReport",
    "PushReport",
    "Quarantine",
    "SentBatch",
    "Share",
    "SyncBatch",
    "SyncReport",
    "VerifiedBundle",
    "bundle_name",
    "json_schemas",
    "open_bundle",
    "publish",
    "pull",
    "push",
    "quarantine",
    "sync_with_share",
]
