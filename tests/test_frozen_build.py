"""The built program (PyInstaller, one folder) works on its own: the same commands as `inspector-app`, a
signed sheet from demo data that `verify` accepts, and the window opening offscreen.

Builds once per test session into a temporary folder (CI is a clean checkout, so there is nothing to
reuse) with packaging/build.py, exactly as a release is built; the build time and size are printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.frozen import wait_for_build

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@dataclass
class Built:
    program: Path
    report: str
    seconds: float

    @property
    def internal(self) -> Path:
        return self.program.parent / "_internal"


def clean_env(home: Path) -> dict[str, str]:
    """No venv, no PYTHONPATH, a fresh home: the program may only use what it carries."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "INSPECTOR_APP_", "VIRTUAL_ENV")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), USERPROFILE=str(home), QT_QPA_PLATFORM="offscreen", INSPECTOR_APP_LANG="en")
    return env


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Built:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is missing: install the test extra (pip install -e '.[test]')")
    # one build per run, started in the background when these tests were collected (tests/helpers/frozen.py)
    dist, waited = wait_for_build(tmp_path_factory)
    report = (dist / "size-report.txt").read_text(encoding="utf-8")
    name = "inspector-app.exe" if sys.platform == "win32" else "inspector-app"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # shown even with -q: the figures belong in the CI log
        print(f"\nfrozen build: waited {waited:.0f} s for it; {report.splitlines()[1]}")
    return Built(dist / "inspector-app" / name, report, waited)


def run(built: Built, *args: str, home: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(built.program), *args], capture_output=True, text=True, timeout=timeout,
                          env={**clean_env(home), **env}, cwd=home, check=False)


def test_version_and_help(built, tmp_path):
    from inspector_app import __version__

    result = run(built, "--version", home=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"inspector-app {__version__}"
    help_text = run(built, "--help", home=tmp_path).stdout
    for command in ("demo-data", "report", "verify", "sync", "merge", "roster"):
        assert command in help_text


def test_demo_data_signed_sheet_verifies(built, tmp_path):
    data = tmp_path / "data"
    made = run(built, "--data-dir", str(data), "demo-data", "--inspections", "3", "--sign-sheets", home=tmp_path)
    assert made.returncode == 0, made.stderr
    listed = run(built, "--data-dir", str(data), "inspections", "list", "--format", "json", home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    finished = [row["id"] for row in json.loads(listed.stdout) if row["status"] == "finished"]
    assert finished
    pdf = tmp_path / "sheet.pdf"
    sheet = run(built, "--data-dir", str(data), "report", "sheet", finished[0], "-o", str(pdf), home=tmp_path,
                INSPECTOR_APP_PASSPHRASE="demo-passphrase")
    assert sheet.returncode == 0, sheet.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    verified = run(built, "--data-dir", str(data), "verify", str(pdf), home=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    pdf.write_bytes(pdf.read_bytes() + b"\n%appended")
    assert run(built, "--data-dir", str(data), "verify", str(pdf), home=tmp_path).returncode == 1
    audit = run(built, "--data-dir", str(data), "audit", "verify", home=tmp_path)
    assert audit.returncode == 0, audit.stderr
    # the office's side: a signed batch through a share, merged into a new central database (whose
    # migrations come from the bundled Alembic folder like the laptop's)
    share = tmp_path / "share"
    share.mkdir()
    sent = run(built, "--data-dir", str(data), "sync", "--share", str(share), home=tmp_path,
               INSPECTOR_APP_PASSPHRASE="demo-passphrase")
    assert sent.returncode == 0, sent.stderr
    merged = run(built, "--data-dir", str(data), "merge", "--central", f"sqlite:///{tmp_path / 'central.db'}",
                 "--share", str(share), "--office-dir", str(data / "office"), home=tmp_path)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert (tmp_path / "central.db").stat().st_size > 0 and list((share / "archive").rglob("*.zip"))


def test_window_opens_offscreen(built, tmp_path):
    result = run(built, "--data-dir", str(tmp_path / "data"), "--smoke-test", home=tmp_path, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test: main window shown" in result.stdout


def test_bundle_carries_data_and_leaves_out_what_we_do_not_use(built):
    internal = built.internal
    for needed in ("forms/001-assessment.yaml", "resources/fonts/wqy-microhei.ttc", "resources/i18n/zh.json",
                   "resources/icons/inspector-app-256.png", "resources/demo/roster.yaml",
                   "inspector_app/core/store/migrations/env.py",
                   "inspector_app/core/store/migrations/versions/0001_initial_schema.py",
                   "inspector_app/core/merge/migrations/env.py"):
        assert (internal / needed).is_file(), needed
    names = {path.name for path in internal.rglob("*")}
    unwanted = [n for n in names if n.startswith(("libQt6WebEngine", "libQt63D", "libQt6Quick", "_tkinter", "libtk"))]
    assert not unwanted
    assert not (internal / "pytest").exists() and not (internal / "hypothesis").exists()
    total_mb = float(built.report.splitlines()[1].split()[1])
    assert total_mb < 300, built.report  # 222 MB on Linux when measured
