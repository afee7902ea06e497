"""Shared fixtures and builders for the core tests (imported by tests/conftest.py).

Fixtures: data_dir, workspace, demo_workspace, recorder, start_inspection, checklist_builder, english, and the
autouse language reset. Builders (plain functions, usable in module-scoped fixtures and hypothesis tests):
open_demo_workspace, build_checklist / ItemSpec, local_time, sqlite_rows, child_env, make_image.
"""

from __future__ import annotations

import ast
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from inspector_app.core.checklists import Checklist, ChecklistLibrary
from inspector_app.core.demo import ensure_demo_roster
from inspector_app.core.i18n import set_language
from inspector_app.core.paths import forms_dir
from inspector_app.core.recording import NewInspection, Recorder
from inspector_app.core.store.database import DB_FILE
from inspector_app.core.store.models import DeviceState, Inspection
from inspector_app.core.workspace import Workspace
from tests.helpers.templates import made_once

__all__ = [
    "ASSESSMENT",
    "FAST",
    "REPO",
    "TZ8",
    "ItemSpec",
    "build_checklist",
    "bundled_library",
    "checklist_builder",
    "child_env",
    "copy_data_folder",
    "data_dir",
    "demo_template",
    "demo_workspace",
    "english",
    "local_time",
    "make_image",
    "open_demo_workspace",
    "recorder",
    "reset_language",
    "seed_from_template",
    "sqlite_rows",
    "start_inspection",
    "store_template",
    "training_library",
    "workspace",
]

REPO = Path(__file__).resolve().parents[2]
ASSESSMENT = "svc-001-assessment"  # 001 §四: the nine rules
TZ8 = timezone(timedelta(hours=8))  # China Standard Time
SYNTHETIC_SOURCE = "001_ce073555502355fb.txt"

# Hypothesis: modest, repeatable, no example database written into the checkout.
FAST = hypothesis_settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# -- language -----------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    """Every test starts and ends in Chinese, the default UI language."""
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("zh")


# -- workspaces ---------------------------------------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def store_template(roster: bool) -> Path:
    """A closed data folder made once per process: a migrated empty store (and settings), with the demo
    roster or without, and no device identity yet, so every copy gets its own device id. Opening a new
    folder runs every migration (0.2 s, 0.3 s with the roster); a copy opens in 0.01 s."""

    def build(root: Path) -> Path:
        folder = root / "data"
        ws = Workspace.open(folder)
        try:
            assert not roster or ensure_demo_roster(ws)
            with ws.db.read() as session:
                assert session.get(DeviceState, "device") is None
        finally:
            ws.close()
        return folder

    return made_once("store-roster" if roster else "store", build)


@pytest.fixture(scope="session")
def demo_template() -> Path:
    """A closed data folder with the demo roster loaded (see store_template)."""
    return store_template(roster=True)


def seed_from_template(template: Path, data_dir: Path) -> None:
    """Copy a closed store (and its settings) into a fresh data folder: each test gets its own device id."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for source in template.iterdir():
        if source.name.startswith(DB_FILE) or source.name == "settings.json":
            shutil.copy2(source, data_dir / source.name)


def copy_data_folder(template: Path, data_dir: Path) -> None:
    """Copy a closed data folder whole (store, settings, identity, trust, caches): a test starts where the
    template's builder stopped, device id and keys included, in a second instead of the build's seconds."""
    shutil.copytree(template, data_dir, ignore=shutil.ignore_patterns(".lock"))


@pytest.fixture
def workspace(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Workspace]:
    """Workspace.open(data_dir), closed after the test; a new folder starts as a copy of a migrated store (a
    demo_workspace test's with the demo roster)."""
    if not data_dir.exists():
        seed_from_template(store_template(roster="demo_workspace" in request.fixturenames), data_dir)
    ws = Workspace.open(data_dir)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def demo_workspace(workspace: Workspace) -> Workspace:
    """A workspace holding the fictional demo hospital's roster (resources/demo/roster.yaml)."""
    ensure_demo_roster(workspace)  # already there when seeded from the session template
    return workspace


def open_demo_workspace(data_dir: Path) -> Workspace:
    """Open (exclusively) a data folder and load the demo roster; the caller closes it. A new folder starts as
    a copy of the migrated store with the roster."""
    if not data_dir.exists():
        seed_from_template(store_template(roster=True), data_dir)
    ws = Workspace.open(data_dir)
    ensure_demo_roster(ws)
    return ws


@pytest.fixture
def recorder(demo_workspace: Workspace) -> Recorder:
    return Recorder(demo_workspace, actor="tester")


StartInspection = Callable[..., Inspection]


@pytest.fixture(scope="session")
def bundled_library() -> ChecklistLibrary:
    """The bundled forms, loaded once (each Workspace would otherwise load and quote-check them again)."""
    return ChecklistLibrary.load()

@pytest.fixture(scope="session")
def training_library() -> ChecklistLibrary:
    """The shipped checklists with the training ones (the drills' scenario packs refer to both)."""
    return ChecklistLibrary.load(forms_dir(), include_training=True)


@pytest.fixture
def start_inspection(recorder: Recorder, bundled_library: ChecklistLibrary) -> StartInspection:
    """`start_inspection("W-REG", checklist_id=..., started_at=..., training=...)` → a draft Inspection."""

    def start(department: str = "W-REG", checklist_id: str = ASSESSMENT, **fields: Any) -> Inspection:
        fields.setdefault("inspector_name", "测试督查员")
        return recorder.start(NewInspection(checklist_id=checklist_id, department=department, **fields),
                              bundled_library.get(checklist_id))

    return start


def local_time(year: int, month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0,
               tz: timezone = TZ8) -> datetime:
    """An aware local time (China Standard Time unless told)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


# -- direct database access (behind the app's back) ----------------------------------------------------
def sqlite_rows(data_dir: Path, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Rows from a separate plain sqlite3 connection to the data folder's store."""
    connection = sqlite3.connect(data_dir / DB_FILE)
    try:
        return connection.execute(sql, tuple(params)).fetchall()
    finally:
        connection.close()


def child_env() -> dict[str, str]:
    """Environment for a `sys.executable -c` child that imports inspector_app from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


CliRun = Callable[..., tuple[int, str, str]]


def cli_runner(data: Path, capsys: pytest.CaptureFixture[str]) -> CliRun:
    """`run(*args, lang="en")`: `inspector-app --data-dir DATA --lang LANG ARGS` in this process, returning
    (exit code, stdout, stderr); `run.data` is the data folder."""
    from inspector_app.cli.main import main

    def run(*args: str, lang: str = "en") -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), "--lang", lang, *args])
        out, err = capsys.readouterr()
        return code, out, err

    run.data = data  # type: ignore[attr-defined]
    return run


def modules_loaded_by(code: str, candidates: Sequence[str]) -> list[str]:
    """Which of `candidates` a fresh interpreter has imported after running `code` (start-up cost checks)."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {list(candidates)!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=child_env())
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def make_image(path: Path, size: tuple[int, int] = (1200, 800), mode: str = "RGB", fmt: str = "PNG") -> Path:
    """A small real image file (Pillow) with some detail so encoders do real work."""
    from PIL import Image, ImageDraw

    colour = (200, 30, 30, 255) if mode == "RGBA" else (200, 30, 30)
    image = Image.new(mode, size, colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 40):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(20, 120, 220) if mode == "RGB" else (20, 120, 220, 128))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format=fmt)
    return path


# -- synthetic checklists -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemSpec:
    code: str
    points: float | None  # None: a finding without points (deducts: false)
    charge_to: str = "person"  # 'person' | 'department'
    cap: float | None = None


def _assumed(value: float) -> dict[str, Any]:
    return {"value": value, "basis": "assumption", "note": "test value"}


def build_checklist(items: Sequence[ItemSpec], *, mode: str = "tally", head_multiplier: float | None = 2.0,
                    pay_percent_per_point: float = 1.0, base_score: float = 100.0, pass_score: float = 60.0,
                    checklist_id: str = "test-synthetic", deadline_days: int = 7) -> Checklist:
    """A pydantic Checklist built in code (no file, no quote check): tally or scored, with optional caps."""
    if mode == "tally":
        scoring: dict[str, Any] = {"mode": "tally", "head_multiplier": _assumed(head_multiplier or 1.0),
                                   "pay_percent_per_point": _assumed(pay_percent_per_point)}
    else:
        scoring = {"mode": "scored", "base_score": _assumed(base_score), "pass_score": _assumed(pass_score)}
        if head_multiplier is not None:
            scoring["head_multiplier"] = _assumed(head_multiplier)
    body = {
        "id": checklist_id,
        "version": 1,
        "title": "测试清单",
        "inspects": ["department"],
        "scoring": scoring,
        "default_deadline_days": _assumed(deadline_days),
        "sources": [SYNTHETIC_SOURCE],
        "sections": [{
            "code": "T",
            "title": "测试",
            "items": [{
                "code": spec.code,
                "text": f"测试项 {spec.code}",
                "category": "服务态度",
                **({"points": spec.points, "points_basis": "assumption", "points_note": "test value"}
                   if spec.points is not None else {"deducts": False}),
                "charge_to": spec.charge_to,
                "cap": spec.cap,
                "source": {"file": SYNTHETIC_SOURCE, "section": "test", "quote": "test quote"},
            } for spec in items],
        }],
    }
    return Checklist.model_validate(body)


@pytest.fixture
def checklist_builder() -> Callable[..., Checklist]:
    return build_checklist

