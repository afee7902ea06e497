"""The office recomputes every number a laptop sends (issue #12): it trusts none of them.

For each inspection of a verified bundle: the checklist snapshot must hash to the hash it claims (a forged
body under a real hash is refused), each deduction's points must be what that checklist gives for its item,
count and head flag (scoring.entry_points), and the counted points, pay share and score the central month
adds up are worked out here by the one scoring module (scoring.inspection_result), never taken from the
bundle. A bundle that states other points is quarantined with the reason; the others merge. A deduction on an
item the snapshot charges only through the complaint register (001 §四 第7条) is set aside as `register_only`.

Known limit: whether the person charged is a department head is still the laptop's word (the office holds
no roster of its own yet); the multiplier itself is the snapshot's.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from pydantic import ValidationError

from inspector_app.core.checklists.models import Checklist, Item
from inspector_app.core.errors import InputError
from inspector_app.core.i18n import tr
from inspector_app.core.periods import kind_of, landing_month
from inspector_app.core.scoring import (
    EntryPoints,
    ScoreEntry,
    entry_points,
    inspection_result,
)
from inspector_app.core.scoring.measured import measured_outcome, most_occurrences
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync import bundle_format as fmt
from inspector_app.core.sync.verify import Quarantine

TOLERANCE = 1e-6  # points are kept to 4 decimals: anything further off was not computed by these rules


@dataclass(frozen=True)
class _Checked:
    body: dict  # as a bundle sent it, the hash checked
    text: str  # its canonical JSON
    checklist: Checklist


_CHECKED: dict[str, _Checked] = {}  # snapshot hash → the body checked against it (per process, at most 256)


@dataclass(frozen=True)
class Recomputed:
    scored: bool
    score: float | None
    passed: bool | None
    counted: dict[str, tuple[float, float]]  # live deduction id → (counted points, pay share %)
    monthly: frozenset[str] = frozenset()  # the checklist's monthly rules (item codes)
    snapshot_text: str = ""  # the canonical JSON of the checklist snapshot's body, as hashed


def snapshot_checklist(snapshot: fmt.ChecklistData) -> Checklist:
    """The checklist of a snapshot whose body really hashes to its claimed hash (cached per process)."""
    return checked_snapshot(snapshot)[1]


def checked_snapshot(snapshot: fmt.ChecklistData) -> tuple[str, Checklist]:
    """(canonical body text, checklist) of a snapshot whose body really hashes to its claimed hash.

    Every bundle carries its checklist (10 KB of its 60 KB): a body equal to one already checked against the
    same hash is taken as that one, text and checklist, without encoding it again. Equal here is Python's
    (1 == 1.0 == True), so a body differing only so is the checked one, text included: nothing of it is used."""
    known = _CHECKED.get(snapshot.content_hash)
    if known is not None and known.body == snapshot.body:
        return known.text, known.checklist
    text = canonical(snapshot.body)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != snapshot.content_hash:
        raise Quarantine("bad_snapshot", tr("Checklist {id} v{version}: its content does not match its hash "
                                            "{hash}.", id=snapshot.checklist_id, version=snapshot.version,
                                            hash=snapshot.content_hash[:12]))
    try:
        checklist = Checklist.model_validate(snapshot.body)
    except ValidationError:
        raise Quarantine("bad_snapshot", tr("Checklist {id} v{version} in the batch is not a valid checklist.",
                                            id=snapshot.checklist_id, version=snapshot.version)) from None
    if (checklist.id, checklist.version) != (snapshot.checklist_id, snapshot.version):
        raise Quarantine("bad_snapshot", tr("Checklist {id} v{version} in the batch is not a valid checklist.",
                                            id=snapshot.checklist_id, version=snapshot.version))
    if len(_CHECKED) > 256:
        _CHECKED.clear()
    _CHECKED[snapshot.content_hash] = _Checked(snapshot.body, text, checklist)
    return text, checklist


def _off(stated: float, expected: float) -> bool:
    return not math.isfinite(stated) or abs(stated - expected) > TOLERANCE


def recompute(record: fmt.InspectionRecord) -> Recomputed:
    """Check one inspection's stated points and work out what it counts for (see the module docstring)."""
    snapshot_text, checklist = checked_snapshot(record.checklist)
    if record.inspection.checklist_hash != record.checklist.content_hash:
        raise Quarantine("bad_snapshot", tr("Inspection {id} names another checklist version than it carries.",
                                            id=record.inspection.id))
    items = {item.code: item for item in checklist.items()}
    live = []
    worked_out: dict[tuple[str, int, str, bool], EntryPoints] = {}
    for deduction in record.deductions:
        item = items.get(deduction.item_code)
        if item is None:
            raise Quarantine("bad_points", tr("Deduction {id}: item {code} is not in checklist {checklist}.",
                                              id=deduction.id, code=deduction.item_code, checklist=checklist.id))
        if not item.observable:
            raise Quarantine("register_only", tr(
                "Deduction {id}: item {code} of checklist {checklist} is charged only through the complaint "
                "register once verified, never as a laptop's observation.", id=deduction.id,
                code=deduction.item_code, checklist=checklist.id))
        key = (deduction.item_code, deduction.count, deduction.charged_to, deduction.is_head)
        expected = worked_out.get(key)
        if expected is None:  # an inspection repeats few (item, count, charged, head) cases: each worked out once
            expected = worked_out[key] = entry_points(checklist, item, deduction.count, deduction.charged_to,
                                                      deduction.is_head)
        if ((deduction.points, deduction.points_each, deduction.multiplier)  # equal: finite and not off
                != (expected.points, expected.points_each, expected.multiplier)) and (
                _off(deduction.points, expected.points) or _off(deduction.points_each, expected.points_each)
                or _off(deduction.multiplier, expected.multiplier)):
            raise Quarantine("bad_points", tr(
                "Deduction {id}: {stated} points stated, the checklist gives {expected} ({code} × {count}).",
                id=deduction.id, stated=f"{deduction.points:g}", expected=f"{expected.points:g}",
                code=deduction.item_code, count=deduction.count))
        _check_period(deduction, item)
        if deduction.voided_at is None:
            live.append((deduction, expected.points))
    for measurement in record.measurements:
        _check_measurement(measurement, items.get(measurement.item_code), checklist)
    live.sort(key=lambda pair: pair[0].seq)
    result = inspection_result(checklist, [
        ScoreEntry(d.item_code, d.charged_to, (d.staff_no or "") if d.charged_to == "person" else d.department_code,
                   points) for d, points in live])
    counted = {d.id: (points, pay) for (d, _), points, pay in zip(live, result.points, result.pay_percent,
                                                                  strict=True)}
    monthly = frozenset(code for code, item in items.items() if item.period != "visit")  # any period rule
    return Recomputed(result.scored, result.score, result.passed, counted, monthly, snapshot_text)


def _check_period(deduction: fmt.DeductionData, item: Item) -> None:
    """A period rule's entry names its month, quarter or half year (counted in the period's last month,
    core/periods.py) and never more occurrences than the rule gives in it; any other entry names none."""
    ruled = item.period != "visit"
    kind = _kind(deduction.period) if deduction.period is not None else None
    if ruled != (deduction.period is not None) or (ruled and (
            kind != item.period or deduction.local_month != landing_month(deduction.period or "")
            or deduction.count > most_occurrences(item))):
        raise Quarantine("bad_points", tr(
            "Deduction {id}: item {code} is counted per {kind}, which the entry does not keep (month {period}, "
            "{count} occurrences).", id=deduction.id, code=deduction.item_code,
            kind=_PER[item.period](), period=deduction.period or "-", count=deduction.count))


_PER = {"month": lambda: tr("month"), "quarter": lambda: tr("quarter"), "half-year": lambda: tr("half year"),
        "visit": lambda: tr("visit")}


def _kind(key: str) -> str | None:
    try:
        return kind_of(key)
    except ValueError:
        return None


def _check_measurement(measurement: fmt.MeasurementData, item: Item | None, checklist: Checklist) -> None:
    """A measured value's pass and occurrences are what the snapshot's thresholds give, worked out again."""
    if item is None or not item.measured:
        raise Quarantine("bad_points", tr("Measurement {id}: item {code} of checklist {checklist} takes no "
                                          "measured value.", id=measurement.id, code=measurement.item_code,
                                          checklist=checklist.id))
    try:
        outcome = measured_outcome(item, {int(k): v for k, v in measurement.values.items()})
    except InputError as exc:
        raise Quarantine("bad_points", tr("Measurement {id}: {reason}", id=measurement.id,
                                          reason=exc.problems[0].reason)) from None
    if _kind(measurement.period) != (item.period if item.period != "visit" else "month"):
        raise Quarantine("bad_points", tr(
            "Measurement {id}: item {code} is counted per {kind}, which the value does not keep ({period}).",
            id=measurement.id, code=measurement.item_code, kind=_PER[item.period](), period=measurement.period))
    if (outcome.passed, outcome.occurrences) != (measurement.passed, measurement.occurrences):
        raise Quarantine("bad_points", tr(
            "Measurement {id}: stated {stated}, the thresholds give {expected}.", id=measurement.id,
            stated=f"{measurement.passed}/{measurement.occurrences}",
            expected=f"{outcome.passed}/{outcome.occurrences}"))
