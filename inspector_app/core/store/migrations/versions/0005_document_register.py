"""document register: every print of an issued document, with its copies and reprints (issue #16)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 05:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_prints',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('reprint', sa.Boolean(), nullable=False),
    sa.Column('printed_by', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_prints_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_prints'))
    )
    with op.batch_alter_table('document_prints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_prints_document_id'), ['document_id'], unique=False)
    op.execute("CREATE TRIGGER document_prints_no_delete BEFORE DELETE ON document_prints "
               "BEGIN SELECT RAISE(ABORT, 'document_prints are kept, never deleted'); END")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS document_prints_no_delete")
    with op.batch_alter_table('document_prints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_prints_document_id'))
    op.drop_table('document_prints')
