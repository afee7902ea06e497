"""`inspector-app office trends`: month over month per department, the most frequent problems and inspections
per inspector, from the central database (issue #14 part 5; the service is office/trends.py)."""

from __future__ import annotations

import argparse

from inspector_app.cli.common import central_option
from inspector_app.core.i18n import tr


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds `trends` under `office` (commands_office.register calls this)."""
    trend = office_actions.add_parser("trends", help=tr("month over month per department, the most frequent "
                                                        "problems and inspections per inspector"))
    central_option(trend)
    trend.add_argument("--months", type=int, default=6, metavar="N", help=tr("how many months (default 6)"))
    trend.add_argument("--to", metavar="YYYY-MM",
                       help=tr("the last month (default: the newest month with a merged inspection)"))
    trend.add_argument("--top", type=int, default=10, metavar="K", help=tr("how many problems to list (default 10)"))
    trend.add_argument("--problem-months", type=int, default=3, metavar="M",
                       help=tr("count the problems over the last M months of them (default 3, a quarter)"))
    trend.add_argument("--format", choices=("table", "json"), default="table", help=tr("output format"))
    trend.set_defaults(handler=office_trends_cmd)


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def office_trends_cmd(args: argparse.Namespace) -> int:
    from inspector_app.cli.common import to_json
    from inspector_app.core.i18n import language
    from inspector_app.core.merge import open_central
    from inspector_app.core.texttable import render_table
    from inspector_app.office.trends import trends

    central = open_central(args.central)
    try:
        found = trends(central, args.months, to=args.to, top=max(1, args.top),
                       problem_months=max(1, args.problem_months), lang=language())
    finally:
        central.close()
    if args.format == "json":
        print(to_json(found.to_dict()), end="")
        return 0
    if not found.months:
        print(tr("The central database holds no inspection yet."))
        return 0
    months = found.months
    head = [tr("Code"), tr("Department / window")]
    out = [tr("Trends {first} to {last}", first=months[0], last=months[-1]), "",
           tr("Points per month (its own and its people's; change: last month against the one before)"),
           render_table(head + months + [tr("Change")],
                        [[d.code, d.name, *(mo.points for mo in d.months), f"{d.change:+g}"]
                         for d in found.departments]),
           "", tr("Inspections per month"),
           render_table(head + months, [[d.code, d.name, *(mo.inspections for mo in d.months)]
                                        for d in found.departments])]
    scored = [d for d in found.departments if any(mo.scored_inspections for mo in d.months)]
    if scored:
        out += ["", tr("Average score per month (scored checklists)"),
                render_table(head + months, [[d.code, d.name, *(_score(mo.average_score) for mo in d.months)]
                                             for d in scored])]
    out += ["", tr("Most frequent problems, {first} to {last}", first=found.problem_months[0],
                   last=found.problem_months[-1]),
            render_table([tr("Checklist"), tr("Item"), tr("Inspection item"), tr("Occurrences"), tr("Entries"),
                          tr("Departments")],
                         [[p.checklist_id, p.item_code, p.text, p.occurrences, p.entries,
                           "、".join(f"{name}×{n}" for _, name, n in p.departments[:3])
                           + (tr(" and {n} more", n=len(p.departments) - 3) if len(p.departments) > 3 else "")]
                          for p in found.problems]),
            "", tr("Inspections per inspector"),
            render_table([tr("Staff no."), tr("Inspector")] + months + [tr("Total")],
                         [[t.staff_no, t.name, *t.months, t.total] for t in found.inspectors])]
    print("\n".join(out))
    return 0
