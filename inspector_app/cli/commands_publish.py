"""`inspector-app office publish`: the office signs checklists, the roster, certificates and rectification status
into the share's published/ folder, for the laptops to take at their next sync."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds `publish` under `office` (called from commands_identity, which owns the `office` command)."""
    pub = office_actions.add_parser("publish", help=tr("publish checklists, roster and rectification status for the "
                                                       "laptops (signed with the office key)"))
    pub.add_argument("--office", "--dir", dest="dir", metavar="DIR",
                     help=tr("office folder (default: the office folder in the data folder)"))
    pub.add_argument("--share", metavar="PATH", help=tr("the shared folder or USB stick (required to publish)"))
    pub.add_argument("--checklists", nargs="+", default=[], metavar="FILE_OR_DIR",
                     help=tr("checklist files, or folders of them"))
    pub.add_argument("--roster", metavar="FILE", help=tr("roster file (YAML/JSON, or a CSV/XLSX staff table)"))
    pub.add_argument("--certificates", nargs="+", default=[], metavar="CERT.pem",
                     help=tr("further office certificates the laptops should trust"))
    pub.add_argument("--rectifications", metavar="FILE",
                     help=tr("rectification status file written by the office (JSON, see the schema)"))
    pub.add_argument("--rectifications-from", metavar="CENTRAL_URL",
                     help=tr("also publish the rectification status held in the central database"))
    pub.add_argument("--passphrase-file", metavar="FILE", help=tr("file whose first line is the passphrase"))
    pub.add_argument("--schema", action="store_true",
                     help=tr("print the JSON Schemas of the publication index and the rectification status file"))
    pub.set_defaults(handler=office_publish_cmd)


def office_publish_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.identity import default_office_dir, resolve_passphrase
    from inspector_app.core.paths import resolve_data_dir
    from inspector_app.core.sync.publish import publish

    if args.schema:
        from inspector_app.cli.common import to_json
        from inspector_app.core.sync.published_format import json_schemas

        print(to_json(json_schemas()), end="")
        return 0
    if not args.share:
        raise AppError(tr("Say where to publish: --share PATH."))
    folder = Path(args.dir).expanduser() if args.dir else default_office_dir(resolve_data_dir(args.data_dir))
    if not Path(args.share).expanduser().is_dir():
        raise AppError(tr("The shared folder {path} cannot be reached.", path=args.share))
    report = publish(folder, Path(args.share).expanduser(),
                     lambda: resolve_passphrase(None, args.passphrase_file, prompt=tr("Office passphrase: ")),
                     checklists=[Path(p).expanduser() for p in args.checklists],
                     roster=Path(args.roster).expanduser() if args.roster else None,
                     certificates=[Path(p).expanduser() for p in args.certificates],
                     rectifications=Path(args.rectifications).expanduser() if args.rectifications else None,
                     central_url=args.rectifications_from)
    print(report.message())
    return 0
