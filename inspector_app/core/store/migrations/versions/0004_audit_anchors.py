"""audit anchors: the trail's head each batch carried, signed (issue #13)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 20:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE (the table keeps its no-delete trigger; a batch-mode copy would drop it)
    op.add_column('sync_batches', sa.Column('audit_seq', sa.Integer(), nullable=True))
    op.add_column('sync_batches', sa.Column('audit_hash', sa.String(length=64), nullable=True))
    op.add_column('sync_batches', sa.Column('audit_anchor', sa.Text(), nullable=True))
    op.add_column('sync_batches', sa.Column('audit_signature', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    for column in ('audit_signature', 'audit_anchor', 'audit_hash', 'audit_seq'):
        op.drop_column('sync_batches', column)
