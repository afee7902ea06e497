"""The bulletin's narrative (基本情况, 存在问题, 典型案例, 表扬, 下一步要求): drafted from the month, edited, printed.

`draft_narrative` writes the five sections from the same BulletinContent the bulletin's tables come from (so the
words and the tables agree), in the bulletin's language. The office may edit the draft before issuing: it is
a file format like the others (BulletinNarrative, a pydantic model with a JSON Schema; a bad file is refused
with file, place and reason, nothing half-loaded), written by `office bulletin draft` and passed back with
`--narrative FILE`, or edited in the office workspace. The issued bulletin keeps the narrative it printed (and
its SHA-256) in its issue record, so a reprint prints the same words.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from inspector_app.core.documents.bulletin_data import BulletinContent
from inspector_app.core.documents.layout import listing, month_text, points
from inspector_app.core.errors import InputError, Problem
from inspector_app.core.fileformat import load_model, schema_json
from inspector_app.core.files import write_atomic
from inspector_app.core.i18n import tr, tr_lang

FORMAT = "bulletin-narrative"
SECTIONS = ("overview", "problems", "cases", "praise", "requirements")
Text = Annotated[str, Field(max_length=2000)]  # one paragraph


class BulletinNarrative(BaseModel):
    """The words of one month's bulletin: each section a list of paragraphs (an empty list leaves it out)."""

    model_config = ConfigDict(extra="forbid", title="Bulletin narrative (通报正文)")

    format: Literal["bulletin-narrative"] = FORMAT
    version: Literal[1] = 1
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="the bulletin's month, YYYY-MM")
    language: Literal["zh", "en"] = Field(default="zh", description="the language it is written in")
    overview: list[Text] = Field(default_factory=list, max_length=20, description="基本情况")
    problems: list[Text] = Field(default_factory=list, max_length=40, description="存在问题")
    cases: list[Text] = Field(default_factory=list, max_length=20, description="典型案例")
    praise: list[Text] = Field(default_factory=list, max_length=20, description="表扬")
    requirements: list[Text] = Field(default_factory=list, max_length=40, description="下一步要求")

    def sections(self, lang: str) -> list[tuple[str, list[str]]]:
        """(heading, paragraphs) of each section with words in it, in the bulletin's order."""
        found = [(section_title(name, lang), [p.strip() for p in getattr(self, name) if p.strip()])
                 for name in SECTIONS]
        return [(title, paragraphs) for title, paragraphs in found if paragraphs]

    def sha256(self) -> str:
        """Of the canonical JSON: the same words give the same hash, however the file was laid out."""
        canonical = json.dumps(self.model_dump(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def section_title(name: str, lang: str) -> str:
    return {"overview": tr_lang(lang, "Overview"), "problems": tr_lang(lang, "Problems found"),
            "cases": tr_lang(lang, "Typical cases"), "praise": tr_lang(lang, "Commendations"),
            "requirements": tr_lang(lang, "Next steps")}[name]


def section_texts(narrative: BulletinNarrative) -> dict[str, str]:
    """Each section as one text to edit: its paragraphs separated by a blank line."""
    return {name: "\n\n".join(getattr(narrative, name)) for name in SECTIONS}


def with_texts(narrative: BulletinNarrative, texts: dict[str, str]) -> BulletinNarrative:
    """The narrative with sections edited as texts (a blank line starts a paragraph; an emptied section is
    left out of the bulletin); a paragraph too long is an InputError naming the section."""
    from pydantic import ValidationError

    from inspector_app.core.fileformat import validation_problems

    data = narrative.model_dump()
    join = "" if narrative.language == "zh" else " "  # a line broken inside a paragraph: no space in Chinese
    for name, text in texts.items():
        if name in SECTIONS:
            data[name] = [join.join(line.strip() for line in part.splitlines() if line.strip())
                          for part in re.split(r"\n\s*\n", text) if part.strip()]
    try:
        return BulletinNarrative.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, tr("bulletin narrative"), {})) from None


def narrative_schema() -> str:
    return schema_json(BulletinNarrative)


def load_narrative(path: Path, month: str) -> BulletinNarrative:
    """A narrative file for `month`'s bulletin, or InputError naming the file, the place and the reason."""
    narrative = load_model(Path(path), BulletinNarrative)
    if narrative.month != month:
        raise InputError([Problem(str(path), None, "month", tr(
            "this narrative is for {found}, the bulletin is for {month}", found=narrative.month, month=month))])
    return narrative


def write_narrative(narrative: BulletinNarrative, path: Path) -> Path:
    """The narrative as indented JSON (UTF-8, Chinese as it is), ready to edit."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(narrative.model_dump(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


def _change(now: float, before: float, lang: str) -> str:
    diff = round(now - before, 2)
    if diff > 0:
        return tr_lang(lang, "up {n}", n=points(diff))
    if diff < 0:
        return tr_lang(lang, "down {n}", n=points(-diff))
    return tr_lang(lang, "unchanged")


def _overview(content: BulletinContent, lang: str) -> list[str]:
    summary, previous = content.summary, content.previous
    inspected = [d for d in summary.departments if d.inspections]
    text = tr_lang(lang, "In {month} the office carried out {inspections} service-quality inspections covering "
                         "{departments} department(s) (windows) and found {occurrences} problems, {points} points "
                         "deducted; {persons} staff members lost points.",
                   month=month_text(content.month, lang), inspections=summary.inspections,
                   departments=len(inspected), occurrences=summary.occurrences, points=points(summary.total_points),
                   persons=len(summary.persons))
    paragraphs = [text]
    if previous is not None and previous.inspections:
        paragraphs.append(tr_lang(
            lang, "Compared with last month: inspections {inspections}, problems {occurrences}, points {points}.",
            inspections=_change(summary.inspections, previous.inspections, lang),
            occurrences=_change(summary.occurrences, previous.occurrences, lang),
            points=_change(summary.total_points, previous.total_points, lang)))
    elif previous is not None:
        paragraphs.append(tr_lang(lang, "Last month had no inspection to compare with."))
    return paragraphs


def _problems(content: BulletinContent, lang: str, most: int = 5) -> list[str]:
    problems = content.problems[:most]
    if not problems:
        return [tr_lang(lang, "No problem was found this month.")]
    lines = [tr_lang(lang, "The problems found most often this month were:")]
    for n, p in enumerate(problems, 1):
        lines.append(tr_lang(lang, "({n}) {code} {text}: {occurrences} time(s) in {departments} department(s), "
                                   "{points} points.", n=n, code=p.item_code, text=p.item_text,
                             occurrences=p.occurrences, departments=p.departments, points=points(p.points)))
    if content.repeats:
        lines.append(tr_lang(lang, "{n} problems were found again after an earlier visit had found them (see the "
                                   "table of repeat problems); the departments concerned must not let them recur.",
                             n=len(content.repeats)))
    return lines


def _cases(content: BulletinContent, lang: str) -> list[str]:
    found = []
    for n, case in enumerate(content.cases, 1):
        fields = {"n": n, "day": case.day, "department": case.department, "who": case.person,
                  "code": case.item_code, "item": case.item_text, "points": points(case.points)}
        text = (tr_lang(lang, "Case {n}: on {day}, {department}, {who}: {code} {item}; {points} points deducted.",
                        **fields) if case.person else
                tr_lang(lang, "Case {n}: on {day}, {department} (the department itself): {code} {item}; {points} "
                              "points deducted.", **fields))
        if case.note:
            text += tr_lang(lang, " The inspector noted: {note}", note=case.note)
        found.append(text)
    return found


def _praise(content: BulletinContent, lang: str) -> list[str]:
    behind = {o.department for o in content.overdue}  # a department late with its rectifications is not praised
    clean = [d.name for d in content.summary.departments
             if d.inspections and d.occurrences == 0 and d.total_points == 0 and not d.failed and d.name not in behind]
    if not clean:
        return []
    return [tr_lang(lang, "The following departments were inspected and no problem was found; they are commended: "
                          "{names}.", names=listing(clean, lang))]


def _requirements(content: BulletinContent, lang: str) -> list[str]:
    lines = []
    if content.overdue:
        departments = sorted({o.department for o in content.overdue})
        lines.append(tr_lang(lang, "{count} rectification item(s) in {n} department(s) are past their deadline "
                                   "({names}); these departments must complete them at once and report to the "
                                   "office in writing.", count=sum(o.count for o in content.overdue),
                             n=len(departments), names=listing(departments, lang)))
    if content.open_rectifications:
        lines.append(tr_lang(lang, "{count} rectification items are still open within their deadline; the "
                                   "departments must complete them by the deadline given in their notices.",
                             count=content.open_rectifications))
    if content.repeats:
        lines.append(tr_lang(lang, "Departments with repeat problems must find the cause and take lasting "
                                   "measures; the office will re-inspect them next month."))
    lines.append(tr_lang(lang, "Every department is to study this bulletin and check its own work against the "
                               "problems found."))
    return lines


def draft_narrative(content: BulletinContent, lang: str = "zh") -> BulletinNarrative:
    """The five sections written from the month's figures, ready to be edited before the bulletin is issued."""
    return BulletinNarrative(month=content.month, language="en" if lang == "en" else "zh",
                             overview=_overview(content, lang), problems=_problems(content, lang),
                             cases=_cases(content, lang), praise=_praise(content, lang),
                             requirements=_requirements(content, lang))
