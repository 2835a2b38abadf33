"""The monthly report flags a 差评 task late as it stood on the period's last day, not as it stands when printed.

Hand-built October 2026 (W01, 1 working day for 回访, 5 for 整改, no holidays in the weeks used), the
report printed on 11-25:

task  rated   回访 due  整改 due  回访 done         整改 done   late on 10-31
A     10-20   10-21     10-27     11-03 (属实)      -           回访 and 整改 (the auditor's probe)
B     10-28   10-29     11-04     11-02 (属实)      11-03       回访 only: its 整改 was not yet due
C     10-20   10-21     10-27     10-21 (属实)      11-02       整改 only
D     10-20   10-21     10-27     10-21 (属实)      10-27       nothing: each step on its last day

Read as they stand on 11-25, only A's 整改 is still open: the report used to flag A 整改超期 and B, C not at all.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlmodel import select

from guides.pdfcheck import flat_text
from tests.page_helpers import add_staff, client_as
from tests.rating_support import FREIGHT, LEAD
from tests.support import open_complete
from workflows import rating_tasks, ratings
from workflows.rating_models import RatingTask
from workflows.rating_tasks import overdue_on

D = dt.date


def _bad_rating(session, office, clock, day: dt.date) -> tuple[str, RatingTask]:
    clock.set_local(day, 9)
    case = open_complete(session, office, FREIGHT)
    clock.set_local(day, 10)
    seq = ratings.visits_of(session=session, case=case)[0].seq
    rating = ratings.rate_visit(session=session, office=office, case=case, visit_seq=seq, channel="public",
                                now=clock(), given=ratings.RatingInput("dissatisfied", categories=("slow",)))
    return case.receipt_no, session.exec(select(RatingTask).where(RatingTask.rating_id == rating.id)).one()


def _revisit(session, office, clock, task: RatingTask, day: dt.date) -> RatingTask:
    clock.set_local(day, 11)
    return rating_tasks.record_revisit(session=session, office=office, task=task, actor=LEAD, result="founded",
                                       note="电话回访，情况属实", version=task.version)


def _rectify(session, office, clock, task: RatingTask, day: dt.date) -> RatingTask:
    clock.set_local(day, 15)
    return rating_tasks.record_rectification(session=session, office=office, task=task, actor=LEAD,
                                             action="增设导办人员", done_on=day, version=task.version)


@pytest.fixture
def october(session, office, clock):
    add_staff(session)
    made = {}
    for name, day in (("A", D(2026, 10, 20)), ("B", D(2026, 10, 28)), ("C", D(2026, 10, 20)), ("D", D(2026, 10, 20))):
        made[name] = _bad_rating(session, office, clock, day)
    dues = {name: (task.revisit_due, task.rectify_due) for name, (_, task) in made.items()}
    assert dues == {"A": (D(2026, 10, 21), D(2026, 10, 27)), "B": (D(2026, 10, 29), D(2026, 11, 4)),
                    "C": (D(2026, 10, 21), D(2026, 10, 27)), "D": (D(2026, 10, 21), D(2026, 10, 27))}
    _, c = made["C"]
    c = _revisit(session, office, clock, c, D(2026, 10, 21))
    _, d = made["D"]
    d = _revisit(session, office, clock, d, D(2026, 10, 21))
    _rectify(session, office, clock, d, D(2026, 10, 27))
    _rectify(session, office, clock, c, D(2026, 11, 2))
    _, b = made["B"]
    b = _revisit(session, office, clock, b, D(2026, 11, 2))
    _rectify(session, office, clock, b, D(2026, 11, 3))
    _revisit(session, office, clock, made["A"][1], D(2026, 11, 3))
    clock.set_local(D(2026, 11, 25), 9)
    return {name: receipt for name, (receipt, _) in made.items()}


def test_octobers_report_flags_the_steps_open_on_october_31(app, october):
    with client_as(app, "auditor") as auditor:
        response = auditor.get("/audit/report.pdf?period=month&month=2026-10")
    assert response.status_code == 200
    text = flat_text(response.content)
    section = text[text.index("十、差评及整改情况"):text.index("十一、整改措施")]
    assert "本期差评4条" in section and "截至2026年10月31日超期未办3条" in section
    starts = sorted((section.index(receipt), name) for name, receipt in october.items())
    rows = {name: section[at:(starts[i + 1][0] if i + 1 < len(starts) else len(section))]
            for i, (at, name) in enumerate(starts)}
    assert "回访、整改超期" in rows["A"]
    assert "回访超期" in rows["B"] and "整改超期" not in rows["B"]
    assert "整改超期" in rows["C"] and "回访超期" not in rows["C"] and "回访、整改" not in rows["C"]
    assert "超期" not in rows["D"].replace("超过期限", "")
    # The late revisit is visible in its own cell, as a late 整改 is: the day it was done and the deadline it missed.
    assert "（2026年11月2日，超过期限2026年10月29日）" in rows["B"]
    assert "（2026年11月3日，超过期限2026年11月4日）" not in rows["B"]  # B's 整改 was on time


def _task(**steps) -> SimpleNamespace:
    base = dict(revisit_due=D(2026, 10, 21), rectify_due=D(2026, 10, 27), revisit_result=None, revisited_on=None,
                rectified_on=None, reply=None)
    return SimpleNamespace(**(base | steps))


@pytest.mark.parametrize(("steps", "day", "late"), [
    ({}, D(2026, 10, 21), (False, False)),  # the deadline day itself is not late
    ({}, D(2026, 10, 22), (True, False)),
    ({}, D(2026, 10, 28), (True, True)),
    ({"revisit_result": "founded", "revisited_on": D(2026, 11, 3)}, D(2026, 10, 31), (True, True)),
    ({"revisit_result": "founded", "revisited_on": D(2026, 11, 3)}, D(2026, 11, 3), (False, True)),
    ({"revisit_result": "founded", "revisited_on": D(2026, 10, 21), "rectified_on": D(2026, 11, 2)},
     D(2026, 11, 1), (False, True)),
    ({"revisit_result": "founded", "revisited_on": D(2026, 10, 21), "rectified_on": D(2026, 11, 2)},
     D(2026, 11, 2), (False, False)),
    # 不属实 spares the 整改 from the day it was found, not before.
    ({"revisit_result": "unfounded", "revisited_on": D(2026, 10, 30)}, D(2026, 10, 31), (False, False)),
    ({"revisit_result": "unfounded", "revisited_on": D(2026, 11, 3)}, D(2026, 10, 31), (True, True)),
])
def test_a_step_done_after_the_day_asked_was_open_on_it(steps, day, late):
    flags = overdue_on(_task(**steps), day)
    assert (flags.revisit, flags.rectify) == late
