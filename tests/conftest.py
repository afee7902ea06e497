"""Test-wide setup: headless Qt, the shared fixtures of tests/helpers/fixtures.py, language reset."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) does not put the checkout on sys.path
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

pytest.register_assert_rewrite("tests.helpers")

from tests.helpers.fixtures import *  # noqa: E402,F401,F403  (fixtures are found by name in this module)
from tests.helpers.postgres import postgres_cluster, postgres_url  # noqa: E402,F401 - a real server for merges
from tests.helpers.windows import (  # noqa: E402,F401 - Windows file semantics (issue #18)
    windows,
    windows_everywhere,  # autouse: @pytest.mark.windows, or INSPECTOR_TEST_WINDOWS=1 for every test
)
