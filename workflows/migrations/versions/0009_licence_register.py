"""licence register: licences, their status events and number counters

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 20:20:00

Cases granted before this revision have no licence record here: their numbers were never
taken, and this revision does not make them up.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('licences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('holder_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('holder_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('holder_id_no', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('holder_phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('validity', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('term_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.create_index('ix_licences_holder', ['holder_id_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_licences_holder_name'), ['holder_name'], unique=False)
        batch_op.create_index('ix_licences_matter_status_expiry', ['matter_code', 'status', 'expires_on'],
                              unique=False)
        batch_op.create_index('ix_licences_status_expiry', ['status', 'expires_on'], unique=False)

    op.create_table('licence_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('licence_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['licences.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('licence_id', 'seq', name='uq_licence_events_licence_seq')
    )
    op.create_table('licence_serials',
    sa.Column('matter_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('matter_code', 'year')
    )


def downgrade() -> None:
    op.drop_table('licence_serials')
    op.drop_table('licence_events')
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.drop_index('ix_licences_status_expiry')
        batch_op.drop_index('ix_licences_matter_status_expiry')
        batch_op.drop_index(batch_op.f('ix_licences_holder_name'))
        batch_op.drop_index('ix_licences_holder')
    op.drop_table('licences')
