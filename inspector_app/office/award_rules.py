"""The 000 selection criteria (季度评选) as data: what each criterion is, how a result is reported, and which
checklist items speak to which criterion.

000 附件 三、评选标准: every 优质服务窗口 must meet "每月接受评价率占服务对象90%以上；窗口及个人当月满意度90%以上；
严格执行首问首接负责制,无推诿扯皮现象,无服务投诉或违法违纪事件发生", and 四、评选办法: "每季度评选三个优质服务窗口和
十名优质服务标兵". A criterion is `met`, `failed` or `not_measured` (nothing decides it either way); "no complaint" is `pending` while a
complaint of the period is received or under investigation and none is verified (shown, excluding nobody).
The evaluation rate and satisfaction are read month by month from the measured values inspectors recorded
(award_measured.py: the latest record of a department's month counts); a month with no value is no evidence,
never a pass. The complaint register is the office's (complaints.py): only a verified complaint counts against.

Which items speak to a criterion is decided by a stated rule over the checklist snapshot each inspection carries,
never by one item's id (so new checklists and versions are covered as they are written):
- **shirking (推诿扯皮)**: the item's Chinese requirement names 推诿 or 扯皮, or it is a 首问负责 item whose search
  keywords do (000 W4, 001 A5 / F1, 002 S3, 003 X3 in the shipped forms; 001 F2 "咨询详细告知" is 首问负责 too
  but says nothing of shirking, and 000-service-year A2 "生、冷、硬、顶、推" is an attitude item);
- **complaint**: a 投诉 item whose requirement reads "no … complaint" (无…投诉) or "a complaint, verified"
  (投诉…查实) (000 W5 / S6, 001 A7); items about complaint boxes, channels or handling are not complaints;
- **evaluation rate / satisfaction**: an item with a percentage threshold on a metric naming 评价率 / 满意度 whose
  failure means the value is below 90% (`≥ v` with v ≤ 90, `> v` with v < 90): a recorded finding on it is
  evidence that the rate was under 90%. No finding is not evidence of the opposite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from inspector_app.core.checklists.models import Category, Checklist, Item
from inspector_app.core.errors import InputError
from inspector_app.core.i18n import tr, tr_lang

WINDOW, PERSON = "window", "person"
KINDS = (WINDOW, PERSON)
QUOTA = {WINDOW: 3, PERSON: 10}  # 000 四、评选办法 3: 每季度评选三个优质服务窗口和十名优质服务标兵
RATE_PERCENT = 90.0  # 000 三、评选标准 2: 90%以上, for both the evaluation rate and satisfaction
EVIDENCE_LINES = 10  # per criterion and side; the rest are counted (`omitted_*`)
EVIDENCE_SUBJECTS = 30  # persons whose every entry is listed: the first in the ranking (all windows are)
SHIRKING_WORDS = ("推诿", "扯皮")
COMPLAINT_TEXT = re.compile(r"无[^，。；,;]*投诉|投诉[^，。；,;]*查实")
QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


class Outcome(str, Enum):
    MET = "met"
    FAILED = "failed"
    NOT_MEASURED = "not_measured"
    PENDING = "pending"  # no complaint: none verified, one still received or under investigation (excludes nobody)


class Criterion(str, Enum):
    INSPECTED = "inspected"
    NO_VIOLATION = "no_violation"
    NO_SHIRKING = "no_shirking"
    NO_COMPLAINT = "no_complaint"
    EVALUATION_RATE = "evaluation_rate"
    SATISFACTION = "satisfaction"

    def label(self, lang: str) -> str:
        return {
            Criterion.INSPECTED: tr_lang(lang, "inspected in the quarter"),
            Criterion.NO_VIOLATION: tr_lang(lang, "no violation (no live deduction in the quarter)"),
            Criterion.NO_SHIRKING: tr_lang(lang, "no shirking (推诿扯皮)"),
            Criterion.NO_COMPLAINT: tr_lang(lang, "no service complaint"),
            Criterion.EVALUATION_RATE: tr_lang(lang, "monthly evaluation rate at least 90%"),
            Criterion.SATISFACTION: tr_lang(lang, "monthly satisfaction at least 90%"),
        }[self]

    def short(self, lang: str) -> str:
        """A column heading."""
        return {
            Criterion.INSPECTED: tr_lang(lang, "inspected"),
            Criterion.NO_VIOLATION: tr_lang(lang, "no violation"),
            Criterion.NO_SHIRKING: tr_lang(lang, "no shirking"),
            Criterion.NO_COMPLAINT: tr_lang(lang, "no complaint"),
            Criterion.EVALUATION_RATE: tr_lang(lang, "evaluation ≥90%"),
            Criterion.SATISFACTION: tr_lang(lang, "satisfaction ≥90%"),
        }[self]


ITEM_CRITERIA = (Criterion.NO_SHIRKING, Criterion.NO_COMPLAINT, Criterion.EVALUATION_RATE, Criterion.SATISFACTION)
RATES = (Criterion.EVALUATION_RATE, Criterion.SATISFACTION)


@dataclass(frozen=True)
class Evidence:
    """One line for or against a criterion: an entry (date, item, inspector), an inspection or a measured value."""

    date: str  # local date, YYYY-MM-DD ("" for a line about a whole period)
    text: str
    inspector: str = ""
    item_code: str = ""
    checklist_id: str = ""


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    outcome: Outcome
    evidence_for: list[Evidence] = field(default_factory=list)
    evidence_against: list[Evidence] = field(default_factory=list)
    note: str = ""
    omitted_for: int = 0  # lines beyond EVIDENCE_LINES, counted not listed
    omitted_against: int = 0


# -- values the office gives in place of the central database's (award_measured.py reads the central ones) -------
@dataclass(frozen=True)
class Measurement:
    """A month's evaluation rate or satisfaction of a window or a person (percent) that the office gives itself
    (e.g. a person's own figure from the rating device's export): it replaces the central database's for that
    subject, criterion and month, and the evidence says so."""

    kind: str  # WINDOW / PERSON
    subject: str  # roster code / 工号
    month: str  # YYYY-MM
    criterion: Criterion  # EVALUATION_RATE or SATISFACTION
    percent: float
    source: str = ""


@dataclass(frozen=True)
class ComplaintRecord:
    """A complaint from the register: only a verified one (查实) counts against; a pending one (received, being
    investigated) is shown as evidence and excludes nobody."""

    kind: str
    subject: str
    date: str
    verified: bool
    text: str


@dataclass(frozen=True)
class Measured:
    """The office's own figures, in place of the central database's. `measurements` replace the central value of
    their subject, criterion and month; `complaints` None: the central register is read (when it has never been
    used, "no complaint" is not measured); a tuple: it replaces the register (empty: none in the quarter)."""

    measurements: tuple[Measurement, ...] = ()
    complaints: tuple[ComplaintRecord, ...] | None = None


# -- which items speak to which criterion -------------------------------------------------------------------------
def _names_shirking(words: list[str] | str) -> bool:
    text = words if isinstance(words, str) else " ".join(words)
    return any(word in text for word in SHIRKING_WORDS)


def _rate_position(item: Item, metric_word: str) -> int | None:
    for position, threshold in enumerate(item.thresholds):
        if metric_word in threshold.metric.zh and threshold.unit == "%" and (
                (threshold.op == ">=" and threshold.value <= RATE_PERCENT)
                or (threshold.op == ">" and threshold.value < RATE_PERCENT)):
            return position
    return None


def _below_rate(item: Item, metric_word: str) -> bool:
    return _rate_position(item, metric_word) is not None


def rate_position(item: Item, criterion: Criterion) -> int | None:
    """Which of the item's measured values is the evaluation rate / satisfaction `criterion` reads (None: none)."""
    return _rate_position(item, "评价率" if criterion is Criterion.EVALUATION_RATE else "满意度")


def item_criteria(item: Item) -> frozenset[Criterion]:
    """The criteria a live finding on `item` counts against (the module docstring states the rules)."""
    found = set()
    if _names_shirking(item.text.zh) or (item.category is Category.FIRST_CONTACT and _names_shirking(item.keywords)):
        found.add(Criterion.NO_SHIRKING)
    if item.category is Category.COMPLAINT and COMPLAINT_TEXT.search(item.text.zh):
        found.add(Criterion.NO_COMPLAINT)
    if _below_rate(item, "评价率"):
        found.add(Criterion.EVALUATION_RATE)
    if _below_rate(item, "满意度"):
        found.add(Criterion.SATISFACTION)
    return frozenset(found)


def classify(checklist: Checklist) -> dict[str, frozenset[Criterion]]:
    """Item code → the criteria its findings count against, for the items that count against any."""
    return {item.code: found for item in checklist.items() if (found := item_criteria(item))}


# -- quarters -----------------------------------------------------------------------------------------------------
def parse_quarter(text: str) -> str:
    """'2026-Q1' (q in either case) → '2026-Q1'; anything else is refused with the form expected."""
    match = QUARTER.match(text.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise InputError.single("--quarter", tr("quarter must look like 2026-Q1 (YYYY-Qn, n from 1 to 4)"))
    return f"{match.group(1)}-Q{match.group(2)}"


def quarter_months(quarter: str) -> list[str]:
    year, n = parse_quarter(quarter).split("-Q")
    first = 3 * (int(n) - 1) + 1
    return [f"{year}-{month:02d}" for month in range(first, first + 3)]


def quarter_of(moment: datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
