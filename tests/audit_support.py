"""A hand-built month of cases with known visits, notices, tolerances and dates, for the auditor's tests.

Every case goes through the service layer with the clock set to the day of
each step; the expected figures in the tests are worked out by hand from the
table below (local dates, 2026).

case  clerk   matter    path                                                    visits  finished
A     clerk1  freight   window, complete, decide 11-03, mail                     1      11-03 closed
B     clerk1  freight   online, complete, same day, mail                         0      11-02 closed
C     clerk1  freight   window, notice (申请表), 补正 at window 11-05, mail        2      11-06 closed
D     clerk1  freight   window, 容缺 车辆技术等级, supplied at window 11-09       2      11-10 closed
E     clerk1  freight   window, 容缺 车辆技术等级, never supplied, sweep 11-11     1      11-11 terminated
F     clerk1  freight   window, decide 11-18 (promised 11-16), window pickup      2      11-19 closed
G     clerk1  freight   window, 不予受理                                           1      11-10 refused
H     clerk1  freight   window, accepted, withdrawn                              1      11-13 withdrawn
I     clerk2  port      window, decide 11-20, window pickup (the only method)    2      11-20 closed
K     clerk1  freight   window, two notices, both corrections online, mail      1      11-19 closed
J1    clerk1  freight   online 10-30, finished 10-31 23:50                       0      10-31 closed
J2    clerk1  freight   online 10-30, finished 11-01 00:10                       0      11-01 closed
L     clerk1  freight   window 11-20, still open                                 1      -
Ratings: A 5, C 2, I 4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tests.page_helpers import password_of
from tests.support import STAFF, actor_for, open_complete
from workflows import accounts, cases
from workflows.cases import MaterialCheck
from workflows.ratings import SCORE_LEVEL, RatingInput, rate_case
from workflows.models import Case
from workflows.sweep import sweep_overdue_gaps

FREIGHT = "road-freight-licence"
PORT = "port-operation-licence"


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


@dataclass
class Month:
    ids: dict[str, int]
    receipts: dict[str, str]


def _at(clock, day: dt.date, hour: int = 10, minute: int = 0) -> None:
    clock.set_local(day, hour)
    clock.advance(minutes=minute)


def _through_steps(session, office, case) -> None:
    while case.state.startswith("step_"):
        actor = actor_for(office.matter_of(case).compiled.states[case.state].role)
        cases.advance_step(session=session, office=office, case=case, actor=actor)


def _finish(session, office, clock, case, decide_on: dt.date, deliver_on: dt.date | None = None,
            method: str = "mail", hour: int = 10, minute: int = 0) -> None:
    _through_steps(session, office, case)
    _at(clock, decide_on, hour, minute)
    life = office.matter_of(case).definition.lifecycle
    cases.decide(session=session, office=office, case=case, approver=actor_for(life.decide), approve=True)
    cases.issue_result(session=session, office=office, case=case, clerk=actor_for(life.issue))
    if deliver_on:
        _at(clock, deliver_on, hour, minute)
    cases.deliver(session=session, office=office, case=case, clerk=actor_for(life.deliver), method=method,
                  tracking_no="EA123456789CN" if method == "mail" else None)


def _accept(session, office, case, clerk=STAFF.clerk):
    cases.accept_case(session=session, office=office, case=case, clerk=clerk)


CLERK_NAMES = {"clerk1": "王一鸣", "clerk2": "李二娟"}


def add_staff(session, now: dt.datetime) -> None:
    accounts.add_window(session=session, code="W01", name="综合窗口一", comprehensive=True)
    accounts.add_window(session=session, code="W02", name="港航窗口")
    for user, window, dept in (("clerk1", "W01", "运输管理科"), ("clerk2", "W02", "港航管理科")):
        accounts.add_user(session=session, username=user, password=password_of(user), roles=["clerk"],
                          display_name=CLERK_NAMES[user], window=window, department=dept, now=now)


def build_month(session, office, clock) -> Month:
    """The cases of the table above; returns their ids and receipt numbers by letter."""
    add_staff(session, clock())
    made: dict[str, Case] = {}
    s, o = session, office

    _at(clock, d(10, 30), 9)
    for name in ("J1", "J2"):
        made[name] = c = open_complete(s, o, FREIGHT, channel="online")
        _accept(s, o, c)
    _finish(s, o, clock, made["J1"], d(10, 31), hour=23, minute=50)
    _finish(s, o, clock, made["J2"], d(11, 1), hour=0, minute=10)

    _at(clock, d(11, 2), 9)
    made["A"] = a = open_complete(s, o, FREIGHT)
    _accept(s, o, a)
    made["B"] = b = open_complete(s, o, FREIGHT, channel="online")
    _accept(s, o, b)
    _finish(s, o, clock, b, d(11, 2), hour=15)
    _finish(s, o, clock, a, d(11, 3))

    _at(clock, d(11, 4), 9)
    made["C"] = c = open_complete(s, o, FREIGHT, missing=("application_form",))
    cases.issue_correction_notice(session=s, office=o, case=c, clerk=STAFF.clerk)
    _at(clock, d(11, 5), 9)
    cases.resubmit(session=s, office=o, case=c, clerk=STAFF.clerk, channel="window",
                   materials={"application_form": MaterialCheck("ok")})
    _accept(s, o, c)

    made["D"] = dd = open_complete(s, o, FREIGHT, missing=("vehicle_grade_copies",), data={"vehicles_ready": True})
    cases.accept_with_tolerance(session=s, office=o, case=dd, clerk=STAFF.clerk, pledge_signed=True)
    made["E"] = e = open_complete(s, o, FREIGHT, missing=("vehicle_grade_copies",), data={"vehicles_ready": True})
    cases.accept_with_tolerance(session=s, office=o, case=e, clerk=STAFF.clerk, pledge_signed=True)
    _finish(s, o, clock, c, d(11, 6))

    _at(clock, d(11, 9), 9)
    cases.record_supplement(session=s, office=o, case=dd, clerk=STAFF.clerk, material_id="vehicle_grade_copies",
                            channel="window")
    made["F"] = f = open_complete(s, o, FREIGHT)
    _accept(s, o, f)
    _finish(s, o, clock, dd, d(11, 10))

    _at(clock, d(11, 10), 11)
    made["G"] = g = open_complete(s, o, FREIGHT)
    cases.refuse_case(session=s, office=o, case=g, clerk=STAFF.clerk, reason="不属于本机关职权范围")
    _at(clock, d(11, 11), 1)
    sweep_overdue_gaps(session=s, office=o)

    _at(clock, d(11, 12), 9)
    made["H"] = h = open_complete(s, o, FREIGHT)
    _accept(s, o, h)
    _at(clock, d(11, 13), 9)
    cases.withdraw(session=s, office=o, case=h, clerk=STAFF.clerk, reason="申请人主动撤回")

    _at(clock, d(11, 16), 9)
    made["I"] = i = open_complete(s, o, PORT, clerk=STAFF.clerk2)
    _accept(s, o, i, clerk=STAFF.clerk2)

    _at(clock, d(11, 17), 9)
    made["K"] = k = open_complete(s, o, FREIGHT, missing=("application_form",))
    cases.issue_correction_notice(session=s, office=o, case=k, clerk=STAFF.clerk)
    _at(clock, d(11, 18), 9)
    cases.resubmit(session=s, office=o, case=k, clerk=STAFF.clerk, channel="online",
                   materials={"application_form": MaterialCheck("defective", "未加盖公章")})
    cases.issue_correction_notice(session=s, office=o, case=k, clerk=STAFF.clerk)
    cases.resubmit(session=s, office=o, case=k, clerk=STAFF.clerk, channel="online",
                   materials={"application_form": MaterialCheck("ok")})
    _at(clock, d(11, 19), 9)
    _accept(s, o, k)
    _finish(s, o, clock, k, d(11, 19), hour=11)
    _finish(s, o, clock, f, d(11, 18), d(11, 19), method="window")
    _finish(s, o, clock, i, d(11, 20), method="window")

    _at(clock, d(11, 20), 15)
    made["L"] = open_complete(s, o, FREIGHT)

    _at(clock, d(11, 25), 10)
    for name, score in (("A", 5), ("C", 2), ("I", 4)):
        rate_case(session=s, office=o, case=made[name], given=RatingInput(SCORE_LEVEL[score], comment="慢"),
                  channel="public", now=clock())
    ids = {n: c.id for n, c in made.items() if c.id is not None}
    assert len(ids) == len(made), "every case the month opened has been stored"
    return Month(ids, {n: c.receipt_no for n, c in made.items()})
