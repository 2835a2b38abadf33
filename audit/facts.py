"""Keep the auditor's facts and daily counters up to date, in the transition's own transaction.

`install(office)` adds `record_transition` to the office's `before_commit`
hooks: opening a case counts it on its day; finishing one writes its fact row,
the causes of its visits when it took more than one, and adds the row to the
day's counters; and `audit.rating_counts.record_rating` to its `on_evaluation` hooks: a
rating (好差评) and each step of its 差评 task count on the rating's own day. The app
factory, the command line and the test fixtures plug it in (an office extension,
see workflows/office.py); workflows/ itself never imports audit/. `rebuild` recomputes everything
from the cases and events already stored, for a database that had cases before this module was installed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache, partial
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, true
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session

from audit.counter_sql import KEY, _insert, _key_day, _upsert
from audit.counters import C, PREDICATES, counter_columns
from audit.rating_counts import record_rating, recount_ratings
from audit.models import CAUSES, DAILY, FACTS, MONTHLY, WORKDAYS
from workflows import action_kinds as ak
from workflows.db import core_table
from workflows.machine import FINAL_STATES
from workflows.models import Case, CaseEvent
from workflows.localtime import OfficeTime
from workflows.office import Office
from workflows.workdays import WorkCalendar

GRAINS = (DAILY, MONTHLY)
EVENTS = core_table(CaseEvent)
CASES = core_table(Case)


# ---- installing --------------------------------------------------------------

def install(office: Office) -> None:
    """Make every transition of this office keep the audit tables current (idempotent)."""
    if not any(getattr(h, "func", None) is record_transition for h in office.before_commit):
        office.before_commit.append(partial(record_transition, office=office))
    if record_rating not in office.on_evaluation:
        office.on_evaluation.append(record_rating)


def record_transition(*, session: Session, case: Case, values: Mapping[str, Any], event: Mapping[str, Any],
                      office: Office) -> None:
    if event["from_state"] == "new":
        _add_opened(session.connection(), case, office.time)
    if ak.is_kind(event["action"], ak.TRANSFER):
        _move_opened(session.connection(), case, values["window"], office.time)
    if event["to_state"] in FINAL_STATES and event["from_state"] not in FINAL_STATES:
        record_finished(session.connection(), case=_as_written(case, values), calendar=office.calendar,
                        time=office.time)


_CASE_FIELDS = ("id", "matter_code", "window", "clerk", "received_at", "outcome", "accepted_on", "promised_due",
                "legal_due", "progress")


def _as_written(case: Case, values: Mapping[str, Any]) -> dict[str, Any]:
    # The ORM object is refreshed only after the commit: the row as written is the object plus this step's values.
    return {name: values.get(name, getattr(case, name)) for name in _CASE_FIELDS}


def _add_opened(conn: Connection, case: Case, time: OfficeTime, *, window: str | None = None,
                count: int = 1) -> None:
    day = time.date(case.received_at)
    row = {"matter_code": case.matter_code, "window": (window or case.window) or "", "clerk": case.clerk,
           "opened": count}
    opened = _prepared(conn.dialect.name).opened
    conn.execute(opened[0], {**row, "day": day})
    conn.execute(opened[1], {**row, "day": day.replace(day=1)})


def _move_opened(conn: Connection, case: Case, to_window: str, time: OfficeTime) -> None:
    # Every figure of a case counts under the window it belongs to when it finishes, as a rebuild
    # from the stored cases counts it; a 转办 takes its 收件 count along to the new window.
    _add_opened(conn, case, time, count=-1)
    _add_opened(conn, case, time, window=to_window)
    day = time.date(case.received_at)
    for table, key_day in zip(GRAINS, (day, day.replace(day=1)), strict=True):
        # A counter row left at nought holds nothing a rebuild would write: drop it.
        conn.execute(delete(table).where(table.c.day == key_day, table.c.matter_code == case.matter_code,
                                         table.c.window == (case.window or ""), table.c.clerk == case.clerk,
                                         *(table.c[name] == 0 for name in _zeros())))


@dataclass(frozen=True)
class _Prepared:
    """The hook's statements, built once per dialect: a transition only binds its values."""

    opened: tuple[Any, Any]
    counted: tuple[Any, ...]
    workdays: Any
    events: Any


@lru_cache(maxsize=4)
def _prepared(dialect: str) -> _Prepared:
    this_case = FACTS.c.case_id == bindparam("case_id")
    return _Prepared(
        opened=tuple(_opened_statement(dialect, t) for t in GRAINS),
        counted=_count_statements(dialect, this_case, upsert=True),
        workdays=_workdays_statement(dialect, this_case, upsert=True),
        events=select(EVENTS).where(EVENTS.c.case_id == bindparam("case_id")).order_by(EVENTS.c.seq),
    )


def _opened_statement(dialect: str, table):
    keys: dict[str, BindParameter[Any]] = {name: bindparam(name) for name in KEY}
    return _upsert(table, _insert(dialect, table).values(**(_zeros() | {"opened": bindparam("opened")} | keys)))


# ---- one finished case --------------------------------------------------------

def record_finished(conn: Connection, *, case: Mapping[str, Any], calendar: WorkCalendar, time: OfficeTime) -> None:
    """Write the fact row and visit causes of a case that just finished, and count it.

    A case finishes once (no transition leaves a final state), so this inserts without looking.
    """
    case_id = case["id"]
    prepared = _prepared(conn.dialect.name)
    events = conn.execute(prepared.events, {"case_id": case_id}).mappings().all()
    facts = facts_of(case, events, calendar, time)
    conn.execute(insert(FACTS).values(**facts))
    causes = visit_causes(facts, events)
    if causes:
        conn.execute(insert(CAUSES), causes)
    for stmt in (*prepared.counted, prepared.workdays):
        conn.execute(stmt, {"case_id": case_id})


# A case is the engine's values (a dict) when it just finished, a row mapping in a rebuild.
def facts_of(case: Mapping[str, Any] | RowMapping, events: Sequence[RowMapping], calendar: WorkCalendar,
             time: OfficeTime) -> dict[str, Any]:
    """What the measures need to know about one finished case, read from its events."""
    last = events[-1]
    kinds = [ak.kind_of(e["action"]) for e in events]
    notices = kinds.count(ak.NOTIFY)
    tolerated = ak.ACCEPT_TOLERATED in kinds
    accepted = tolerated or ak.ACCEPT in kinds
    decided = next((time.date(e["at"]) for e in reversed(events) if ak.is_kind(e["action"], *ak.DECISIONS)), None)
    defaulted = tolerated and kinds[-1] is ak.TERMINATE and last["actor"] == "system"
    facts = {
        "case_id": case["id"], "matter_code": case["matter_code"], "window": case["window"] or "",
        "clerk": case["clerk"], "received_on": time.date(case["received_at"]),
        "finished_on": _default_deadline(last, time) if defaulted else time.date(last["at"]),
        "final_state": last["to_state"], "outcome": case["outcome"], "visits": sum(1 for e in events if e["visit"]),
        "complete_first": accepted and notices == 0, "tolerated": tolerated, "notices": notices,
        "defaulted": defaulted,
        "decided_on": decided, "reason": _reason(events),
        **_timeliness(case, decided, calendar),
    }
    return facts


def _default_deadline(last: RowMapping | Mapping[str, Any], time: OfficeTime) -> dt.date:
    """The day a default counts in: its gap's deadline, however late the sweep ended the case.

    A default is the applicant's failure to supply by the deadline; counted on the day
    it was swept, a sweep run late (its worker down) would move it into another month.
    A 终止 recorded before the sweep wrote its deadline counts on the day it was carried out.
    """
    default = (last["payload"] or {}).get("default") or {}
    if "deadline" in default:
        return dt.date.fromisoformat(default["deadline"])
    return time.date(last["at"])


def _timeliness(case: Mapping[str, Any] | RowMapping, decided: dt.date | None,
                calendar: WorkCalendar) -> dict[str, Any]:
    # Timed by the decision (行政许可法 art. 42 limits the time to decide); posting the result is not the office's time.
    if decided is None or case["accepted_on"] is None:
        return {"working_days": None, "within_promised": None, "within_legal": None}
    paused = int((case["progress"] or {}).get("paused_days", 0))
    return {
        "working_days": max(calendar.workdays_between(case["accepted_on"], decided) - paused, 0),
        "within_promised": case["promised_due"] is not None and decided <= case["promised_due"],
        "within_legal": case["legal_due"] is not None and decided <= case["legal_due"],
    }


def _reason(events: Sequence[RowMapping]) -> str | None:
    for e in reversed(events):
        if ak.is_kind(e["action"], *ak.WITH_REASON):
            return (e["payload"] or {}).get("reason")
    return None


def visit_causes(facts: Mapping[str, Any], events: Sequence[RowMapping]) -> list[dict[str, Any]]:
    """Every visit of a case that took more than one, and the materials a correction visit brought."""
    if facts["visits"] <= 1:
        return []
    rows, notice_items, seen = [], [], 0
    for e in events:
        payload = e["payload"] or {}
        if ak.is_kind(e["action"], ak.NOTIFY):
            notice_items = [item["material"] for item in payload.get("items", [])]
        if not e["visit"]:
            continue
        seen += 1
        base = {"case_id": facts["case_id"], "seq": e["seq"], "matter_code": facts["matter_code"],
                "finished_on": facts["finished_on"], "extra": seen > 1, "purpose": e["visit_purpose"],
                "cause": e["visit_cause"]}
        rows += [{**base, "material_id": m} for m in _materials_brought(e["action"], payload, notice_items)]
    return rows


def _materials_brought(action: str, payload: Mapping[str, Any], notice_items: list[str]) -> list[str | None]:
    if ak.is_kind(action, ak.RESUBMIT):
        return list(notice_items) or [None]
    if ak.is_kind(action, ak.SUPPLEMENT):
        return [payload.get("material")]
    return [None]


# ---- counters -----------------------------------------------------------------

def _count_statements(dialect: str, where, *, upsert: bool) -> tuple[Any, ...]:
    """INSERT … SELECT adding the facts selected by `where` to both grains of counters."""
    counters = counter_columns()
    statements = []
    for table in GRAINS:
        day = _key_day(dialect, table, FACTS.c.finished_on)
        counted = (select(day, FACTS.c.matter_code, FACTS.c.window, FACTS.c.clerk, *counters.values())
                   .where(where).group_by(day, FACTS.c.matter_code, FACTS.c.window, FACTS.c.clerk))
        stmt = _insert(dialect, table).from_select([*KEY, *counters], counted)
        statements.append(_upsert(table, stmt) if upsert else stmt)
    return tuple(statements)


def _workdays_statement(dialect: str, where, *, upsert: bool):
    """INSERT … SELECT adding the timed closed cases selected by `where` to the monthly working-days histogram."""
    keys = (_key_day(dialect, MONTHLY, C.finished_on), C.matter_code, C.window, C.clerk, C.working_days)
    names = ["day", "matter_code", "window", "clerk", "working_days"]
    counted = select(*keys, func.count()).where(where, PREDICATES["timed"]).group_by(*keys)
    stmt = _insert(dialect, WORKDAYS).from_select([*names, "cases"], counted)
    if upsert:
        stmt = stmt.on_conflict_do_update(index_elements=names, set_={"cases": WORKDAYS.c.cases + stmt.excluded.cases})
    return stmt


def _zeros() -> dict[str, int]:
    return {c.name: 0 for c in DAILY.columns if c.name not in KEY}


# ---- rebuilding ---------------------------------------------------------------

def rebuild(conn: Connection, *, calendar: WorkCalendar, time: OfficeTime, batch: int = 2000) -> int:
    """Recompute facts, causes and counters from the stored cases; returns the finished cases counted."""
    for table in (CAUSES, FACTS):
        conn.execute(delete(table))
    finished = select(CASES.c.id).where(CASES.c.state.in_(sorted(FINAL_STATES))).order_by(CASES.c.id)
    ids = [row.id for row in conn.execute(finished)]
    for start in range(0, len(ids), batch):
        _rebuild_facts(conn, ids[start:start + batch], calendar, time)
    recount(conn, time)
    return len(ids)


def recount(conn: Connection, time: OfficeTime) -> None:
    """Recompute the daily counters from the facts, the cases and the ratings, all in SQL."""

    for table in (*GRAINS, WORKDAYS):
        conn.execute(delete(table))
    dialect = conn.dialect.name
    for stmt in (*_count_statements(dialect, true(), upsert=False), _workdays_statement(dialect, true(), upsert=False)):
        conn.execute(stmt)
    for table in GRAINS:
        _rebuild_opened(conn, table, time)
        recount_ratings(conn, table)


def _rebuild_facts(conn: Connection, ids: list[int], calendar: WorkCalendar, time: OfficeTime) -> None:
    cases = conn.execute(select(CASES).where(CASES.c.id.in_(ids))).mappings().all()
    by_case: dict[int, list[RowMapping]] = {i: [] for i in ids}
    events = select(EVENTS).where(EVENTS.c.case_id.in_(ids)).order_by(EVENTS.c.case_id, EVENTS.c.seq)
    for e in conn.execute(events).mappings():
        by_case[e["case_id"]].append(e)
    facts = [facts_of(c, by_case[c["id"]], calendar, time) for c in cases]
    conn.execute(insert(FACTS), facts)
    causes = [row for f in facts for row in visit_causes(f, by_case[f["case_id"]])]
    if causes:
        conn.execute(insert(CAUSES), causes)


def _rebuild_opened(conn: Connection, table, time: OfficeTime) -> None:
    day = _key_day(conn.dialect.name, table, time.sql_date(CASES.c.received_at, conn.dialect.name))
    window = func.coalesce(CASES.c.window, "")
    # SQLite needs a WHERE before ON CONFLICT to parse an upsert from a SELECT.
    opened = (select(day, CASES.c.matter_code, window, CASES.c.clerk, func.count()).where(true())
              .group_by(day, CASES.c.matter_code, window, CASES.c.clerk))
    conn.execute(_upsert(table, _insert(conn.dialect.name, table).from_select([*KEY, "opened"], opened)))
