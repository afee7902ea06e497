"""Things a test run builds once per process and copies for each test (a migrated store, a migrated central
database): migrating for every test took a fifth to a third of a second each, several minutes of a run."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

_MADE: dict[str, Path] = {}


def made_once(name: str, build: Callable[[Path], Path]) -> Path:
    """`build(root)`'s path, built the first time `name` is asked for in this process, in a fresh folder
    `root` removed when the process ends; later calls hand back the same path (copy it, never change it)."""
    if name not in _MADE:
        root = Path(tempfile.mkdtemp(prefix=f"inspector-{name}-"))
        atexit.register(shutil.rmtree, root, True)
        _MADE[name] = build(root)
    return _MADE[name]
