"""each entry's UTC offset as a column of its own: the local day an entry was recorded on (the pay list's
date, an award's evidence) is then read from the row, not parsed out of its JSON payload; on 10 million
deductions the payload's parse was a quarter of a month's pay list (2.2 s of about 10)

The bundle format holds it as `utc_offset_min` (bundle_format.Offset, −1440…1440); the merge fills the
column from there (rows.py takes every column the row's JSON has). Rows merged before are filled from their
payload here.

Revision ID: c0012
Revises: c0011
Create Date: 2026-12-04 03:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'c0012'
down_revision = 'c0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('deductions', sa.Column('utc_offset_min', sa.Integer(), nullable=False, server_default='0'))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE deductions SET utc_offset_min = (payload ->> 'utc_offset_min')::integer "
                   "WHERE coalesce((payload ->> 'utc_offset_min')::integer, 0) <> 0")
    else:
        op.execute("UPDATE deductions SET utc_offset_min = CAST(json_extract(payload, '$.utc_offset_min') AS INTEGER) "
                   "WHERE coalesce(CAST(json_extract(payload, '$.utc_offset_min') AS INTEGER), 0) <> 0")


def downgrade() -> None:
    with op.batch_alter_table('deductions') as batch:
        batch.drop_column('utc_offset_min')
