"""The inspection sheet (督查记录表): one inspection as the record handed to the department.

It shows what was found and what it cost — particulars, each live deduction, photos, totals as the scoring
rules compute them (caps noted), the clause each item comes from — and is signed by the inspector and
acknowledged by the department. Voided entries do not count; they are listed struck through in a small
separate section so the paper record and the audit trail tell the same story.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from inspector_app.core.checklists.models import Checklist, Item, ScoredScoring
from inspector_app.core.documents.fonts import require_printable_entries
from inspector_app.core.documents.layout import (
    FRAME_WIDTH,
    data_table,
    excerpt,
    heading,
    info_table,
    listing,
    local_time,
    markup,
    mode_text,
    para,
    points,
    side_by_side,
    signature_block,
    signature_image,
    styles,
    title_block,
)
from inspector_app.core.documents.pages import build_pdf
from inspector_app.core.documents.signatures import SignatureView, hand_signatures
from inspector_app.core.documents.stamp import STAMP_HEIGHT
from inspector_app.core.documents.thumbnails import photo_grid
from inspector_app.core.i18n import tr_lang
from inspector_app.core.inspection_state import Entry, InspectionState, load_state
from inspector_app.core.inspections import InspectionDetail, inspection_detail
from inspector_app.core.workspace import Workspace


def sheet_title(lang: str) -> str:
    return tr_lang(lang, "Service Quality Inspection Record")


def _item(checklist: Checklist, code: str) -> Item | None:
    try:
        return checklist.item(code)
    except KeyError:
        return None


def _item_text(checklist: Checklist, entry: Entry, lang: str) -> str:
    item = _item(checklist, entry.item_code)
    return item.text.get(lang) if item is not None else entry.item_text


def _who(entry: Entry, lang: str) -> str:
    if entry.is_head and entry.multiplier != 1:
        return entry.who + "\n" + tr_lang(lang, "department head ×{m:g}", m=entry.multiplier)
    return entry.who


def _when(entry: Entry, started: str) -> str:
    same_day = entry.recorded_at[:10] == started[:10]
    return local_time(entry.recorded_at, with_date=False) if same_day else local_time(entry.recorded_at)[5:]


def _particulars(state: InspectionState, detail: InspectionDetail, lang: str) -> Flowable:
    row = detail.inspection
    inspectors = listing(filter(None, [state.inspector, state.co_inspector]), lang)
    finished = local_time(row.finished_at) if row.finished_at else tr_lang(lang, "not finished (draft)")
    checklist = state.checklist
    pairs = [
        (tr_lang(lang, "Department / window"), state.department),
        (tr_lang(lang, "Inspector(s)"), inspectors),
        (tr_lang(lang, "Inspection mode"), mode_text(state.mode, lang)),
        (tr_lang(lang, "Location"), state.location or ""),
        (tr_lang(lang, "Started"), local_time(state.started_at)),
        (tr_lang(lang, "Finished"), finished),
        (tr_lang(lang, "Checklist"), tr_lang(lang, "{title} (version {version})",
                                              title=checklist.title.get(lang), version=checklist.version)),
    ]
    return info_table(pairs, span_last=True)


def _deductions(state: InspectionState, lang: str) -> Flowable:
    rows = []
    for index, entry in enumerate(state.live_entries, start=1):
        rows.append([index, f"{entry.item_code}  {_item_text(state.checklist, entry, lang)}", _who(entry, lang),
                     entry.count, points(entry.points), _when(entry, state.started_at), entry.note])
    header = [tr_lang(lang, "No."), tr_lang(lang, "Inspection item"), tr_lang(lang, "Charged to"), tr_lang(lang, "Times"),
              tr_lang(lang, "Points"), tr_lang(lang, "Time"), tr_lang(lang, "What was found")]
    return data_table(header, rows, [10, 51, 30, 11, 11, 14, 47], "clccccl",
                      tr_lang(lang, "No problems were found in this inspection."))


def _voided(state: InspectionState, lang: str) -> list[Flowable]:
    voided = [e for e in state.entries if e.voided]
    if not voided:
        return []
    s = styles()
    lines = [para(tr_lang(lang, "Voided entries (not counted)"), s["label"])]
    for entry in voided:
        text = f"{entry.item_code}  {_item_text(state.checklist, entry, lang)} — {entry.who}"
        reason = tr_lang(lang, "reason: {reason}", reason=entry.void_reason or "")
        lines.append(Paragraph(f"<strike>{markup(text, s['small'].fontName)}</strike>　"
                               f"（{markup(reason, s['small'].fontName)}）", s["small"]))
    return [Spacer(1, 3 * mm), *lines]


def _cap_notes(state: InspectionState, lang: str) -> list[str]:
    notes = []
    for code, total in state.score.items.items():
        if total.capped:
            item = _item(state.checklist, code)
            notes.append(tr_lang(lang, "{code}: capped at {cap} points per inspection; {counted} of {raw} counted",
                                 code=code, cap=points(item.cap if item else None), counted=points(total.counted),
                                 raw=points(total.raw)))
    return notes


def _totals(state: InspectionState, lang: str) -> list[Flowable]:
    s = styles()
    score = state.score
    parts: list[Flowable] = [heading(tr_lang(lang, "Points summary"))]
    if isinstance(state.checklist.scoring, ScoredScoring):
        rules = state.checklist.scoring
        verdict = tr_lang(lang, "passed") if score.passed else tr_lang(lang, "failed")
        header = [tr_lang(lang, "Base score"), tr_lang(lang, "Points deducted"), tr_lang(lang, "Score"),
                  tr_lang(lang, "Pass line"), tr_lang(lang, "Result")]
        parts.append(data_table(header, [[points(rules.base_score.value), points(score.total), points(score.score),
                                          points(rules.pass_score.value), verdict]], [1, 1, 1, 1, 1], "ccccc"))
    else:  # per person / department; the share of pay is monthly (the bulletin), not per inspection
        times: dict[str, int] = {}
        for entry in state.live_entries:
            times[entry.who] = times.get(entry.who, 0) + entry.count
        rows = [[who, times.get(who, 0), points(value)] for who, value in state.subtotals]
        rows.append([tr_lang(lang, "Total"), sum(times.values()), points(score.total)])
        header = [tr_lang(lang, "Charged to"), tr_lang(lang, "Times"), tr_lang(lang, "Points")]
        parts.append(data_table(header, rows, [110, 32, 32], "lcc"))
    for note in _cap_notes(state, lang):
        parts.append(para("※ " + note, s["small"]))
    return parts


def _photos(state: InspectionState, detail: InspectionDetail, ws: Workspace, lang: str) -> list[Flowable]:
    numbers = {e.id: i for i, e in enumerate(state.live_entries, start=1)}
    photos: list[tuple[Path, str]] = []
    for deduction in detail.deductions:
        if deduction.id in numbers:
            for relative in deduction.photos:
                caption = tr_lang(lang, "No. {n} · {code}", n=numbers[deduction.id], code=deduction.item_code)
                photos.append((ws.data_dir / relative, caption))
    grid, missing = photo_grid(photos, lang)
    if grid is None:
        return []
    parts: list[Flowable] = [heading(tr_lang(lang, "Photos")), grid]
    if missing:
        parts.append(para(tr_lang(lang, "{n} photo file(s) could not be found in the data folder and are left out.",
                                  n=missing), styles()["small"]))
    return parts


def _sources(state: InspectionState, lang: str) -> list[Flowable]:
    s = styles()
    seen: list[str] = []
    for entry in state.live_entries:
        if entry.item_code not in seen:
            seen.append(entry.item_code)
    lines: list[Flowable] = []
    for code in seen:
        item = _item(state.checklist, code)
        if item is not None:
            source = item.source
            cited = state.checklist.citation(source.file, lang)
            quote = (f"{code}　{cited}{source.section}：“{excerpt(source.quote)}”" if lang == "zh" else
                     f"{code} {cited} {source.section}: \"{excerpt(source.quote)}\"")
            lines.append(para(quote, s["small"]))
    return [heading(tr_lang(lang, "Basis")), *lines] if lines else []


class SignatureSlot(Flowable):
    """Space kept free for the visible digital signature (stamp.py); remembers the page and box it got, so
    the signature field is put exactly there and never over text."""

    def __init__(self, width: float, height: float):
        super().__init__()
        self.width, self.height = width, height
        self.placed: tuple[int, tuple[float, float, float, float]] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.placed = (self.canv.getPageNumber() - 1, (x, y, x + self.width, y + self.height))


def _signatures(state: InspectionState, signatures: dict[str, SignatureView], lang: str,
                signed_at: datetime | None = None) -> Flowable:
    """The signature lines; the inspector's date is the hand signature's, else the digital signing time."""
    inspector = signatures.get("inspector")
    department = signatures.get("department")

    zone = datetime.fromisoformat(state.started_at).tzinfo  # the inspector's local time, as on the rest

    def when(view: SignatureView | None) -> str:
        return view.signed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if view else ""

    inspector_when = when(inspector) or (signed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if signed_at else "")
    left = signature_block(tr_lang(lang, "Inspector's signature"), inspector.name if inspector else state.inspector,
                           inspector_when, signature_image(inspector.path if inspector else None), lang)
    right = signature_block(tr_lang(lang, "Department acknowledgement"), department.name if department else "",
                            when(department), signature_image(department.path if department else None), lang)
    return side_by_side(left, right)


def render_sheet(ws: Workspace, inspection_id: str, number: str, *, lang: str = "zh") -> bytes:
    """The 督查记录表 of one inspection as PDF bytes (register it with record_document when issuing it)."""
    return _render(ws, inspection_id, number, lang, None, None)


def render_sheet_for_signing(ws: Workspace, inspection_id: str, number: str, signed_at: datetime, *,
                             lang: str = "zh") -> tuple[bytes, tuple[int, tuple[float, float, float, float]]]:
    """The sheet with its date lines from the signing time and a free box for the visible signature; returns
    the PDF and (page index, box in points)."""
    slot = SignatureSlot(FRAME_WIDTH, STAMP_HEIGHT)
    pdf = _render(ws, inspection_id, number, lang, signed_at, slot)
    assert slot.placed is not None  # the slot is in the story: build_pdf drew it
    return pdf, slot.placed


def _render(ws: Workspace, inspection_id: str, number: str, lang: str, signed_at: datetime | None,
            slot: SignatureSlot | None) -> bytes:
    state = load_state(ws, inspection_id)
    require_printable_entries(state.entries)
    detail = inspection_detail(ws, inspection_id)
    hospital = ws.settings.hospital
    title = sheet_title(lang)
    story: list[Flowable] = [*title_block(hospital, title, number, lang), Spacer(1, 2 * mm),
                             _particulars(state, detail, lang), Spacer(1, 5 * mm),
                             heading(tr_lang(lang, "Deductions")), _deductions(state, lang)]
    story += _voided(state, lang)
    story += [Spacer(1, 4 * mm), KeepTogether(_totals(state, lang))]
    photos = _photos(state, detail, ws, lang)
    if photos:
        story += [Spacer(1, 4 * mm), *photos]
    sources = _sources(state, lang)
    if sources:
        story += [Spacer(1, 3 * mm), *sources[:-2]]
    # the last lines of the sources travel with the signatures: a signature never stands alone on a page
    signing: list[Flowable] = [Spacer(1, 3 * mm), slot] if slot is not None else []
    story += [KeepTogether([*sources[-2:], Spacer(1, 6 * mm), heading(tr_lang(lang, "Signatures")),
                            _signatures(state, hand_signatures(ws, inspection_id), lang, signed_at), *signing])]
    return build_pdf(story, hospital=hospital, title=title, number=number, lang=lang,
                     watermark=detail.inspection.training, author=state.inspector)
