"""document register: numbered papers per series and year

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:00:00

Cases recorded before this revision get their documents numbered here, in the
order their events happened, as `workflows.documents.register_documents` would
have numbered them. The mapping below is a frozen copy of `issued_by` as it was
when this revision was written (a decision's series by the matter type its stored
definition version declares), and the year is read in Asia/Shanghai (the only
office zone in use then); later changes to either must not renumber old papers.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
import sqlmodel
import yaml


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_ZONE = ZoneInfo("Asia/Shanghai")


_DECISION_SERIES = {"行政许可": ("许", "不许"), "备案": ("备", "不备"), "行政确认": ("确", "不确"),
                    "公共服务": ("办", "不办"), "其他行政权力": ("决", "不决")}


def _issued_by(action, matter_type):
    if action.startswith("receive_"):
        return (("receipt", "收"),)
    approved, denied = _DECISION_SERIES.get(matter_type, ("许", "不许"))
    return {
        "accept": (("acceptance", "受"),),
        "accept_tolerated": (("acceptance", "受"),),
        "notify": (("notice", "补"),),
        "refuse": (("refusal", "不受"), ("service_record", "送")),
        "decide_approve": (("decision", approved), ("service_record", "送")),
        "decide_deny": (("decision", denied), ("service_record", "送")),
        "terminate": (("termination", "终"),),
    }.get(action, ())


def _matter_types(conn) -> dict:
    versions = sa.table('definition_versions', sa.column('matter_code'), sa.column('key'), sa.column('source_text'))
    types = {}
    for row in conn.execute(sa.select(versions)):
        try:
            types[(row.matter_code, row.key)] = (yaml.safe_load(row.source_text) or {}).get("matter_type")
        except yaml.YAMLError:
            continue
    return types


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
                      sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime()), sa.column('id'),
                      sa.column('definition_version'))
    cases = sa.table('cases', sa.column('id'), sa.column('matter_code'))
    conn = op.get_bind()
    types = _matter_types(conn)
    last: dict = {}
    rows = []
    query = (sa.select(events.c.case_id, events.c.seq, events.c.action, events.c.at, events.c.definition_version,
                       cases.c.matter_code)
             .select_from(events.join(cases, cases.c.id == events.c.case_id)).order_by(events.c.at, events.c.id))
    for event in conn.execute(query):
        at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
        year = at.astimezone(_ZONE).year
        matter_type = types.get((event.matter_code, event.definition_version))
        for kind, series in _issued_by(event.action, matter_type):
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
