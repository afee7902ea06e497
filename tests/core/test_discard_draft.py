"""Discarding a draft started by mistake (issue 17): voided with a reason, audited, never deleted."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from inspector_app.core.errors import InputError, StateError
from inspector_app.core.inspections import (
    InspectionFilter,
    count_inspections,
    list_inspections,
)
from inspector_app.core.recording import NewDeduction
from inspector_app.core.store import audit
from inspector_app.core.store.models import AuditEvent, Deduction, Inspection


def test_a_discarded_draft_is_kept_voided_audited_and_out_of_the_lists(demo_workspace, recorder, start_inspection):
    draft = start_inspection("W-REG")
    kept = start_inspection("W-REG")
    ids = recorder.record(draft.id, NewDeduction("A3", ["1002"], note="wrong department"))
    recorder.discard(draft.id, "started in the wrong department")

    drafts = list_inspections(demo_workspace, InspectionFilter(status="draft"))
    assert [row.id for row in drafts] == [kept.id]
    assert count_inspections(demo_workspace) == 1
    everything = list_inspections(demo_workspace, InspectionFilter(include_discarded=True))
    assert {row.id for row in everything} == {draft.id, kept.id}
    with demo_workspace.db.read() as session:
        inspection = session.get(Inspection, draft.id)
        assert inspection.discarded_at is not None and inspection.discard_reason == "started in the wrong department"
        deduction = session.get(Deduction, ids[0])
        assert deduction.voided_at is not None and "started in the wrong department" in deduction.void_reason
        assert deduction.rectification.status == "void"  # nothing left to follow up
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity_id == draft.id)
                                .order_by(AuditEvent.seq.desc())).first()
        assert event.action == "discard"
        assert json.loads(event.payload)["discard_reason"] == "started in the wrong department"
        assert audit.verify(session).ok


def test_a_discarded_draft_cannot_be_changed_or_finished(demo_workspace, recorder, start_inspection):
    draft = start_inspection("W-REG")
    recorder.discard(draft.id, "by mistake")
    with pytest.raises(StateError):
        recorder.record(draft.id, NewDeduction("A3", ["1002"]))
    with pytest.raises(StateError):
        recorder.finish(draft.id)
    with pytest.raises(StateError):
        recorder.discard(draft.id, "again")


def test_discarding_needs_a_reason_and_a_draft(demo_workspace, recorder, start_inspection):
    draft = start_inspection("W-REG")
    with pytest.raises(InputError):
        recorder.discard(draft.id, "  ")
    recorder.finish(draft.id)
    with pytest.raises(StateError):
        recorder.discard(draft.id, "too late")
