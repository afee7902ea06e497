"""the office's published decision on a rectification item (issue #14): deadline extended or waived, with who
decided, when and why, as the laptop last received it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

COLUMNS = ('office_decision', 'office_deadline', 'office_decided_by', 'office_decided_at', 'office_note')


def upgrade() -> None:
    # plain ALTER TABLE, nullable columns: the table and its status check stay as they are
    op.add_column('rectifications', sa.Column('office_decision', sa.String(length=12), nullable=True))
    op.add_column('rectifications', sa.Column('office_deadline', sa.Date(), nullable=True))
    op.add_column('rectifications', sa.Column('office_decided_by', sa.String(length=64), nullable=True))
    op.add_column('rectifications', sa.Column('office_decided_at', sa.DateTime(), nullable=True))
    op.add_column('rectifications', sa.Column('office_note', sa.Text(), nullable=True))


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.drop_column('rectifications', column)
