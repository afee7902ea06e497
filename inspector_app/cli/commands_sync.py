"""`inspector-app sync --share PATH`: send finished inspections to the share, then take what the office published.

Sending signs a batch and needs the passphrase (--passphrase-file, $INSPECTOR_APP_PASSPHRASE or a prompt on a
terminal); with none of these the command still takes the office's publication and says what waits to be sent.
Exit 1 when sending failed or a published file was refused (the old version stays).
"""

from __future__ import annotations

import argparse

from inspector_app.cli.common import open_workspace
from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr


def register(commands: argparse._SubParsersAction) -> None:
    sync = commands.add_parser("sync", help=tr("send finished inspections to the central share and take what the "
                                               "office published"))
    sync.add_argument("--share", required=True, metavar="PATH", help=tr("the shared folder or USB stick"))
    sync.add_argument("--passphrase-file", metavar="FILE", help=tr("file whose first line is the passphrase"))
    sync.set_defaults(handler=sync_cmd)


def _passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase, or None when no source has one (then only the pull runs); a bad file is an error."""
    from inspector_app.core.identity import resolve_passphrase

    if args.passphrase_file:
        return resolve_passphrase(None, args.passphrase_file, prompt="")
    try:
        return resolve_passphrase(None, None, prompt=tr("Passphrase of your signing key: "))
    except AppError:
        return None


def sync_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.sync.run import sync_with_share

    with open_workspace(args, write=True) as ws:
        passphrase = _passphrase(args)
        report = sync_with_share(ws, args.share, passphrase)
        ws.update_settings(share_folder=str(args.share))
    print(report.message())
    return 0 if report.ok else 1
