"""the office's own records: month closes, adjustments, rectification decisions, award picks, its trail (#14)

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-02 22:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from inspector_app.core.store.models import UTCDateTime

revision = 'c0005'
down_revision = 'c0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('award_picks',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('picked_by', sa.String(length=64), nullable=False),
    sa.Column('picked_at', UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_picks')),
    sa.UniqueConstraint('quarter', 'kind', 'subject', name=op.f('uq_award_picks_quarter'))
    )
    op.create_index(op.f('ix_award_picks_quarter'), 'award_picks', ['quarter'], unique=False)
    op.create_table('month_closes',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('figures_sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_month_closes'))
    )
    op.create_table('office_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_events'))
    )
    op.create_table('adjustments',
    sa.Column('deduction_id', sa.String(length=64), nullable=False),
    sa.Column('entry_month', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('found_at', UTCDateTime(), nullable=False),
    sa.Column('carried_by', sa.String(length=7), nullable=True),
    sa.ForeignKeyConstraint(['deduction_id'], ['deductions.id'],
                            name=op.f('fk_adjustments_deduction_id_deductions')),
    sa.PrimaryKeyConstraint('deduction_id', name=op.f('pk_adjustments'))
    )
    op.create_index(op.f('ix_adjustments_carried_by'), 'adjustments', ['carried_by'], unique=False)
    op.create_index(op.f('ix_adjustments_entry_month'), 'adjustments', ['entry_month'], unique=False)
    op.create_table('rectification_decisions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('rectification_id', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectifications.id'],
                            name=op.f('fk_rectification_decisions_rectification_id_rectifications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_decisions'))
    )
    op.create_index(op.f('ix_rectification_decisions_rectification_id'), 'rectification_decisions',
                    ['rectification_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rectification_decisions_rectification_id'), table_name='rectification_decisions')
    op.drop_table('rectification_decisions')
    op.drop_index(op.f('ix_adjustments_entry_month'), table_name='adjustments')
    op.drop_index(op.f('ix_adjustments_carried_by'), table_name='adjustments')
    op.drop_table('adjustments')
    op.drop_table('office_events')
    op.drop_table('month_closes')
    op.drop_index(op.f('ix_award_picks_quarter'), table_name='award_picks')
    op.drop_table('award_picks')
