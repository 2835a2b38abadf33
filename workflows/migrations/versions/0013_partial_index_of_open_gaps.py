"""The index of 容缺 deadlines holds only the cases that have one

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 02:30:00

`ix_cases_gap_due` indexed every case, most with no 容缺 deadline at all. SQLite's planner
would not use it for `gap_due IS NOT NULL`, so the queue's 等待申请人 count (补正 OR an open
容缺 gap) read the whole `cases` table on every queue page: 4.3 ms of its ~7 ms at 10,000
cases, and the queue's p99 over 100 ms in bench/http.py. Indexed only where `gap_due IS NOT
NULL`, the planner takes both branches of that OR by index. The sweep's and the reminders'
range conditions on `gap_due` imply the index's condition, so they still use it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

HAS_GAP = sa.text("gap_due IS NOT NULL")


def upgrade() -> None:
    op.drop_index('ix_cases_gap_due', table_name='cases')
    op.create_index('ix_cases_gap_due', 'cases', ['gap_due'], unique=False,
                    sqlite_where=HAS_GAP, postgresql_where=HAS_GAP)


def downgrade() -> None:
    op.drop_index('ix_cases_gap_due', table_name='cases')
    op.create_index('ix_cases_gap_due', 'cases', ['gap_due'], unique=False)
