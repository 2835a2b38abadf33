"""A hand-built October 2026 of ratings on two windows, for the ratings list, the ranking and the exports.

Windows and accounts are tests.page_helpers.add_staff's (W01 综合窗口 by clerk1, W02 交通运输专窗 by
clerk2), so the pages can be read as the auditor. Local dates, 2026.

case  window  accepted decided  promised?  visits  ratings (day)
P     W01     10-09   10-09    on time    1       visit 非常不满意 服务态度差 (10-09, a 差评 task)
                                                  case 非常满意 (10-12)
Q     W01     10-09   10-09    on time    1       visit 满意 (10-09): appeal upheld, excluded
R     W02     10-09   10-30    late       1       visit 满意 (10-09), case 满意 (10-30)
S     W02     10-09   10-09    on time    1       none
N     W01     11-02   -        -          1       visit 基本满意 (11-02): November, outside the month

In October: 一次办结率 W01 2/2, W02 2/2 (a tie); 承诺时限内办结率 W01 2/2, W02 1/2 (W01 first).
Counted ratings 4 (W01 2, W02 2); 差评 1 (W01); excluded 1 (Q's, W01).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tests.page_helpers import add_staff
from tests.support import STAFF, open_complete, run_to_close
from workflows import cases, rating_appeals, ratings
from workflows.models import Case
from workflows.office import Actor

D = dt.date
LEAD = Actor("lead", frozenset({"clerk"}), window="W01", name="陈负责人")  # the profile's head of W01 and W02
FREIGHT = "road-freight-licence"


@dataclass
class RatingMonth:
    cases: dict[str, Case]
    ratings: dict[str, int]  # "P-visit" -> rating id


def _visit(session, office, clock, case, level: str, **extra) -> int:
    seq = ratings.visits_of(session=session, case=case)[0].seq
    rating = ratings.rate_visit(session=session, office=office, case=case, visit_seq=seq, channel="public",
                                now=clock(), given=ratings.RatingInput(level, **extra))
    assert rating.id is not None
    return rating.id


def _case(session, office, clock, case, level: str) -> int:
    rating = ratings.rate_case(session=session, office=office, case=case, channel="public", now=clock(),
                               given=ratings.RatingInput(level))
    assert rating.id is not None
    return rating.id


def build_rating_month(session, office, clock) -> RatingMonth:
    add_staff(session)
    made, rated = {}, {}
    clock.set_local(D(2026, 10, 9), 9)
    for name, clerk in (("P", STAFF.clerk), ("Q", STAFF.clerk), ("R", STAFF.clerk2), ("S", STAFF.clerk2)):
        made[name] = open_complete(session, office, FREIGHT, clerk=clerk)
        cases.accept_case(session=session, office=office, case=made[name], clerk=clerk)  # the promise runs from here
    clock.set_local(D(2026, 10, 9), 10)
    rated["P-visit"] = _visit(session, office, clock, made["P"], "very_dissatisfied", categories=("attitude",))
    rated["Q-visit"] = _visit(session, office, clock, made["Q"], "satisfied")
    rated["R-visit"] = _visit(session, office, clock, made["R"], "satisfied")
    for name in ("P", "Q", "S"):
        run_to_close(session, office, made[name])
    clock.set_local(D(2026, 10, 12), 10)
    rated["P-case"] = _case(session, office, clock, made["P"], "very_satisfied")
    appeal = rating_appeals.file_appeal(session=session, office=office,
                                        rating=rating_appeals.get_rating(session=session, rating_id=rated["Q-visit"]),
                                        actor=LEAD, reason="mistaken", evidence="申请人来电说明评价时点错了窗口")
    rating_appeals.decide_appeal(session=session, office=office, appeal=appeal, actor=STAFF.auditor,
                                 decision="upheld", note="申请人来电确认")
    clock.set_local(D(2026, 10, 30), 10)
    run_to_close(session, office, made["R"])
    rated["R-case"] = _case(session, office, clock, made["R"], "satisfied")
    clock.set_local(D(2026, 11, 2), 9)
    made["N"] = open_complete(session, office, FREIGHT)
    clock.set_local(D(2026, 11, 2), 10)
    rated["N-visit"] = _visit(session, office, clock, made["N"], "basic")
    return RatingMonth(made, rated)
