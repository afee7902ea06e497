"""Run the benchmarks and print each figure with its same-run baseline and ratio.

    .venv/bin/python tests/benchmarks/run.py [--only NAME ...] [--json FILE]

Not part of the test suite: speed and memory live here, not in timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _quiet_qt() -> None:
    """The offscreen platform warns on every window resize ("does not support propagateSizeHints"):
    noise that would bury the figures."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(kind, context, message) -> None:  # noqa: ANN001
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def main() -> int:
    _quiet_qt()
    import bench_core

    suites = {"core": bench_core.ALL}
    try:
        import bench_gui  # the GUI benchmarks, once the GUI exists

        suites["gui"] = bench_gui.ALL
    except ImportError:
        pass
    try:
        import bench_merge  # the central-merge benchmarks

        suites["merge"] = bench_merge.ALL
    except ImportError:
        pass
    try:
        import bench_documents  # the official documents against reportlab alone

        suites["documents"] = bench_documents.ALL
    except ImportError:
        pass
    try:
        import central_load  # a year of central data in PostgreSQL, then the monthly summary queries

        suites["central"] = central_load.ALL
    except ImportError:
        pass
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="benchmark function or suite names (e.g. bench_record, merge)")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    args = parser.parse_args()
    figures = []
    for name, suite in suites.items():
        for bench in suite:
            if args.only and bench.__name__ not in args.only and name not in args.only:
                continue
            for figure in bench():
                print(figure.line(), flush=True)
                figures.append(figure)
    if args.json:
        Path(args.json).write_text(json.dumps([f.to_dict() for f in figures], ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
