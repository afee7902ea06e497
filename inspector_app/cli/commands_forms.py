"""`inspector-app forms …`: list, show, validate checklists, and print their JSON Schema."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from inspector_app.cli.common import add_format, emit
from inspector_app.core.checklists import ChecklistLibrary, load_checklist
from inspector_app.core.checklists.models import Checklist, ScoredScoring
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.fileformat import schema_json
from inspector_app.core.i18n import language, tr
from inspector_app.core.paths import forms_dir, resolve_data_dir
from inspector_app.core.workspace import PUBLISHED_FORMS


def register(commands: argparse._SubParsersAction) -> None:
    forms = commands.add_parser("forms", help=tr("checklists: list, show, validate, schema"))
    sub = forms.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help=tr("list the available checklists"))
    listing.add_argument("--training", action="store_true", help=tr("include training checklists"))
    add_format(listing, "table", "json")
    listing.set_defaults(handler=list_forms)
    show = sub.add_parser("show", help=tr("show one checklist"))
    show.add_argument("id")
    add_format(show, "text", "json", default="text")
    show.set_defaults(handler=show_form)
    validate = sub.add_parser("validate", help=tr("check checklist files (exit 1 when any is invalid)"))
    validate.add_argument("paths", nargs="+", metavar="PATH", help=tr("files or folders"))
    validate.set_defaults(handler=validate_forms)
    schema = sub.add_parser("schema", help=tr("print the JSON Schema of the checklist format"))
    schema.set_defaults(handler=lambda args: emit(schema_json(Checklist) + "\n") or 0)


def _library(args: argparse.Namespace, training: bool = True) -> ChecklistLibrary:
    folders = [forms_dir()]
    published = resolve_data_dir(args.data_dir) / PUBLISHED_FORMS
    if published.is_dir():
        folders.append(published)
    return ChecklistLibrary.load(*folders, include_training=training)


def list_forms(args: argparse.Namespace) -> int:
    library = _library(args, training=args.training)
    lang = language()
    rows = [{"id": c.id, "version": c.version, "title": c.title.get(lang), "mode": c.scoring.mode,
             "items": len(c.items()), "inspects": [t.value for t in c.inspects], "training": c.training}
            for c in library]
    if args.format == "json":
        emit(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        mode_names = {"tally": tr("tally (per-occurrence points)"), "scored": tr("scored (base score)")}
        lines = [f"{r['id']:<28} v{r['version']:<3} {r['items']:>3} {tr('items')}  {mode_names[r['mode']]}  "
                 f"{r['title']}" for r in rows]
        emit("\n".join(lines) + "\n")
    for problem in library.problems:
        print(str(problem))
    return 1 if library.problems else 0


def show_form(args: argparse.Namespace) -> int:
    checklist = _library(args).get(args.id)
    if args.format == "json":
        emit(checklist.model_dump_json(indent=2) + "\n")
        return 0
    lang = language()
    scoring = checklist.scoring
    lines = [f"{checklist.title.get(lang)}  ({checklist.id} v{checklist.version})"]
    if isinstance(scoring, ScoredScoring):
        lines.append(tr("Scored: base {base:g}, pass line {passing:g}", base=scoring.base_score.value,
                        passing=scoring.pass_score.value))
    else:
        lines.append(tr("Tally: head ×{head:g}, {pay:g}% of performance pay per point",
                        head=scoring.head_multiplier.value, pay=scoring.pay_percent_per_point.value))
    for section in checklist.sections:
        lines.append("")
        lines.append(f"[{section.code}] {section.title.get(lang)}")
        for item in section.items:
            basis = (tr("stated in source") if item.points_basis.value == "source" else tr("local assumption")) \
                if item.deducts else tr("no points: rectify by the deadline")
            charged = tr("person") if item.charge_to.value == "person" else tr("department")
            cap = tr(", cap {cap:g}", cap=item.cap) if item.cap else ""
            cap += {"month": tr(", once a month"), "quarter": tr(", once a quarter"),
                    "half-year": tr(", once a half year")}.get(item.period, "")  # a period rule (core/periods.py)
            points = f"-{item.points_each:g}" if item.deducts else "0"
            lines.append(f"  {item.code:<6} {points} ({charged}{cap}; {basis})  {item.text.get(lang)}")
            lines.append(f"         {checklist.citation(item.source.file, lang)} {item.source.section}: "
                         f"「{item.source.quote}」")
    emit("\n".join(lines) + "\n")
    return 0


def validate_forms(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    checked = 0
    for raw in args.paths:
        path = Path(raw)
        files = sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.yml")) if path.is_dir() else [path]
        for file in files:
            checked += 1
            try:
                load_checklist(file)
            except InputError as exc:
                problems.extend(exc.problems)
    for problem in problems:
        print(str(problem))
    if not problems:
        print(tr("{count} checklist file(s) valid", count=checked))
    return 1 if problems or not checked else 0
