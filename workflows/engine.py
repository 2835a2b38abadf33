"""Run one action on one case: authorise, guard, change state, write, commit.

The machine fires on a proxy, then one UPDATE (with the optimistic version
check) and one INSERT of the event go out in a single transaction; 收件 adds
the new case as its first transition leaves it. The caller's object takes the
new values only after the commit succeeded, so a failure anywhere leaves both
the database and the caller's object exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from workflows import action_kinds as kinds
from workflows import db_faults, errors
from workflows import progress as pg
from workflows.case_windows import check_window
from workflows.db import core_table
from workflows.deadlines import gap_due
from workflows.definition import ROLE_LABELS
from workflows.machine import ANY_ROLE, Action, CaseProxy, CompiledMatter
from workflows.models import Case, CaseEvent
from workflows.office import Actor, Office

CASES = core_table(Case)
EVENTS = core_table(CaseEvent)

# Built once, with every value bound at execution (the SET list follows the keys passed). Kept for the
# engine ≤ 5× the bare driver target (bench/engine.py): built per step, with the case's id and version
# as literals, it cost 1170 against 755 µs of CPU per transaction, request-shaped on SQLite (5.97×, FAIL).
UPDATE_CASE = update(CASES).where(CASES.c.id == bindparam("_case_id"),
                                  CASES.c.version == bindparam("_expected_version"))
INSERT_EVENT = insert(EVENTS)


def find_action(matter: CompiledMatter, case: Case, trigger: str) -> Action:
    action = matter.action(trigger, case.state)
    if action is None:
        raise errors.ActionNotAllowed(f"办件当前状态为“{matter.state_label(case.state)}”，不能执行此操作（{trigger}）")
    return action


def may_take(matter: CompiledMatter, action: Action, actor: Actor) -> bool:
    if actor.is_system:
        return True
    if action.role == ANY_ROLE:
        return bool(actor.roles & set(matter.definition.roles))
    return actor.has(action.role)


def authorise(matter: CompiledMatter, action: Action, actor: Actor) -> None:
    if not may_take(matter, action, actor):
        raise errors.Forbidden(f"“{action.label}”须由{_role_label(action.role)}办理")


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, "本事项办理人员")


def unmet_needs(action: Action, payload: dict[str, Any]) -> list[errors.DomainError]:
    """Each field the action needs that the payload leaves empty, as the error `check_needs` would raise."""
    needed = kinds.needed(action.trigger)  # the declared input says which fields, with which error
    unmet: list[errors.DomainError] = []
    for name in action.needs:
        value = payload.get(name)
        if value is None or value is False or (isinstance(value, str) and not value.strip()):
            unmet.append(needed[name].error(needed[name].message, field=name))
    return unmet


def check_needs(action: Action, payload: dict[str, Any]) -> None:
    unmet = unmet_needs(action, payload)
    if unmet:
        raise unmet[0]


def visit_of(matter: CompiledMatter, action: Action, payload: dict[str, Any]) -> tuple[str, str] | None:
    """(purpose, cause) when the action brings the applicant to the window, by the action's declared rule."""
    if action.visit is None:
        return None
    kind, _ = kinds.resolve(action.trigger)
    assert kind.visit is not None, "the machine compiles a visit only from a declared one"
    return kind.visit.of(matter.definition, action.visit, payload)


def run(
    *,
    session: Session,
    office: Office,
    case: Case,
    actor: Actor,
    trigger: str,
    payload: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Case:
    """Take one action on a case in one transaction; return the same, refreshed object."""
    values, event = plan(office=office, case=case, actor=actor, trigger=trigger, payload=payload or {},
                         changes=changes or {})
    commit(session=session, office=office, case=case, values=values, event=event)
    return case


def start(*, session: Session, office: Office, case: Case, actor: Actor, trigger: str,
          payload: dict[str, Any]) -> Case:
    """The first transition of a new, unsaved case: its row goes in as the transition leaves it.

    One INSERT of the finished row and one of the event, instead of the ORM's flush
    of the bare row followed by this transition's UPDATE. The object joins the
    session, clean, only once the commit succeeded.
    """
    values, event = plan(office=office, case=case, actor=actor, trigger=trigger, payload=payload, changes={})
    commit_new(session=session, office=office, case=case, values=values, event=event)
    return case


def plan(*, office: Office, case: Case, actor: Actor, trigger: str, payload: dict[str, Any],
         changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Authorise and guard the action; the case's new values and its event. Writes nothing."""
    matter = office.matter_of(case).compiled
    action = find_action(matter, case, trigger)
    authorise(matter, action, actor)
    check_window(office, matter, case, action, actor)
    check_needs(action, payload)
    visit = visit_of(matter, action, payload)
    proxy = CaseProxy(case.state, case.data, case.progress, case.channel)
    matter.fire(proxy, action, payload)
    progress = pg.evolve(case.progress, trigger, payload)
    due, gap_provisional = gap_due(office, matter.definition, changes.get("accepted_on", case.accepted_on), progress)
    values = {
        "state": proxy.state,
        "progress": progress,
        "awaiting_role": matter.states[proxy.state].role,
        "visits": case.visits + (1 if visit else 0),
        "gap_due": due,
        "updated_at": office.now(),
        **changes,
    }
    if gap_provisional:
        values["due_provisional"] = True
    return values, _event(case, actor, trigger, values, payload, visit)


def _event(case: Case, actor: Actor, trigger: str, values: dict[str, Any], payload: dict[str, Any],
           visit: tuple[str, str] | None) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "seq": case.version + 1,
        "at": values["updated_at"],
        "actor": actor.username,
        "action": trigger,
        "from_state": case.state,
        "to_state": values["state"],
        "definition_version": case.definition_version,
        "visit": visit is not None,
        "visit_purpose": visit[0] if visit else None,
        "visit_cause": visit[1] if visit else None,
        "channel": payload.get("channel"),
        "payload": payload,
    }


def commit(*, session: Session, office: Office, case: Case, values: dict[str, Any], event: dict[str, Any]) -> None:
    """UPDATE with the version check, INSERT the event, COMMIT; all or nothing."""
    written = {**values, "version": case.version + 1}

    def write(conn: Connection) -> None:
        result = conn.execute(UPDATE_CASE, {"_case_id": case.id, "_expected_version": case.version, **written})
        if result.rowcount != 1:
            raise errors.ConcurrentChange()
        conn.execute(INSERT_EVENT, event)

    _in_transaction(session, office, case, values, event, write)
    # The row was written above, outside the ORM's unit of work, so the object takes the new values as
    # loaded ones: set as ordinary edits, the session's next flush would write them again over a later step.
    for key, value in written.items():
        set_committed_value(case, key, value)


def commit_new(*, session: Session, office: Office, case: Case, values: dict[str, Any],
               event: dict[str, Any]) -> None:
    """INSERT the new case as written by its first transition, INSERT the event, COMMIT."""
    for key, value in values.items():
        setattr(case, key, value)
    case.version += 1

    def write(conn: Connection) -> None:
        session.add(case)
        session.flush()  # the case's INSERT, which gives the event its case id
        event["case_id"] = case.id
        conn.execute(INSERT_EVENT, event)

    try:
        _in_transaction(session, office, case, values, event, write)
    except BaseException:
        case.id = None  # nothing was stored: the object stays a new, unsaved case
        raise


def _in_transaction(session: Session, office: Office, case: Case, values: dict[str, Any], event: dict[str, Any],
                    write: Callable[[Connection], None]) -> None:
    stage: db_faults.Stage = "writing"
    try:
        # Core on the session's own connection and transaction: no ORM execution layer per statement.
        write(session.connection())
        for hook in office.before_commit:
            hook(session=session, case=case, values=values, event=event)
        stage = "committing"
        session.commit()
    except SQLAlchemyError as exc:
        _roll_back(session)
        fault = db_faults.fault_of(exc, stage=stage)
        if fault is None:
            raise
        raise fault from exc
    except BaseException:
        _roll_back(session)
        raise


def _roll_back(session: Session) -> None:
    """Roll back; on a connection already lost the rollback fails too, and the session is reset anyway."""
    try:
        session.rollback()
    except SQLAlchemyError:
        session.close()
