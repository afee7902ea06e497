"""`inspector-app inspections …` and `rectifications …`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from inspector_app.cli.common import add_format, emit, open_workspace, to_json
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import tr
from inspector_app.core.texttable import render_table


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("a date looks like 2026-03-05")) from None


def register(commands: argparse._SubParsersAction) -> None:
    inspections = commands.add_parser("inspections", help=tr("inspections: list, show, import"))
    sub = inspections.add_subparsers(dest="inspections_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help=tr("list inspections, newest first"))
    add_format(listing, "table", "json")
    listing.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    listing.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
    listing.add_argument("--department", help=tr("department or window (code or name)"))
    listing.add_argument("--checklist", help=tr("checklist id"))
    listing.add_argument("--inspector")
    listing.add_argument("--status", choices=("draft", "finished"))
    listing.add_argument("--training", action="store_true", help=tr("include training inspections"))
    listing.set_defaults(handler=list_cmd)
    show = sub.add_parser("show", help=tr("one inspection with its deductions"))
    show.add_argument("id")
    add_format(show, "table", "json")
    show.set_defaults(handler=show_cmd)
    imp = sub.add_parser("import", help=tr("import inspections recorded elsewhere (JSON or XLSX)"))
    imp.add_argument("file")
    imp.set_defaults(handler=import_cmd)
    template = sub.add_parser("template", help=tr("write the XLSX template for transcribing paper sheets"))
    template.add_argument("-o", "--output", required=True)
    template.set_defaults(handler=template_cmd)
    schema = sub.add_parser("schema", help=tr("print the JSON Schema of the import format"))
    schema.set_defaults(handler=schema_cmd)

    rect = commands.add_parser("rectifications", help=tr("rectification items (整改): list and update"))
    rsub = rect.add_subparsers(dest="rect_command", metavar="ACTION", required=True)
    rlist = rsub.add_parser("list", help=tr("list rectification items"))
    rlist.add_argument("--status", choices=("open", "rectified", "verified", "overdue", "waived"))
    rlist.add_argument("--department")
    add_format(rlist, "table", "json")
    rlist.set_defaults(handler=rect_list)
    done = rsub.add_parser("rectified", help=tr("the department reports an item fixed"))
    done.add_argument("id")
    done.add_argument("--note", default="")
    done.set_defaults(handler=rect_done)
    again = rsub.add_parser("reinspect", help=tr("record the re-inspection of an item"))
    again.add_argument("id")
    result = again.add_mutually_exclusive_group(required=True)
    result.add_argument("--fixed", action="store_true")
    result.add_argument("--not-fixed", action="store_true")
    again.add_argument("--inspector", required=True)
    again.add_argument("--note", default="")
    again.set_defaults(handler=rect_reinspect)


def list_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.inspections import InspectionFilter, list_inspections

    filters = InspectionFilter(since=args.since, until=args.until, department=args.department,
                               checklist_id=args.checklist, inspector=args.inspector, status=args.status,
                               include_training=args.training)
    with open_workspace(args, write=False) as ws:
        rows = list_inspections(ws, filters)
    if args.format == "json":
        emit(to_json(rows))
        return 0
    modes = {"open": tr("open (明查)"), "covert": tr("covert (暗访)")}
    statuses = {"draft": tr("draft"), "finished": tr("finished")}
    if not rows:
        emit(tr("No inspections.") + "\n")
        return 0
    header = [tr("Started"), tr("Department / window"), tr("Checklist"), tr("Inspector"), tr("Mode"),
              tr("Status"), tr("Entries"), tr("Points"), tr("Score"), "ID"]
    emit(render_table(header, [[r.started_at[:16].replace("T", " "), r.department, r.checklist_id, r.inspector,
                                modes[r.mode], statuses[r.status], r.deductions, r.points, r.score, r.id]
                               for r in rows]) + "\n")
    return 0


def show_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.inspections import inspection_detail

    with open_workspace(args, write=False) as ws:
        detail = inspection_detail(ws, args.id)
    if args.format == "json":
        emit(to_json(detail.to_dict()))
        return 0
    i = detail.inspection
    lines = [f"{i.department} — {i.checklist_id} v{i.checklist_version} — {i.inspector} — {i.started_at}",
             tr("{count} entries, {points:g} points", count=i.deductions, points=i.points)]
    for d in detail.deductions:
        who = f"{d.person}({d.staff_no})" if d.person else tr("department")
        head = tr(" ×{m:g} head", m=d.multiplier) if d.multiplier != 1 else ""
        void = f"  [{tr('void')}: {d.void_reason}]" if d.voided else ""
        lines.append(f"  #{d.seq:<5} {d.item_code:<6} {who:<14} ×{d.count} -{d.points:g}{head}  {d.note}{void}")
    emit("\n".join(lines) + "\n")
    return 0


def import_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.importing import import_inspections

    with open_workspace(args, write=True) as ws:
        report = import_inspections(ws, Path(args.file), actor=ws.settings.inspector.name or "import")
    print(tr("Imported {inspections} inspections with {deductions} deductions.",
             inspections=report.inspections, deductions=report.deductions))
    return 0


def template_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.importing import write_import_template

    with open_workspace(args, write=False) as ws:  # the 说明 sheet lists the checklists this laptop has
        write_import_template(Path(args.output), ws.library)
    print(tr("Written: {path}", path=args.output))
    return 0


def schema_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.importing import import_schema

    emit(import_schema() + "\n")
    return 0


def rect_list(args: argparse.Namespace) -> int:
    from inspector_app.core.rectification import list_rectifications

    with open_workspace(args, write=False) as ws:
        items = list_rectifications(ws, status=args.status, department=args.department)
    if args.format == "json":
        emit(to_json(items))
        return 0
    names = {"open": tr("open"), "rectified": tr("rectified"), "verified": tr("verified"),
             "overdue": tr("OVERDUE"), "waived": tr("waived")}
    if not items:
        emit(tr("No rectification items.") + "\n")
        return 0
    header = [tr("Deadline"), tr("Status"), tr("Department / window"), tr("Item"), tr("Person"),
              tr("Requirement"), tr("Office decision"), "ID"]
    emit(render_table(header, [[v.deadline, names[v.status], v.department, v.item_code, v.person, v.requirement,
                                _decision(v), v.id] for v in items]) + "\n")
    return 0


def _decision(view: Any) -> str:
    """The office's published extension or waiver: who, when, why."""
    if view.decision not in ("extended", "waived") or view.decided_at is None:
        return ""
    text = tr("extended by {by}", by=view.decided_by) if view.decision == "extended" else \
        tr("waived by {by}", by=view.decided_by)
    return f"{text} {view.decided_at.astimezone():%Y-%m-%d}: {view.decision_note or ''}".strip()


def rect_done(args: argparse.Namespace) -> int:
    from inspector_app.core.rectification import RectificationService

    with open_workspace(args, write=True) as ws:
        RectificationService(ws).mark_rectified(args.id, args.note)
    print(tr("Marked rectified."))
    return 0


def rect_reinspect(args: argparse.Namespace) -> int:
    from inspector_app.core.rectification import RectificationService

    if not args.inspector.strip():
        raise InputError([Problem("--inspector", None, "", tr("the inspector's name is required"))])
    with open_workspace(args, write=True) as ws:
        RectificationService(ws).reinspect(args.id, args.fixed, args.inspector, args.note)
    print(tr("Re-inspection recorded: verified.") if args.fixed else tr("Re-inspection recorded: not fixed, "
                                                                        "the item is open again."))
    return 0
