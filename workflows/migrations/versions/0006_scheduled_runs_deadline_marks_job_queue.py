"""scheduled runs, deadline marks and (PostgreSQL) the job queue's schema

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 20:10:00

On PostgreSQL this also applies Procrastinate's schema (the job queue `service.py
worker` runs, jobs/queue.py), as the installed Procrastinate version ships it; on
SQLite, which has no job queue (`serve` runs the schedule in-process), that step is
a no-op. A later Procrastinate release that changes its schema ships its own
migration scripts: they go into a revision of ours, so `service.py db upgrade`
stays the one step.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduled_runs',
    sa.Column('task', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('task', 'day')
    )
    op.create_table('deadline_marks',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('mark', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('days_left', sa.Integer(), nullable=False),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # The schema is plain SQL with dollar-quoted function bodies: run it through the driver as it is,
        # not through SQLAlchemy's text() (which would read ":name" as a parameter).
        bind.connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Procrastinate's schema is tables, functions and types; all of them go, or the upgrade that
        # follows a downgrade would meet its own types still there. Functions and types are found by
        # their prefix in this schema, so a Procrastinate version with more of them is covered too.
        bind.connection.driver_connection.execute(_DROP_JOB_QUEUE)
    op.drop_table('deadline_marks')
    op.drop_table('scheduled_runs')


_DROP_JOB_QUEUE = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
            WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'procrastinate\\_%'
    LOOP
        EXECUTE 'DROP FUNCTION IF EXISTS ' || item.signature || ' CASCADE';
    END LOOP;
    FOR item IN SELECT t.typname FROM pg_type t
            WHERE t.typnamespace = current_schema()::regnamespace AND t.typname LIKE 'procrastinate\\_%'
                AND t.typtype IN ('e', 'c')
    LOOP
        EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(item.typname) || ' CASCADE';
    END LOOP;
END
$$;
"""
