"""Each step that concerns the applicant writes one text message in the transition's own transaction.

收件 (with the receipt number and the status link), 一次性告知 (what is missing, by when), 容缺受理,
办结 (准予 / 不予), 送达 (the mail tracking number) and 终止; reminders one working day before a 容缺
gap or a 补正 deadline. A transition that rolls back leaves no message; an applicant who asked for
none, or left no mobile number, gets none.
"""

import datetime as dt

import pytest
from sqlmodel import select

from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, company, open_complete, run_to_close
from workflows import cases, errors
from workflows.db import session as new_session
from workflows.outbox import OutboxMessage, queue_reminders
from workflows.submission import Applicant
from workflows.sweep import sweep_overdue_gaps

FREIGHT = "road-freight-licence"
ACCEPTED = dt.date(2026, 11, 25)  # Wednesday; the vehicle grade copies are due 3 working days later, Monday 11-30


def messages(engine, case_id=None):
    with new_session(engine) as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if case_id is not None:
            query = query.where(OutboxMessage.case_id == case_id)
        return list(s.exec(query))


def test_a_case_run_to_its_end_sends_receipt_decision_and_mailing(session, office, engine):
    case = open_complete(session, office, FREIGHT, delivery="mail")
    run_to_close(session, office, case, tracking_no="EA123456789CN")

    sent = messages(engine, case.id)
    assert [m.notice for m in sent] == ["received", "decided", "mailed"]
    received, decided, mailed = (m.text for m in sent)
    assert case.receipt_no in received and "道路货物运输经营许可" in received
    assert f"/public/status?receipt_no={case.receipt_no}" in received
    assert "准予许可" in decided and case.receipt_no in decided
    assert "EA123456789CN" in mailed and "已办结：准予许可" in mailed
    assert all(m.phone == "13900005678" and m.status == "pending" for m in sent)
    assert len({m.key for m in sent}) == 3


def test_a_denial_says_so(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith("step_"):
        cases.advance_step(session=session, office=office, case=case, actor=STAFF.reviewer)
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=False, reason="车辆不符")
    assert "已作出不予许可决定" in messages(engine, case.id)[-1].text
    cases.deliver(session=session, office=office, case=case, clerk=STAFF.clerk, method="window")
    assert "已办结：不予许可" in messages(engine, case.id)[-1].text


def test_the_one_time_notice_names_what_is_missing_and_by_when(session, office, engine, clock):
    clock.set_local(ACCEPTED)
    case = open_complete(session, office, FREIGHT, missing=("application_form",))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)

    notice = messages(engine, case.id)[-1]
    due = case.progress["correction"]["due"]
    day = dt.date.fromisoformat(due)
    assert notice.notice == "correction"
    assert "申请表" in notice.text and f"{day.month}月{day.day}日前" in notice.text


def test_tolerated_acceptance_then_termination_by_the_sweep(session, office, engine, clock):
    clock.set_local(ACCEPTED)
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    clock.set_local(dt.date(2026, 12, 1))
    sweep_overdue_gaps(session=session, office=office)

    sent = messages(engine, case.id)
    assert [m.notice for m in sent] == ["received", "tolerated", "defaulted"]
    assert "11月30日前补齐" in sent[1].text and "车辆技术等级评定结论" in sent[1].text
    # It says why: the applicant may have read 准予 already, the result held back by the missing material.
    assert "因容缺材料逾期未补齐已终止办理" in sent[2].text and "0573-" in sent[2].text


def test_a_termination_by_staff_says_only_that_the_case_is_ended(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.terminate(session=session, office=office, case=case, actor=STAFF.approver, reason="申请人死亡")

    last = messages(engine, case.id)[-1]
    assert last.notice == "terminated"
    assert "已终止办理" in last.text and "容缺" not in last.text and "死亡" not in last.text


def test_an_applicant_who_asked_for_no_messages_gets_none(session, office, engine):
    quiet = company()
    quiet = Applicant(quiet.kind, quiet.name, quiet.id_no, quiet.phone, sms_opt_out=True)
    case = open_complete(session, office, FREIGHT, applicant=quiet)
    run_to_close(session, office, case)
    assert case.sms_opt_out and messages(engine, case.id) == []


def test_an_applicant_who_asked_for_no_messages_gets_no_reminder_either(session, office, engine, clock):
    clock.set_local(ACCEPTED)
    quiet = company()
    quiet = Applicant(quiet.kind, quiet.name, quiet.id_no, quiet.phone, sms_opt_out=True)
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT, applicant=quiet)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    assert queue_reminders(session=session, office=office, day=dt.date(2026, 11, 27)).queued == []  # the eve
    assert messages(engine, case.id) == []


def test_a_landline_gets_no_text_message(session, office, engine):
    case = open_complete(session, office, FREIGHT, applicant=company(phone="0573-82101234"))
    assert messages(engine, case.id) == []


def test_a_transition_that_rolls_back_leaves_no_message(session, office, engine):
    def refuse(**_):
        raise errors.ConcurrentChange()

    office.before_commit.append(refuse)  # after the outbox's hook: its row was written, then all rolls back
    with pytest.raises(errors.ConcurrentChange):
        open_complete(session, office, FREIGHT)
    office.before_commit.remove(refuse)
    assert messages(engine) == []

    case = open_complete(session, office, FREIGHT)
    office.before_commit.append(refuse)
    with pytest.raises(errors.ConcurrentChange):
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    office.before_commit.remove(refuse)
    assert [m.notice for m in messages(engine)] == ["received"]


def test_a_gap_is_reminded_once_on_the_working_day_before_it_is_due(session, office, engine, clock):
    clock.set_local(ACCEPTED)
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)

    assert queue_reminders(session=session, office=office, day=dt.date(2026, 11, 26)).queued == []  # Thursday
    assert queue_reminders(session=session, office=office, day=dt.date(2026, 11, 28)).queued == []  # Saturday
    friday = queue_reminders(session=session, office=office, day=dt.date(2026, 11, 27))
    again = queue_reminders(session=session, office=office, day=dt.date(2026, 11, 27))

    assert len(friday.queued) == 1 and again.queued == []
    reminder = messages(engine, case.id)[-1]
    assert reminder.notice == "gap_reminder" and "11月30日前补齐" in reminder.text


def notified_with_its_eve(session, office, clock):
    """A 一次性告知书 issued on ACCEPTED: the case, its 补正 deadline and the working day before it."""
    clock.set_local(ACCEPTED)
    case = open_complete(session, office, FREIGHT, missing=("application_form",))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    due = dt.date.fromisoformat(case.progress["correction"]["due"])
    eve = due - dt.timedelta(days=1)
    while not office.calendar.is_workday(eve):
        eve -= dt.timedelta(days=1)
    return case, due, eve


def test_a_run_caught_up_after_the_deadline_reminds_of_nothing_gone_by(session, office, engine, clock):
    """The queue was down from the eve of the deadline: the eve's run, done days later, writes no reminder
    of a day that has passed. Caught up on the deadline day itself, the reminder still helps and is sent."""
    _, due, eve = notified_with_its_eve(session, office, clock)

    clock.set_local(due + dt.timedelta(days=5))
    assert queue_reminders(session=session, office=office, day=eve).queued == []
    clock.set_local(due)
    assert len(queue_reminders(session=session, office=office, day=eve).queued) == 1


def test_a_correction_deadline_is_reminded_the_working_day_before(session, office, engine, clock):
    case, due, eve = notified_with_its_eve(session, office, clock)

    queued = queue_reminders(session=session, office=office, day=eve).queued

    assert len(queued) == 1
    reminder = messages(engine, case.id)[-1]
    assert reminder.notice == "correction_reminder" and f"{due.month}月{due.day}日前" in reminder.text
