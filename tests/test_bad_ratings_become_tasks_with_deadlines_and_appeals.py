"""A 差评 is a task for the window's 负责人, on the working-day calendar with 调休; an appeal upheld takes it out.

The week of 2026's 国庆: 10-01…10-07 off, Saturday 10-10 a 调休 working day, Sunday 10-11 off.
A 差评 given on Friday 10-09 is due for its 回访 on Saturday 10-10 (the next working day) and
for its 整改 on Thursday 10-15 (10-10, 10-12, 10-13, 10-14, 10-15).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from audit.measures import breakdown, summary
from audit.scope import Scope
from tests.support import STAFF, open_complete, run_to_close
from workflows import errors, rating_appeals, rating_tasks, ratings
from workflows.office import Actor
from workflows.rating_models import RatingTask
from workflows.rating_reminders import remind_overdue, reminders_for

LEAD = Actor("lead", frozenset({"clerk"}), window="W01", name="陈负责人")  # the demo profile's head of W01 and W02
BAD = ratings.RatingInput("very_dissatisfied", categories=("attitude",), comment="态度生硬")
D = dt.date
FRIDAY = D(2026, 10, 9)  # the day before the 调休 Saturday


def _bad_rating(session, office, clock, day=FRIDAY):
    clock.set_local(day, 9)
    case = open_complete(session, office, "road-freight-licence")
    seq = ratings.visits_of(session=session, case=case)[0].seq
    clock.set_local(day, 10)
    return ratings.rate_visit(session=session, office=office, case=case, visit_seq=seq, given=BAD, channel="public",
                              now=clock())


def _task(session, rating) -> RatingTask:
    return session.exec(select(RatingTask).where(RatingTask.rating_id == rating.id)).one()


def _figures(engine, day=FRIDAY):
    with engine.connect() as conn:
        return summary(conn, Scope(day.replace(day=1), D(2026, 10, 31)))


def test_the_task_lifecycle_over_the_national_day_tiaoxiu_week(session, office, clock, engine):
    rating = _bad_rating(session, office, clock)
    task = _task(session, rating)
    assert (task.owner, task.revisit_due, task.rectify_due) == ("lead", D(2026, 10, 10), D(2026, 10, 15))
    assert rating_tasks.stage_of(task) is rating_tasks.Stage.REVISIT
    assert not rating_tasks.overdue_on(task, D(2026, 10, 10))  # Saturday's 调休 is its last day
    assert rating_tasks.overdue_on(task, D(2026, 10, 12)).label == "回访超期"

    # The morning job reminds the owner once for the late 回访, however often it runs.
    assert remind_overdue(engine=engine, office=office, day=D(2026, 10, 12)) == "写入差评整改超期提醒 1 条"
    assert remind_overdue(engine=engine, office=office, day=D(2026, 10, 13)) == "写入差评整改超期提醒 0 条"
    assert [e.detail["late"] for _, e in reminders_for(session=session, owner="lead")] == ["revisit"]

    with pytest.raises(errors.NotTaskOwner):
        rating_tasks.record_revisit(session=session, office=office, task=task, actor=STAFF.clerk, result="founded",
                                    note="已电话联系", version=task.version)
    with pytest.raises(errors.TaskStepOutOfOrder):
        rating_tasks.record_rectification(session=session, office=office, task=task, actor=LEAD, action="培训",
                                          done_on=D(2026, 10, 12), version=task.version)
    clock.set_local(D(2026, 10, 12), 10)
    stale = RatingTask(**task.model_dump())  # what a second screen read before the first one saved
    task = rating_tasks.record_revisit(session=session, office=office, task=task, actor=LEAD, result="founded",
                                       note="申请人反映窗口人员语气生硬，经调取录像属实", version=task.version)
    with pytest.raises(errors.TaskChanged):  # the second screen saves too: one wins, the other is told
        rating_tasks.record_revisit(session=session, office=office, task=stale, actor=LEAD, result="unfounded",
                                    note="重复提交", version=stale.version)
    clock.set_local(D(2026, 10, 16), 10)
    task = rating_tasks.record_rectification(session=session, office=office, task=task, actor=LEAD,
                                             action="对窗口人员进行服务规范培训并约谈", done_on=D(2026, 10, 16),
                                             version=task.version)
    assert rating_tasks.rectified_in_time(task) is False  # Friday 10-16 is a day after the deadline
    task = rating_tasks.record_reply(session=session, office=office, task=task, actor=LEAD, reply="satisfied",
                                     note="", version=task.version)
    assert rating_tasks.stage_of(task) is rating_tasks.Stage.CLOSED and task.closed_at is not None
    steps = [e.step for e in ratings.log_of(session=session, rating_id=rating.id)]
    assert steps == ["rated", "task_opened", "reminded", "revisited", "rectified", "replied"]
    f = _figures(engine)
    assert (f["bad_evaluations"], f["bad_revisited"], f["bad_rectified"], f["rectified_on_time"],
            f["rectify_replied"], f["rectify_satisfied"]) == (1, 1, 1, 0, 1, 1)


def test_an_unfounded_bad_rating_needs_no_rectification(session, office, clock, engine):
    rating = _bad_rating(session, office, clock)
    task = _task(session, rating)
    task = rating_tasks.record_revisit(session=session, office=office, task=task, actor=LEAD, result="unfounded",
                                       note="申请人称误点差评", version=task.version)
    assert rating_tasks.stage_of(task) is rating_tasks.Stage.UNFOUNDED
    assert not rating_tasks.overdue_on(task, D(2026, 10, 30))
    f = _figures(engine)
    assert (f["bad_unfounded"], f["bad_to_rectify"]) == (1, 0)


def test_an_appeal_upheld_removes_the_rating_from_the_windows_figures_but_not_from_the_log(session, office, clock,
                                                                                          engine):
    rating = _bad_rating(session, office, clock)
    with engine.connect() as conn:
        before = {f.key: f["bad_evaluations"] for f in breakdown(conn, Scope(D(2026, 10, 1), D(2026, 10, 31)),
                                                                  "window")}
    assert before == {"W01": 1}
    with pytest.raises(errors.NotWindowHead):
        rating_appeals.file_appeal(session=session, office=office, rating=rating, actor=STAFF.clerk,
                                   reason="malicious", evidence="申请人要求违规办理未果后给出差评")
    appeal = rating_appeals.file_appeal(session=session, office=office, rating=rating, actor=LEAD, reason="malicious",
                                        evidence="申请人要求违规办理未果后给出差评，有窗口录音为证")
    with pytest.raises(errors.AppealExists):
        rating_appeals.file_appeal(session=session, office=office, rating=rating, actor=LEAD, reason="mistaken",
                                   evidence="再申诉一次，理由同上，请审核")
    with pytest.raises(errors.Forbidden):
        rating_appeals.decide_appeal(session=session, office=office, appeal=appeal, actor=LEAD, decision="upheld",
                                     note="自己审核")
    rating_appeals.decide_appeal(session=session, office=office, appeal=appeal, actor=STAFF.auditor,
                                 decision="upheld", note="录音证实申请人要求违规办理")
    with pytest.raises(errors.AppealDecided):
        rating_appeals.decide_appeal(session=session, office=office, appeal=appeal, actor=STAFF.auditor,
                                     decision="rejected", note="改判")
    f = _figures(engine)
    assert (f["evaluations"], f["bad_evaluations"]) == (0, 0)
    session.refresh(rating)
    assert rating.excluded is True
    steps = [(e.step, e.actor) for e in ratings.log_of(session=session, rating_id=rating.id)]
    assert steps == [("rated", "applicant"), ("task_opened", "system"), ("appealed", "lead"),
                     ("appeal_upheld", STAFF.auditor.username)]
    # Later steps on its task change nothing in the figures either.
    task = _task(session, rating)
    rating_tasks.record_revisit(session=session, office=office, task=task, actor=LEAD, result="unfounded",
                                note="申诉成立", version=task.version)
    assert _figures(engine)["bad_revisited"] == 0


def test_each_rate_against_a_hand_built_month(session, office, clock, engine):
    """Ten ratings in October 2026, worked out by hand.

    8 good (4 非常满意, 3 满意, 1 基本满意) and 2 差评 (P, Q): 好评率 8/10, 差评率 2/10.
    P: 回访 属实, 整改 on 10-14 (due 10-15: on time), applicant 满意.
    Q: 回访 属实, 整改 on 10-16 (due 10-15: late), applicant 不满意.
    实名差评回访率 2/2, 差评整改率 2/2, 整改按时率 1/2, 整改满意率 1/2.
    """
    day = D(2026, 10, 9)
    for level in ["very_satisfied"] * 4 + ["satisfied"] * 3 + ["basic"]:
        clock.set_local(day, 9)
        case = open_complete(session, office, "vehicle-repair-filing")
        run_to_close(session, office, case)
        ratings.rate_case(session=session, office=office, case=case, given=ratings.RatingInput(level),
                          channel="public", now=clock())
    p, q = _bad_rating(session, office, clock), _bad_rating(session, office, clock)
    for rating, done_on, reply in ((p, D(2026, 10, 14), "satisfied"), (q, D(2026, 10, 16), "dissatisfied")):
        clock.set_local(D(2026, 10, 16), 15)
        task = _task(session, rating)
        task = rating_tasks.record_revisit(session=session, office=office, task=task, actor=LEAD, result="founded",
                                           note="属实", version=task.version)
        task = rating_tasks.record_rectification(session=session, office=office, task=task, actor=LEAD,
                                                 action="整改", done_on=done_on, version=task.version)
        rating_tasks.record_reply(session=session, office=office, task=task, actor=LEAD, reply=reply, note="",
                                  version=task.version)
    rates = _figures(engine).rates
    assert rates["satisfaction_rate"] == pytest.approx(0.8) and rates["bad_rate"] == pytest.approx(0.2)
    assert (rates["revisit_rate"], rates["rectify_rate"]) == (1.0, 1.0)
    assert (rates["rectify_on_time_rate"], rates["rectify_satisfied_rate"]) == (0.5, 0.5)
    # The rebuild from the stored ratings and tasks gives the same figures as the steps kept.
    from audit.facts import recount
    with engine.begin() as conn:
        recount(conn, office.time)
    assert _figures(engine).rates == rates
