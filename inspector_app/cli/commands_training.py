"""`inspector-app training`: check scenario packs, grade trainees' attempts, calibrate a group of trainees.

`validate` prints one line per problem (file, place, reason) and exits 1 when there is any; `grade` and
`calibrate` print plain text, or JSON with `--format json` for a trainer's spreadsheet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inspector_app.core.checklists.library import ChecklistLibrary
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import language, tr
from inspector_app.core.paths import forms_dir, resolve_data_dir
from inspector_app.core.settings import load_settings
from inspector_app.core.training import (
    KEY,
    Calibration,
    Grade,
    attempt_schema,
    calibrate,
    grade,
    load_attempts,
    load_pack,
    pack_files,
    pack_schema,
)


def register(commands: argparse._SubParsersAction) -> None:
    training = commands.add_parser("training", help=tr("training drills: scenario packs, grading, calibration"))
    sub = training.add_subparsers(dest="training_command", metavar="ACTION", required=True)
    forms = {"metavar": "DIR", "help": tr("folder of checklists the packs refer to (default: the bundled forms)")}

    validate = sub.add_parser("validate", help=tr("check scenario packs (files or folders)"))
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.add_argument("--forms", **forms)
    validate.set_defaults(handler=run_validate)

    grade_ = sub.add_parser("grade", help=tr("grade attempts against a pack's answer key"))
    grade_.add_argument("--scenario", required=True, metavar="FILE", help=tr("the scenario pack"))
    grade_.add_argument("--attempt", required=True, nargs="+", action="extend", metavar="FILE",
                        help=tr("attempt files (each one attempt or a list)"))
    grade_.add_argument("--format", choices=("text", "json"), default="text")
    grade_.add_argument("--forms", **forms)
    grade_.set_defaults(handler=run_grade)

    cal = sub.add_parser("calibrate", help=tr("accuracy per trainee and agreement (Cohen's kappa)"))
    cal.add_argument("--scenario", required=True, metavar="FILE", help=tr("the scenario pack"))
    cal.add_argument("--attempts", required=True, nargs="+", action="extend", metavar="FILE")
    cal.add_argument("--format", choices=("text", "json"), default="text")
    cal.add_argument("--pdf", metavar="FILE", help=tr("also write the calibration report as PDF"))
    cal.add_argument("--forms", **forms)
    cal.set_defaults(handler=run_calibrate)

    schema = sub.add_parser("schema", help=tr("print the JSON Schema of a training format"))
    schema.add_argument("kind", choices=("pack", "attempt"))
    schema.set_defaults(handler=lambda args: print(pack_schema() if args.kind == "pack" else attempt_schema()) or 0)


def _library(args: argparse.Namespace) -> ChecklistLibrary:
    return ChecklistLibrary.load(Path(args.forms) if args.forms else forms_dir(), include_training=True)


def run_validate(args: argparse.Namespace) -> int:
    library = _library(args)
    problems: list[Problem] = []
    files = pack_files(*(Path(p) for p in args.paths))
    for file in files:
        try:
            load_pack(file, library)
        except InputError as exc:
            problems.extend(exc.problems)
    for problem in problems:
        print(str(problem))
    if not files:
        print(tr("No scenario pack found (packs are named *.scenarios.json)."))
    elif not problems:
        print(tr("{count} scenario pack(s) valid", count=len(files)))
    return 1 if problems or not files else 0


def _values(values: dict[int, float] | None) -> str:
    return "、".join(f"{value:g}" for _, value in sorted(values.items())) if values else "—"


def _verdict(passed: bool | None) -> str:
    return "—" if passed is None else tr("passes") if passed else tr("fails")


def _grade_lines(result: Grade) -> list[str]:
    lang = language()
    lines = [tr("{trainee} — {scenario}: score {score:g}/100; points {points:g} (key {key:g}, difference {diff:+g})",
                trainee=result.trainee, scenario=result.scenario, score=result.score, points=result.trainee_points,
                key=result.key_points, diff=result.difference)]
    labels = {"right": tr("right"), "partial": tr("partially right"), "wrong_person": tr("wrong person"),
              "wrong_points": tr("wrong points"), "wrong_result": tr("wrong pass or fail"), "missed": tr("missed")}
    for line in result.expected:
        lines.append("  " + tr("{item} → {target} ×{count}: {status}", item=line.item, target=line.charged_to,
                               count=line.count, status=labels[line.status.value]))
        if line.passed is not None:  # a measured line: what the values give, the key's and the trainee's
            lines.append("    " + tr("measured: key {key} ({verdict}), yours {mine} ({yours})",
                                     key=_values(line.values), verdict=_verdict(line.passed),
                                     mine=_values(line.trainee_values), yours=_verdict(line.trainee_passed)))
        if line.stated_points is not None and not line.points_right:
            lines.append("    " + tr("points written {stated:g}, the rules give {points:g}", stated=line.stated_points,
                                     points=line.trainee_points))
        lines.append("    " + line.why.get(lang))
        if line.clause:
            lines.append("    " + f"{line.clause.section}：{line.clause.quote}")
    for wrong in result.wrong:
        lines.append("  " + tr("{item} → {target} ×{count}: wrongly deducted", item=wrong.item,
                               target=wrong.charged_to, count=wrong.count))
    if not result.expected and not result.wrong:
        lines.append("  " + tr("nothing to deduct: right"))
    return lines


def run_grade(args: argparse.Namespace) -> int:
    pack = load_pack(Path(args.scenario), _library(args))
    results = [grade(pack, attempt.scenario, attempt)
               for file in args.attempt for attempt in load_attempts(Path(file))]
    if args.format == "json":
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            print("\n".join(_grade_lines(result)))
    return 0


def _kappa(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _calibration_text(result: Calibration) -> list[str]:
    lines = [tr("Pack {pack}: {units} decision(s) per trainee at most", pack=result.pack, units=result.units)]
    for trainee in result.scores:
        lines.append(tr("{trainee}: score {score:g}, agreement with the key {accuracy:.0%}", trainee=trainee,
                        score=result.scores[trainee], accuracy=result.accuracy.get(trainee, 0.0)))
    lines.append(tr("Accuracy per item:"))
    lines += [f"  {item}: {value:.0%}" for item, value in result.item_accuracy.items()]
    lines.append(tr("Cohen's kappa:"))
    raters = list(result.kappa)
    names = [tr("key") if r == KEY else r for r in raters]
    width = max(5, *(len(n) for n in names)) + 2
    lines.append(" " * width + "".join(n.rjust(width) for n in names))
    for rater, name in zip(raters, names):
        lines.append(name.ljust(width) + "".join(_kappa(result.kappa[rater][r]).rjust(width) for r in raters))
    return lines


def run_calibrate(args: argparse.Namespace) -> int:
    pack = load_pack(Path(args.scenario), _library(args))
    by_trainee: dict[str, list] = {}
    for file in args.attempts:
        for attempt in load_attempts(Path(file)):
            by_trainee.setdefault(attempt.trainee, []).append(attempt)
    result = calibrate(pack, by_trainee)
    if args.format == "json":
        print(json.dumps({"pack": result.pack, "scores": result.scores, "accuracy": result.accuracy,
                          "item_accuracy": result.item_accuracy, "kappa": result.kappa}, ensure_ascii=False,
                         indent=2))
    else:
        print("\n".join(_calibration_text(result)))
    if args.pdf:
        from inspector_app.core.documents.calibration_report import write_calibration

        hospital = load_settings(resolve_data_dir(args.data_dir)).hospital
        written = write_calibration(Path(args.pdf), pack, result, hospital=hospital, lang=language())
        print(tr("Written: {path}", path=written), file=sys.stderr)
    return 0
