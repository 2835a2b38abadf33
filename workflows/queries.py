"""Read side of the engine: a case with everything a screen needs, and case lists.

A screen asks here which actions a user may take now; it never works that out
itself. Lists are single SQL queries over indexed columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_
from sqlalchemy import case as sa_case
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workflows import action_kinds as kinds
from workflows import errors, identity, intake
from workflows import progress as pg
from workflows.catalogue import MatterVersion
from workflows.db import core_table
from workflows.deadlines import SpecialTimeBox, special_time_boxes
from workflows.definition import Material
from workflows.demands import Demand, correction_due, notice_demands, open_demands
from workflows.case_windows import window_refusal
from workflows.engine import may_take
from workflows.localtime import OfficeTime
from workflows.machine import AWAITING_CORRECTION, FINAL_STATES, Action, CaseProxy
from workflows.deadline_marks import DUE_SOON, OVERDUE
from workflows.models import Case, CaseEvent, DeadlineMark
from workflows.office import Actor, Office


@dataclass(frozen=True)
class ActionChoice:
    action: Action
    blocked: str | None  # why the rules hold it back now, or None when it may be taken

    @property
    def trigger(self) -> str:
        return self.action.trigger


@dataclass(frozen=True)
class MaterialRow:
    material: Material
    applies: bool
    required: bool
    status: str
    note: str  # written with the current status: the problem while one, else a remark
    gap_due: dt.date | None
    case_ended: bool  # the case is in a final state: a gap still open was never supplied, nobody waits for it

    @property
    def status_label(self) -> str:
        if not self.applies:
            return "本案不适用"
        if self.status == pg.TOLERATED and self.case_ended:
            return "容缺未补齐"
        return pg.STATUS_LABELS[self.status]


@dataclass(frozen=True)
class DeadlineView:
    accepted_on: dt.date | None
    promised_due: dt.date | None
    legal_due: dt.date | None
    provisional: bool
    paused: bool
    promised_left: int | None  # working days from today; negative when overdue
    legal_left: int | None


@dataclass(frozen=True)
class CaseView:
    case: Case
    matter: MatterVersion
    state_label: str
    materials: list[MaterialRow]
    deadlines: DeadlineView
    specials: list[SpecialTimeBox]  # each started 特别程序 against its own time box
    events: list[CaseEvent]
    actions: list[ActionChoice]
    verdict: intake.Verdict | None


MAX_ID = 2**31 - 1  # the id column is a 32-bit integer; PostgreSQL refuses larger literals


# Built once, the id bound at execution. Kept for the engine ≤ 5× the bare driver target
# (bench/engine.py, request-shaped steps load the case here): `session.get` assembles its
# query per call, and with it SQLite request-shaped steps measured 1043 µs of CPU against 755.
_CASE_BY_ID = select(Case).where(Case.id == bindparam("case_id"))


def get_case(session: Session, case_id: int) -> Case:
    """The case, by its id; an id out of the column's range is not found either."""
    case = session.exec(_CASE_BY_ID, params={"case_id": case_id}).first() if 0 < case_id <= MAX_ID else None
    if case is None:
        raise errors.CaseNotFound()
    return case


def get_case_by_receipt(session: Session, receipt_no: str) -> Case:
    case = session.exec(select(Case).where(Case.receipt_no == receipt_no.strip().upper())).first()
    if case is None:
        raise errors.CaseNotFound()
    return case


def events_of(session: Session, case_id: int) -> list[CaseEvent]:
    """A case's event log in order."""
    return list(session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))))


def available_actions(*, office: Office, case: Case, actor: Actor) -> list[ActionChoice]:
    """Actions this user may take on this case now, each with the rule that blocks it, if any."""
    matter = office.matter_of(case).compiled
    choices = []
    for action in matter.actions_from(case.state):
        if not may_take(matter, action, actor) or window_refusal(office, matter, case, action, actor):
            continue
        kind = kinds.kind_of(action.trigger)
        if kind is not None and not kind.offered(case.progress):
            continue
        choices.append(ActionChoice(action, _blocked(action, case)))
    return choices


def _blocked(action: Action, case: Case) -> str | None:
    proxy = CaseProxy(case.state, case.data, case.progress, case.channel)
    try:
        for guard in action.guards:
            guard(proxy, {})
    except errors.DomainError as exc:
        return exc.message
    return None


PROBLEM_STATUSES = frozenset({pg.MISSING, pg.DEFECTIVE})


def problem_notes(events: Iterable[CaseEvent]) -> dict[str, str]:
    """Each material's last problem note in the log: what the clerk wrote when it was missing or defective."""
    notes: dict[str, str] = {}
    for event in events:
        for material_id, entry in ((event.payload or {}).get("materials") or {}).items():
            if entry.get("status") in PROBLEM_STATUSES and entry.get("note"):
                notes[material_id] = entry["note"]
    return notes


def material_rows(matter: MatterVersion, case: Case, events: Iterable[CaseEvent] = ()) -> list[MaterialRow]:
    """The case's materials as they stand now.

    A material received after a notice keeps only what was written with it: when
    its note is the problem note from before (a form that carried the old text
    along), it is not shown as current; the log still holds the old note.
    """
    earlier = problem_notes(events)
    rows = []
    for m in matter.definition.materials:
        entry = case.progress["materials"].get(m.id, {})
        status, note = entry.get("status", pg.MISSING), entry.get("note", "")
        if status in pg.PRESENT and note and note == earlier.get(m.id):
            note = ""
        rows.append(MaterialRow(
            material=m,
            applies=intake.applies(m, case.data),
            required=intake.required(m, case.data),
            status=status,
            note=note,
            gap_due=dt.date.fromisoformat(case.progress["gaps"][m.id]) if m.id in case.progress["gaps"] else None,
            case_ended=case.state in FINAL_STATES,
        ))
    return rows


def deadline_view(office: Office, case: Case) -> DeadlineView:
    today = office.today()
    paused = case.state.startswith("special_")
    live = case.state not in FINAL_STATES and not paused

    def left(due: dt.date | None) -> int | None:
        return office.calendar.workdays_between(today, due) if (due and live) else None

    return DeadlineView(case.accepted_on, case.promised_due, case.legal_due, case.due_provisional, paused,
                        left(case.promised_due), left(case.legal_due))


def deadline_views(office: Office, cases: Sequence[Case] | Sequence[CaseListing]) -> list[DeadlineView]:
    """`deadline_view` for a list of cases; each distinct due date is counted once, as a queue shares a few."""
    today, counted = office.today(), {}

    def left(due: dt.date | None, live: bool) -> int | None:
        if not (due and live):
            return None
        if due not in counted:
            counted[due] = office.calendar.workdays_between(today, due)
        return counted[due]

    views = []
    for case in cases:
        paused = case.state.startswith("special_")
        live = case.state not in FINAL_STATES and not paused
        views.append(DeadlineView(case.accepted_on, case.promised_due, case.legal_due, case.due_provisional, paused,
                                  left(case.promised_due, live), left(case.legal_due, live)))
    return views


def special_views(office: Office, case: Case) -> list[SpecialTimeBox]:
    """The case's special procedures against their time boxes; one left running when the
    case closed (撤回 or 终止 during it) is judged as of the closing day."""
    closed = case.state in FINAL_STATES and case.closed_at is not None
    closed_on = office.time.date(case.closed_at) if closed and case.closed_at is not None else None
    return special_time_boxes(calendar=office.calendar, definition=office.matter_of(case).definition,
                              progress=case.progress, today=office.today(), closed_on=closed_on)


def case_view(*, session: Session, office: Office, case: Case, actor: Actor) -> CaseView:
    matter = office.matter_of(case)
    verdict = intake.assess(matter.definition, case.data, case.progress) if case.state == "received" else None
    assert case.id is not None, "a case on a page has been stored"
    events = events_of(session, case.id)
    return CaseView(
        case=case,
        matter=matter,
        state_label=matter.compiled.state_label(case.state),
        materials=material_rows(matter, case, events),
        deadlines=deadline_view(office, case),
        specials=special_views(office, case),
        events=events,
        actions=available_actions(office=office, case=case, actor=actor),
        verdict=verdict,
    )


# Lists (the queue, search, the API's lists) read only the columns they show: no JSON to decode,
# no ORM objects to track.
CASES = core_table(Case)
LISTED = tuple(CASES.c[name] for name in (
    "id", "receipt_no", "matter_code", "definition_version", "state", "version", "awaiting_role", "window",
    "applicant_name", "applicant_id_no", "received_at", "accepted_on", "promised_due", "legal_due",
    "due_provisional", "visits"))


@dataclass(frozen=True)
class CaseListing:
    """A listed case: the columns of LISTED, under the same names as on a Case."""

    id: int
    receipt_no: str
    matter_code: str
    definition_version: str
    state: str
    version: int
    awaiting_role: str | None
    window: str | None
    applicant_name: str
    applicant_id_no: str
    received_at: dt.datetime
    accepted_on: dt.date | None
    promised_due: dt.date | None
    legal_due: dt.date | None
    due_provisional: bool
    visits: int


def _listed(session: Session, query: Select[Any], params: dict[str, Any] | None = None) -> list[CaseListing]:
    return [CaseListing(**row._mapping) for row in session.execute(query, params)]


def list_cases(
    session: Session,
    *,
    state: str | None = None,
    window: str | None = None,
    matter_code: str | None = None,
    awaiting_roles: frozenset[str] | None = None,
    due_before: dt.date | None = None,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[CaseListing]:
    filters = {"state": state, "window": window, "matter_code": matter_code,
               "awaiting_roles": sorted(awaiting_roles) if awaiting_roles is not None else None,
               "due_before": due_before}
    given: dict[str, Any] = {name: value for name, value in filters.items() if value}
    if awaiting_roles is not None:
        given["awaiting_roles"] = filters["awaiting_roles"]  # an empty role set matches nothing, not everything
    query = sa_select(*LISTED).where(*(_FILTERS[name] for name in sorted(given)))
    if open_only:
        query = query.where(col(Case.state).not_in(sorted(FINAL_STATES)))
    query = query.order_by(CASES.c.promised_due.is_(None), CASES.c.promised_due, CASES.c.id).limit(limit).offset(offset)
    return _listed(session, query, given)


# Each filter a list may apply, its value bound by name.
_FILTERS = {
    "state": CASES.c.state == bindparam("state"),
    "window": CASES.c.window == bindparam("window"),
    "matter_code": CASES.c.matter_code == bindparam("matter_code"),
    "awaiting_roles": CASES.c.awaiting_role.in_(bindparam("awaiting_roles", expanding=True)),
    "due_before": CASES.c.promised_due <= bindparam("due_before"),
}


def _window_scope(actor: Actor, all_windows: bool) -> str | None:
    """The window whose cases a queue shows: a clerk's own, unless they sit at a 综合窗口; None for all."""
    return None if (all_windows or not actor.has("clerk")) else actor.window


@dataclass(frozen=True)
class QueueListing(CaseListing):
    """A queued case with the morning's deadline mark (workflows/deadline_marks.py), if it has one."""

    mark: str | None  # overdue | due_soon | None
    mark_left: int | None  # working days left when the mark was computed; negative when past
    marked_on: dt.date | None  # the office day the mark was computed


MARKS = core_table(DeadlineMark)
_MARK_RANK = sa_case((MARKS.c.mark == OVERDUE, 0), (MARKS.c.mark == DUE_SOON, 1), else_=2)


def queue_for(session: Session, actor: Actor, *, all_windows: bool = False, limit: int = 100) -> list[QueueListing]:
    """My queue: cases waiting for one of my roles, the morning's 已超期 then 即将超期 marks first,
    then soonest promised deadline first.

    The order is the stored marks' (workflows/deadline_marks.py), not recomputed here.
    A clerk sees their own window's cases unless they sit at a 综合窗口 (`all_windows`).
    """
    window = _window_scope(actor, all_windows)
    given: dict[str, Any] = {"awaiting_roles": sorted(actor.roles)} | ({"window": window} if window else {})
    query = (sa_select(*LISTED, MARKS.c.mark, MARKS.c.days_left.label("mark_left"),
                        MARKS.c.computed_on.label("marked_on"))
             .select_from(CASES.outerjoin(MARKS, MARKS.c.case_id == CASES.c.id))
             .where(*(_FILTERS[name] for name in sorted(given)), CASES.c.state.not_in(sorted(FINAL_STATES)))
             .order_by(_MARK_RANK, MARKS.c.days_left, CASES.c.promised_due.is_(None), CASES.c.promised_due,
                       CASES.c.id)
             .limit(limit))
    return [QueueListing(**row._mapping) for row in session.execute(query, given)]


# ---- waiting on the applicant ---------------------------------------------------------
# A case that waits on the applicant (待补正 after a 一次性告知书, or accepted with 容缺
# gaps still open) is nobody's step in the machine, yet somebody has to ring the
# applicant before the deadline passes: the window that took it in.

WAITING_KINDS = {"correction": "补正", "gaps": "容缺补齐"}
_WAITING = or_(CASES.c.state == AWAITING_CORRECTION,
               and_(CASES.c.gap_due.is_not(None), CASES.c.state.not_in(sorted(FINAL_STATES))))


@dataclass(frozen=True)
class WaitingListing(CaseListing):
    """A listed case with what the waiting list also needs: whom to ring and what is owed."""

    applicant_phone: str
    progress: dict[str, Any]
    gap_due: dt.date | None


@dataclass(frozen=True)
class WaitingCase:
    case: WaitingListing
    kind: str  # a key of WAITING_KINDS
    demands: tuple[Demand, ...]  # every item owed, each with its own deadline
    due: dt.date | None  # the earliest deadline of the demands
    left: int | None  # working days from today to `due`; negative once past
    overdue: bool  # the deadline day has passed

    @property
    def kind_label(self) -> str:
        return WAITING_KINDS[self.kind]


def _waiting_where(window: str | None) -> list[ColumnElement[bool]]:
    return [_WAITING] if window is None else [_WAITING, CASES.c.window == window]


def count_waiting(*, session: Session, actor: Actor, all_windows: bool = False) -> int:
    """How many cases `waiting_on_applicant` would list, in one COUNT."""
    where = _waiting_where(_window_scope(actor, all_windows))
    count: int = session.execute(sa_select(func.count()).select_from(CASES).where(*where)).scalar_one()
    return count


def waiting_on_applicant(*, session: Session, office: Office, actor: Actor,
                         all_windows: bool = False) -> list[WaitingCase]:
    """Cases waiting on the applicant, scoped as `queue_for`, soonest deadline first.

    The deadlines live in each case's progress (the 补正期限 of its last notice, the
    due date printed for each gap), so the order is made here, not in SQL.
    """
    columns = (*LISTED, CASES.c.applicant_phone, CASES.c.progress, CASES.c.gap_due)
    query = sa_select(*columns).where(*_waiting_where(_window_scope(actor, all_windows))).order_by(CASES.c.id)
    rows = [WaitingListing(**row._mapping) for row in session.execute(query)]
    today, counted = office.today(), dict[dt.date, int]()
    found = []
    for row in rows:
        demands = tuple(owed_by_applicant(session=session, office=office, case=row))
        due = min((d.due for d in demands), default=None)
        if due is not None and due not in counted:
            counted[due] = office.calendar.workdays_between(today, due)
        kind = "correction" if row.state == AWAITING_CORRECTION else "gaps"
        left = counted[due] if due is not None else None
        found.append(WaitingCase(row, kind, demands, due, left, due is not None and due < today))
    return sorted(found, key=lambda w: (w.due is None, w.due or today, w.case.id))


def owed_by_applicant(*, session: Session, office: Office, case: Case | WaitingListing) -> list[Demand]:
    """`demands.open_demands`, and for a notice recorded before its 补正期限 was stored, the
    notice's items due by the same rule from the notice's own date (as its paper prints it)."""
    definition = office.matter_of(case).definition
    demands = open_demands(definition, case)
    if demands or case.state != AWAITING_CORRECTION or case.progress.get("correction"):
        return demands
    assert case.id is not None, "a case that owes something has been stored"
    notice = next((e for e in reversed(events_of(session, case.id)) if e.action == kinds.NOTIFY.trigger), None)
    if notice is None:
        return []
    return notice_demands(definition, notice.payload["items"], correction_due(office, office.time.date(notice.at)))


def search_cases(session: Session, text: str, *, limit: int = 50) -> list[CaseListing]:
    """By receipt number, applicant name, ID or credit code, or phone."""
    text = text.strip()
    if not text:
        return []
    needle = text.upper()
    query = sa_select(*LISTED).where(or_(
        CASES.c.receipt_no == needle,
        CASES.c.applicant_id_no == needle,
        CASES.c.applicant_phone == text,
        # autoescape: a % or _ typed into the box is a character of the name, not a LIKE wildcard
        col(Case.applicant_name).contains(text, autoescape=True),
    )).order_by(col(Case.id).desc()).limit(limit)
    return _listed(session, query)


@dataclass(frozen=True)
class ApplicantOnFile:
    """Who applied under an ID number or credit code last time, as the intake form asks for it."""

    kind: str
    name: str
    id_no: str
    phone: str
    agent_name: str
    agent_id_no: str
    receipt_no: str  # the case it comes from
    matter_code: str
    received_on: dt.date  # local date


_LAST_CASE_OF = (sa_select(*(CASES.c[name] for name in (
                    "applicant_kind", "applicant_name", "applicant_id_no", "applicant_phone", "agent_name",
                    "agent_id_no", "receipt_no", "matter_code", "received_at")))
                 .where(CASES.c.applicant_id_no == bindparam("id_no"))
                 .order_by(col(Case.received_at).desc(), col(Case.id).desc()).limit(1))


def applicant_on_file(*, session: Session, id_no: str, time: OfficeTime) -> ApplicantOnFile | None:
    """The applicant of the most recent case under exactly this ID number or credit code.

    Only a complete, valid number is looked up, and only an exact match answers:
    the counter fills a form for someone standing there, it does not browse
    other people's numbers.
    """
    id_no = id_no.strip().upper()
    if not (identity.valid_person_id(id_no) or identity.valid_credit_code(id_no)):
        raise errors.BadInput("请输入完整的居民身份证号码或统一社会信用代码", field="id_no")
    row = session.connection().execute(_LAST_CASE_OF, {"id_no": id_no}).first()
    if row is None:
        return None
    return ApplicantOnFile(row.applicant_kind, row.applicant_name, row.applicant_id_no, row.applicant_phone,
                           row.agent_name or "", row.agent_id_no or "", row.receipt_no, row.matter_code,
                           time.date(row.received_at))
