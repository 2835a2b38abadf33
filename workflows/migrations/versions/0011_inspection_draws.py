"""双随机、一公开: the inspectors' roster and 回避, the draws, runs, results, follow-ups and publications

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 14:40:00

The draw tables are append-only: a trigger on each refuses UPDATE and DELETE, on SQLite and on
PostgreSQL, so a published draw cannot be changed behind its verification.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

APPEND_ONLY = ("inspection_draws", "inspection_draw_runs", "inspection_results", "inspection_followups",
               "inspection_publications")
REFUSAL = "append-only: inspection records are never changed or deleted"


def _text(length):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at():
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    op.create_table('inspectors',
    sa.Column('username', _text(64), nullable=False),
    sa.Column('cert_no', _text(32), nullable=False),
    sa.Column('department', _text(64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('added_at', _at(), nullable=False),
    sa.Column('added_by', _text(64), nullable=False),
    sa.ForeignKeyConstraint(['username'], ['staff_users.username'], ),
    sa.PrimaryKeyConstraint('username'),
    sa.UniqueConstraint('cert_no')
    )
    op.create_table('inspector_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', _text(64), nullable=False),
    sa.Column('holder_id_no', _text(32), nullable=False),
    sa.Column('relation', _text(128), nullable=False),
    sa.Column('declared_at', _at(), nullable=False),
    sa.Column('declared_by', _text(64), nullable=False),
    sa.ForeignKeyConstraint(['username'], ['inspectors.username'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username', 'holder_id_no', name='uq_inspector_conflicts_pair')
    )
    op.create_table('inspection_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_code', _text(64), nullable=False),
    sa.Column('item_name', _text(128), nullable=False),
    sa.Column('period', _text(16), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('reason', _text(500), nullable=False),
    sa.Column('announced_at', _at(), nullable=False),
    sa.Column('announced_by', _text(64), nullable=False),
    sa.Column('algorithm', _text(32), nullable=False),
    sa.Column('ratio_percent', _text(8), nullable=False),
    sa.Column('team_size', sa.Integer(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('targets_sha256', _text(64), nullable=False),
    sa.Column('inspectors', sa.JSON(), nullable=False),
    sa.Column('inspectors_sha256', _text(64), nullable=False),
    sa.Column('avoid', sa.JSON(), nullable=False),
    sa.Column('avoid_sha256', _text(64), nullable=False),
    sa.Column('nonce', _text(64), nullable=False),
    sa.Column('beacon_source', _text(200), nullable=False),
    sa.Column('beacon_date', sa.Date(), nullable=False),
    sa.Column('commitment', _text(64), nullable=False),
    sa.Column('usernames', sa.JSON(), nullable=False),
    sa.Column('licence_ids', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_code', 'period', 'seq', name='uq_inspection_draws_item_period_seq')
    )
    op.create_table('inspection_draw_runs',
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('run_at', _at(), nullable=False),
    sa.Column('run_by', _text(64), nullable=False),
    sa.Column('beacon_value', _text(200), nullable=False),
    sa.Column('seed', _text(64), nullable=False),
    sa.Column('assignments', sa.JSON(), nullable=False),
    sa.Column('assignments_sha256', _text(64), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['inspection_draws.id'], ),
    sa.PrimaryKeyConstraint('draw_id')
    )
    op.create_table('inspection_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('licence_number', _text(64), nullable=False),
    sa.Column('outcome', _text(16), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('inspectors', sa.JSON(), nullable=False),
    sa.Column('note', _text(1000), nullable=False),
    sa.Column('rectify_by', sa.Date(), nullable=True),
    sa.Column('recorded_at', _at(), nullable=False),
    sa.Column('recorded_by', _text(64), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['inspection_draws.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('draw_id', 'licence_number', name='uq_inspection_results_target')
    )
    op.create_table('inspection_followups',
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('outcome', _text(16), nullable=False),
    sa.Column('note', _text(1000), nullable=False),
    sa.Column('recorded_at', _at(), nullable=False),
    sa.Column('recorded_by', _text(64), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['inspection_results.id'], ),
    sa.PrimaryKeyConstraint('result_id')
    )
    op.create_table('inspection_publications',
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('published_at', _at(), nullable=False),
    sa.Column('published_by', _text(64), nullable=False),
    sa.ForeignKeyConstraint(['result_id'], ['inspection_results.id'], ),
    sa.PrimaryKeyConstraint('result_id')
    )
    _refuse_changes()


def _refuse_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION inspection_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION inspection_append_only()")
        return
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS inspection_append_only()")
    else:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    op.drop_table('inspection_publications')
    op.drop_table('inspection_followups')
    op.drop_table('inspection_results')
    op.drop_table('inspection_draw_runs')
    op.drop_table('inspection_draws')
    op.drop_table('inspector_conflicts')
    op.drop_table('inspectors')
