"""document register: numbered papers per series and year

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:00:00

Cases recorded before this revision get their documents numbered here, in the
order their events happened, as `workflows.documents.register_documents` would
have numbered them. The mapping below is a frozen copy of `issued_by` as it was
when this revision was written, and the year is read in Asia/Shanghai (the only
office zone in use then); later changes to either must not renumber old papers.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_ZONE = ZoneInfo("Asia/Shanghai")


def _issued_by(action):
    if action.startswith("receive_"):
        return (("receipt", "收"),)
    return {
        "accept": (("acceptance", "受"),),
        "accept_tolerated": (("acceptance", "受"),),
        "notify": (("notice", "补"),),
        "refuse": (("refusal", "不受"), ("service_record", "送")),
        "decide_approve": (("decision", "许"), ("service_record", "送")),
        "decide_deny": (("decision", "不许"), ("service_record", "送")),
        "terminate": (("termination", "终"),),
    }.get(action, ())


def upgrade() -> None:
    documents = op.create_table('case_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('event_seq', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'event_seq', 'kind', name='uq_case_documents_event_kind'),
    sa.UniqueConstraint('series', 'year', 'serial', name='uq_case_documents_number')
    )
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_documents_case_id'), ['case_id'], unique=False)
    serials = op.create_table('document_serials',
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year')
    )
    _number_existing(documents, serials)


def _number_existing(documents, serials) -> None:
    events = sa.table('case_events', sa.column('case_id'), sa.column('seq'), sa.column('action'),
                      sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime()), sa.column('id'))
    conn = op.get_bind()
    last: dict = {}
    rows = []
    for event in conn.execute(sa.select(events).order_by(events.c.at, events.c.id)):
        at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.timezone.utc)
        year = at.astimezone(_ZONE).year
        for kind, series in _issued_by(event.action):
            last[(series, year)] = last.get((series, year), 0) + 1
            rows.append({"case_id": event.case_id, "event_seq": event.seq, "kind": kind, "series": series,
                         "year": year, "serial": last[(series, year)]})
    if rows:
        op.bulk_insert(documents, rows)
        op.bulk_insert(serials, [{"series": s, "year": y, "last": n} for (s, y), n in last.items()])


def downgrade() -> None:
    op.drop_table('document_serials')
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_documents_case_id'))
    op.drop_table('case_documents')
