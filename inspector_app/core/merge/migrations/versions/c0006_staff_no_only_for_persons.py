"""a deduction's staff_no column names only the person charged: NULL on the department's own entries

The month's staff table then reads ix_deductions_month_staff alone (`staff_no IS NOT NULL` instead of
`charged_to = 'person'`, which the index does not hold: at 10 million deductions a full table scan, 5.4 s).
A laptop may send a 工号 beside a department-charged entry; it stays in the row's payload.

Revision ID: c0006
Revises: c0005
Create Date: 2026-12-03 00:10:00.000000
"""

from alembic import op

revision = 'c0006'
down_revision = 'c0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE deductions SET staff_no = NULL WHERE charged_to <> 'person' AND staff_no IS NOT NULL")


def downgrade() -> None:
    pass  # the payload keeps the laptop's value; nothing reads it back into the column
