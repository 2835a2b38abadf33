"""One demo case played from its applicant's arrival on, through the service layer.

A story is a generator of the moments it acts at: the simulation (`demo.py`) runs
every story's actions in time order, so the daily sweep and the other cases see the
office as it was at that moment. Each action comes after the one before it, while
the office is open (`demo_hours`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Callable, Iterator
from typing import TypeVar

from sqlmodel import Session

from workflows import cases, errors, ratings
from workflows.cases import MaterialCheck
from workflows.definition import CaseKind, Channel, Delivery
from workflows.demo_hours import LAST_ARRIVAL, OfficeHours
from workflows.demo_plans import DemoStaff, Plan
from workflows.demo_ratings import VISIT_RATED_SHARE, DemoRatings, follow_up, guarded, rate_first_visit
from workflows.machine import FINAL_STATES
from workflows.models import Case
from workflows.rating_models import Rating
from workflows.office import Actor, Office

DENIED_SHARE = 0.03
EVALUATED_SHARE = 0.4
REFUSALS = ("申请事项不属于本机关职权范围，已告知向属地县级交通运输主管部门申请",
            "营业执照经营范围不含申请事项，申请人不具备申请资格")
LOW_SCORE_COMMENTS = ("等候时间较长", "邮寄送达比预计晚了两天", "叫号系统提示不清楚")
MAILED_ONLY = {1: "窗口办理速度较慢"}  # a comment about the post, and what an applicant not served by post says instead


def low_score_comment(said: int, delivery_method: str | None) -> str:
    """The comment drawn, as the applicant of this case could write it: the post only if it came by post."""
    if delivery_method != "mail" and said in MAILED_ONLY:
        return MAILED_ONLY[said]
    return LOW_SCORE_COMMENTS[said]
BAD_REASONS = ("slow", "slow", "facilities")  # the 差评 category of each comment above

T = TypeVar("T")


def _known(value: T | None, what: str) -> T:
    """A value the story's own earlier steps have set: None here is a bug in the story, not a scenario."""
    if value is None:
        raise RuntimeError(f"演示案件：{what} 尚未确定")
    return value


@dataclass
class SimulatedOffice:
    """What every story shares: the session, the office on the simulated clock, its hours and staff."""

    session: Session
    office: Office
    hours: OfficeHours
    rng: random.Random
    staff: DemoStaff
    stopped: Counter[str] = field(default_factory=Counter)  # scenarios the rules stopped, by error code
    on_case_opened: Callable[[], None] = lambda: None
    # 好差评's own dealing (with its own random source, so the cases' stories play as they did without it)
    ratings: DemoRatings = field(default_factory=lambda: DemoRatings(random.Random(0)))
    spawn: Callable[[Iterator[dt.datetime]], None] = lambda steps: None  # a story of its own, e.g. a 差评's task

    def rated(self, rating: Rating | None) -> None:
        """A 差评 becomes its window's work: its task's story runs beside the cases'."""
        if rating is not None and ratings.is_bad(rating.level):
            self.spawn(guarded(self, follow_up(self, rating, self.ratings)))


class Ended(Exception):
    """The case was closed while its story waited (the sweep ended it)."""


@dataclass
class CaseStory:
    """One case from its applicant's arrival on: a generator of the moments it acts at."""

    world: SimulatedOffice
    plan: Plan
    case: Case | None = None
    last: dt.datetime | None = None
    pending: list[tuple[dt.datetime, str, Channel]] = field(default_factory=list)  # supplements to come

    @property
    def rng(self) -> random.Random:
        return self.world.rng

    @property
    def opened(self) -> Case:
        """The case, which `_play` opens before anything else acts on it."""
        return _known(self.case, "案件")

    @property
    def now(self) -> dt.datetime:
        """The moment of the story's last action."""
        return _known(self.last, "上一步的时间")

    def run(self) -> Iterator[dt.datetime]:
        try:
            yield from self._play()
        except Ended:
            return
        except errors.DomainError as exc:
            # A scenario the rules stop (after a change of definition, say) ends there and is reported.
            self.world.stopped[exc.code] += 1

    # -- time ------------------------------------------------------------------------

    def wait(self, moment: dt.datetime) -> Iterator[dt.datetime]:
        """Until `moment`; tolerated materials that arrive before it are recorded on their way."""
        yield from self.supplements(before=moment)
        yield from self._at(moment)

    def supplements(self, before: dt.datetime | None = None) -> Iterator[dt.datetime]:
        """Record the tolerated materials as they arrive: those due before `before`, or all of them."""
        while self.pending and (before is None or self.pending[0][0] < before):
            due, material, channel = self.pending.pop(0)
            yield from self._at(due)
            cases.record_supplement(session=self.world.session, office=self.world.office, case=self.opened,
                                    clerk=self.plan.clerk, material_id=material, channel=channel)

    def _at(self, moment: dt.datetime, *, still_open: bool = True) -> Iterator[dt.datetime]:
        """Until `moment` (at least a minute after the last action); then stop if someone else closed the case."""
        if self.last is not None and moment <= self.last:
            moment = self.world.hours.add(self.last, 1)
        yield moment
        self.last = moment
        if still_open and self.case is not None and self.case.state in FINAL_STATES:
            raise Ended()

    def minutes(self, low: int, high: int) -> Iterator[dt.datetime]:
        yield from self.wait(self.world.hours.add(self.now, self.rng.randint(low * 60, high * 60) / 60))

    def days(self, low: int, high: int, latest: dt.time | None = None) -> Iterator[dt.datetime]:
        yield from self.wait(self.world.hours.days_later(self.rng, self.now, self.rng.randint(low, high), latest))

    # -- the case ------------------------------------------------------------------------

    def _play(self) -> Iterator[dt.datetime]:
        w, p = self.world, self.plan
        s, o = w.session, w.office
        yield from self.wait(p.arrival)
        self.case = cases.open_case(
            session=s, office=o, matter_code=p.definition.code, applicant=p.applicant, channel=p.channel,
            clerk=p.clerk, delivery_method=p.delivery,
            delivery_address=p.entry.address if p.delivery is Delivery.MAIL else None, data=p.data,
            materials=p.materials)
        w.on_case_opened()
        yield from self.minutes(4, 15) if p.channel is Channel.WINDOW else self.minutes(5, 40)
        if p.channel is Channel.WINDOW and w.ratings.rng.random() < VISIT_RATED_SHARE:
            w.rated(rate_first_visit(w, self.opened, w.ratings))  # 一次一评 at the kiosk as the service ends
        if p.scenario == "refused":
            reason = f"不符合受理条件：{p.definition.preconditions[0].text}" if p.definition.preconditions \
                else self.rng.choice(REFUSALS)
            cases.refuse_case(session=s, office=o, case=self.opened, clerk=p.clerk, reason=reason)
            return
        if p.scenario.startswith("notice"):
            yield from self._notice_and_return()
        if p.scenario in ("tolerated", "defaulted"):
            cases.accept_with_tolerance(session=s, office=o, case=self.opened, clerk=p.clerk, pledge_signed=True)
            if p.scenario == "tolerated":
                self._plan_supplements()
        else:
            cases.accept_case(session=s, office=o, case=self.opened, clerk=p.clerk)
        if p.definition.case_kind is CaseKind.IMMEDIATE:
            yield from self._on_the_spot()
        else:
            yield from self._promised()

    def _notice_and_return(self) -> Iterator[dt.datetime]:
        w, p = self.world, self.plan
        cases.issue_correction_notice(session=w.session, office=w.office, case=self.opened, clerk=p.clerk)
        if p.scenario == "notice_dropped":
            yield from self.days(3, 8)
            cases.withdraw(session=w.session, office=w.office, case=self.opened, clerk=p.clerk,
                           reason="申请人书面申请撤回，暂不补正")
            raise Ended()
        # They come back with exactly what the notice asked for: most within days, some after a
        # week or so of getting a certificate from another office.
        back = self.rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8))
        yield from self.days(back, back, latest=LAST_ARRIVAL)
        fixed = {item: MaterialCheck("ok") for item in self.opened.progress["notice"]}
        cases.resubmit(session=w.session, office=w.office, case=self.opened, clerk=p.clerk, channel=p.channel,
                       materials=fixed)
        yield from self.minutes(3, 10)

    def _plan_supplements(self) -> None:
        """Each tolerated material arrives by its own channel, on a working day no later than its deadline."""
        calendar, d = self.world.hours.calendar, self.plan.definition
        accepted = self.world.hours.local_day(self.now)
        for material, due in self.opened.progress["gaps"].items():
            room = calendar.workdays_between(accepted, dt.date.fromisoformat(due))
            channels = _known(d.material(material).tolerance, f"{material} 的容缺规则").channels
            channel = self.rng.choices(channels, [3 if c is Channel.WINDOW else 4 for c in channels])[0]
            latest = LAST_ARRIVAL if channel is Channel.WINDOW else None
            moment = self.world.hours.days_later(self.rng, self.now, self.rng.randint(1, max(1, room)), latest)
            self.pending.append((moment, material, channel))
        self.pending.sort()

    def _on_the_spot(self) -> Iterator[dt.datetime]:
        """即办件: checked, decided, issued and handed over while the applicant waits."""
        w = self.world
        while self.opened.state.startswith("step_"):
            yield from self.minutes(5, 20)
            cases.advance_step(session=w.session, office=w.office, case=self.opened, actor=self._role_actor())
        yield from self.minutes(2, 8)
        yield from self._decide_and_issue(minutes=(2, 8))

    def _promised(self) -> Iterator[dt.datetime]:
        """承诺件: each step takes working days within its budget; a late case overruns one step."""
        w, p, d = self.world, self.plan, self.plan.definition
        plan = self._step_days()
        for step in d.steps:
            if self.opened.state != f"step_{step.id}":
                break
            yield from self._specials_during(step.id)
            if self.opened.state != f"step_{step.id}":
                continue  # a mandatory special procedure moved the case on
            days, note = plan[step.id]
            yield from self.days(days, days)
            cases.advance_step(session=w.session, office=w.office, case=self.opened, actor=self._role_actor(),
                               note=note)
            if p.scenario == "withdrawn":
                yield from self.days(0, 1)
                cases.withdraw(session=w.session, office=w.office, case=self.opened, clerk=p.clerk,
                               reason="申请人书面申请撤回")
                return
        yield from self.days(0, 1)
        yield from self._decide_and_issue(minutes=(10, 90))

    def _step_days(self) -> dict[str, tuple[int, str]]:
        """Working days each step takes, within the promised limit (one day kept for decision and issue)."""
        d = self.plan.definition
        left = max(0, d.limits.promised_days - 1)
        plan = {}
        for step in d.steps:
            days = min(left, round(self.rng.triangular(0, step.budget_days, step.budget_days * 0.6)))
            left -= days
            plan[step.id] = (days, "")
        if self.plan.scenario == "late":
            slow = next((s for s in d.steps if s.waits_for == "external"), self.rng.choice(d.steps))
            days = plan[slow.id][0] + left + 1 + self.rng.randint(1, 4)
            note = "外部门核查回复晚于预期" if slow.waits_for == "external" else "审查中发现疑点，向有关单位核实"
            plan[slow.id] = (days, note)
        return plan

    def _specials_during(self, step_id: str) -> Iterator[dt.datetime]:
        """The step's mandatory special procedure, or now and then an optional one; off the case's clock."""
        w, d = self.world, self.plan.definition
        for proc in d.special_procedures:
            if proc.during_step != step_id or not (proc.mandatory or self.rng.random() < 0.1):
                continue
            yield from self.days(0, 1)
            cases.start_special(session=w.session, office=w.office, case=self.opened, actor=self._role_actor(),
                                procedure_id=proc.id)
            yield from self.days(1, max(1, min(proc.max_days - 1, 10)))
            cases.end_special(session=w.session, office=w.office, case=self.opened, actor=self._role_actor())
            if proc.mandatory:
                return

    def _decide_and_issue(self, minutes: tuple[int, int]) -> Iterator[dt.datetime]:
        w, p, d = self.world, self.plan, self.plan.definition
        s, o = w.session, w.office
        deny = self.rng.random() < DENIED_SHARE
        cases.decide(session=s, office=o, case=self.opened, approver=w.staff.actor(d.lifecycle.decide, p.clerk),
                     approve=not deny, reason="经审查，申请人不具备相应的安全生产管理制度条件" if deny else "")
        if not deny:
            yield from self.supplements()  # the result waits for the tolerated material
            yield from self.minutes(*minutes)
            if self.opened.progress["gaps"]:
                return  # never supplied: 制证 stays blocked until the sweep ends the case
            cases.issue_result(session=s, office=o, case=self.opened,
                               clerk=w.staff.actor(d.lifecycle.issue, p.clerk))
        yield from self._deliver()

    def _deliver(self) -> Iterator[dt.datetime]:
        w, p = self.world, self.plan
        method = Delivery(_known(self.opened.delivery_method, "送达方式"))
        if method is Delivery.WINDOW:
            # Told the result is ready, the applicant collects it by the promised day, or at once if that has come.
            promised_due = _known(self.opened.promised_due, "承诺办结日")
            room = w.hours.calendar.workdays_between(w.hours.local_day(self.now), promised_due)
            yield from self.days(1, min(room, 3), latest=LAST_ARRIVAL) if room > 0 else \
                self.days(0, 1, latest=LAST_ARRIVAL)
        elif method is Delivery.MAIL:
            yield from self.minutes(20, 120)
        else:
            yield from self.minutes(1, 10)
        tracking = f"1{self.rng.randrange(10**11, 10**12)}" if method is Delivery.MAIL else None
        cases.deliver(session=w.session, office=w.office, case=self.opened,
                      clerk=w.staff.actor(p.definition.lifecycle.deliver, p.clerk), method=method, tracking_no=tracking)
        if self.rng.random() < EVALUATED_SHARE:
            # 一事一评: online, hours after the result is handed over at the window or days after it arrives.
            if method in (Delivery.WINDOW, Delivery.ON_THE_SPOT):
                later = w.hours.add(self.now, self.rng.randint(60, 300) / 60)
            else:
                later = w.hours.days_later(self.rng, self.now, self.rng.randint(1, 4))
            yield from self._at(later, still_open=False)
            score = self.rng.choices((5, 4, 3, 2, 1), (70, 20, 6, 3, 1))[0]
            bad = score <= 2
            # Two draws, in this order, as the history has always been dealt: a 差评's comment is its category's.
            reason = self.rng.randrange(len(BAD_REASONS)) if bad else None
            written = self.rng.randrange(len(LOW_SCORE_COMMENTS)) if score < 4 else None
            said = reason if reason is not None else written
            given = ratings.RatingInput(
                ratings.SCORE_LEVEL[score], categories=(BAD_REASONS[reason],) if reason is not None else (),
                comment="" if said is None else low_score_comment(said, self.opened.delivery_method))
            w.rated(ratings.rate_case(session=w.session, office=w.office, case=self.opened, given=given,
                                      channel="public", now=w.office.now()))

    def _role_actor(self) -> Actor:
        role = _known(self.world.office.matter_of(self.opened).compiled.states[self.opened.state].role, "办理角色")
        return self.world.staff.actor(role, self.plan.clerk)
