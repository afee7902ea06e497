"""indexes for the central monthly summary and for finding a bundle merged before by its hash

The month-only indexes of c0001 become the leading column of the new ones, so they go (one index fewer for
every merged row to maintain).

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-22 21:40:00.000000
"""

from alembic import op

revision = 'c0002'
down_revision = 'c0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batches_bundle_sha256'), ['bundle_sha256'], unique=False)
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_month_department', ['local_month', 'department_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_inspections_local_month'))
    with op.batch_alter_table('deductions', schema=None) as batch_op:
        batch_op.create_index('ix_deductions_month_department',
                              ['local_month', 'department_id', 'voided_at', 'points'], unique=False)
        batch_op.create_index('ix_deductions_month_staff', ['local_month', 'staff_no', 'voided_at', 'points',
                                                            'staff_name', 'department_code'], unique=False)
        batch_op.drop_index(batch_op.f('ix_deductions_local_month'))


def downgrade() -> None:
    with op.batch_alter_table('deductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deductions_local_month'), ['local_month'], unique=False)
        batch_op.drop_index('ix_deductions_month_staff')
        batch_op.drop_index('ix_deductions_month_department')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_local_month'), ['local_month'], unique=False)
        batch_op.drop_index('ix_inspections_month_department')
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batches_bundle_sha256'))
