"""Where things live: bundled forms/resources (checkout or installed wheel) and the user's data folder."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

APP_NAME = "inspector-app"
DATA_ENV = "INSPECTOR_APP_DATA"

_PACKAGE = Path(__file__).resolve().parent.parent  # inspector_app/


@lru_cache(maxsize=None)
def _bundled(name: str) -> Path:
    # 1. a frozen (PyInstaller) build puts data beside the executable's internals
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen_root) / name] if frozen_root else []
    # 2. an installed wheel carries the folders inside the package; 3. a checkout has them at the top
    candidates += [_PACKAGE / "_bundled" / name, _PACKAGE.parent / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder '{name}' not found (looked in {', '.join(map(str, candidates))})")


def forms_dir() -> Path:
    return _bundled("forms")


def resources_dir() -> Path:
    return _bundled("resources")


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir wins, then $INSPECTOR_APP_DATA, then the platform's user-data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser().resolve()
    return default_data_dir()
