"""case engine tables

Revision ID: 0001
Revises:
Create Date: 2026-11-29 08:37:36.576273
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_days_year'), ['year'], unique=False)

    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('doc_no', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('loaded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('definition_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('awaiting_role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('window', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('clerk', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('delivery_method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('delivery_address', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('applicant_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('applicant_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('applicant_id_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('applicant_phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('agent_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('agent_id_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('progress', sa.JSON(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('promised_due', sa.Date(), nullable=True),
    sa.Column('legal_due', sa.Date(), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('gap_due', sa.Date(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('receipt_no')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_applicant_id_no'), ['applicant_id_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_applicant_name'), ['applicant_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_applicant_phone'), ['applicant_phone'], unique=False)
        batch_op.create_index('ix_cases_gap_due', ['gap_due'], unique=False)
        batch_op.create_index('ix_cases_matter_closed', ['matter_code', 'closed_at'], unique=False)
        batch_op.create_index('ix_cases_queue', ['awaiting_role', 'window', 'promised_due'], unique=False)
        batch_op.create_index('ix_cases_state', ['state'], unique=False)

    op.create_table('definition_versions',
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('file', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('source_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('matter_code', 'key')
    )
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('definition_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('visit', sa.Boolean(), nullable=False),
    sa.Column('visit_purpose', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('visit_cause', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'seq', name='uq_case_events_case_seq')
    )


def downgrade() -> None:
    op.drop_table('case_events')
    op.drop_table('definition_versions')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_state')
        batch_op.drop_index('ix_cases_queue')
        batch_op.drop_index('ix_cases_matter_closed')
        batch_op.drop_index('ix_cases_gap_due')
        batch_op.drop_index(batch_op.f('ix_cases_applicant_phone'))
        batch_op.drop_index(batch_op.f('ix_cases_applicant_name'))
        batch_op.drop_index(batch_op.f('ix_cases_applicant_id_no'))

    op.drop_table('cases')
    op.drop_table('calendar_years')
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_days_year'))

    op.drop_table('calendar_days')
