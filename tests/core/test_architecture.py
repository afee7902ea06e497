"""The core never imports Qt: the command line, the importer and the tests run without a GUI."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers.fixtures import child_env

IMPORT_ALL = """
import importlib, json, pkgutil, sys
import inspector_app.core as core
imported, failed = [], {}
for module in pkgutil.walk_packages(core.__path__, prefix="inspector_app.core."):
    if ".migrations" in module.name:  # Alembic scripts run inside Alembic only
        continue
    try:
        importlib.import_module(module.name)
        imported.append(module.name)
    except Exception as exc:
        failed[module.name] = repr(exc)
qt = sorted(name for name in sys.modules if name.split(".")[0].startswith(("PySide6", "shiboken6", "PyQt")))
print(json.dumps({"imported": imported, "failed": failed, "qt": qt}))
"""


def test_core_imports_no_qt():
    env = child_env()
    env.pop("QT_API", None)
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["failed"] == {}
    assert {"inspector_app.core.recording", "inspector_app.core.scoring", "inspector_app.core.summary",
            "inspector_app.core.store.audit", "inspector_app.core.workspace"} <= set(result["imported"])
    assert result["qt"] == []
