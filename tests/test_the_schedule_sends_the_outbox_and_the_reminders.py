"""The schedule runs the applicants' text messages by itself: every minute the sender hands what is
due to the office's gateway, and each morning at 07:30 (after the night's 容缺 sweep) the reminders of
deadlines one working day ahead are written. No one types `service.py outbox send`."""

import datetime as dt
import json

from sqlmodel import select

from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete
from workflows import cases
from workflows.db import session as new_session
from workflows.outbox import OutboxMessage
from workflows.schedule import SCHEDULE, Daily, Every, run_due
from workflows.sms import FileGateway

FREIGHT = "road-freight-licence"
SENDER = next(e for e in SCHEDULE if e.name == "send-outbox")
REMINDERS = next(e for e in SCHEDULE if e.name == "deadline-reminders")
SWEEP = next(e for e in SCHEDULE if e.name == "gap-sweep")


def statuses(engine, case_id):
    with new_session(engine) as s:
        return [(m.notice, m.status) for m in s.exec(select(OutboxMessage).where(OutboxMessage.case_id == case_id)
                                                      .order_by(OutboxMessage.id))]


def test_the_sender_runs_every_minute_and_the_reminders_after_the_nights_sweep():
    assert SENDER.when == Every(1)
    assert isinstance(REMINDERS.when, Daily) and isinstance(SWEEP.when, Daily)
    assert SWEEP.when.at < REMINDERS.when.at <= dt.time(8, 0)  # before the counters open


def test_the_scheduled_sender_hands_the_waiting_messages_to_the_gateway(session, office, engine, tmp_path):
    office.sms_gateway = FileGateway(tmp_path / "sms.jsonl")
    case = open_complete(session, office, FREIGHT)

    [result] = run_due(engine=engine, office=office, entry=SENDER)

    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [line["notice"] for line in lines] == ["received"] and case.receipt_no in lines[0]["text"]
    assert statuses(engine, case.id) == [("received", "sent")]
    assert result.summary.startswith("发送 1 条")


def test_without_a_gateway_the_messages_wait_in_the_outbox(session, office, engine):
    office.sms_gateway = None
    case = open_complete(session, office, FREIGHT)

    [result] = run_due(engine=engine, office=office, entry=SENDER)

    assert statuses(engine, case.id) == [("received", "pending")]
    assert "未配置短信网关" in result.summary


def test_the_morning_run_writes_the_reminder_of_a_gap_due_the_next_working_day(session, office, engine, clock):
    clock.set_local(dt.date(2026, 11, 25))  # Wednesday: the gap is due 3 working days later, Monday 11-30
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)

    clock.set_local(dt.date(2026, 11, 27), 7, 0)  # Friday before 07:30: Thursday's run only
    run_due(engine=engine, office=office, entry=REMINDERS)
    assert [n for n, _ in statuses(engine, case.id)] == ["received", "tolerated"]

    clock.set_local(dt.date(2026, 11, 27), 7, 30)
    [result] = run_due(engine=engine, office=office, entry=REMINDERS)
    assert result.day == dt.date(2026, 11, 27) and result.summary == "写入提醒短信 1 条"
    assert [n for n, _ in statuses(engine, case.id)] == ["received", "tolerated", "gap_reminder"]
