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
        capture_output=True, text=True, timeout=300,
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
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    forms, resources, counts = result.stdout.strip().splitlines()
    assert forms.startswith(str(target)) and resources.startswith(str(target))
    loaded, problems = map(int, counts.split())
    assert loaded >= 5 and problems == 0
