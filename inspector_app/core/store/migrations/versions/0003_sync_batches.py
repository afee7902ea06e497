"""sync batches

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 20:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_batches',
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('inspection_ids', sa.JSON(), nullable=False),
    sa.Column('bundle_name', sa.String(length=128), nullable=False),
    sa.Column('bundle_sha256', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_sync_batches')),
    sa.UniqueConstraint('bundle_name', name=op.f('uq_sync_batches_bundle_name'))
    )
    op.execute("CREATE TRIGGER sync_batches_no_delete BEFORE DELETE ON sync_batches "
               "BEGIN SELECT RAISE(ABORT, 'sync_batches are kept, never deleted'); END")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS sync_batches_no_delete")
    op.drop_table('sync_batches')
