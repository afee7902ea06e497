"""`inspector-app office awards | pick | withdraw`: the quarterly selection (季度评选, 000) over the central
database, and the office's picks (issue #14). The services are office/awards.py, imported when a command runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.cli.common import central_option
from inspector_app.core.i18n import tr

MET, FAILED, NOT_MEASURED, PENDING = "✓", "✗", "–", "?"


def _common(parser: argparse.ArgumentParser) -> None:
    central_option(parser)
    parser.add_argument("--quarter", required=True, metavar="YYYY-Qn", help=tr("the quarter, e.g. 2026-Q1"))


def _subject(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--window", metavar="CODE", help=tr("a window, by roster code (优质服务窗口)"))
    which.add_argument("--person", metavar="STAFF_NO", help=tr("a person, by 工号 (服务标兵)"))
    parser.add_argument("--by", required=True, metavar="NAME", help=tr("who in the office records this"))
    parser.add_argument("--note", default="", metavar="TEXT", help=tr("a note kept with the record"))


def _roster_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roster", metavar="FILE",
                        help=tr("the hospital's roster (YAML/JSON, or a CSV/XLSX staff table): everyone on it is "
                                "judged for 服务标兵; without it only people charged in the quarter are known"))


def register(office_actions: argparse._SubParsersAction) -> None:
    """Adds `awards`, `pick` and `withdraw` under `office` (commands_office.register calls this)."""
    awards = office_actions.add_parser("awards", help=tr("the quarter's candidates for 优质服务窗口 and 服务标兵, with "
                                                         "the evidence for and against each"))
    _common(awards)
    _roster_option(awards)
    awards.add_argument("--details", action="store_true", help=tr("also list the evidence of every candidate"))
    awards.add_argument("--format", choices=("table", "json"), default="table", help=tr("output format"))
    awards.set_defaults(handler=office_awards_cmd)

    pick = office_actions.add_parser("pick", help=tr("record the office's pick of a window or person for the quarter"))
    _common(pick)
    _subject(pick)
    _roster_option(pick)
    pick.add_argument("--override-reason", metavar="TEXT",
                      help=tr("pick one that is not an eligible candidate, and say why"))
    pick.set_defaults(handler=office_pick_cmd)

    withdraw = office_actions.add_parser("withdraw", help=tr("withdraw a pick of the quarter"))
    _common(withdraw)
    _subject(withdraw)
    withdraw.set_defaults(handler=office_withdraw_cmd)


def load_roster_file(path: str | None) -> Any:
    """The roster the office publishes: a YAML/JSON roster or a CSV/XLSX staff table (all rows good)."""
    if not path:
        return None
    from inspector_app.core.roster import load_roster, read_roster_table

    file = Path(path).expanduser()
    if file.suffix.lower() in (".yaml", ".yml", ".json"):
        return load_roster(file)
    table = read_roster_table(file)
    table.raise_if_problems()
    return table.roster


def _mark(outcome: str) -> str:
    return {"met": MET, "failed": FAILED, "pending": PENDING}.get(outcome, NOT_MEASURED)


def _table(title: str, found: list, picked: set[tuple[str, str]], kind: str, quota: int) -> str:
    from inspector_app.core.texttable import render_table
    from inspector_app.office.award_rules import Criterion

    eligible = [c for c in found if c.eligible]
    head = tr("{title}: {eligible} eligible, {proposed} proposed (quota {quota})", title=title,
              eligible=len(eligible), proposed=sum(c.proposed for c in found), quota=quota)
    if not found:
        return head + "\n" + tr("(none judged)")
    who = [tr("Code"), tr("Department / window")] if kind == "window" else \
        [tr("Staff no."), tr("Name"), tr("Department / window")]
    header = [tr("Rank"), tr("Proposed"), *who, tr("Inspections"), tr("Points"),
              *(c.short(language()) for c in Criterion), tr("Picked")]
    rows = [[c.rank, "★" if c.proposed else "", c.subject, *([c.name] if kind == "window" else [c.name, c.department]),
             c.inspections, c.points, *(_mark(c.result(criterion).outcome.value) for criterion in Criterion),
             "✔" if (kind, c.subject) in picked else ""] for c in found]
    return head + "\n" + render_table(header, rows)


def language() -> str:
    from inspector_app.core.i18n import language as current

    return current()


def _details(found: list) -> str:
    lines = []
    for c in found:
        lines.append(f"{c.subject} {c.name}")
        for result in c.criteria:
            lines.append(f"  {_mark(result.outcome.value)} {result.criterion.label(language())}"
                         + (f" — {result.note}" if result.note else ""))
            for sign, evidence, omitted in (("+", result.evidence_for, result.omitted_for),
                                            ("-", result.evidence_against, result.omitted_against)):
                for line in evidence:
                    lines.append(f"      {sign} " + " ".join(filter(None, (line.date, line.text)))
                                 + (f" · {line.inspector}" if line.inspector else ""))
                if omitted:
                    lines.append("      " + sign + " " + tr("… and {n} more", n=omitted))
    return "\n".join(lines)


def office_awards_cmd(args: argparse.Namespace) -> int:
    from inspector_app.cli.common import to_json
    from inspector_app.core.merge import open_central
    from inspector_app.office.award_rules import PERSON, QUOTA, WINDOW, Criterion
    from inspector_app.office.awards import candidates, picks

    roster = load_roster_file(args.roster)
    central = open_central(args.central)
    try:
        selection = candidates(central, args.quarter, roster=roster, lang=language())
        chosen = picks(central, selection.quarter)
    finally:
        central.close()
    if args.format == "json":
        print(to_json(selection.to_dict() | {"picks": chosen}), end="")
        return 0
    picked = {(p.kind, p.subject) for p in chosen if p.active}
    out = [tr("Quarterly selection {quarter} ({months})", quarter=selection.quarter,
              months=", ".join(selection.months)),
           tr("✓ met, ✗ failed, – not measured; ★ proposed within the quota; eligible: inspected, nothing failed, "
              "and a window's evaluation rate and satisfaction measured at 90% or more every month"),
           tr("? pending: a complaint of the quarter is still being investigated (it counts only once verified)"),
           "", _table(tr("优质服务窗口 (windows)"), selection.windows, picked, WINDOW, QUOTA[WINDOW]),
           "", _table(tr("服务标兵 (persons)"), selection.persons, picked, PERSON, QUOTA[PERSON])]
    if not selection.roster_used:
        out.append(tr("No --roster given: only people charged in the quarter are known to the central database, "
                      "and every one of them has an entry against them."))
    unjudged = selection.not_enough_evidence
    windows = [f"{c.subject} {c.name}" for c in unjudged if c.kind == WINDOW]
    out += ["", tr("Not enough evidence (nobody inspected them in the quarter): windows {windows}; persons {n}",
                   windows=", ".join(windows) or "-", n=sum(c.kind == PERSON for c in unjudged))]
    for criterion, items in selection.rule_items.items():
        out.append(tr("Items counted for {criterion}: {items}", criterion=Criterion(criterion).label(language()),
                      items="; ".join(f"{cid} {code} {text}" for cid, code, text in items) or "-"))
    if chosen:
        out += ["", tr("Picks for {quarter}:", quarter=selection.quarter)]
        out += [tr("{kind} {subject} {name}, picked by {by} at {at}{withdrawn}", kind=_kind_label(p.kind),
                   subject=p.subject,
                   name=p.name, by=p.picked_by, at=p.picked_at.isoformat(timespec="minutes"),
                   withdrawn=tr(" (withdrawn)") if not p.active else "") for p in chosen]
    if args.details:
        out += ["", _details(selection.windows + selection.persons)]
    print("\n".join(out))
    return 0


def _kind_label(kind: str) -> str:
    return tr("window") if kind == "window" else tr("person")


def _kind_subject(args: argparse.Namespace) -> tuple[str, str]:
    return ("window", args.window) if args.window is not None else ("person", args.person)


def office_pick_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.merge import open_central
    from inspector_app.core.store.models import utcnow
    from inspector_app.office.awards import pick

    kind, subject = _kind_subject(args)
    roster = load_roster_file(args.roster)
    central = open_central(args.central)
    try:
        done = pick(central, args.quarter, kind, subject, picked_by=args.by, note=args.note, now=utcnow(),
                    override_reason=args.override_reason, roster=roster, lang=language())
    finally:
        central.close()
    print(tr("Picked for {quarter}: {kind} {subject} {name} (recorded by {by}).", quarter=done.quarter,
             kind=_kind_label(kind),
             subject=done.subject, name=done.name, by=done.picked_by))
    return 0


def office_withdraw_cmd(args: argparse.Namespace) -> int:
    from inspector_app.core.merge import open_central
    from inspector_app.core.store.models import utcnow
    from inspector_app.office.awards import withdraw

    kind, subject = _kind_subject(args)
    central = open_central(args.central)
    try:
        done = withdraw(central, args.quarter, kind, subject, withdrawn_by=args.by, now=utcnow(), note=args.note)
    finally:
        central.close()
    print(tr("Withdrawn for {quarter}: {kind} {subject} {name} (recorded by {by}).", quarter=done.quarter,
             kind=_kind_label(kind),
             subject=done.subject, name=done.name, by=args.by))
    return 0
