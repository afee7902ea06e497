"""`inspector-app office bulletin`: the 月度通报 from the central database, every inspector's month (issue #14).

The narrative (基本情况, 存在问题, 典型案例, 表扬, 下一步要求) is drafted from the month; `--draft FILE` writes the draft
to edit and `--narrative FILE` prints the edited one (`--schema`: its JSON Schema). `--reprint NUMBER` prints
an issued bulletin again, marked 补打, with the text it was issued with.

The names printed on it: `--hospital` / `--office` when given; else the office is the office certificate's name
(`--office-dir`, default the data folder's office folder, as on the signed pay list) and the hospital the
data folder's settings (the hospital the app was set up for, as on a laptop's bulletin); without an office
certificate the settings' office name is used too.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector_app.cli.common import central_option
from inspector_app.core.errors import AppError
from inspector_app.core.i18n import tr


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds `bulletin` under `office` (commands_office.register calls this)."""
    bul = office_actions.add_parser("bulletin", help=tr("the monthly bulletin from the central database (PDF or "
                                                        "XLSX)"))
    central_option(bul, required=False)  # not with --schema
    bul.add_argument("--month", metavar="YYYY-MM")
    bul.add_argument("-o", "--output", metavar="F.pdf|F.xlsx")
    bul.add_argument("--draft", metavar="FILE.json",
                     help=tr("write the drafted narrative (基本情况…下一步要求) to edit, instead of the bulletin"))
    bul.add_argument("--narrative", metavar="FILE.json",
                     help=tr("print this edited narrative instead of the drafted one"))
    bul.add_argument("--schema", action="store_true", help=tr("print the JSON Schema of the narrative file"))
    bul.add_argument("--reprint", metavar="NUMBER",
                     help=tr("print an issued bulletin again (补打): same number and text, marked with today's date"))
    bul.add_argument("--prefix", metavar="PREFIX",
                     help=tr("prefix of the bulletin's register number (default: the data folder's bulletin "
                             "prefix, e.g. 督通 → 督通〔2026〕1号)"))
    names_options(bul)
    bul.add_argument("--by", metavar="NAME", help=tr("who issues the bulletin (kept with its number)"))
    bul.set_defaults(handler=office_bulletin_cmd)


def names_options(parser: argparse.ArgumentParser) -> None:
    """--hospital, --office and --office-dir: the names an office document prints (read by `names`)."""
    parser.add_argument("--hospital", metavar="NAME",
                        help=tr("hospital name printed on the document (default: the data folder's settings)"))
    parser.add_argument("--office", metavar="NAME",
                        help=tr("office name printed on the document (default: the office certificate's name)"))
    parser.add_argument("--office-dir", metavar="DIR",
                        help=tr("office folder whose certificate names the office (default: the office folder in "
                                "the data folder)"))


def names(args: argparse.Namespace) -> tuple[str, str]:
    """(hospital, office) as the module docstring says."""
    from cryptography.x509.oid import NameOID

    from inspector_app.core.identity import default_office_dir
    from inspector_app.core.identity.certs import name_part
    from inspector_app.core.identity.office import load_office_certificate, office_paths
    from inspector_app.core.paths import resolve_data_dir
    from inspector_app.core.settings import load_settings

    data = resolve_data_dir(args.data_dir)
    settings = load_settings(data) if data.is_dir() else None
    office = (args.office or "").strip()
    if not office:
        folder = Path(args.office_dir).expanduser() if args.office_dir else default_office_dir(data)
        if office_paths(folder)[1].exists():
            office = name_part(load_office_certificate(folder).subject, NameOID.COMMON_NAME)
        elif args.office_dir:
            raise AppError(tr("There is no office in {path}: create it first (office init).", path=folder))
        else:
            office = settings.inspector.office if settings else ""
    hospital = (args.hospital or "").strip() or (settings.hospital if settings else "")
    return hospital, office


def _prefix(args: argparse.Namespace) -> str:
    from inspector_app.core.paths import resolve_data_dir
    from inspector_app.core.settings import load_settings
    from inspector_app.office.bulletin import DEFAULT_PREFIX

    if args.prefix and args.prefix.strip():
        return args.prefix.strip()
    data = resolve_data_dir(args.data_dir)
    return load_settings(data).documents.bulletin_prefix if data.is_dir() else DEFAULT_PREFIX


def _need(args: argparse.Namespace, *names: str) -> None:
    from inspector_app.core.errors import InputError

    for name in names:
        if not getattr(args, name.lstrip("-").replace("-", "_")):
            raise InputError.single(name, tr("required here"))


def office_bulletin_cmd(args: argparse.Namespace) -> int:
    from datetime import date

    from inspector_app.core.documents.bulletin_narrative import (
        draft_narrative,
        load_narrative,
        narrative_schema,
        write_narrative,
    )
    from inspector_app.core.i18n import language
    from inspector_app.core.merge import open_central
    from inspector_app.core.summary import parse_month
    from inspector_app.office.bulletin import (
        IssuedBulletin,
        central_content,
        reprint_bulletin,
        write_bulletin,
    )

    if args.schema:
        print(narrative_schema())
        return 0
    if args.reprint:
        _need(args, "--central", "--output")
        central = open_central(args.central)
        try:
            again = reprint_bulletin(central, args.reprint, Path(args.output).expanduser(), reprinted_by=args.by or "")
        finally:
            central.close()
        print(tr("Bulletin {number} reprinted (补打): {path}", number=again.number, path=again.path))
        return 0
    _need(args, "--central", "--month", *(() if args.draft else ("--output",)))
    month = parse_month(args.month)
    target = Path(args.output).expanduser() if args.output else None
    if target is not None and target.suffix.lower() not in (".pdf", ".xlsx"):
        raise AppError(tr("the bulletin is written as .pdf or .xlsx"))
    narrative = load_narrative(Path(args.narrative).expanduser(), month) if args.narrative else None
    hospital, office = names(args)
    central = open_central(args.central)
    try:
        content = central_content(central, month, hospital=hospital, office=office, today=date.today(),
                                  lang=language())
        if args.draft:
            path = write_narrative(draft_narrative(content, language()), Path(args.draft).expanduser())
            print(tr("Narrative of the {month} bulletin drafted: {path}. Edit it, then issue the bulletin with "
                     "--narrative {path}.", month=month, path=path))
            return 0
        assert target is not None
        written = write_bulletin(central, content, target, issued_by=args.by or "", lang=language(),
                                 prefix=_prefix(args), narrative=narrative)
    finally:
        central.close()
    if isinstance(written, IssuedBulletin):
        print(tr("Monthly bulletin {number}: {path}", number=written.number, path=written.path))
    else:
        print(tr("Bulletin tables of {month} written to {path}.", month=month, path=written))
    if content.provisional:
        print(tr("{month} is not closed yet: the bulletin's figures may still change.", month=month))
    return 0
