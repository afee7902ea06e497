"""the office's complaint register (投诉登记, 001 §四 第7条 and 第8条's referrals, issue #15)

Revision ID: c0007
Revises: c0006
Create Date: 2026-12-03 05:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

from inspector_app.core.store.models import UTCDateTime

revision = 'c0007'
down_revision = 'c0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('complainant', sa.Text(), nullable=False),
    sa.Column('department_code', sa.String(length=64), nullable=False),
    sa.Column('department_name', sa.Text(), nullable=False),
    sa.Column('staff_no', sa.String(length=32), nullable=True),
    sa.Column('staff_name', sa.Text(), nullable=True),
    sa.Column('is_head', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('local_month', sa.String(length=7), nullable=True),
    sa.Column('checklist_hash', sa.String(length=64), nullable=True),
    sa.Column('item_code', sa.String(length=64), nullable=True),
    sa.Column('charged_to', sa.String(length=16), nullable=True),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('pay_percent', sa.Float(), nullable=False),
    sa.Column('referral_to', sa.String(length=128), nullable=True),
    sa.Column('referral_state', sa.String(length=16), nullable=True),
    sa.Column('referral_note', sa.Text(), nullable=False),
    sa.Column('received_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('number', name=op.f('uq_complaints_number'))
    )
    op.create_index(op.f('ix_complaints_department_code'), 'complaints', ['department_code'], unique=False)
    op.create_index(op.f('ix_complaints_received_on'), 'complaints', ['received_on'], unique=False)
    op.create_index(op.f('ix_complaints_staff_no'), 'complaints', ['staff_no'], unique=False)
    op.create_index('ix_complaints_month_status', 'complaints', ['local_month', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_complaints_month_status', table_name='complaints')
    op.drop_index(op.f('ix_complaints_staff_no'), table_name='complaints')
    op.drop_index(op.f('ix_complaints_received_on'), table_name='complaints')
    op.drop_index(op.f('ix_complaints_department_code'), table_name='complaints')
    op.drop_table('complaints')
