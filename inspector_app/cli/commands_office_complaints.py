"""`inspector-app office complaint …`: the office's complaint register (投诉登记, 001 §四 第7条 and 第8条) over the
central database — receive, investigate, verify (查实: charges 第7条 in the month verified) or find unfounded,
refer (移交), void, list (issue #15)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from inspector_app.cli.commands_office_awards import _roster_option, load_roster_file
from inspector_app.cli.commands_office_bulletin import names_options
from inspector_app.cli.commands_office_ledger import _date
from inspector_app.cli.common import central_option
from inspector_app.core.i18n import tr

# the same as office/complaints.py's (a test checks): that module is imported only when a command runs
SOURCES = ("12345", "卫健委", "院办", "科室", "患者及家属", "其他")
STATUSES = ("received", "investigating", "verified", "unfounded", "void")


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds `complaint` with its actions under `office` (commands_office.register calls this)."""
    complaint = office_actions.add_parser("complaint", help=tr("the complaint register (投诉登记)"))
    actions = complaint.add_subparsers(dest="complaint_action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help=tr("enter a complaint in the register (it charges nothing until verified)"))
    central_option(add)
    add.add_argument("--received", metavar="YYYY-MM-DD", help=tr("the day it was received (default: today)"))
    add.add_argument("--source", required=True, choices=SOURCES, help=tr("where it came from"))
    add.add_argument("--department", required=True, metavar="CODE", help=tr("the department, by roster code"))
    add.add_argument("--staff-no", metavar="工号", help=tr("the person complained of, if named"))
    add.add_argument("--summary", required=True, metavar="TEXT", help=tr("what the complaint says"))
    add.add_argument("--complainant", default="", metavar="TEXT", help=tr("who complained (as the office records it)"))
    add.add_argument("--evidence", default="", metavar="TEXT", help=tr("evidence received with it"))
    add.add_argument("--by", required=True, metavar="NAME", help=tr("who enters it"))
    _roster_option(add)
    add.set_defaults(handler=complaint_add_cmd)

    listing = actions.add_parser("list", help=tr("the register, newest first"))
    central_option(listing)
    listing.add_argument("--status", choices=STATUSES, help=tr("only complaints with this status"))
    listing.add_argument("--month", metavar="YYYY-MM", help=tr("received or counted in this month"))
    listing.add_argument("--department", metavar="CODE", help=tr("only this department (roster code)"))
    listing.add_argument("--format", choices=("table", "json"), default="table", help=tr("output format"))
    listing.set_defaults(handler=complaint_list_cmd)

    for name, help_text in (("investigate", tr("the complaint is under investigation")),
                            ("verify", tr("查实: the complaint is verified and charges 第7条 in the month verified")),
                            ("unfound", tr("不属实: the complaint is unfounded and stays on record without points")),
                            ("void", tr("entered by mistake: it stops counting, its record stays")),
                            ("refer", tr("移交: referred to the authorities (第8条), or handled there"))):
        action = actions.add_parser(name, help=help_text)
        central_option(action)
        action.add_argument("complaint", metavar="NUMBER", help=tr("the complaint's number (TS-YYYY-nnnn) or id"))
        action.add_argument("--by", required=True, metavar="NAME", help=tr("who decides"))
        if name in ("verify", "unfound"):
            action.add_argument("--on", metavar="YYYY-MM-DD", help=tr("the day decided (default: today)"))
            action.add_argument("--note", required=True, metavar="TEXT", help=tr("what the investigation found"))
        elif name == "void":
            action.add_argument("--reason", required=True, metavar="TEXT", help=tr("why it is voided"))
        elif name == "refer":
            action.add_argument("--to", required=True, metavar="WHOM", help=tr("to whom it is referred"))
            action.add_argument("--handled", action="store_true", help=tr("the referral has been dealt with"))
            action.add_argument("--note", default="", metavar="TEXT")
        else:
            action.add_argument("--note", default="", metavar="TEXT")
        action.set_defaults(handler=complaint_action_cmd, complaint_verb=name)

    notice = actions.add_parser("notice", help=tr("整改通知书 for a verified complaint: points, pay, referral, deadline"))
    central_option(notice)
    notice.add_argument("complaint", metavar="NUMBER", help=tr("the complaint's number (TS-YYYY-nnnn) or id"))
    notice.add_argument("-o", "--output", required=True, metavar="F.pdf", help=tr("the PDF to write"))
    notice.add_argument("--by", required=True, metavar="NAME", help=tr("who issues the notice (kept with its number)"))
    notice.add_argument("--prefix", metavar="PREFIX",
                        help=tr("prefix of the notice's register number (default 督诉 → 督诉〔2026〕1号)"))
    names_options(notice)
    notice.set_defaults(handler=complaint_notice_cmd)


def _say(view) -> None:
    from inspector_app.office.complaints import status_text

    who = (view.department_name or view.department_code if not view.staff_no
           else f"{view.staff_name}（{view.staff_no}）" if view.staff_name else tr("staff no. {no}", no=view.staff_no))
    line = tr("{number}: {who}, {status}", number=view.number, who=who, status=status_text(view.status))
    if view.status == "verified":
        line += tr("; {points:g} points ({pay:g}% of pay) in {month}", points=view.points, pay=view.pay_percent,
                   month=view.local_month)
    if view.referral_to:
        state = tr("handled") if view.referral_state == "handled" else tr("under way")
        line += tr("; referred to {to} ({state})", to=view.referral_to, state=state)
    print(line + tr("."))


def complaint_add_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.merge import open_central
    from inspector_app.office.complaints import NewComplaint, receive

    received = _date(args.received, "--received") or date.today()
    roster = load_roster_file(args.roster)
    central = open_central(args.central)
    try:
        view = receive(central, NewComplaint(received, args.source, args.department, args.summary, args.staff_no,
                                             args.complainant, args.evidence), by=args.by, roster=roster)
    finally:
        central.close()
    _say(view)
    return 0


def complaint_action_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.merge import open_central
    from inspector_app.office import complaints as c

    verb = args.complaint_verb
    central = open_central(args.central)
    try:
        if verb == "investigate":
            view = c.investigate(central, args.complaint, by=args.by, note=args.note)
        elif verb in ("verify", "unfound"):
            on = _date(args.on, "--on") or date.today()
            view = c.decide(central, args.complaint, verb == "verify", by=args.by, on=on, note=args.note)
        elif verb == "void":
            view = c.void(central, args.complaint, by=args.by, reason=args.reason)
        else:
            view = c.refer(central, args.complaint, by=args.by, to=args.to, handled=args.handled, note=args.note)
    finally:
        central.close()
    _say(view)
    return 0


def complaint_list_cmd(args: argparse.Namespace) -> int:
    from inspector_app.cli.common import to_json
    from inspector_app.core.merge import open_central
    from inspector_app.core.texttable import render_table
    from inspector_app.office.complaints import complaints, status_text

    central = open_central(args.central)
    try:
        found = complaints(central, status=args.status, month=args.month, department=args.department)
    finally:
        central.close()
    if args.format == "json":
        sys.stdout.write(to_json(found))
        return 0
    if not found:
        print(tr("No complaint in the register."))
        return 0
    header = [tr("Number"), tr("Received"), tr("Complaint source"), tr("Department / window"), tr("Staff no."), tr("Name"),
              tr("Status"), tr("Points"), tr("Counted in"), tr("Referral"), tr("Summary")]
    rows = [[v.number, v.received_on.isoformat(), v.source, v.department_name or v.department_code,
             v.staff_no or "", v.staff_name or "", status_text(v.status), f"{v.points:g}" if v.points else "",
             v.local_month or "", f"{v.referral_to}（{v.referral_state}）" if v.referral_to else "", v.summary]
            for v in found]
    print(render_table(header, rows))
    return 0


def complaint_notice_cmd(args: argparse.Namespace) -> int:
    from pathlib import Path

    from inspector_app.cli.commands_office_bulletin import names
    from inspector_app.core.i18n import language
    from inspector_app.core.merge import open_central
    from inspector_app.office.complaint_notice import (
        DEFAULT_PREFIX,
        issue_complaint_notice,
    )

    hospital, office = names(args)
    central = open_central(args.central)
    try:
        issued = issue_complaint_notice(central, args.complaint, Path(args.output), hospital=hospital, office=office,
                                        by=args.by, lang=language(), prefix=args.prefix or DEFAULT_PREFIX)
    finally:
        central.close()
    print(tr("Rectification notice {number} (deadline {deadline}): {path}", number=issued.number,
             deadline=issued.deadline.isoformat(), path=issued.path))
    return 0
