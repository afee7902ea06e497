"""discarded drafts: when and why a draft started by mistake was discarded (issue #17)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 05:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE (the table keeps its no-delete trigger; a batch-mode copy would drop it)
    op.add_column('inspections', sa.Column('discarded_at', sa.DateTime(), nullable=True))  # as 0001 stores times
    op.add_column('inspections', sa.Column('discard_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    for column in ('discard_reason', 'discarded_at'):
        op.drop_column('inspections', column)
