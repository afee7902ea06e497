"""departments by roster code; counted points, pay share and scores worked out by the office

- Each department becomes one row whose id is its roster code: before, every laptop's own id made a row, so
  a month listed a department once per laptop. Inspections, deductions, rectifications and documents are
  pointed at the code row, the laptop rows go. No deduction is lost or doubled (only references change).
- New columns, filled here for what was merged before with the one scoring module (scoring.inspection_result),
  as every merge now does: deductions.counted_points and pay_percent (after caps; 0 on scored checklists),
  inspections.scored, score and passed.
- The month indexes carry what the month sums (charged_to, count, counted_points, pay_percent).

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-02 20:30:00.000000
"""

import hashlib
import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = 'c0003'
down_revision = 'c0002'
branch_labels = None
depends_on = None

REFERRING = ("inspections", "deductions", "rectifications", "documents")


def _payload(value):  # noqa: ANN001, ANN202 - JSON columns read back as text on some drivers
    return json.loads(value) if isinstance(value, str) else value


def _fold_departments(connection: sa.Connection) -> None:
    rows = connection.execute(sa.text("SELECT id, code, name, kind FROM departments")).all()
    by_code: dict[str, list] = defaultdict(list)
    for row in rows:
        by_code[row.code].append(row)
    for code, group in by_code.items():
        if any(row.id == code for row in group):
            continue
        named = sorted(group, key=lambda r: (r.name == r.code, r.name))[0]
        payload = {"code": code, "name": named.name, "kind": named.kind}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        connection.execute(sa.text("INSERT INTO departments (id, code, name, kind, content_hash, payload) "
                                   "VALUES (:id, :code, :name, :kind, :hash, :payload)"),
                           {"id": code, "code": code, "name": named.name, "kind": named.kind,
                            "hash": hashlib.sha256(text.encode()).hexdigest(), "payload": text})
    for table in REFERRING:
        connection.execute(sa.text(
            f"UPDATE {table} SET department_id = (SELECT d.code FROM departments d WHERE d.id = {table}.department_id) "
            f"WHERE department_id IN (SELECT id FROM departments WHERE id <> code)"))
    connection.execute(sa.text("DELETE FROM departments WHERE id <> code"))


def _fill_results(connection: sa.Connection) -> None:
    from inspector_app.core.checklists.models import Checklist
    from inspector_app.core.scoring import ScoreEntry, inspection_result

    checklists: dict[str, Checklist] = {}
    inspections = connection.execute(sa.text("SELECT id, checklist_hash FROM inspections")).all()
    for start in range(0, len(inspections), 500):
        chunk = inspections[start:start + 500]
        ids = [row.id for row in chunk]
        entries: dict[str, list] = defaultdict(list)
        for deduction_id, inspection_id, payload in connection.execute(
                sa.text("SELECT id, inspection_id, payload FROM deductions WHERE inspection_id IN :ids")
                .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}):
            entries[inspection_id].append((deduction_id, _payload(payload)))
        deduction_updates, inspection_updates = [], []
        for inspection_id, digest in chunk:
            checklist = checklists.get(digest)
            if checklist is None:
                body = _payload(connection.execute(sa.text("SELECT payload FROM checklist_snapshots WHERE id = :id"),
                                                   {"id": digest}).scalar_one())["body"]
                checklist = checklists[digest] = Checklist.model_validate(body)
            live = sorted((e for e in entries[inspection_id] if e[1].get("voided_at") is None),
                          key=lambda e: e[1]["seq"])
            result = inspection_result(checklist, [
                ScoreEntry(p["item_code"], p["charged_to"],
                           (p.get("staff_no") or "") if p["charged_to"] == "person" else p["department_code"],
                           float(p["points"])) for _, p in live])
            deduction_updates += [{"id": d, "counted": points, "pay": pay}
                                  for (d, _), points, pay in zip(live, result.points, result.pay_percent)]
            inspection_updates.append({"id": inspection_id, "scored": result.scored, "score": result.score,
                                       "passed": result.passed})
        if deduction_updates:
            connection.execute(sa.text("UPDATE deductions SET counted_points = :counted, pay_percent = :pay "
                                       "WHERE id = :id"), deduction_updates)
        connection.execute(sa.text("UPDATE inspections SET scored = :scored, score = :score, passed = :passed "
                                   "WHERE id = :id"), inspection_updates)


def upgrade() -> None:
    # plain ALTER TABLE, not batch mode: SQLite adds columns in place, where a batch would copy the tables
    # (and trip over the foreign keys that point at them)
    op.add_column('inspections', sa.Column('scored', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('inspections', sa.Column('score', sa.Float(), nullable=True))
    op.add_column('inspections', sa.Column('passed', sa.Boolean(), nullable=True))
    op.add_column('deductions', sa.Column('counted_points', sa.Float(), nullable=False, server_default='0'))
    op.add_column('deductions', sa.Column('pay_percent', sa.Float(), nullable=False, server_default='0'))
    op.drop_index('ix_deductions_month_department', table_name='deductions')
    op.drop_index('ix_deductions_month_staff', table_name='deductions')
    connection = op.get_bind()
    _fold_departments(connection)
    _fill_results(connection)
    op.create_index('ix_deductions_month_department', 'deductions',
                    ['local_month', 'department_id', 'voided_at', 'charged_to', 'count', 'counted_points',
                     'pay_percent'], unique=False)
    op.create_index('ix_deductions_month_staff', 'deductions',
                    ['local_month', 'staff_no', 'voided_at', 'count', 'counted_points', 'pay_percent', 'staff_name',
                     'department_code'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_deductions_month_staff', table_name='deductions')
    op.drop_index('ix_deductions_month_department', table_name='deductions')
    for table, column in (('deductions', 'pay_percent'), ('deductions', 'counted_points'),
                          ('inspections', 'passed'), ('inspections', 'score'), ('inspections', 'scored')):
        op.drop_column(table, column)
    op.create_index('ix_deductions_month_department', 'deductions',
                    ['local_month', 'department_id', 'voided_at', 'points'], unique=False)
    op.create_index('ix_deductions_month_staff', 'deductions',
                    ['local_month', 'staff_no', 'voided_at', 'points', 'staff_name', 'department_code'],
                    unique=False)
