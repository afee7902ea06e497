"""measured values and monthly rules (issue #15): a measurements table, and a deduction's month for a
monthly rule (charged once per department and month however many records there are)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE (the table keeps its no-delete trigger; a batch-mode copy would drop it)
    op.add_column('deductions', sa.Column('period', sa.String(length=7), nullable=True))
    op.create_table('measurements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),  # as 0001 stores times
    sa.Column('utc_offset_min', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('deduction_id', sa.String(length=36), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['deduction_id'], ['deductions.id'], name=op.f('fk_measurements_deduction_id_deductions')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_measurements_department_id_departments')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                            name=op.f('fk_measurements_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurements'))
    )
    op.create_index(op.f('ix_measurements_inspection_id'), 'measurements', ['inspection_id'], unique=False)
    op.create_index('ix_measurements_period', 'measurements', ['period', 'department_id'], unique=False)
    op.execute("CREATE TRIGGER measurements_no_delete BEFORE DELETE ON measurements "
               "BEGIN SELECT RAISE(ABORT, 'measurements are voided, never deleted'); END")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS measurements_no_delete")
    op.drop_index('ix_measurements_period', table_name='measurements')
    op.drop_index(op.f('ix_measurements_inspection_id'), table_name='measurements')
    op.drop_table('measurements')
    op.drop_column('deductions', 'period')
