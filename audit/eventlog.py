"""The whole event log in process-mining form: XES-keyed CSV and XES 1.0 XML.

One trace per case (case:concept:name = 收件编号), one event per recorded
transition with concept:name (the action), time:timestamp, org:resource (the
member of staff or `system`), lifecycle:transition = complete, and the visit
flag, its purpose and cause, the channel and the definition version. Case
attributes: matter, window, clerk, final state and the applicant's ID number,
masked unless an administrator asked otherwise. Rows stream from the database
in case order; nothing is held in memory but one batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.engine import Connection
from xml.sax.saxutils import quoteattr

from audit.drill import opened_filter
from audit.inert import inert
from audit.measures import STAFF
from audit.scope import Scope
from workflows.identity import mask_id
from workflows.db import core_table
from workflows.models import Case, CaseEvent

CASES = core_table(Case)
EVENTS = core_table(CaseEvent)
CASE_ATTRIBUTES = ("matter", "window", "clerk", "state", "applicant_id")
EVENT_ATTRIBUTES = ("visit", "visit_purpose", "visit_cause", "channel", "definition_version", "from_state", "to_state")
CSV_COLUMNS = ("case:concept:name", "concept:name", "time:timestamp", "org:resource", "lifecycle:transition",
               *[f"case:{a}" for a in CASE_ATTRIBUTES], *EVENT_ATTRIBUTES)


def _rows(conn: Connection, scope: Scope | None, unmasked: bool, batch: int = 5000) -> Iterator[dict[str, Any]]:
    source = EVENTS.join(CASES, CASES.c.id == EVENTS.c.case_id)
    if scope is not None and scope.department is not None:
        source = source.outerjoin(STAFF, STAFF.c.username == CASES.c.clerk)
    query = (select(CASES.c.receipt_no, CASES.c.matter_code, CASES.c.window, CASES.c.clerk, CASES.c.state,
                    CASES.c.applicant_id_no, EVENTS.c.action, EVENTS.c.at, EVENTS.c.actor, EVENTS.c.visit,
                    EVENTS.c.visit_purpose, EVENTS.c.visit_cause, EVENTS.c.channel, EVENTS.c.definition_version,
                    EVENTS.c.from_state, EVENTS.c.to_state)
             .select_from(source).order_by(EVENTS.c.case_id, EVENTS.c.seq))
    if scope is not None:
        query = query.where(*opened_filter(scope))
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
    for r in result:
        yield {
            "case:concept:name": r.receipt_no, "concept:name": r.action, "time:timestamp": _iso(r.at),
            "org:resource": r.actor, "lifecycle:transition": "complete", "case:matter": r.matter_code,
            "case:window": r.window or "", "case:clerk": r.clerk, "case:state": r.state,
            "case:applicant_id": r.applicant_id_no if unmasked else mask_id(r.applicant_id_no),
            "visit": bool(r.visit), "visit_purpose": r.visit_purpose or "", "visit_cause": r.visit_cause or "",
            "channel": r.channel or "", "definition_version": r.definition_version, "from_state": r.from_state,
            "to_state": r.to_state,
        }


def _iso(at: dt.datetime) -> str:
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def csv_chunks(conn: Connection, scope: Scope | None = None, unmasked: bool = False,
               every: int = 2000) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for i, row in enumerate(_rows(conn, scope, unmasked), 1):
        writer.writerow({k: inert(v) for k, v in row.items()} | {"visit": "true" if row["visit"] else "false"})
        if i % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace"><string key="concept:name" value="__INVALID__"/></global>
  <global scope="event"><string key="concept:name" value="__INVALID__"/>\
<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/></global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="一次办 OneVisit 办件事件日志"/>
"""


def _attr(kind: str, key: str, value: Any) -> str:
    return f"<{kind} key={quoteattr(key)} value={quoteattr(str(value))}/>"


def _event_xml(row: dict[str, Any]) -> str:
    parts = [_attr("string", "concept:name", row["concept:name"]),
             _attr("date", "time:timestamp", row["time:timestamp"]),
             _attr("string", "org:resource", row["org:resource"]), _attr("string", "lifecycle:transition", "complete"),
             _attr("boolean", "visit", "true" if row["visit"] else "false")]
    parts += [_attr("string", k, row[k]) for k in EVENT_ATTRIBUTES if k != "visit" and row[k]]
    return "<event>" + "".join(parts) + "</event>"


def _trace_open(row: dict[str, Any]) -> str:
    attrs = [_attr("string", "concept:name", row["case:concept:name"])]
    attrs += [_attr("string", a, row[f"case:{a}"]) for a in CASE_ATTRIBUTES]
    return "  <trace>" + "".join(attrs) + "\n"


def xes_chunks(conn: Connection, scope: Scope | None = None, unmasked: bool = False,
               every: int = 2000) -> Iterator[str]:
    yield XES_HEAD
    parts: list[str] = []
    current = None
    for row in _rows(conn, scope, unmasked):
        if row["case:concept:name"] != current:
            if current is not None:
                parts.append("  </trace>\n")
            current = row["case:concept:name"]
            parts.append(_trace_open(row))
        parts.append("    " + _event_xml(row) + "\n")
        if len(parts) >= every:
            yield "".join(parts)
            parts = []
    if current is not None:
        parts.append("  </trace>\n")
    parts.append("</log>\n")
    yield "".join(parts)
