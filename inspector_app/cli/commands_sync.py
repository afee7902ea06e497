"""`inspector-app sync --share PATH`: send finished inspections to the central share."""

from __future__ import annotations

import argparse

from inspector_app.cli.common import open_workspace
from inspector_app.core.i18n import tr


def register(commands: argparse._SubParsersAction) -> None:
    sync = commands.add_parser("sync", help=tr("send finished inspections to the central share"))
    sync.add_argument("--share", required=True, metavar="PATH", help=tr("the shared folder or USB stick"))
    sync.add_argument("--passphrase-file", metavar="FILE", help=tr("file whose first line is the passphrase"))
    sync.set_defaults(handler=sync_cmd)


def sync_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.identity import resolve_passphrase
    from inspector_app.core.sync import push

    with open_workspace(args, write=True) as ws:
        passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Passphrase of your signing key: "))
        report = push(ws, args.share, passphrase)
        ws.update_settings(share_folder=str(args.share))
    print(report.message())
    print(tr("Receiving checklists and rosters published by the office is not available yet."))
    return 0
