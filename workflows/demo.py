"""Realistic demo history, generated through the service layer so that it obeys every rule.

Cases start on working days over the past months. Most close in one visit;
some are accepted with tolerated gaps, some get a one-time notice and come back,
some collect at the window, are refused, withdrawn, or left overdue. Each
action happens at its own simulated time, so deadlines, visits and the audit
figures come out as they would in a real office.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from workflows import accounts, cases, errors, feedback, identity
from workflows.cases import Applicant, MaterialCheck
from workflows.db import session as new_session
from workflows.definition import Channel, Delivery, MatterDefinition
from workflows.intake import required
from workflows.office import Actor, Office
from workflows.sweep import sweep_overdue_gaps

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强")
COMPANIES = ("顺达物流", "嘉运货运", "南湖客运", "秀洲汽修", "平湖港务", "海宁运输", "桐乡快运", "嘉善航运", "禾城出行")
DEFECTS = ("复印件不清晰，须重新复印", "未加盖单位公章", "申请表填写不完整（缺经营范围）", "证件已过有效期")
SCENARIOS = (
    ("complete", 58), ("online", 12), ("tolerated", 9), ("notice", 8), ("pickup", 4),
    ("refused", 3), ("withdrawn", 2), ("defaulted", 2), ("stalled", 2),
)


class SimClock:
    """The demo's own clock: each action is stamped at the simulated time it happens."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class DemoStaff:
    clerks: list[Actor]
    by_role: dict[str, Actor]


@dataclass
class DemoSummary:
    cases: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = "，".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return f"已通过业务层生成 {self.cases} 件演示办件：{parts}"


def build_demo(*, engine: Engine, office: Office, cases: int, seed: int, progress: bool = False,
               months: int = 6) -> DemoSummary:
    rng = random.Random(seed)
    real_now = office.clock()
    clock = SimClock(real_now)
    sim = Office(catalogue=office.catalogue, calendar=office.calendar, clock=clock,
                 before_commit=office.before_commit, profile=office.profile)
    summary = DemoSummary()
    with new_session(engine) as session:
        staff = _staff(session, real_now)
        starts = _start_days(sim, rng, cases, office.time.date(real_now), months)
        for day in _progress(starts, progress):
            scenario = _pick(rng)
            outcome = _one_case(session, sim, clock, rng, staff, day, scenario, real_now)
            summary.cases += 1
            summary.outcomes[outcome] = summary.outcomes.get(outcome, 0) + 1
        clock.now = real_now
        swept = sweep_overdue_gaps(session=session, office=sim)
        if swept.terminated:
            summary.outcomes["terminated(sweep)"] = len(swept.terminated)
    return summary


def _progress(items, show: bool):
    if not show:
        return items
    from rich.progress import track

    return track(items, description="生成演示办件")


def _staff(session, now: dt.datetime) -> DemoStaff:
    if not accounts.list_users(session):
        from workflows.demo_users import create_demo_users

        create_demo_users(session, now)
    actors = [accounts.actor_of(u) for u in accounts.list_users(session) if u.active]
    by_role = {}
    for role in ("clerk", "reviewer", "approver"):
        by_role[role] = next(a for a in actors if a.has(role))
    return DemoStaff([a for a in actors if a.has("clerk")], by_role)


def _start_days(office: Office, rng: random.Random, n: int, today: dt.date, months: int) -> list[dt.date]:
    first = today - dt.timedelta(days=30 * months)
    days = [first + dt.timedelta(days=i) for i in range((today - first).days)]
    workdays = [d for d in days if office.calendar.is_workday(d)]
    return sorted(rng.choice(workdays) for _ in range(n))


def _pick(rng: random.Random) -> str:
    names, weights = zip(*SCENARIOS)
    return rng.choices(names, weights)[0]


def _at(office: Office, day: dt.date, rng: random.Random) -> dt.datetime:
    return office.time.at(day, rng.randint(9, 16), rng.randint(0, 59))


def _one_case(session, office, clock, rng, staff, day, scenario, real_now) -> str:
    matters = office.catalogue.matters()
    if scenario in ("tolerated", "defaulted"):
        matters = [m for m in matters if any(x.tolerance for x in m.definition.materials)]
    d = rng.choice(matters).definition
    clock.now = _at(office, day, rng)
    clerk = rng.choice(staff.clerks)
    runner = _Runner(session, office, clock, rng, staff, real_now)
    try:
        case = _open(session, office, rng, d, clerk, scenario)
        return runner.play(case, d, scenario, clerk)
    except _PastToday:
        return "open"
    except errors.DomainError as exc:
        # A scenario that does not fit this matter (nothing tolerable, say) ends where the rules stop it.
        return f"stopped:{exc.code}"


class _PastToday(Exception):
    """The simulated time reached the real present: the case stays open as it is."""


@dataclass
class _Runner:
    session: object
    office: Office
    clock: SimClock
    rng: random.Random
    staff: DemoStaff
    real_now: dt.datetime

    def later(self, low: int, high: int) -> None:
        """Move on by a number of working days, and stop at the present."""
        day = self.office.time.date(self.clock.now)
        target = self.office.calendar.add_workdays(day, self.rng.randint(low, high)).due
        self.clock.now = _at(self.office, target, self.rng)
        if self.clock.now > self.real_now:
            raise _PastToday()

    def play(self, case, d: MatterDefinition, scenario: str, clerk: Actor) -> str:
        s, o = self.session, self.office
        if scenario == "refused":
            cases.refuse_case(session=s, office=o, case=case, clerk=clerk, reason="申请事项不属于本机关职权范围，已告知向属地县级交通运输主管部门申请")
            return "refused"
        if scenario == "notice":
            self.notice_and_return(case, d, clerk)
        elif scenario in ("tolerated", "defaulted"):
            cases.accept_with_tolerance(session=s, office=o, case=case, clerk=clerk, pledge_signed=True)
            if scenario == "defaulted":
                return "tolerated-open"
            self.later(1, 2)
            for material in list(case.progress["gaps"]):
                channel = self.rng.choice(d.material(material).tolerance.channels)
                cases.record_supplement(session=s, office=o, case=case, clerk=clerk, material_id=material,
                                        channel=channel)
        else:
            cases.accept_case(session=s, office=o, case=case, clerk=clerk)
        if scenario == "stalled":
            self.later(d.limits.promised_days + 1, d.limits.promised_days + 6)
            return "open"
        return self.process(case, d, clerk, scenario)

    def notice_and_return(self, case, d: MatterDefinition, clerk: Actor) -> None:
        s, o = self.session, self.office
        cases.issue_correction_notice(session=s, office=o, case=case, clerk=clerk)
        self.later(1, 4)
        fixed = {item: MaterialCheck("ok") for item in case.progress["notice"]}
        channel = Channel.WINDOW if Channel.WINDOW in d.application_channels else d.application_channels[0]
        cases.resubmit(session=s, office=o, case=case, clerk=clerk, channel=channel, materials=fixed)
        cases.accept_case(session=s, office=o, case=case, clerk=clerk)

    def process(self, case, d: MatterDefinition, clerk: Actor, scenario: str) -> str:
        s, o = self.session, self.office
        while case.state.startswith(("step_", "special_")):
            self.later(0, 2)
            actor = self.staff.by_role[o.matter_of(case).compiled.states[case.state].role]
            self.step(case, d, actor)
            if scenario == "withdrawn":
                cases.withdraw(session=s, office=o, case=case, clerk=clerk, reason="申请人书面申请撤回")
                return "withdrawn"
        self.later(0, 1)
        deny = self.rng.random() < 0.03
        cases.decide(session=s, office=o, case=case, approver=self.staff.by_role[d.lifecycle.decide],
                     approve=not deny, reason="经审查，申请人不具备相应的安全生产管理制度条件" if deny else "")
        if not deny:
            cases.issue_result(session=s, office=o, case=case, clerk=self.staff.by_role[d.lifecycle.issue])
        self.later(0, 1)
        self.deliver(case, d, clerk, scenario)
        self.evaluate(case)
        return "denied" if deny else "closed"

    def step(self, case, d: MatterDefinition, actor: Actor) -> None:
        s, o = self.session, self.office
        mandatory = next((p for p in d.special_procedures
                          if p.mandatory and case.state == f"step_{p.during_step}"), None)
        if mandatory:
            cases.start_special(session=s, office=o, case=case, actor=actor, procedure_id=mandatory.id)
            self.later(2, min(mandatory.max_days, 8))
        elif case.state.startswith("special_"):
            cases.end_special(session=s, office=o, case=case, actor=actor)
        else:
            cases.advance_step(session=s, office=o, case=case, actor=actor)

    def deliver(self, case, d: MatterDefinition, clerk: Actor, scenario: str) -> None:
        methods = d.delivery_methods
        if scenario == "pickup" and Delivery.WINDOW in methods:
            method = Delivery.WINDOW
        elif Delivery.ON_THE_SPOT in methods and case.channel == Channel.WINDOW.value:
            method = Delivery.ON_THE_SPOT
        else:
            method = next((m for m in (Delivery.MAIL, Delivery.ELECTRONIC) if m in methods), methods[0])
        tracking = f"1{self.rng.randint(10**11, 10**12 - 1)}" if method is Delivery.MAIL else None
        cases.deliver(session=self.session, office=self.office, case=case, clerk=clerk, method=method,
                      tracking_no=tracking, address=case.delivery_address or "浙江省嘉兴市南湖区中山东路1号")

    def evaluate(self, case) -> None:
        if self.rng.random() < 0.4:
            score = self.rng.choices((5, 4, 3, 2, 1), (70, 20, 6, 3, 1))[0]
            feedback.evaluate_case(session=self.session, receipt_no=case.receipt_no,
                                   phone_last4=case.applicant_phone[-4:], score=score,
                                   comment="" if score >= 4 else "等候时间较长", now=self.clock.now)


def _open(session, office: Office, rng: random.Random, d: MatterDefinition, clerk: Actor, scenario: str):
    data = _case_data(rng, d)
    missing = _missing_for(rng, d, data, scenario)
    materials = {m.id: MaterialCheck("missing" if m.id in missing else "ok")
                 for m in d.materials if required(m, data)}
    if scenario == "notice" and rng.random() < 0.4:
        flawed = rng.choice([m for m in materials if m not in missing] or list(materials))
        materials[flawed] = MaterialCheck("defective", rng.choice(DEFECTS))
    online = scenario == "online" and Channel.ONLINE in d.application_channels
    channel = Channel.ONLINE if online else Channel.WINDOW
    method = Delivery.WINDOW if scenario == "pickup" and Delivery.WINDOW in d.delivery_methods else \
        next((m for m in (Delivery.MAIL, Delivery.ELECTRONIC, Delivery.ON_THE_SPOT) if m in d.delivery_methods),
             d.delivery_methods[0])
    return cases.open_case(
        session=session, office=office, matter_code=d.code, applicant=_applicant(rng), channel=channel,
        clerk=clerk, delivery_method=method, delivery_address=f"浙江省嘉兴市南湖区中山东路{rng.randint(1, 999)}号"
        if method is Delivery.MAIL else None, data=data, materials=materials)


def _case_data(rng: random.Random, d: MatterDefinition) -> dict:
    data = {p.field: p.equals for p in d.preconditions}
    for f in d.case_fields:
        if f.id in data:
            continue
        if f.type == "number":
            data[f.id] = round(rng.uniform(2, 5) if "height" in f.id else rng.uniform(1, 120), 2)
        elif f.type == "bool":
            data[f.id] = rng.random() < 0.5
    return data


def _missing_for(rng: random.Random, d: MatterDefinition, data: dict, scenario: str) -> set[str]:
    needed = [m for m in d.materials if required(m, data)]
    if scenario in ("tolerated", "defaulted"):
        tolerable = [m.id for m in needed if m.tolerance]
        return {rng.choice(tolerable)} if tolerable else {m.id for m in d.materials if m.tolerance}
    if scenario == "notice":
        return {rng.choice(needed).id}
    return set()


def _applicant(rng: random.Random) -> Applicant:
    phone = f"1{rng.choice('3578')}{rng.randint(10**8, 10**9 - 1)}"
    if rng.random() < 0.4:
        first17 = f"330402{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return Applicant("person", name, first17 + identity.person_id_check_digit(first17), phone)
    first17 = f"91330400MA{rng.randint(10**6, 10**7 - 1)}"
    first17 = first17[:17].ljust(17, "0")
    name = f"嘉兴市{rng.choice(COMPANIES)}有限公司"
    return Applicant("company", name, first17 + identity.credit_code_check_char(first17), phone)
