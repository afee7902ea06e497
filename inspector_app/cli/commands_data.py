"""`inspector-app roster …`, `demo-data`, `summary`, `audit verify`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspector_app.cli.common import add_format, emit, open_workspace, to_json
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import tr


def register(commands: argparse._SubParsersAction) -> None:
    roster = commands.add_parser("roster", help=tr("departments, windows and staff: import, export, template"))
    sub = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help=tr("import staff from a CSV/XLSX table or a roster YAML/JSON file"))
    imp.add_argument("file")
    imp.add_argument("--good-rows", action="store_true",
                     help=tr("import the valid rows even when other rows have errors"))
    imp.add_argument("--replace", action="store_true",
                     help=tr("mark people and departments missing from the file as inactive"))
    imp.set_defaults(handler=roster_import)
    show = sub.add_parser("show", help=tr("show the roster"))
    add_format(show, "table", "json")
    show.set_defaults(handler=roster_show)
    export = sub.add_parser("export", help=tr("export the roster to XLSX"))
    export.add_argument("-o", "--output", required=True)
    export.set_defaults(handler=roster_export)
    template = sub.add_parser("template", help=tr("write an empty XLSX template for staff"))
    template.add_argument("-o", "--output", required=True)
    template.set_defaults(handler=roster_template)
    schema = sub.add_parser("schema", help=tr("print the JSON Schema of the roster file"))
    schema.set_defaults(handler=roster_schema_cmd)

    demo = commands.add_parser("demo-data", help=tr("fill the data folder with the demo hospital and inspections"))
    demo.add_argument("--inspections", type=int, default=60, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument("--days", type=int, default=90, help=tr("spread over the last D days"))
    demo.add_argument("--sign-sheets", action="store_true",
                      help=tr("also sign each demo inspection's sheet with the demo inspector's key"))
    demo.set_defaults(handler=demo_data)

    summary = commands.add_parser("summary", help=tr("monthly summary per department and person"))
    summary.add_argument("--month", required=True, metavar="YYYY-MM")
    add_format(summary, "table", "json", "csv", "xlsx")
    summary.add_argument("-o", "--output", metavar="FILE")
    summary.set_defaults(handler=summary_cmd)

    audit = commands.add_parser("audit", help=tr("check the audit trail"))
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser("verify", help=tr("verify the hash chain and compare it with the data"))
    verify.set_defaults(handler=audit_verify)


def roster_import(args: argparse.Namespace) -> int:
    from inspector_app.core.roster import read_roster_table
    from inspector_app.core.roster.models import load_roster_with_warnings
    from inspector_app.core.roster_store import apply_roster, current_roster

    path = Path(args.file)
    with open_workspace(args, write=True) as ws:
        if path.suffix.lower() in (".yaml", ".yml", ".json"):
            roster, warnings = load_roster_with_warnings(path)
            skipped = 0
        else:
            table = read_roster_table(path, existing=current_roster(ws))
            if table.problems and not args.good_rows:
                for problem in table.problems:
                    print(str(problem), file=sys.stderr)
                print(tr("Nothing imported: {bad} of {total} rows have errors. Fix them, or use --good-rows "
                         "to import the {good} valid rows.", bad=table.rows_total - table.rows_good,
                         total=table.rows_total, good=table.rows_good), file=sys.stderr)
                return 1
            for problem in table.problems:
                print(tr("skipped: {problem}", problem=problem), file=sys.stderr)
            roster, skipped, warnings = table.roster, table.rows_total - table.rows_good, table.warnings
        for warning in warnings:  # a warning never stops the import
            print(tr("warning: {problem}", problem=warning.plain()), file=sys.stderr)
        changes = apply_roster(ws, roster, replace=args.replace, actor=ws.settings.inspector.name or "office")
    print(tr("Roster imported: {dept_new} departments added, {dept_changed} changed; {staff_new} staff added, "
             "{staff_changed} changed; {inactive} marked inactive; {skipped} rows skipped.",
             dept_new=changes.departments_added, dept_changed=changes.departments_updated,
             staff_new=changes.staff_added, staff_changed=changes.staff_updated, inactive=changes.deactivated,
             skipped=skipped))
    return 0


def roster_show(args: argparse.Namespace) -> int:
    from inspector_app.core.roster_store import current_roster

    with open_workspace(args, write=False) as ws:
        roster = current_roster(ws)
    if args.format == "json":
        emit(roster.model_dump_json(indent=2) + "\n")
        return 0
    lines = []
    for department in roster.departments:
        lines.append(f"{department.code:<10} {department.name}  ({department.kind.label})")
        for member in roster.staff_of(department.code):
            head = f"  [{tr('department head')}]" if member.is_head else ""
            lines.append(f"    {member.staff_no:<8} {member.name}{head}")
    emit("\n".join(lines) + "\n")
    return 0


def roster_export(args: argparse.Namespace) -> int:
    from inspector_app.core.roster import export_roster_xlsx
    from inspector_app.core.roster_store import current_roster

    with open_workspace(args, write=False) as ws:
        export_roster_xlsx(current_roster(ws), Path(args.output))
    print(tr("Written: {path}", path=args.output))
    return 0


def roster_template(args: argparse.Namespace) -> int:
    from inspector_app.core.roster import write_roster_template

    write_roster_template(Path(args.output))
    print(tr("Written: {path}", path=args.output))
    return 0


def roster_schema_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.roster import roster_schema

    emit(roster_schema() + "\n")
    return 0


def demo_data(args: argparse.Namespace) -> int:
    from inspector_app.core.demo import generate

    if not 0 <= args.inspections <= 1_000_000:
        raise InputError([Problem("--inspections", None, "", tr("must be from 0 to 1000000"))])
    with open_workspace(args, write=True) as ws:
        result = generate(ws, args.inspections, seed=args.seed, days=args.days, sign_sheets=args.sign_sheets)
        folder = ws.data_dir
    print(tr("Demo data in {path}: {inspections} inspections with {deductions} deductions recorded{roster}.",
             path=folder, inspections=result.inspections, deductions=result.deductions,
             roster=tr(" (demo hospital roster loaded)") if result.roster_loaded else ""))
    return 0


def summary_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.summary import monthly_summary, parse_month
    from inspector_app.core.summary_export import render, write_xlsx

    month = parse_month(args.month)
    if args.format == "xlsx" and not args.output:
        raise InputError([Problem("--output", None, "", tr("XLSX needs an output file: -o FILE.xlsx"))])
    with open_workspace(args, write=False) as ws:
        summary = monthly_summary(ws, month)
    if args.format == "xlsx":
        write_xlsx(summary, Path(args.output))
        print(tr("Written: {path}", path=args.output))
    else:
        emit(render(summary, args.format), args.output, csv=args.format == "csv")
    return 0


def audit_verify(args: argparse.Namespace) -> int:
    from inspector_app.core.identity.storage import cert_path, load_own_certificate
    from inspector_app.core.store.audit import verify
    from inspector_app.core.sync.anchor import check_sent_heads

    with open_workspace(args, write=False) as ws:
        with ws.db.read() as session:
            report = verify(session)
            certificate = load_own_certificate(cert_path(ws.data_dir)) if cert_path(ws.data_dir).exists() else None
            last_sent, anchor_problems = check_sent_heads(session, certificate)
        integrity = ws.db.integrity_check()
    report.problems.extend(anchor_problems)
    for problem in report.problems:
        print(problem)
    if last_sent is None:
        print(tr("No audit head was sent to the office yet."))
    else:
        print(tr("Last audit head sent to the office: event {seq} ({hash}…) in batch {name}, {when}.",
                 seq=last_sent.seq, hash=last_sent.hash[:12], name=last_sent.bundle_name,
                 when=last_sent.sent_at.astimezone().strftime("%Y-%m-%d %H:%M") if last_sent.sent_at else ""))
    if integrity != "ok":
        print(tr("Database integrity check failed: {detail}", detail=integrity))
    ok = report.ok and integrity == "ok"
    print(tr("Audit trail: {events} events, {problems} problems.", events=report.events,
             problems=len(report.problems) + (0 if integrity == "ok" else 1)))
    return 0 if ok else 1


__all__ = ["register", "to_json"]
