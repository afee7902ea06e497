"""`inspector-app office pay-list`: the office's month over the central database (issue #14)."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector_app.core.i18n import tr


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds the month's commands under `office` (called from commands_identity, which owns `office`)."""
    pay = office_actions.add_parser("pay-list", help=tr("the month's performance-pay deductions for the audit "
                                                        "department, from the central database"))
    pay.add_argument("--central", required=True, metavar="URL",
                     help=tr("central database URL (sqlite:///… or postgresql+psycopg://…)"))
    pay.add_argument("--month", required=True, metavar="YYYY-MM")
    pay.add_argument("-o", "--output", required=True, metavar="F.xlsx")
    pay.set_defaults(handler=office_pay_list_cmd)


def office_pay_list_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.i18n import language
    from inspector_app.core.merge import open_central
    from inspector_app.core.summary import parse_month
    from inspector_app.office.pay_list import pay_list, write_pay_list_xlsx

    month = parse_month(args.month)
    central = open_central(args.central)
    try:
        pay = pay_list(central, month, lang=language())
    finally:
        central.close()
    path = write_pay_list_xlsx(pay, Path(args.output).expanduser(), lang=language())
    print(tr("Pay list {month} written to {path}: {persons} staff, {departments} departments, {entries} entries.",
             month=month, path=path, persons=len(pay.summary.persons),
             departments=len([d for d in pay.summary.departments if d.own_points]), entries=len(pay.lines)))
    return 0
