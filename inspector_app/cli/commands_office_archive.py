"""`inspector-app office prune-archive`: free the share's archive/ of bundles the central database holds
(issue #18: a FAT32 stick or a small share fills up; the service is core/merge/archive.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector_app.cli.common import central_option
from inspector_app.core.i18n import tr


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds `prune-archive` under `office` (commands_office.register calls this)."""
    prune = office_actions.add_parser("prune-archive", help=tr(
        "delete archived batches older than the kept months, only those the central database merged"))
    central_option(prune)
    prune.add_argument("--share", required=True, metavar="PATH", help=tr("the shared folder"))
    prune.add_argument("--keep-months", type=int, default=24, metavar="N",
                       help=tr("keep the last N months, the current one included (default 24)"))
    prune.add_argument("--dry-run", action="store_true", help=tr("only list what would be deleted"))
    prune.set_defaults(handler=office_prune_archive_cmd)


def office_prune_archive_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.merge import open_central
    from inspector_app.core.merge.archive import prune_archive
    from inspector_app.core.sync import Share

    central = open_central(args.central)
    try:
        report = prune_archive(Share(Path(args.share).expanduser()), central, args.keep_months,
                               dry_run=args.dry_run)
    finally:
        central.close()
    megabytes = f"{report.freed_bytes / 1_048_576:.1f}"
    if args.dry_run:
        print(tr("Would delete {n} archived batches from before {month} ({mb} MB).", n=len(report.removed),
                 month=report.cutoff, mb=megabytes))
    else:
        print(tr("Deleted {n} archived batches from before {month} ({mb} MB).", n=len(report.removed),
                 month=report.cutoff, mb=megabytes))
    for path in report.not_merged:
        print(tr("Kept {name}: the central database has not merged these bytes.", name=path.name))
    for path in report.held:
        print(tr("Kept {name}: another program holds it open; run again later.", name=path.name))
    return 0
