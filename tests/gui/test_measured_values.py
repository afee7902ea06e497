"""A measured value from the keyboard (issue #15): 001 §四 第1条's study sessions typed where the count goes,
the month checked offered, the preview saying what it means before Enter records it. Key events only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from inspector_app.core.i18n import tr
from inspector_app.core.inspection_state import load_state
from inspector_app.core.periods import landing_month
from inspector_app.core.store.models import Deduction, Measurement
from inspector_app.gui.widgets.measured_value import recent_months, recent_periods
from tests.gui.keys import activate, focused, key, tab_to
from tests.gui.test_ward_round import start_round


def test_recent_months_cross_the_year() -> None:
    assert recent_months(date(2027, 1, 15)) == ["2027-01", "2026-12", "2026-11"]
    assert recent_months(date(2028, 3, 1), 2) == ["2028-03", "2028-02"]


def _start_on(qtbot, window, checklist_id: str):
    """Ctrl+N, the checklist picked with the arrow keys, Enter: the record page of the new inspection."""
    activate(qtbot, window)
    key(qtbot, "Ctrl+N")
    combo = window.start_page.checklist
    key(qtbot, "Home")
    for _ in range(combo.count()):
        if combo.currentData() == checklist_id:
            break
        key(qtbot, "Down")
    tab_to(qtbot, window.start_page.location)
    key(qtbot, "Return")
    qtbot.waitUntil(lambda: window.inspect.currentWidget() is window.record_page)
    return window.record_page


def _pick(qtbot, code: str) -> None:
    key(qtbot, "Ctrl+F")
    qtbot.keyClicks(focused(), code)
    key(qtbot, "Return")


def test_study_sessions_typed_then_a_passing_value_replaces_them(main_window, qtbot) -> None:
    window, ws = main_window, main_window.ctx.ws
    activate(qtbot, window)
    start_round(qtbot, window)
    page = window.record_page
    inspection_id = page.state.id

    _pick(qtbot, "A1")
    assert page.measured.widget.isVisible() and page.measured.month.isVisible()
    months = [page.measured.month.itemText(i) for i in range(page.measured.month.count())]
    assert months == recent_months(date.today()) or months == recent_months(date.today())[:3]  # midnight
    tab_to(qtbot, page.measured.value, back=True)
    qtbot.keyClicks(focused(), "1")
    assert "1" in page.preview_label.text() and not page.count.isEnabled()  # occurrences come from the value
    key(qtbot, "Return")
    [entry] = load_state(ws, inspection_id).live_entries
    assert (entry.item_code, entry.count) == ("A1", 1)  # one session short of two: one occurrence

    _pick(qtbot, "A1")
    tab_to(qtbot, page.measured.value, back=True)
    qtbot.keyClicks(focused(), "2")
    key(qtbot, "Return")
    assert load_state(ws, inspection_id).live_entries == []  # the passing value replaced the failing one
    with ws.db.read() as session:
        kept = session.scalars(select(Measurement).where(Measurement.inspection_id == inspection_id)
                               .order_by(Measurement.seq)).all()
    assert [(m.values["0"], m.passed, m.voided_at is None) for m in kept] == [(1.0, False, False), (2.0, True, True)]
    assert kept[0].period == months[0]

    _pick(qtbot, "A2")  # an item without a threshold: no value field, the count as before
    assert not page.measured.widget.isVisible() and page.count.isEnabled()


def test_every_threshold_of_an_item_is_offered(main_window, qtbot) -> None:
    """004 篇一 SV2 has two rates (本地患者 ≥ 50%, 口腔科等 ≥ 60%): a field for each; the one typed is measured."""
    window, ws = main_window, main_window.ctx.ws
    page = _start_on(qtbot, window, "svc-004-three-good")
    _pick(qtbot, "SV2")
    fields = page.measured.shown_inputs()
    assert len(fields) == 2 and all(field.isVisible() for field in fields)
    assert not page.measured.fields[2].row.isVisible() and not page.measured.month.isVisible()
    tab_to(qtbot, fields[1], back=True)  # only the dentistry rate was measured this month
    qtbot.keyClicks(focused(), "55")
    assert "55" in page.preview_label.text() and "60" in page.preview_label.text()
    key(qtbot, "Return")
    [entry] = load_state(ws, page.state.id).live_entries
    assert entry.item_code == "SV2"
    with ws.db.read() as session:
        [kept] = session.scalars(select(Measurement).where(Measurement.inspection_id == page.state.id)).all()
    assert (kept.values, kept.passed) == ({"1": 55.0}, False)
    _pick(qtbot, "SV2")
    tab_to(qtbot, page.measured.shown_inputs()[0], back=True)
    qtbot.keyClicks(focused(), "52")
    tab_to(qtbot, page.measured.shown_inputs()[1])
    qtbot.keyClicks(focused(), "61")
    assert "52" in page.preview_label.text() and "61" in page.preview_label.text()
    key(qtbot, "Return")
    assert load_state(ws, page.state.id).live_entries == []  # both rates met: the failing value is replaced


def test_a_failed_value_on_an_item_without_points_opens_a_rectification(main_window, qtbot) -> None:
    """Quality rounds Q1 (002 篇三: 每月兩次…檢查, ≥ 2 次, 不扣分，限期整改): 1 typed fails, the preview says no
    points and a rectification, Enter opens the finding with 0 points and its rectification item."""
    from inspector_app.core.rectification import list_rectifications

    window, ws = main_window, main_window.ctx.ws
    page = _start_on(qtbot, window, "svc-quality-rounds")
    _pick(qtbot, "Q1")
    [field] = page.measured.shown_inputs()
    tab_to(qtbot, field, back=True)
    qtbot.keyClicks(focused(), "1")
    preview = page.preview_label.text()
    assert "Q1" in preview and "≥ 2" in preview and "不扣分，限期整改（14 天内）" in preview, preview
    key(qtbot, "Return")
    [entry] = load_state(ws, page.state.id).live_entries
    assert (entry.item_code, entry.points) == ("Q1", 0.0)
    model = page.entries_model
    assert model.data(model.index(0, 5)) == "不扣分"  # not "−0"
    assert "不扣分" in page.subtotals.text()
    from inspector_app.core.recording import Recorder

    Recorder(ws, actor="tester").finish(page.state.id)
    [listed] = list_rectifications(ws)
    assert listed.item_code == "Q1" and listed.status == "open"


def test_recent_quarters_and_half_years_cross_the_year() -> None:
    assert recent_periods("quarter", date(2027, 1, 1)) == ["2027-Q1", "2026-Q4"]
    assert recent_periods("quarter", date(2026, 12, 31)) == ["2026-Q4", "2026-Q3"]
    assert recent_periods("half-year", date(2027, 1, 1)) == ["2027-H1", "2026-H2"]
    assert recent_periods("half-year", date(2026, 7, 1)) == ["2026-H2", "2026-H1"]


def test_the_quarter_checked_is_chosen_from_the_keyboard(main_window, qtbot) -> None:
    """Quality rounds T1 (三基三严, once per quarter): the chooser offers this quarter and the one before; Down
    picks the one before, the preview says the month it counts in, Enter records it for that quarter."""
    window, ws = main_window, main_window.ctx.ws
    page = _start_on(qtbot, window, "svc-quality-rounds")
    _pick(qtbot, "T1")
    chooser = page.measured.month
    assert chooser.isVisible() and page.measured.month_label.text() == tr("Quarter checked")
    offered = [chooser.itemData(i) for i in range(chooser.count())]
    assert offered in (recent_periods("quarter", date.today()),
                       recent_periods("quarter", date.today() - timedelta(seconds=5)))  # midnight
    tab_to(qtbot, chooser)
    key(qtbot, "Down")
    assert page.measured.period() == offered[1]
    tab_to(qtbot, page.measured.value, back=True)
    qtbot.keyClicks(focused(), "0")
    assert landing_month(offered[1]) in page.preview_label.text(), page.preview_label.text()
    window.resize(1366, 768)
    qtbot.wait(50)
    window.grab().save("/work/notes/shots/quarter15-record-quarter.png")
    key(qtbot, "Return")
    with ws.db.read() as session:
        [kept] = session.scalars(select(Measurement).where(Measurement.inspection_id == page.state.id)).all()
    assert (kept.item_code, kept.period, kept.passed) == ("T1", offered[1], False)
    [entry] = load_state(ws, page.state.id).live_entries
    assert (entry.item_code, entry.points) == ("T1", 2.0)
    # a counted entry (no value typed) is about the period chosen too, not the one of today
    _pick(qtbot, "T1")
    tab_to(qtbot, page.measured.month)
    key(qtbot, "Down")
    key(qtbot, "Return")
    with ws.db.read() as session:
        periods = sorted(session.scalars(select(Deduction.period).where(Deduction.inspection_id == page.state.id,
                                                                        Deduction.voided_at.is_(None))).all())
    assert periods == [offered[1], offered[1]]
