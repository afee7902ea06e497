"""`inspector-app office ledger` and `office decide`: the hospital's rectification ledger (整改台账) over the
central database, and the office's decisions on its items (issue #14)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from inspector_app.cli.common import central_option
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import tr

# the same as office/ledger.py's (a test checks): that module is imported only when a command runs
STATUSES = ("open", "overdue", "rectified", "verified", "waived")
DECISIONS = ("verified", "reopened", "extended", "waived")


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds `ledger` and `decide` under `office` (commands_office.register calls this)."""
    led = office_actions.add_parser("ledger", help=tr("the hospital's rectification ledger from the central database"))
    central_option(led)
    led.add_argument("--status", choices=STATUSES, help=tr("only items with this status"))
    led.add_argument("--department", metavar="CODE", help=tr("only this department (roster code or name)"))
    led.add_argument("-o", "--output", metavar="F.xlsx", help=tr("write the ledger as a workbook instead"))
    led.add_argument("--format", choices=("table", "json"), default="table", help=tr("output format"))
    led.add_argument("--publish-status", metavar="F.json",
                     help=tr("also write the office's decisions as a status file for `office publish "
                             "--rectifications` (every decided item, whatever the filters)"))
    led.set_defaults(handler=office_ledger_cmd)

    dec = office_actions.add_parser("decide", help=tr("record the office's decision on a rectification item"))
    central_option(dec)
    dec.add_argument("--item", required=True, metavar="ID", help=tr("the rectification item's id (see office ledger)"))
    dec.add_argument("--decision", required=True, choices=DECISIONS)
    dec.add_argument("--deadline", metavar="YYYY-MM-DD", help=tr("the new deadline (extended, reopened)"))
    dec.add_argument("--by", required=True, metavar="NAME", help=tr("who decides"))
    dec.add_argument("--note", default="", metavar="TEXT", help=tr("why (required to waive an item)"))
    dec.set_defaults(handler=office_decide_cmd)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError([Problem(option, None, "", tr("a date must look like 2026-03-31 (YYYY-MM-DD)"))]) from None


def office_ledger_cmd(args: argparse.Namespace) -> int:
    from inspector_app.cli.common import emit, to_json
    from inspector_app.core.i18n import language
    from inspector_app.core.merge import open_central
    from inspector_app.core.texttable import render_table
    from inspector_app.office.ledger import (
        header,
        ledger,
        rows,
        status_file,
        write_ledger_xlsx,
        write_status_file,
    )

    lang = language()
    central = open_central(args.central)
    try:
        items = ledger(central, status=args.status, department=args.department, today=date.today(), lang=lang)
        statuses = status_file(central) if args.publish_status else None
    finally:
        central.close()
    if args.output:
        path = write_ledger_xlsx(items, Path(args.output).expanduser(), lang=lang)
        print(tr("Rectification ledger written to {path}: {n} items.", path=path, n=len(items)))
    elif args.format == "json":
        emit(to_json(items))
    else:
        print(render_table(header(lang), rows(items, lang)) if items else tr("No rectification item."))
    if statuses is not None:
        path = write_status_file(statuses, Path(args.publish_status).expanduser())
        print(tr("Status of {n} decided items written to {path}; publish it with: office publish --rectifications "
                 "{path}", n=len(statuses.items), path=path), file=sys.stderr)
    return 0


def office_decide_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.i18n import language
    from inspector_app.core.merge import open_central
    from inspector_app.core.store.models import utcnow
    from inspector_app.office.ledger import decide, decision_text, status_text

    deadline = _date(args.deadline, "--deadline")
    central = open_central(args.central)
    try:
        item = decide(central, args.item, args.decision, decided_by=args.by, note=args.note, deadline=deadline,
                      now=utcnow(), lang=language())
    finally:
        central.close()
    print(tr("{item}: {decision} by {by}; now {status}, deadline {deadline}.", item=item.id,
             decision=decision_text(args.decision), by=item.decided_by, status=status_text(item.status),
             deadline=item.deadline.isoformat()))
    return 0
