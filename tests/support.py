"""Helpers shared by the tests: a settable clock, staff actors, valid applicants, case builders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workflows import cases, identity
from workflows.cases import MaterialCheck
from workflows.submission import Applicant
from workflows.definition import Channel, Delivery
from workflows.intake import required
from workflows.localtime import OfficeTime
from workflows.office import Actor, Office


class FixedClock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)

    def set_local(self, day: dt.date, hour: int = 9, minute: int = 0) -> None:
        """Set the clock to `hour`:`minute` office time (嘉兴, Asia/Shanghai) on `day`."""
        self.now = OfficeTime.named().at(day, hour, minute)


@dataclass(frozen=True)
class Staff:
    clerk: Actor
    clerk2: Actor
    reviewer: Actor
    approver: Actor
    auditor: Actor
    admin: Actor
    inspector: Actor


STAFF = Staff(
    clerk=Actor("clerk1", frozenset({"clerk"}), window="W01", name="王窗口"),
    clerk2=Actor("clerk2", frozenset({"clerk"}), window="W02", name="李窗口"),
    reviewer=Actor("reviewer1", frozenset({"reviewer"}), name="赵审查"),
    approver=Actor("approver1", frozenset({"approver"}), name="钱审批"),
    auditor=Actor("auditor1", frozenset({"auditor"}), name="孙监察"),
    admin=Actor("admin1", frozenset({"admin"}), name="周管理"),
    inspector=Actor("inspector1", frozenset({"inspector"}), name="吴执法"),
)

PERSON_ID = "33040219800101001" + identity.person_id_check_digit("33040219800101001")
CREDIT_CODE = "91330400MA2B3C4D5" + identity.credit_code_check_char("91330400MA2B3C4D5")


def person(name: str = "张三", phone: str = "13800001234") -> Applicant:
    return Applicant("person", name, PERSON_ID, phone)


def company(name: str = "嘉兴市顺达物流有限公司", phone: str = "13900005678") -> Applicant:
    return Applicant("company", name, CREDIT_CODE, phone)


# The 容缺 most tests take: 道路货物运输经营许可 tolerates the 车辆技术等级评定结论复印件, a supporting
# copy asked for once the vehicles are bought, supplied within 3 working days by post, online or in person.
FREIGHT_GAP = "vehicle_grade_copies"
VEHICLES_BOUGHT = {"vehicles_ready": True}


def complete_data(office: Office, code: str) -> dict:
    """Case data that satisfies the matter's preconditions (e.g. 考试合格)."""
    definition = office.catalogue.get(code).definition
    return {p.field: p.equals for p in definition.preconditions}


def all_materials(office: Office, code: str, data: dict, except_ids: tuple[str, ...] = ()) -> dict:
    definition = office.catalogue.get(code).definition
    data = cases.coerce_data(definition, data)  # as the case will hold it: an unanswered yes/no is no
    return {
        m.id: MaterialCheck("missing" if m.id in except_ids else "ok")
        for m in definition.materials if required(m, data) or m.id in except_ids
    }


def open_complete(session, office: Office, code: str, *, clerk: Actor = STAFF.clerk, delivery: str | None = None,
                  channel: str = "window", missing: tuple[str, ...] = (), data: dict | None = None,
                  applicant: Applicant | None = None):
    definition = office.catalogue.get(code).definition
    data = {**complete_data(office, code), **(data or {})}
    if channel not in [c.value for c in definition.application_channels]:
        channel = Channel.WINDOW.value
    # By post where offered; else the first way offered that suits the channel (当场领取 only at the window).
    fitting = [m for m in definition.delivery_methods
               if channel == Channel.WINDOW.value or m is not Delivery.ON_THE_SPOT]
    method = delivery or (Delivery.MAIL if Delivery.MAIL in fitting else fitting[0]).value
    return cases.open_case(
        session=session, office=office, matter_code=code, applicant=applicant or company(), channel=channel,
        clerk=clerk, delivery_method=method,
        delivery_address="浙江省嘉兴市南湖区中山东路1号" if method == "mail" else None,
        data=data, materials=all_materials(office, code, data, missing),
    )


def actor_for(role: str) -> Actor:
    return {"clerk": STAFF.clerk, "reviewer": STAFF.reviewer, "approver": STAFF.approver}[role]


def run_to_close(session, office: Office, case, *, tracking_no: str = "EA123456789CN"):
    """Drive a case along its main path from 收件 to 办结, every action by its own role."""
    definition = office.matter_of(case).definition
    if case.state == "received":
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith(("step_", "special_")):
        role = office.matter_of(case).compiled.states[case.state].role
        assert role is not None, f"{case.state} is worked by a role"
        step_actor = actor_for(role)
        mandatory = next((p for p in definition.special_procedures
                          if p.mandatory and case.state == f"step_{p.during_step}"), None)
        if mandatory:
            cases.start_special(session=session, office=office, case=case, actor=step_actor, procedure_id=mandatory.id)
        elif case.state.startswith("special_"):
            cases.end_special(session=session, office=office, case=case, actor=step_actor)
        else:
            cases.advance_step(session=session, office=office, case=case, actor=step_actor)
    life = definition.lifecycle
    cases.decide(session=session, office=office, case=case, approver=actor_for(life.decide), approve=True)
    cases.issue_result(session=session, office=office, case=case, clerk=actor_for(life.issue))
    cases.deliver(session=session, office=office, case=case, clerk=actor_for(life.deliver), tracking_no=tracking_no)
    return case


# ---- additions for the behaviour tests ------------------------------------------

@dataclass(frozen=True)
class Stored:
    """A case as the database holds it, read through a fresh session."""

    state: str
    version: int
    visits: int
    progress: dict
    outcome: str | None
    gap_due: dt.date | None
    promised_due: dt.date | None
    legal_due: dt.date | None
    due_provisional: bool
    events: tuple[tuple, ...]  # (seq, action, from_state, to_state, visit) per event


def stored(engine, case_id: int) -> Stored:
    from workflows.db import session as new_session
    from workflows.queries import events_of, get_case

    with new_session(engine) as s:
        case = get_case(s, case_id)
        events = tuple((e.seq, e.action, e.from_state, e.to_state, e.visit) for e in events_of(s, case_id))
        return Stored(case.state, case.version, case.visits, case.progress, case.outcome, case.gap_due,
                      case.promised_due, case.legal_due, case.due_provisional, events)


def in_memory(case) -> tuple:
    """What a caller holding the case object sees."""
    return (case.state, case.version, case.visits, case.progress, case.outcome, case.gap_due, case.promised_due)


def case_count(engine) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from workflows.db import session as new_session
    from workflows.models import Case

    with new_session(engine) as s:
        return s.exec(select(func.count()).select_from(Case)).one()


def ok(*ids: str) -> dict[str, MaterialCheck]:
    return {material_id: MaterialCheck("ok") for material_id in ids}


def run_cli(*args: str, env: dict[str, str] | None = None):
    """`service.py ARGS` in a child process, as an operator runs it; returns the CompletedProcess."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    child_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ONEVISIT_DEFINITIONS_DIR")}
    child_env |= {"COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, str(root / "service.py"), *args], cwd=root, env=child_env,
                          capture_output=True, text=True, timeout=300)
