"""month_close_lines: a closed month's pay-list lines kept as the close read and hashed them (office/month.py),
so the closed month's pay list is read back, not worked out again from every entry; and month_closes.bulletin:
the bulletin's groupings of the month as closed (repeat problems, problems, typical cases). Months closed
before this migration are worked out as before

Revision ID: c0013
Revises: c0012
Create Date: 2026-12-04 03:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'c0013'
down_revision = 'c0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('month_closes', sa.Column('bulletin', sa.JSON(), nullable=True))
    op.create_table('month_close_lines',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['month'], ['month_closes.month'], name=op.f('fk_month_close_lines_month_month_closes')),
    sa.PrimaryKeyConstraint('month', 'part', name=op.f('pk_month_close_lines'))
    )


def downgrade() -> None:
    op.drop_table('month_close_lines')
    with op.batch_alter_table('month_closes') as batch:
        batch.drop_column('bulletin')
