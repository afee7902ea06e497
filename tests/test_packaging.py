"""A non-editable install (a built wheel) carries forms/ and resources/ and finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    return next(out.glob("inspector_app-*.whl"))


def test_wheel_contains_forms_and_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "inspector_app/_bundled/forms/001-assessment.yaml" in names
    assert "inspector_app/_bundled/resources/demo/roster.yaml" in names
    assert "inspector_app/_bundled/resources/i18n/zh.json" in names
    assert "inspector_app/core/store/migrations/versions/0001_initial_schema.py" in names


def test_installed_wheel_finds_its_data_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "import inspector_app.core.paths as p, sys;"
        "from inspector_app.core.checklists import ChecklistLibrary;"
        "lib = ChecklistLibrary.load();"
        "print(p.forms_dir()); print(p.resources_dir()); print(len(lib), len(lib.problems))"
    )
    # run from an unrelated folder with only the unpacked wheel (plus the dependencies) importable
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env, check=False,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    forms, resources, counts = result.stdout.strip().splitlines()
    assert forms.startswith(str(target)) and resources.startswith(str(target))
    loaded, problems = map(int, counts.split())
    assert loaded >= 5 and problems == 0


# -- the PyInstaller build's inputs (the build itself: tests/test_frozen_build.py) ------------------------
def test_spec_uses_only_relative_paths():
    spec = (ROOT / "packaging" / "inspector-app.spec").read_text(encoding="utf-8")
    for fixed in ("/usr/", "/home/", "/work/", "/tmp/", "site-packages", "C:\\", "\\\\"):
        assert fixed not in spec, fixed
    assert "SPECPATH" in spec and "inspector-app-gui" in spec  # rooted at the spec; the windowed Windows twin


def test_build_extra_and_test_extra_carry_pyinstaller():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(req.startswith("pyinstaller") for req in extras["build"])
    assert any(req.startswith("pyinstaller") for req in extras["test"])


def test_icons_and_desktop_entry():
    from PIL import Image

    icons = ROOT / "resources" / "icons"
    for size in (16, 32, 48, 256):
        assert Image.open(icons / f"inspector-app-{size}.png").size == (size, size)
    ico = Image.open(icons / "inspector-app.ico")
    assert ico.format == "ICO" and {(16, 16), (32, 32), (256, 256)} <= set(ico.info["sizes"])
    entry = (ROOT / "packaging" / "inspector-app.desktop").read_text(encoding="utf-8").splitlines()
    assert entry[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in entry[1:] if "=" in line)
    assert keys["Type"] == "Application" and keys["Icon"] == "inspector-app" and keys["Exec"].startswith("inspector-app")
    assert keys["Name[zh_CN]"] == "优质服务督查" and keys["Terminal"] == "false"


def test_window_smoke_test_from_the_checkout(tmp_path):
    """The hidden --smoke-test the frozen-build test uses: the window opens offscreen, exit 0; an empty data
    folder does not stop at the first-run wizard in this mode."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "inspector_app", "--data-dir", str(tmp_path / "data"),
                             "--smoke-test"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "smoke test: main window shown" in result.stdout
