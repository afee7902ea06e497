"""month_close_files: a closed month's pay-list workbook, written once by its close (office/kept_workbook.py), so
that exporting it again hands out the same bytes at once instead of writing 778,000 lines again (a year's
synthetic month). Months closed before this migration write their workbook at each export as before

Revision ID: c0014
Revises: c0013
Create Date: 2026-12-04 13:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'c0014'
down_revision = 'c0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('month_close_files',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['month'], ['month_closes.month'], name=op.f('fk_month_close_files_month_month_closes')),
    sa.PrimaryKeyConstraint('month', 'kind', 'lang', name=op.f('pk_month_close_files'))
    )


def downgrade() -> None:
    op.drop_table('month_close_files')
