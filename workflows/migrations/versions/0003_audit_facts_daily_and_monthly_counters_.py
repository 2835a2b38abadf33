"""audit facts, daily and monthly counters, workdays histogram, visit causes, export log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:33:31.577567
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_daily',
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.Column('finished', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('one_visit', sa.Integer(), nullable=False),
    sa.Column('zero_visit', sa.Integer(), nullable=False),
    sa.Column('visits_1', sa.Integer(), nullable=False),
    sa.Column('visits_2', sa.Integer(), nullable=False),
    sa.Column('visits_3p', sa.Integer(), nullable=False),
    sa.Column('complete_first', sa.Integer(), nullable=False),
    sa.Column('complete_first_one_visit', sa.Integer(), nullable=False),
    sa.Column('timed', sa.Integer(), nullable=False),
    sa.Column('within_promised', sa.Integer(), nullable=False),
    sa.Column('within_legal', sa.Integer(), nullable=False),
    sa.Column('workdays_sum', sa.Integer(), nullable=False),
    sa.Column('tolerated', sa.Integer(), nullable=False),
    sa.Column('defaulted', sa.Integer(), nullable=False),
    sa.Column('noticed', sa.Integer(), nullable=False),
    sa.Column('notices', sa.Integer(), nullable=False),
    sa.Column('repeat_notices', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('terminated', sa.Integer(), nullable=False),
    sa.Column('evaluations', sa.Integer(), nullable=False),
    sa.Column('score_sum', sa.Integer(), nullable=False),
    sa.Column('bad_evaluations', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('clerk', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', 'matter_code', 'window', 'clerk')
    )
    op.create_table('audit_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('export', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('fmt', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('unmasked', sa.Boolean(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('audit_monthly',
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.Column('finished', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('one_visit', sa.Integer(), nullable=False),
    sa.Column('zero_visit', sa.Integer(), nullable=False),
    sa.Column('visits_1', sa.Integer(), nullable=False),
    sa.Column('visits_2', sa.Integer(), nullable=False),
    sa.Column('visits_3p', sa.Integer(), nullable=False),
    sa.Column('complete_first', sa.Integer(), nullable=False),
    sa.Column('complete_first_one_visit', sa.Integer(), nullable=False),
    sa.Column('timed', sa.Integer(), nullable=False),
    sa.Column('within_promised', sa.Integer(), nullable=False),
    sa.Column('within_legal', sa.Integer(), nullable=False),
    sa.Column('workdays_sum', sa.Integer(), nullable=False),
    sa.Column('tolerated', sa.Integer(), nullable=False),
    sa.Column('defaulted', sa.Integer(), nullable=False),
    sa.Column('noticed', sa.Integer(), nullable=False),
    sa.Column('notices', sa.Integer(), nullable=False),
    sa.Column('repeat_notices', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('terminated', sa.Integer(), nullable=False),
    sa.Column('evaluations', sa.Integer(), nullable=False),
    sa.Column('score_sum', sa.Integer(), nullable=False),
    sa.Column('bad_evaluations', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('clerk', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', 'matter_code', 'window', 'clerk')
    )
    op.create_table('audit_monthly_workdays',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('clerk', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'matter_code', 'window', 'clerk', 'working_days')
    )
    op.create_table('audit_cases',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('clerk', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('finished_on', sa.Date(), nullable=False),
    sa.Column('final_state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('complete_first', sa.Boolean(), nullable=False),
    sa.Column('tolerated', sa.Boolean(), nullable=False),
    sa.Column('defaulted', sa.Boolean(), nullable=False),
    sa.Column('notices', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('working_days', sa.Integer(), nullable=True),
    sa.Column('within_promised', sa.Boolean(), nullable=True),
    sa.Column('within_legal', sa.Boolean(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    with op.batch_alter_table('audit_cases', schema=None) as batch_op:
        batch_op.create_index('ix_audit_cases_matter', ['matter_code', 'finished_on'], unique=False)
        batch_op.create_index('ix_audit_cases_period',
                              ['finished_on', 'final_state', 'working_days', 'matter_code', 'window', 'clerk'],
                              unique=False)
        batch_op.create_index('ix_audit_cases_state', ['final_state', 'finished_on'], unique=False)

    op.create_table('audit_visit_causes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('finished_on', sa.Date(), nullable=False),
    sa.Column('extra', sa.Boolean(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('cause', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('material_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_visit_causes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_visit_causes_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_audit_visit_causes_period',
                              ['finished_on', 'matter_code', 'material_id', 'case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('audit_visit_causes', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_visit_causes_period')
        batch_op.drop_index(batch_op.f('ix_audit_visit_causes_case_id'))

    op.drop_table('audit_visit_causes')
    with op.batch_alter_table('audit_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_cases_state')
        batch_op.drop_index('ix_audit_cases_period')
        batch_op.drop_index('ix_audit_cases_matter')

    op.drop_table('audit_cases')
    op.drop_table('audit_monthly_workdays')
    op.drop_table('audit_monthly')
    op.drop_table('audit_exports')
    op.drop_table('audit_daily')
