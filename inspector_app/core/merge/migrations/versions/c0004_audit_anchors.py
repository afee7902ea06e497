"""audit anchors: where each laptop's audit trail stood, as its batches said (issue #13)

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-02 20:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'c0004'
down_revision = 'c0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_anchors',
    sa.Column('staff_no', sa.String(length=32), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('staff_no', 'device_id', 'seq', name=op.f('pk_audit_anchors'))
    )


def downgrade() -> None:
    op.drop_table('audit_anchors')
