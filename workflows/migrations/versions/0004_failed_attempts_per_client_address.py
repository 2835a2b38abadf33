"""failed attempts per client address

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:41:54.455760
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('address_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('address_failures', schema=None) as batch_op:
        batch_op.create_index('ix_address_failures_scope_address_at', ['scope', 'address', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('address_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_address_failures_scope_address_at')

    op.drop_table('address_failures')
