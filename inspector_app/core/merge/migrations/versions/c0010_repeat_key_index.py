"""an index for repeat problems: the live entries of a month by department, item and person, carrying the
visit (inspection), the count, the name and the entry's id, so the bulletin's repeats across visits
(office/repeats.py) are grouped in the database from this index alone, never from the wide rows

Partial (live entries only): a voided entry never counts, and the index then answers `voided_at IS NULL`
without reading the table. On 10 million deductions (PostgreSQL) it is built in about two minutes.

Revision ID: c0010
Revises: c0009
Create Date: 2026-12-03 15:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'c0010'
down_revision = 'c0009'
branch_labels = None
depends_on = None

COLUMNS = ['local_month', 'department_id', 'item_code', 'staff_no', 'inspection_id', 'count', 'staff_name', 'id']


def upgrade() -> None:
    op.create_index('ix_deductions_repeat_key', 'deductions', COLUMNS, unique=False,
                    postgresql_where=sa.text('voided_at IS NULL'), sqlite_where=sa.text('voided_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_deductions_repeat_key', table_name='deductions')
