"""revocations (issue #16): the certificates the office revoked, recorded in the central database as well as in
the office folder's revocations.json — append-only, who, when, serial and reason

Revision ID: c0009
Revises: c0008
Create Date: 2026-12-03 15:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

from inspector_app.core.store.models import UTCDateTime

revision = 'c0009'
down_revision = 'c0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('revocations',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('issuer_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('staff_no', sa.String(length=32), nullable=False),
    sa.Column('revoked_at', UTCDateTime(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('entered_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revocations')),
    sa.UniqueConstraint('issuer_fingerprint', 'serial', name=op.f('uq_revocations_issuer_fingerprint'))
    )
    op.create_index(op.f('ix_revocations_staff_no'), 'revocations', ['staff_no'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_revocations_staff_no'), table_name='revocations')
    op.drop_table('revocations')
