"""Moving a refused bundle to the share's quarantine/ folder with a reason file beside it.

The reason file is written first and the bundle moved second (a rename within the share; a copy, fsync and
rename when it comes from elsewhere), so a crash leaves the bundle where it was or in quarantine, never lost.
A bundle that is gone by the time it is moved (another merge took it) raises `Gone`, its reason file removed
again; one another program holds open (Windows) is waited for (files.retrying).
"""

from __future__ import annotations

import contextlib
import errno
import json
from pathlib import Path

from inspector_app.core.files import remove_file, replace_file
from inspector_app.core.store.models import utcnow
from inspector_app.core.sync.share import Share, copy_atomic, fsync_dir, write_atomic
from inspector_app.core.sync.verify import Quarantine


class Gone(FileNotFoundError):
    """The bundle was no longer there to quarantine (another merge moved it first)."""


def _free_name(folder: Path, name: str) -> str:
    """`name`, or name-2, name-3 … when a bundle of that name was quarantined before."""
    stem, suffix = (name[:-4], ".zip") if name.endswith(".zip") else (name, "")
    candidate, n = name, 1
    while (folder / candidate).exists() or (folder / f"{candidate}.reason.json").exists():
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


def _drop(path: Path) -> None:
    """Remove a reason file we wrote; a failure here must not hide the error that brought us here."""
    with contextlib.suppress(OSError):
        remove_file(path)


def quarantine(share: Share, bundle_path: Path | str, reason: Quarantine) -> Path:
    """Move the bundle into quarantine/ with `<name>.reason.json`; returns the bundle's new path."""
    source = Path(bundle_path)
    if not source.is_file():
        raise Gone(errno.ENOENT, "gone", str(source))
    share.quarantine.mkdir(parents=True, exist_ok=True)
    name = _free_name(share.quarantine, source.name)
    target = share.quarantine / name
    record = {"bundle": source.name, "reason_code": reason.reason_code, "message": reason.message,
              "quarantined_at": utcnow().isoformat()}
    reason_file = share.quarantine / f"{name}.reason.json"
    write_atomic(reason_file, json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
    try:
        try:
            replace_file(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            copy_atomic(source, target)  # another file system: copy whole, then remove the original
            remove_file(source, missing_ok=False)
    except FileNotFoundError as exc:
        if source.exists():
            raise
        _drop(reason_file)  # no orphan reason: the bundle it explained went elsewhere
        raise Gone(errno.ENOENT, "gone", str(source)) from exc
    except BaseException:
        if source.exists() and not target.exists():
            _drop(reason_file)  # still in incoming/: the next merge refuses it again, with its reason
        raise
    fsync_dir(share.quarantine)
    fsync_dir(source.parent)
    return target
