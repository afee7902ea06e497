"""`inspector-app office month | pay-list …`: the office's month over the central database (issue #14).

Each further area of the office's month (ledger, bulletin, awards, trends) registers its commands from a
module of its own, called from `register` below.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from inspector_app.cli import (
    commands_office_archive,
    commands_office_awards,
    commands_office_bulletin,
    commands_office_complaints,
    commands_office_ledger,
    commands_office_trends,
)
from inspector_app.cli.common import central_option
from inspector_app.core.i18n import tr


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds the month's commands under `office` (called from commands_identity, which owns `office`)."""
    month = office_actions.add_parser("month", help=tr("the month in the central database: what is still open, "
                                                       "and closing it (月度结算)"))
    central_option(month)
    month.add_argument("--month", required=True, metavar="YYYY-MM")
    month.add_argument("--close", action="store_true", help=tr("close the month: its figures are frozen"))
    month.add_argument("--by", metavar="NAME", help=tr("who closes the month (required with --close)"))
    month.add_argument("--share", metavar="PATH", help=tr("the shared folder, to see batches not yet merged"))
    month.add_argument("--force", action="store_true",
                       help=tr("close even though batches wait, earlier months are open or rows conflict"))
    month.add_argument("--format", choices=("table", "json"), default="table")
    month.set_defaults(handler=office_month_cmd)

    pay = office_actions.add_parser("pay-list", help=tr("the month's performance-pay deductions for the audit "
                                                        "department, from the central database"))
    central_option(pay)
    pay.add_argument("--month", required=True, metavar="YYYY-MM")
    pay.add_argument("-o", "--output", required=True, metavar="F.xlsx|F.pdf")
    pay.add_argument("--office-dir", metavar="DIR",
                     help=tr("office folder whose key signs the PDF (default: the office folder in the data folder)"))
    pay.add_argument("--passphrase-file", metavar="F", help=tr("read the office passphrase from this file"))
    pay.add_argument("--hospital", metavar="NAME", help=tr("hospital name printed on the PDF"))
    pay.set_defaults(handler=office_pay_list_cmd)
    commands_office_ledger.register(office_actions)  # office ledger, office decide (整改台账)
    commands_office_bulletin.register(office_actions)  # office bulletin (月度通报)
    commands_office_awards.register(office_actions)  # office awards, pick, withdraw (季度评选)
    commands_office_trends.register(office_actions)  # office trends
    commands_office_complaints.register(office_actions)  # office complaint … (投诉登记)
    commands_office_archive.register(office_actions)  # office prune-archive


def _state_lines(state) -> list[str]:
    lines = [tr("Month {month}: {inspections} inspections, {entries} entries.", month=state.month,
                inspections=state.inspections, entries=state.entries)]
    if state.closed:
        lines.append(tr("Closed on {at} by {by}; figures {digest}.", at=f"{state.closed_at.astimezone():%Y-%m-%d %H:%M}",
                        by=state.closed_by, digest=state.figures_sha256[:16]))
        if state.late_entries:
            lines.append(tr("{n} entries arrived after the close: corrections the next closed month carries.",
                            n=state.late_entries))
    else:
        lines.append(tr("Open."))
    if state.carried:
        lines.append(tr("Carries {n} corrections of earlier closed months.", n=state.carried))
    if state.waiting is not None:
        lines.append(tr("Share: {waiting} batches waiting, {quarantined} quarantined.", waiting=state.waiting,
                        quarantined=state.quarantined))
    lines += state.blockers() if not state.closed else []
    return lines


def office_month_cmd(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from inspector_app.core.errors import AppError
    from inspector_app.core.merge import open_central
    from inspector_app.office.month import close_month, month_state

    share = Path(args.share).expanduser() if args.share else None
    if args.close and not (args.by or "").strip():
        raise AppError(tr("Say who closes the month: --by NAME."))
    central = open_central(args.central)
    try:
        if args.close:
            from inspector_app.core.i18n import language

            state = close_month(central, args.month, closed_by=args.by, today=dt.date.today(), share=share,
                                force=args.force, lang=language())
        else:
            state = month_state(central, args.month, share)
    finally:
        central.close()
    if args.format == "json":
        print(json.dumps(asdict(state) | {"blockers": state.blockers()}, ensure_ascii=False, indent=2,
                         default=str))
    else:
        print("\n".join(_state_lines(state)))
    return 0


def office_pay_list_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.errors import AppError
    from inspector_app.core.i18n import language
    from inspector_app.core.merge import open_central
    from inspector_app.core.summary import parse_month
    from inspector_app.office.kept_workbook import export_pay_list_xlsx
    from inspector_app.office.pay_list import pay_list

    month = parse_month(args.month)
    target = Path(args.output).expanduser()
    if target.suffix.lower() not in (".xlsx", ".pdf"):
        raise AppError(tr("The pay list is written as .xlsx or .pdf."))
    central = open_central(args.central)
    try:
        pay = pay_list(central, month, lang=language())
        if target.suffix.lower() == ".xlsx":  # a closed month's: the workbook its close wrote
            path = export_pay_list_xlsx(central, pay, target, lang=language())
    finally:
        central.close()
    if target.suffix.lower() == ".pdf":
        if pay.closed_at is None:
            raise AppError(tr("{month} is not closed: close the month before issuing its pay list.", month=month))
        path = _signed_pdf(args, pay)
    print(tr("Pay list {month} written to {path}: {persons} staff, {departments} departments, {entries} entries.",
             month=month, path=path, persons=len(pay.people()),
             departments=len(pay.departments()), entries=len(pay.lines)))
    return 0


def _signed_pdf(args: argparse.Namespace, pay) -> Path:
    from cryptography.x509.oid import NameOID

    from inspector_app.core.i18n import language
    from inspector_app.core.identity import default_office_dir
    from inspector_app.core.identity.certs import name_part
    from inspector_app.core.identity.office import (
        load_office_certificate,
        load_office_identity,
    )
    from inspector_app.core.identity.passphrase import resolve_passphrase
    from inspector_app.core.identity.timestamping import load_office_seal
    from inspector_app.core.paths import resolve_data_dir
    from inspector_app.office.pay_list_pdf import issue_pay_list_pdf

    folder = Path(args.office_dir).expanduser() if args.office_dir else default_office_dir(
        resolve_data_dir(args.data_dir))
    office = name_part(load_office_certificate(folder).subject, NameOID.COMMON_NAME)
    passphrase = resolve_passphrase(None, args.passphrase_file, prompt=tr("Office passphrase: "))
    identity = load_office_identity(folder, passphrase)
    return issue_pay_list_pdf(pay, Path(args.output).expanduser(), identity, hospital=args.hospital or office,
                              office=office, lang=language(), seal=load_office_seal(folder, passphrase))
