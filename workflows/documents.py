"""The register of documents (发文登记): every paper a case's history issues gets its number when it is issued.

A number is a Chinese-style serial per series and year, 嘉交受字〔2026〕第0012号:
the office's prefix (from the office profile), the series word of the document
(受 for 受理通知书, 补 for 一次性告知书 …), the office-local year of the event,
and a running number. It is taken in the transition's own transaction, from a
counter row that the database locks until the commit, so two clerks issuing at
the same moment get two numbers and a transition that rolls back takes none.
A reprint shows the number of the first print, since it reads it from here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import UniqueConstraint, bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Field, Session, SQLModel, select

from workflows import action_kinds as kinds
from workflows.action_kinds import DocumentKind
from workflows.db import core_table
from workflows.definition import MatterType
from workflows.models import Case
from workflows.office import Office


class CaseDocument(SQLModel, table=True):
    """One document issued for a case, with its number. Append-only, like the events."""

    __tablename__ = "case_documents"
    __table_args__ = (
        UniqueConstraint("series", "year", "serial", name="uq_case_documents_number"),
        UniqueConstraint("case_id", "event_seq", "kind", name="uq_case_documents_event_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    event_seq: int  # the event that issued it
    kind: str = Field(max_length=32)
    series: str = Field(max_length=8)
    year: int
    serial: int


class DocumentSerial(SQLModel, table=True):
    """The last number given in each series and year."""

    __tablename__ = "document_serials"

    series: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    last: int


DOCUMENTS = core_table(CaseDocument)
SERIALS = core_table(DocumentSerial)


def issued_by(action: str, matter_type: MatterType) -> tuple[tuple[DocumentKind, str], ...]:
    """The documents an action issues, each with its series word, as the action declares them."""
    kind = kinds.kind_of(action)
    return kind.papers_for(matter_type) if kind else ()


def doc_no(prefix: str, series: str, year: int, serial: int) -> str:
    return f"{prefix}{series}字〔{year}〕第{serial:04d}号"


# ---- taking numbers, in the transition's transaction -----------------------------------

def _next_serial_statement(dialect: str) -> ReturningInsert[tuple[int]]:
    # INSERT … ON CONFLICT DO UPDATE … RETURNING: one statement that both creates a year's
    # counter and advances it; PostgreSQL holds the row lock to the commit, SQLite the database's.
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(SERIALS).values(
        series=bindparam("series"), year=bindparam("year"), last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["series", "year"], set_={"last": SERIALS.c.last + 1})
    # The dialects' on_conflict_do_update is untyped in SQLAlchemy's own annotations, so name what it gives.
    statement: ReturningInsert[tuple[int]] = stmt.returning(SERIALS.c.last)
    return statement


_NEXT = {name: _next_serial_statement(name) for name in ("postgresql", "sqlite")}
_INSERT = insert(DOCUMENTS)


def register_documents(*, session: Session, case: Case, values: Mapping[str, Any], event: Mapping[str, Any],
                       office: Office) -> None:
    """The before_commit hook: number every document this event issues."""
    kinds = issued_by(event["action"], office.matter_of(case).definition.matter_type)
    if not kinds:
        return
    conn = session.connection()
    year = office.time.date(event["at"]).year
    for kind, series in kinds:
        serial = conn.execute(_NEXT[conn.dialect.name], {"series": series, "year": year}).scalar_one()
        conn.execute(_INSERT, {"case_id": event["case_id"], "event_seq": event["seq"], "kind": kind.value,
                               "series": series, "year": year, "serial": serial})


def install(office: Office) -> None:
    """Make every transition of this office number the documents it issues (idempotent)."""
    if not any(getattr(h, "func", None) is register_documents for h in office.before_commit):
        office.before_commit.append(functools.partial(register_documents, office=office))


# ---- reading -------------------------------------------------------------------------------

def documents_of(session: Session, case_id: int) -> dict[tuple[int, str], CaseDocument]:
    """The case's documents by (event seq, kind)."""
    rows = session.exec(select(CaseDocument).where(CaseDocument.case_id == case_id))
    return {(row.event_seq, row.kind): row for row in rows}
