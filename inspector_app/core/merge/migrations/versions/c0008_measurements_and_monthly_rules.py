"""measured values and monthly rules (issue #15): the measurements laptops send, and a deduction's month
for a monthly rule, indexed so the month's figures find a rule's records without reading the month's rows

Revision ID: c0008
Revises: c0007
Create Date: 2026-12-03 09:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from inspector_app.core.store.models import UTCDateTime

revision = 'c0008'
down_revision = 'c0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('deductions', sa.Column('period', sa.String(length=7), nullable=True))
    op.create_index(op.f('ix_deductions_period'), 'deductions', ['period'], unique=False)
    op.create_table('measurements',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('inspection_id', sa.String(length=64), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('values', sa.Text(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('monthly', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.Column('deduction_id', sa.String(length=64), nullable=True),
    sa.Column('voided_at', UTCDateTime(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_measurements_department_id_departments')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                            name=op.f('fk_measurements_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurements'))
    )
    op.create_index(op.f('ix_measurements_inspection_id'), 'measurements', ['inspection_id'], unique=False)
    op.create_index('ix_measurements_period_department', 'measurements', ['period', 'department_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_measurements_period_department', table_name='measurements')
    op.drop_index(op.f('ix_measurements_inspection_id'), table_name='measurements')
    op.drop_table('measurements')
    op.drop_index(op.f('ix_deductions_period'), table_name='deductions')
    op.drop_column('deductions', 'period')
