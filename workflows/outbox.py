"""The outbox: text messages to applicants, written with the transition that causes them and sent afterwards.

Writing. `install(office)` (done by `bootstrap.load_office`, like the document
register) adds a `before_commit` hook: a transition that sends a notice
(workflows/notices.py `SENT_BY`) inserts its message row in the transition's own
transaction, so a transition that rolls back leaves no message, and one that
commits cannot lose it. `queue_reminders` writes the reminders due on a day.
An applicant who asked for no messages (`Case.sms_opt_out`), or who left no
mobile number, gets no row.

Sending. `send_pending` claims a batch of due messages with a lease (a sender
killed mid-batch leaves claims that expire, and the next run takes them again),
hands each to the gateway and marks it sent, one commit per message. So every
message is sent at least once, with its idempotency key (`key`, the same on every
try). Before a message is tried again (after a failure, or when its sender died holding
it) the gateway is asked whether it already took that key, so a try whose answer was
lost is not sent twice. A failure is retried with exponential
backoff; after the last try the message is marked failed, and the case page
shows it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from urllib.parse import urlencode
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import JSON, Column, Index, and_, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col

from workflows import action_kinds as kinds
from workflows import notices
from workflows.case_windows import window_info
from workflows.db import core_table
from workflows.db import session as new_session
from workflows.machine import AWAITING_CORRECTION, FINAL_STATES
from workflows.models import Case
from workflows.office import Office
from workflows.sms import Gateway, GatewayFailure, Sms

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUS_LABELS = {PENDING: "待发送", SENT: "已发送", FAILED: "发送失败"}
MOBILE = re.compile(r"1[3-9][0-9]{9}")
DEV_BASE_URL = "http://127.0.0.1:8000"  # the address `serve` uses when nothing names another


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # The case it concerns; None for a message about no case (a licence imported from before this system).
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    key: str = Field(max_length=64, unique=True)  # the idempotency key, stable per message
    notice: str = Field(max_length=32)
    phone: str = Field(max_length=32)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    text: str
    status: str = Field(default=PENDING, max_length=16)
    attempts: int = 0
    due_at: dt.datetime  # not before: the next try
    lease_until: dt.datetime | None = None  # claimed by a sender until then
    claimed_by: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, max_length=255)
    provider_id: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime
    sent_at: dt.datetime | None = None


MESSAGES = core_table(OutboxMessage)
CASES = core_table(Case)


# ---- writing ------------------------------------------------------------------------------

def install(office: Office) -> None:
    """Write each transition's notice in its transaction (idempotent)."""
    if not any(getattr(h, "func", None) is record_transition for h in office.before_commit):
        office.before_commit.append(partial(record_transition, office=office))


def mobile_of(phone: str) -> str | None:
    """The mainland mobile number a phone field holds (spaces, dashes and +86 aside), or None for a landline."""
    digits = re.sub(r"[\s-]", "", phone or "").removeprefix("+86")
    return digits if MOBILE.fullmatch(digits) else None


def status_link(office: Office, receipt_no: str) -> str:
    base = (office.public_base_url or office.profile.public_base_url or DEV_BASE_URL).rstrip("/")
    return f"{base}/public/status?{urlencode({'receipt_no': receipt_no})}"  # as the papers' QR codes (guides/qr.py)


def office_phone(office: Office, window: str | None) -> str:
    info = window_info(office, window)
    if info is not None:
        return info.phone
    return re.split(r"[（(；;]", office.profile.consult_phone, maxsplit=1)[0].strip()


def record_transition(*, session: Session, case: Case, values: dict[str, Any], event: dict[str, Any],
                      office: Office) -> None:
    if case.sms_opt_out or kinds.kind_of(event["action"]) not in notices.SENT_BY:
        return
    phone = mobile_of(case.applicant_phone)
    if phone is None:
        return
    definition = office.matter_of(case).definition
    draft = notices.for_transition(
        definition=definition, receipt_no=case.receipt_no, trigger=event["action"], payload=event["payload"],
        status_link=status_link(office, case.receipt_no), phone=office_phone(office, values.get("window", case.window)),
        outcome=values.get("outcome", case.outcome))
    if draft is not None:
        _write(session, case_id=event["case_id"], key=f"{case.receipt_no}-{event['seq']}", phone=phone, draft=draft,
               now=event["at"])


def write_message(*, session: Session, key: str, phone: str, draft: notices.Draft, now: dt.datetime,
                  case_id: int | None = None) -> bool:
    """Queue one message not caused by a transition (a reminder of another package), once per `key`.

    Returns whether it was written: a key already in the outbox (the same reminder queued by an
    earlier run for the same day) writes nothing, so a task may be run again for a day.
    """
    taken = session.connection().execute(select(MESSAGES.c.id).where(MESSAGES.c.key == key)).first()
    if taken is not None:
        return False
    _write(session, case_id=case_id, key=key, phone=phone, draft=draft, now=now)
    return True


def _write(session: Session, *, case_id: int | None, key: str, phone: str, draft: notices.Draft,
           now: dt.datetime) -> None:
    session.connection().execute(insert(MESSAGES), {
        "case_id": case_id, "key": key, "notice": draft.notice.value, "phone": phone, "params": draft.params,
        "text": draft.text, "status": PENDING, "attempts": 0, "due_at": now, "created_at": now})


@dataclass
class ReminderReport:
    queued: list[str] = field(default_factory=list)  # the messages' keys


def queue_reminders(*, session: Session, office: Office, day: dt.date) -> ReminderReport:
    """The reminders for deadlines one working day after `day`: 容缺 gaps and 补正 (idempotent per deadline).

    On a working day, every deadline after it up to and including the next working day is reminded
    (on a Friday, those of the weekend and of Monday); on a day off, none. Run again for the same day,
    or for a past day after the queue was down, it writes nothing already written; and a past day's
    run reminds of no deadline that has gone by today ("请于12月9日前补正" on 12月14日 helps no one).
    """
    report = ReminderReport()
    if not office.calendar.is_workday(day):
        return report
    until = office.calendar.add_workdays(day, 1).due
    now, after = office.now(), max(day, office.today() - dt.timedelta(days=1))  # deadlines after this one
    gap_cases = session.scalars(
        # gap_due is the earliest open gap's: a case whose earliest is already past is the sweep's, not a reminder's
        select(Case).where(col(Case.gap_due) > after, col(Case.gap_due) <= until,
                           col(Case.state).not_in(sorted(FINAL_STATES)), col(Case.sms_opt_out).is_(False)))
    for case in gap_cases:
        gaps = {m: due for m, due in case.progress.get("gaps", {}).items()
                if after < dt.date.fromisoformat(due) <= until}
        if gaps:
            draft = notices.gap_draft(notices.Notice.GAP_REMINDER, office.matter_of(case).definition,
                                      case.receipt_no, gaps)
            _remind(session, case, draft, f"{case.receipt_no}-R{min(gaps.values()).replace('-', '')}", now, report)
    awaiting = session.scalars(
        select(Case).where(col(Case.state) == AWAITING_CORRECTION, col(Case.sms_opt_out).is_(False)))
    for case in awaiting:
        due_text = (case.progress.get("correction") or {}).get("due")
        if due_text and after < dt.date.fromisoformat(due_text) <= until:
            draft = notices.correction_reminder(office.matter_of(case).definition, case.receipt_no,
                                                dt.date.fromisoformat(due_text))
            _remind(session, case, draft, f"{case.receipt_no}-C{due_text.replace('-', '')}", now, report)
    session.commit()
    return report


def _remind(session: Session, case: Case, draft: notices.Draft, key: str, now: dt.datetime,
            report: ReminderReport) -> None:
    phone = mobile_of(case.applicant_phone)
    if phone is None or case.id is None:
        return
    if write_message(session=session, key=key, phone=phone, draft=draft, now=now, case_id=case.id):
        report.queued.append(key)


# ---- sending ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Retry:
    """How often and how far apart a failing message is tried: 1, 2, 4, 8 minutes … up to `attempts` tries."""

    attempts: int = 5
    first: dt.timedelta = dt.timedelta(minutes=1)
    longest: dt.timedelta = dt.timedelta(hours=1)

    def delay(self, failed_tries: int) -> dt.timedelta:
        wait: dt.timedelta = self.first * 2 ** (failed_tries - 1)
        return min(wait, self.longest)


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send_pending(*, session: Session, gateway: Gateway, now: dt.datetime, limit: int = 100,
                 lease: dt.timedelta = dt.timedelta(minutes=5), retry: Retry = Retry()) -> SendReport:
    """Send the messages due at `now`, at most `limit` of them; each is committed as it is sent."""
    report = SendReport()
    claimer = uuid.uuid4().hex
    rows, tried = _claim(session, claimer=claimer, now=now, limit=limit, lease=lease)
    for row in rows:
        sms = Sms(key=row.key, phone=row.phone, notice=row.notice, params=row.params, text=row.text)
        mine = and_(MESSAGES.c.id == row.id, MESSAGES.c.claimed_by == claimer)
        try:
            # A message tried before (a failure, or a sender that died holding it) may have reached the
            # provider with its answer lost: ask before sending it again.
            earlier = gateway.delivered(sms, since=row.created_at) if row.id in tried else None
            provider_id = earlier if earlier is not None else gateway.send(sms)
        except GatewayFailure as exc:
            tries = row.attempts + 1
            gave_up = tries >= retry.attempts
            session.connection().execute(update(MESSAGES).where(mine).values(
                attempts=tries, status=FAILED if gave_up else PENDING, lease_until=None, claimed_by=None,
                last_error=str(exc)[:255], due_at=now if gave_up else now + retry.delay(tries)))
            session.commit()
            (report.failed if gave_up else report.retried).append(row.key)
            continue
        session.connection().execute(update(MESSAGES).where(mine).values(
            attempts=row.attempts + 1, status=SENT, sent_at=now, lease_until=None, claimed_by=None,
            provider_id=provider_id[:64] or None, last_error=None))
        session.commit()
        report.sent.append(row.key)
    return report


def _claim(session: Session, *, claimer: str, now: dt.datetime, limit: int,
           lease: dt.timedelta) -> tuple[list[Any], set[int]]:
    """Lease up to `limit` due messages to this sender, in one short transaction: the rows it got, and
    which of them were tried before (a failure recorded, or a lease that ran out: its sender died)."""
    free = and_(MESSAGES.c.status == PENDING, MESSAGES.c.due_at <= now,
                or_(MESSAGES.c.lease_until.is_(None), MESSAGES.c.lease_until < now))
    due = (select(MESSAGES.c.id, MESSAGES.c.attempts, MESSAGES.c.lease_until).where(free)
           .order_by(MESSAGES.c.due_at, MESSAGES.c.id).limit(limit))
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)  # two senders take different rows, neither waits
    found = conn.execute(due).all()
    ids = [row.id for row in found]
    tried = {row.id for row in found if row.attempts or row.lease_until is not None}
    if not ids:
        session.commit()  # ends the read; a rollback would expire the caller's objects in this session
        return [], set()
    # The condition again: on SQLite a sender that read before another's claim committed claims nothing twice.
    conn.execute(update(MESSAGES).where(MESSAGES.c.id.in_(ids), free)
                 .values(claimed_by=claimer, lease_until=now + lease))
    session.commit()
    return list(session.connection().execute(
        select(MESSAGES).where(MESSAGES.c.id.in_(ids), MESSAGES.c.claimed_by == claimer)
        .order_by(MESSAGES.c.id))), tried


# ---- reading ------------------------------------------------------------------------------

def messages_of(session: Session, case_id: int) -> list[OutboxMessage]:
    """The case's messages, oldest first, for the case page."""
    query = select(OutboxMessage).where(col(OutboxMessage.case_id) == case_id).order_by(col(OutboxMessage.id))
    return list(session.scalars(query))


def pending_count(session: Session) -> int:
    return int(session.connection().execute(
        select(func.count()).select_from(MESSAGES).where(MESSAGES.c.status == PENDING)).scalar_one())


def latest(session: Session, *, limit: int = 100) -> list[OutboxMessage]:
    """The newest messages first (the command line's `outbox list`)."""
    return list(session.scalars(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)))


@dataclass(frozen=True)
class MessageLine:
    """One message as the case page lists it."""

    at: dt.datetime  # written (the page shows it in office time)
    notice: str  # 收件, 办结 …
    status: str
    status_label: str
    text: str
    attempts: int
    error: str | None
    sent_at: dt.datetime | None


def line_of(m: OutboxMessage) -> MessageLine:
    return MessageLine(m.created_at, notices.LABELS[notices.Notice(m.notice)], m.status, STATUS_LABELS[m.status],
                       m.text, m.attempts, m.last_error, m.sent_at)


def keyed_lines(session: Session, prefix: str) -> list[MessageLine]:
    """The messages whose key starts with `prefix`, oldest first (a package's reminders about no case)."""
    query = (select(OutboxMessage).where(col(OutboxMessage.key).startswith(prefix, autoescape=True))
             .order_by(col(OutboxMessage.id)))
    return [line_of(m) for m in session.scalars(query)]


def case_messages(session: Session, case: Case) -> tuple[list[MessageLine], str | None]:
    """The case's messages with their status, and why it has none when it can have none."""
    lines = [line_of(m) for m in messages_of(session, case.id)] if case.id is not None else []
    if case.sms_opt_out:
        return lines, "申请人选择不接收短信通知"
    if mobile_of(case.applicant_phone) is None:
        return lines, "联系电话不是手机号码，不发短信通知"
    return lines, None


# ---- the schedule's tasks (workflows/schedule.py) ------------------------------------------

def remind_day(*, engine: Engine, office: Office, day: dt.date) -> str:
    """The day's reminders (one working day before each 容缺 gap and 补正 deadline), for the schedule."""
    with new_session(engine) as session:
        report = queue_reminders(session=session, office=office, day=day)
    return f"写入提醒短信 {len(report.queued)} 条"


def send_due(*, engine: Engine, office: Office, day: dt.date) -> str:
    """Send everything due now through the office's gateway, batch after batch, for the schedule.

    A batch that sends nothing ends the run (what is left waits for its retry time); `day` is not
    needed: the sender works off whatever is waiting.
    """
    if office.sms_gateway is None:
        return "未配置短信网关：短信留在发件箱"
    totals = SendReport()
    with new_session(engine) as session:
        while True:
            report = send_pending(session=session, gateway=office.sms_gateway, now=office.now())
            totals.sent += report.sent
            totals.retried += report.retried
            totals.failed += report.failed
            if not report.sent:
                break
    return f"发送 {len(totals.sent)} 条，待重试 {len(totals.retried)} 条，失败 {len(totals.failed)} 条"
