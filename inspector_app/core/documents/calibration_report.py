"""The trainer's calibration report (培训校准报告): how a group of trainees scored on one scenario pack.

It is a training document, so every page carries the 培训 / TRAINING watermark and it is not numbered or
registered like the office's documents. The figures are calibrate()'s: the screen, the CLI and this PDF
print the same numbers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from inspector_app.core.documents.layout import (
    data_table,
    heading,
    long_date,
    para,
    styles,
    title_block,
)
from inspector_app.core.documents.pages import build_pdf
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr_lang
from inspector_app.core.training.calibration import KEY, Calibration
from inspector_app.core.training.packs import Pack

LOW_AGREEMENT = 0.6  # κ below this is shaded: "moderate" or worse on the usual Landis–Koch reading


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def kappa_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def rater_name(rater: str, lang: str) -> str:
    return tr_lang(lang, "Answer key") if rater == KEY else rater


def _trainees(result: Calibration, lang: str) -> Flowable:
    rows = [[name, result.attempted.get(name, 0), f"{result.scores[name]:g}", percent(result.accuracy.get(name)),
             kappa_text(result.kappa[name][KEY])] for name in result.scores]
    header = [tr_lang(lang, "Trainee"), tr_lang(lang, "Scenarios"), tr_lang(lang, "Average score"),
              tr_lang(lang, "Agreement with the key"), tr_lang(lang, "κ with the key")]
    return data_table(header, rows, [50, 22, 28, 36, 28], "lcccc", tr_lang(lang, "No attempt was given."))


def _items(pack: Pack, result: Calibration, lang: str) -> Flowable:
    rows = []
    for code, value in sorted(result.item_accuracy.items(), key=lambda pair: (pair[1], pair[0])):
        try:
            text = pack.checklist.item(code).text.get(lang)
        except KeyError:  # a code a trainee made up
            text = tr_lang(lang, "(not in the checklist)")
        rows.append([code, text, percent(value)])
    header = [tr_lang(lang, "Item"), tr_lang(lang, "What is checked"), tr_lang(lang, "Decisions right")]
    return data_table(header, rows, [16, 120, 28], "llc", tr_lang(lang, "No item was decided."))


def _kappa_matrix(result: Calibration, lang: str) -> Flowable:
    raters = list(result.kappa)
    header = [""] + [rater_name(r, lang) for r in raters]
    rows = [[rater_name(r1, lang)] + [kappa_text(result.kappa[r1][r2]) for r2 in raters] for r1 in raters]
    shade = [("BACKGROUND", (j + 1, i + 1), (j + 1, i + 1), colors.HexColor("#F6D9D6"))
             for i, r1 in enumerate(raters) for j, r2 in enumerate(raters)
             if r1 != r2 and result.kappa[r1][r2] is not None and result.kappa[r1][r2] < LOW_AGREEMENT]
    first = 34
    rest = max(18, min(30, (170 - first) / max(1, len(raters))))
    return data_table(header, rows, [first] + [rest] * len(raters), "l" + "c" * len(raters), "", *shade)


def calibration_title(lang: str) -> str:
    return tr_lang(lang, "Training calibration report")


def render_calibration(pack: Pack, result: Calibration, *, hospital: str, lang: str = "zh",
                       when: datetime | None = None) -> bytes:
    """The report as PDF bytes (A4, watermarked)."""
    when = when or datetime.now().astimezone()
    s = styles()
    number = f"PX-{when:%Y%m%d-%H%M}"
    title = calibration_title(lang)
    intro = tr_lang(lang, "Scenario pack “{pack}” ({checklist}): {trainees} trainee(s), {units} deduct / do-not-deduct "
                          "decisions in the scenarios attempted.",
                    pack=pack.data.title.get(lang), checklist=pack.checklist.title.get(lang),
                    trainees=len(result.scores), units=result.units)
    story: list[Flowable] = [
        *title_block(hospital, title, number, lang, long_date(when.date(), lang)),
        Spacer(1, 3 * mm), para(intro, s["intro"]), Spacer(1, 2 * mm),
        heading(tr_lang(lang, "1. Trainees")), _trainees(result, lang),
        para(tr_lang(lang, "Average score: the drills' grades (0–100, partial credit). Agreement: the share of "
                           "decisions (deduct this item or not) that match the answer key. A trainee's last "
                           "attempt at a scenario counts."), s["small"]),
        Spacer(1, 4 * mm), heading(tr_lang(lang, "2. Accuracy per item")), _items(pack, result, lang),
        para(tr_lang(lang, "Items trainees get wrong most often come first: go over them in the next training."),
             s["small"]),
        Spacer(1, 4 * mm), heading(tr_lang(lang, "3. Agreement (Cohen's kappa)")), _kappa_matrix(result, lang),
        para(tr_lang(lang, "κ = 1: the same decisions; 0: no better than chance; below {low:g} (shaded): "
                           "weak agreement, worth a calibration session. — means no scenario in common.",
                     low=LOW_AGREEMENT), s["small"]),
    ]
    return build_pdf(story, hospital=hospital, title=title, number=number, lang=lang, watermark=True,
                     author=tr_lang(lang, "Training"))


def write_calibration(path: Path, pack: Pack, result: Calibration, *, hospital: str, lang: str = "zh") -> Path:
    """Render and write the report atomically; returns the path."""
    write_atomic(Path(path), render_calibration(pack, result, hospital=hospital, lang=lang))
    return Path(path)
