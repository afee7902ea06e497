"""late_measurements (issue #15): a period rule's measured value merged after the month its period lands in was
closed, so the month carrying corrections can tell what the closed month counted from what came later

Revision ID: c0011
Revises: c0010
Create Date: 2026-12-03 18:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

from inspector_app.core.store.models import UTCDateTime

revision = 'c0011'
down_revision = 'c0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('late_measurements',
    sa.Column('measurement_id', sa.String(length=64), nullable=False),
    sa.Column('entry_month', sa.String(length=7), nullable=False),
    sa.Column('found_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'],
                            name=op.f('fk_late_measurements_measurement_id_measurements')),
    sa.PrimaryKeyConstraint('measurement_id', name=op.f('pk_late_measurements'))
    )
    op.create_index(op.f('ix_late_measurements_entry_month'), 'late_measurements', ['entry_month'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_late_measurements_entry_month'), table_name='late_measurements')
    op.drop_table('late_measurements')
