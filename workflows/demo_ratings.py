"""好差评 in the demo history: ratings at the window and online, and the 差评 worked as tasks.

Applicants rate some counter visits at the window's kiosk a minute or two after being served
(一次一评) and some closed cases (一事一评, in demo_story.py): mostly 非常满意 and 满意. Each 差评
is then followed by its window's 负责人 in simulated time, as its own story: the fates below are
dealt in turn, so that a history with a handful of 差评 has tasks at every stage — closed with
the applicant 满意 or 不满意, found 不属实, put right late, and some left waiting for 回访, 整改
or the applicant's reply (those older than their deadlines are overdue). The window appeals the
first two 不属实 差评; the auditor upholds the first and rejects the second.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from collections import Counter
from typing import Protocol

from sqlmodel import select

from workflows import accounts, errors, rating_appeals, rating_tasks, ratings
from workflows.accounts import StaffUser
from workflows.models import Case
from workflows.office import Actor
from workflows.rating_models import Rating, RatingTask
from workflows.demo_hours import OfficeHours
from workflows.demo_plans import DemoStaff
from workflows.office import Office
from sqlmodel import Session


class SimulatedOffice(Protocol):
    """What the ratings' stories need of the simulated office (workflows.demo_story.SimulatedOffice)."""

    session: Session
    office: Office
    hours: OfficeHours
    staff: DemoStaff
    stopped: Counter[str]

VISIT_RATED_SHARE = 0.3  # of counter visits at intake, rated at the kiosk there and then
VISIT_LEVELS = {"very_satisfied": 60, "satisfied": 27, "basic": 7, "dissatisfied": 4, "very_dissatisfied": 2}
BAD_VISIT_COMMENTS = {"slow": "取号后等了四十多分钟", "explanation": "材料要求没有一次说清楚",
                      "attitude": "工作人员说话不耐烦", "facilities": "自助取号机不会用，没人指导"}
# What becomes of each 差评's task, dealt in this order (then again).
FATES = ("closed_satisfied", "unfounded", "awaiting_revisit", "closed_dissatisfied", "awaiting_rectify",
         "rectified_late", "awaiting_reply", "unfounded", "closed_satisfied")
REVISIT_NOTES = {"founded": ("已电话回访申请人，经调取窗口录像，反映情况属实", "已回访，申请人反映情况经核实属实"),
                 "unfounded": ("已回访并调取录像，窗口按规定办理，申请人反映情况不属实",)}
RECTIFY_ACTIONS = ("对当事工作人员进行服务规范培训，并在科室例会上通报", "调整窗口引导，增派导办人员",
                   "修订办事指南中易误解的材料说明，并在窗口张贴示例")
APPEALS = (("malicious", "申请人因要求当场办结未果给出差评，窗口录音显示工作人员已按规定一次性告知", "upheld",
            "经调阅录音录像，工作人员已依规办理并一次性告知，认定为恶意差评，不计入窗口考核"),
           ("mistaken", "申请人回访时表示评价时点错了选项，请求不计入", "rejected",
            "申请人未书面确认误评，回访记录与评价内容一致，申诉不成立"))


@dataclass
class DemoRatings:
    """What the ratings in one demo history share: the next fate to deal and the appeals still to file."""

    rng: random.Random
    dealt: int = 0
    appeals: list[tuple[str, str, str, str]] = field(default_factory=lambda: list(APPEALS))

    def next_fate(self) -> str:
        fate = FATES[self.dealt % len(FATES)]
        self.dealt += 1
        return fate

    def visit_level(self) -> str:
        return self.rng.choices(list(VISIT_LEVELS), list(VISIT_LEVELS.values()))[0]


def rate_first_visit(world: SimulatedOffice, case: Case, state: DemoRatings) -> Rating | None:
    """The applicant's 一次一评 of the visit just served, at the kiosk (channel kiosk)."""
    visits = ratings.visits_of(session=world.session, case=case)
    if not visits:
        return None
    level = state.visit_level()
    reason = state.rng.choice(list(BAD_VISIT_COMMENTS)) if ratings.is_bad(level) else None
    given = ratings.RatingInput(level, categories=(reason,) if reason else (),
                                comment=BAD_VISIT_COMMENTS[reason] if reason else "")
    return ratings.rate_visit(session=world.session, office=world.office, case=case, visit_seq=visits[0].seq,
                              given=given, channel="kiosk", now=world.office.now())


def follow_up(world: SimulatedOffice, rating: Rating, state: DemoRatings) -> Iterator[dt.datetime]:
    """The 差评's task worked by its window's 负责人 (and an appeal decided by the auditor), in simulated time."""
    fate, rng, hours = state.next_fate(), state.rng, world.hours
    session, office = world.session, world.office
    head = _actor(world, _task(world, rating).owner)
    if fate == "awaiting_revisit":
        return
    yield hours.days_later(rng, rating.at, 1)  # the 回访, on its deadline day
    unfounded = fate == "unfounded"
    result = "unfounded" if unfounded else "founded"
    task = _task(world, rating)
    rating_tasks.record_revisit(session=session, office=office, task=task, actor=head, result=result,
                                note=rng.choice(REVISIT_NOTES[result]), version=task.version)
    if unfounded:
        if state.appeals:
            yield from _appeal(world, rating, head, state)
        return
    if fate == "awaiting_rectify":
        return
    late = fate == "rectified_late"
    yield hours.days_later(rng, office.now(), rng.randint(6, 8) if late else rng.randint(1, 3))
    task = _task(world, rating)
    rating_tasks.record_rectification(session=session, office=office, task=task, actor=head,
                                      action=rng.choice(RECTIFY_ACTIONS), done_on=office.today(),
                                      version=task.version)
    if fate == "awaiting_reply":
        return
    yield hours.days_later(rng, office.now(), rng.randint(1, 2))
    task = _task(world, rating)
    dissatisfied = fate == "closed_dissatisfied"
    rating_tasks.record_reply(session=session, office=office, task=task, actor=head,
                              reply="dissatisfied" if dissatisfied else "satisfied",
                              note="认为整改还不到位" if dissatisfied else "对整改表示认可", version=task.version)


def _appeal(world: SimulatedOffice, rating: Rating, head: Actor, state: DemoRatings) -> Iterator[dt.datetime]:
    reason, evidence, decision, note = state.appeals.pop(0)
    session, office, rng = world.session, world.office, state.rng
    yield world.hours.days_later(rng, office.now(), 0)
    filed = rating_appeals.file_appeal(session=session, office=office, rating=_fresh(world, rating), actor=head,
                                       reason=reason, evidence=evidence)
    yield world.hours.days_later(rng, office.now(), rng.randint(1, 3))
    rating_appeals.decide_appeal(session=session, office=office, appeal=filed, actor=world.staff.by_role["auditor"],
                                 decision=decision, note=note)


def _fresh(world: SimulatedOffice, rating: Rating) -> Rating:
    world.session.refresh(rating)
    return rating


def _task(world: SimulatedOffice, rating: Rating) -> RatingTask:
    task: RatingTask = world.session.exec(select(RatingTask).where(RatingTask.rating_id == rating.id)).one()
    world.session.refresh(task)
    return task


def _actor(world: SimulatedOffice, username: str) -> Actor:
    user = world.session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    if user is None:
        raise errors.NotFound(f"演示数据：窗口负责人 {username} 不存在")
    return accounts.actor_of(user)


def guarded(world: SimulatedOffice, steps: Iterator[dt.datetime]) -> Iterator[dt.datetime]:
    """A follow-up the rules stop ends there and is reported, as a case story's scenario is."""
    try:
        yield from steps
    except errors.DomainError as exc:
        world.stopped[exc.code] += 1
