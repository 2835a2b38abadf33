"""好差评 to GB/T 39734: five-level ratings of visits and cases, 差评 tasks, appeals, their log

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 15:00:00

The 1–5 scores of `evaluations` become 一事一评 ratings on the five levels (5 非常满意,
4 满意, 3 基本满意, 2 不满意, 1 非常不满意), counted on the day, matter, window and clerk the
auditor's counters already counted them under (their case's fact row), so the counters stay
as they are. The downgrade writes the case ratings back as scores; ratings of single visits
have no place in the old table and are dropped (run `service.py audit rebuild` after it).
The new counters of the 差评 tasks start at nought: no task existed before.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

LEVELS = (("very_satisfied", 5), ("satisfied", 4), ("basic", 3), ("dissatisfied", 2), ("very_dissatisfied", 1))
TASK_COUNTERS = ("bad_revisited", "bad_unfounded", "bad_rectified", "rectified_on_time", "rectify_replied",
                 "rectify_satisfied")


def _level_of(score: str) -> str:
    return "CASE " + " ".join(f"WHEN {score} = {n} THEN '{code}'" for code, n in LEVELS) + " END"


def _score_of(level: str) -> str:
    return "CASE " + " ".join(f"WHEN {level} = '{code}' THEN {n}" for code, n in LEVELS) + " END"


def upgrade() -> None:
    op.create_table(
        'ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('visit_seq', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=24), nullable=False),
        sa.Column('categories', sa.JSON(), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('matter_code', sa.String(length=64), nullable=False),
        sa.Column('window', sa.String(length=64), nullable=False),
        sa.Column('clerk', sa.String(length=64), nullable=False),
        sa.Column('excluded', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'visit_seq', name='uq_ratings_case_visit'),
    )
    op.create_index('ix_ratings_day', 'ratings', ['day', 'window'])
    op.create_table(
        'rating_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rating_id', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=False),
        sa.Column('window', sa.String(length=64), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('revisit_due', sa.Date(), nullable=False),
        sa.Column('rectify_due', sa.Date(), nullable=False),
        sa.Column('revisit_result', sa.String(length=16), nullable=True),
        sa.Column('revisit_note', sa.String(length=500), nullable=False),
        sa.Column('revisited_on', sa.Date(), nullable=True),
        sa.Column('rectify_action', sa.String(length=1000), nullable=False),
        sa.Column('rectified_on', sa.Date(), nullable=True),
        sa.Column('reply', sa.String(length=16), nullable=True),
        sa.Column('reply_note', sa.String(length=500), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('rating_id'),
    )
    op.create_index('ix_rating_tasks_owner', 'rating_tasks', ['owner', 'closed_at'])
    op.create_table(
        'rating_appeals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rating_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=16), nullable=False),
        sa.Column('evidence', sa.String(length=2000), nullable=False),
        sa.Column('filed_by', sa.String(length=64), nullable=False),
        sa.Column('filed_at', sa.DateTime(), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=True),
        sa.Column('decision_note', sa.String(length=1000), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('rating_id'),
    )
    op.create_table(
        'rating_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rating_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('step', sa.String(length=24), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rating_log_rating_id', 'rating_log', ['rating_id'])
    for table in ('audit_daily', 'audit_monthly'):
        for name in TASK_COUNTERS:
            op.add_column(table, sa.Column(name, sa.Integer(), nullable=False, server_default='0'))

    postgres = op.get_bind().dialect.name == "postgresql"
    utc_day = "CAST(e.at AS DATE)" if postgres else "date(e.at)"
    op.execute(
        "INSERT INTO ratings (case_id, visit_seq, level, categories, comment, channel, at, day, matter_code,"
        " \"window\", clerk, excluded) "
        f"SELECT e.case_id, 0, {_level_of('e.score')}, '[]', e.comment, 'migrated', e.at,"
        f" COALESCE(f.finished_on, {utc_day}), c.matter_code, COALESCE(f.\"window\", c.\"window\", ''),"
        " COALESCE(f.clerk, c.clerk), false "
        "FROM evaluations e JOIN cases c ON c.id = e.case_id LEFT JOIN audit_cases f ON f.case_id = e.case_id")
    # Every migrated rating is logged as given, so each rating's log starts with its rating.
    detail = "json_build_object('level', r.level, 'channel', 'migrated')" if postgres else \
        "json_object('level', r.level, 'channel', 'migrated')"
    op.execute(f"INSERT INTO rating_log (rating_id, at, actor, step, detail) "
               f"SELECT r.id, r.at, 'applicant', 'rated', {detail} FROM ratings r")
    op.drop_table('evaluations')


def downgrade() -> None:
    op.create_table(
        'evaluations',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('case_id'),
    )
    op.execute(f"INSERT INTO evaluations (case_id, score, comment, at) "
               f"SELECT case_id, {_score_of('level')}, comment, at FROM ratings WHERE visit_seq = 0")
    for table in ('audit_daily', 'audit_monthly'):
        with op.batch_alter_table(table) as batch_op:
            for name in TASK_COUNTERS:
                batch_op.drop_column(name)
    op.drop_index('ix_rating_log_rating_id', table_name='rating_log')
    op.drop_table('rating_log')
    op.drop_table('rating_appeals')
    op.drop_index('ix_rating_tasks_owner', table_name='rating_tasks')
    op.drop_table('rating_tasks')
    op.drop_index('ix_ratings_day', table_name='ratings')
    op.drop_table('ratings')
