"""Moving a refused bundle to the share's quarantine/ folder with a reason file beside it.

The reason file is written first and the bundle moved second (a rename within the share; a copy, fsync and
rename when it comes from elsewhere), so a crash leaves the bundle where it was or in quarantine, never lost.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from inspector_app.core.store.models import utcnow
from inspector_app.core.sync.share import Share, copy_atomic, fsync_dir, write_atomic
from inspector_app.core.sync.verify import Quarantine


def _free_name(folder: Path, name: str) -> str:
    """`name`, or name-2, name-3 … when a bundle of that name was quarantined before."""
    stem, suffix = (name[:-4], ".zip") if name.endswith(".zip") else (name, "")
    candidate, n = name, 1
    while (folder / candidate).exists() or (folder / f"{candidate}.reason.json").exists():
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


def quarantine(share: Share, bundle_path: Path | str, reason: Quarantine) -> Path:
    """Move the bundle into quarantine/ with `<name>.reason.json`; returns the bundle's new path."""
    source = Path(bundle_path)
    share.quarantine.mkdir(parents=True, exist_ok=True)
    name = _free_name(share.quarantine, source.name)
    target = share.quarantine / name
    record = {"bundle": source.name, "reason_code": reason.reason_code, "message": reason.message,
              "quarantined_at": utcnow().isoformat()}
    write_atomic(share.quarantine / f"{name}.reason.json",
                 json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        copy_atomic(source, target)  # another file system: copy whole, then remove the original
        source.unlink()
    fsync_dir(share.quarantine)
    fsync_dir(source.parent)
    return target
