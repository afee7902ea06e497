"""CLI fixtures: the command line run in this process over a fresh data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import CliRun, cli_runner


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> CliRun:
    """`run(*args, lang="en")` → (exit code, stdout, stderr) over <tmp>/data (`run.data`)."""
    return cli_runner(tmp_path / "data", capsys)
