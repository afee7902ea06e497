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


# -- order: the longest tests first, the frozen program's last -----------------------------------------------
# pytest-xdist hands tests out in collection order, so a long test collected last keeps one worker busy while
# the other idles. The faked-date runs (each a child pytest) and the concurrency tests start at once; the
# frozen program's tests come last, by when its build, started in the background at collection, is done.
FIRST = ("tests/test_faked_dates.py", "tests/core/test_merge_concurrency.py")
LAST = ("tests/test_frozen_build.py",)


def _place(item: pytest.Item) -> int:
    path = item.nodeid.split("::")[0]
    return FIRST.index(path) if path in FIRST else len(FIRST) + 1 if path in LAST else len(FIRST)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_place)  # stable: within each group the order stays as collected


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly or not any(_place(item) == len(FIRST) + 1 for item in session.items):
        return
    from tests.helpers.frozen import start_build

    start_build(session.config._tmp_path_factory)  # type: ignore[attr-defined]
