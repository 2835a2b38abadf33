"""The licence register (证照库): a licence for every 准予 decision, its status and its history.

`install(office)` adds `record_decision` to the office's `before_commit` hooks: a 准予 decision
numbers its licence from the matter's scheme (`result.licence_number`, a counter row locked until
the commit, as the document register does) and writes it in the decision's own transaction, so a
decision that rolls back leaves no licence and takes no number. A case has at most one licence
(the column is unique, and the hook looks first, so a hook run twice writes one).

Status: what staff did to a licence is stored (有效, 已注销, 已吊销, 已延续) with an event each;
已过期 is derived: a licence still 有效 whose expiry date is before the office's today. Nobody
writes it, so it is right on the morning after the expiry date, in lists and filters alike.

A case that ends after its 准予 but before 制证 (终止 for an overdue 容缺 gap, 撤回) has its licence
注销 in that step's transaction, with the case's reason.

延续 (行政许可法 第五十条): when the same holder is granted the same matter again while an older
licence is 有效 and expires within `RENEWAL_WINDOW_DAYS`, the older one becomes 已延续 in the
same transaction, with an event naming the new licence.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case as sql_case, func, insert, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from inspections.models import LICENCE_EVENTS, LICENCES, SERIALS
from workflows import action_kinds as ak
from workflows import errors
from workflows.definition import TERM_LABELS, Result, Term, TermKind
from workflows.models import Case
from workflows.office import Actor, Office

# ---- statuses ---------------------------------------------------------------------------------

VALID, CANCELLED, REVOKED, RENEWED, EXPIRED = "valid", "cancelled", "revoked", "renewed", "expired"
STATUS_LABELS = {VALID: "有效", CANCELLED: "已注销", REVOKED: "已吊销", EXPIRED: "已过期", RENEWED: "已延续"}
ACTION_LABELS = {"issue": "准予许可，发证", "import": "导入存量证照", "cancel": "注销", "revoke": "吊销",
                 "renew": "延续（换发新证）"}

RENEWAL_NOTICE_DAYS = 30  # 行政许可法 第五十条: a 延续 application is due 30 days before expiry
# The second 延续提醒 comes this many days before the 延续 deadline: a week to gather the application's
# materials, where a message on the deadline itself would come when it is already too late to prepare.
RENEWAL_REMINDER_LEAD_DAYS = 7
RENEWAL_WINDOW_DAYS = 90  # a new grant this close to an old licence's expiry continues it (延续)
ACTORS = frozenset({"approver", "admin"})  # who may 注销 or 吊销


def status_on(stored: str, expires_on: dt.date | None, today: dt.date) -> str:
    """The status a licence has on `today`: the stored one, or 已过期 once a 有效 licence's date has passed."""
    if stored == VALID and expires_on is not None and expires_on < today:
        return EXPIRED
    return stored


def status_is(status: str, today: dt.date) -> ColumnElement[bool]:
    """The SQL condition for licences whose status on `today` is `status` (as `status_on` gives it)."""
    c = LICENCES.c
    if status == EXPIRED:
        return and_(c.status == VALID, c.expires_on < today)
    if status == VALID:
        return and_(c.status == VALID, or_(c.expires_on.is_(None), c.expires_on >= today))
    return c.status == status


# ---- terms and numbers ------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    """The same date `months` calendar months later; the month's last day where it has no such date."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def expiry_of(term: Term, issued_on: dt.date) -> dt.date | None:
    """The last day a licence runs: the day before the same date `length` years or months on.

    Issued 2026-03-15 for 4 years, it runs to 2030-03-14. Where the later month has no such date
    (issued on 29 February, or the 31st), it runs to that month's last day. None for 长期有效 and
    for a term each decision sets (以决定书载明为准): the register keeps no date it cannot know.
    """
    if term.length is None or term.kind not in (TermKind.YEARS, TermKind.MONTHS):
        return None
    months = term.length * 12 if term.kind is TermKind.YEARS else term.length
    same_date = add_months(issued_on, months)
    if same_date.day != issued_on.day:  # no such date that month: the month's last day
        return same_date
    return same_date - dt.timedelta(days=1)


def term_note(term_kind: str) -> str:
    """What the page says where a licence has no expiry date."""
    try:
        return TERM_LABELS.get(TermKind(term_kind), "")
    except ValueError:
        return ""


def renewal_due(expires_on: dt.date | None) -> dt.date | None:
    """The last day to apply for 延续 (行政许可法 第五十条: 30 days before the licence expires)."""
    return expires_on - dt.timedelta(days=RENEWAL_NOTICE_DAYS) if expires_on else None


def licence_number(template: str, *, year: int, seq: int) -> str:
    return template.format(year=year, seq=seq)


def _next_serial_statement(dialect: str) -> Any:
    # One statement that creates the counter row or advances it, locked to the commit (as documents.py does).
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(SERIALS).values(
        matter_code=bindparam("matter_code"), year=bindparam("year"), last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["matter_code", "year"], set_={"last": SERIALS.c.last + 1})
    return stmt.returning(SERIALS.c.last)


_NEXT = {name: _next_serial_statement(name) for name in ("postgresql", "sqlite")}


def next_number(conn: Connection, *, matter_code: str, template: str, year: int) -> str:
    """Take the matter's next number; the counter row stays locked until the transaction ends."""
    counter_year = year if "{year" in template else 0
    seq = conn.execute(_NEXT[conn.dialect.name], {"matter_code": matter_code, "year": counter_year}).scalar_one()
    return licence_number(template, year=year, seq=seq)


# ---- the decision hook --------------------------------------------------------------------------

def install(office: Office) -> None:
    """Make every 准予 decision of this office record its licence (idempotent)."""
    if not any(getattr(h, "func", None) is record_decision for h in office.before_commit):
        office.before_commit.append(functools.partial(record_decision, office=office))


def scheme_of(office: Office, case: Case) -> Result | None:
    """The numbering scheme and term of the case's matter: its own version's, else the current one's."""
    result = office.matter_of(case).definition.result
    if result.licence_number and result.term:
        return result
    current = office.catalogue.get(case.matter_code).definition.result
    return current if current.licence_number and current.term else None


def record_decision(*, session: Session, case: Case, values: Mapping[str, Any], event: Mapping[str, Any],
                    office: Office) -> None:
    """The before_commit hook: a 准予 decision records its licence (once per case); a case that ends
    without its result issued (终止 with a 容缺 gap overdue, or 撤回) has its licence 注销."""
    if ak.is_kind(event["action"], *ak.SIDE_EXITS):
        cancel_unissued(session.connection(), case_id=event["case_id"], event=event)
        return
    if not ak.is_kind(event["action"], ak.DECIDE_APPROVE):
        return
    scheme = scheme_of(office, case)
    if scheme is None or scheme.licence_number is None or scheme.term is None:
        return
    conn = session.connection()
    case_id = event["case_id"]
    if conn.execute(select(LICENCES.c.id).where(LICENCES.c.case_id == case_id)).first() is not None:
        return
    at: dt.datetime = event["at"]
    issued_on = office.time.date(at)
    number = next_number(conn, matter_code=case.matter_code, template=scheme.licence_number, year=issued_on.year)
    row = {"number": number, "matter_code": case.matter_code, "case_id": case_id,
           "holder_kind": case.applicant_kind, "holder_name": case.applicant_name,
           "holder_id_no": case.applicant_id_no, "holder_phone": case.applicant_phone, "issued_on": issued_on,
           "validity": scheme.validity or term_note(scheme.term.kind), "term_kind": scheme.term.kind.value,
           "expires_on": expiry_of(scheme.term, issued_on), "status": VALID, "source": "decision",
           "recorded_at": at}
    licence_id = conn.execute(insert(LICENCES).returning(LICENCES.c.id), row).scalar_one()
    add_event(conn, licence_id=licence_id, at=at, actor=event["actor"], action="issue", from_status=None,
               to_status=VALID, reason="", payload={"case_id": case_id})
    continue_older(conn, licence_id=licence_id, number=number, matter_code=case.matter_code,
                   holder_id_no=case.applicant_id_no, issued_on=issued_on, at=at, actor=event["actor"])


def cancel_unissued(conn: Connection, *, case_id: int, event: Mapping[str, Any]) -> None:
    """注销 the licence of a case that ends after its 准予 decision but before 制证 (行政许可法 第七十条)."""
    row = conn.execute(select(LICENCES.c.id, LICENCES.c.status).where(LICENCES.c.case_id == case_id)).first()
    if row is None or row.status != VALID:
        return
    label = "终止办理" if ak.is_kind(event["action"], ak.TERMINATE) else "申请人撤回申请"
    reason = str(event["payload"].get("reason") or "")
    conn.execute(update(LICENCES).where(LICENCES.c.id == row.id, LICENCES.c.status == VALID).values(status=CANCELLED))
    add_event(conn, licence_id=row.id, at=event["at"], actor=event["actor"], action="cancel", from_status=VALID,
              to_status=CANCELLED, reason=f"办件{label}，证照未制发" + (f"：{reason}" if reason else ""),
              payload={"case_id": case_id})


def continue_older(conn: Connection, *, licence_id: int, number: str, matter_code: str, holder_id_no: str,
                   issued_on: dt.date, at: dt.datetime, actor: str) -> list[int]:
    """Mark 已延续 the holder's 有效 licences of the matter that expire within the renewal window."""
    c = LICENCES.c
    older = conn.execute(select(c.id).where(
        c.matter_code == matter_code, c.holder_id_no == holder_id_no, c.id != licence_id, c.status == VALID,
        c.expires_on >= issued_on, c.expires_on <= issued_on + dt.timedelta(days=RENEWAL_WINDOW_DAYS),
    ).order_by(c.id)).scalars().all()
    for old_id in older:
        conn.execute(update(LICENCES).where(c.id == old_id, c.status == VALID).values(status=RENEWED))
        add_event(conn, licence_id=old_id, at=at, actor=actor, action="renew", from_status=VALID,
                   to_status=RENEWED, reason=f"准予延续，换发新证 {number}", payload={"successor_id": licence_id})
    return list(older)


def add_event(conn: Connection, *, licence_id: int, at: dt.datetime, actor: str, action: str,
               from_status: str | None, to_status: str, reason: str, payload: dict[str, Any]) -> None:
    seq = conn.execute(select(func.coalesce(func.max(LICENCE_EVENTS.c.seq), 0) + 1)
                       .where(LICENCE_EVENTS.c.licence_id == licence_id)).scalar_one()
    conn.execute(insert(LICENCE_EVENTS), {"licence_id": licence_id, "seq": seq, "at": at, "actor": actor,
                                          "action": action, "from_status": from_status, "to_status": to_status,
                                          "reason": reason, "payload": payload})


# ---- 注销 and 吊销 ----------------------------------------------------------------------------------

# action → (the stored statuses it applies to, the status it leaves, its label)
STATUS_ACTIONS = {
    "cancel": ((VALID, EXPIRED), CANCELLED, "注销"),  # 行政许可法 第七十条: also 有效期届满未延续的
    "revoke": ((VALID,), REVOKED, "吊销"),
}


def change_status(*, session: Session, office: Office, licence_id: int, actor: Actor, action: str,
                  reason: str) -> str:
    """注销 or 吊销 a licence, with the reason, as an event; returns the new status. Commits."""
    if action not in STATUS_ACTIONS:
        raise errors.LicenceActionUnknown(field="action")
    if not actor.roles & ACTORS:
        raise errors.Forbidden("只有审批人员或系统管理员可以注销、吊销证照")
    reason = reason.strip()
    if not reason:
        raise errors.ReasonRequired(f"请填写{STATUS_ACTIONS[action][2]}的理由", field="reason")
    conn = session.connection()
    row = conn.execute(select(LICENCES).where(LICENCES.c.id == licence_id)).mappings().first()
    if row is None:
        raise errors.LicenceNotFound()
    allowed, to_status, label = STATUS_ACTIONS[action]
    now = office.now()
    current = status_on(row["status"], row["expires_on"], office.today())
    if current not in allowed:
        raise errors.LicenceStatusConflict(f"该证照现为{STATUS_LABELS[current]}，不能{label}")
    changed = conn.execute(update(LICENCES).where(LICENCES.c.id == licence_id, LICENCES.c.status == row["status"])
                           .values(status=to_status)).rowcount
    if changed != 1:  # someone else changed it between the read and the write
        session.rollback()
        raise errors.LicenceStatusConflict("该证照的状态刚被他人更改，请刷新后重试")
    add_event(conn, licence_id=licence_id, at=now, actor=actor.username, action=action, from_status=current,
               to_status=to_status, reason=reason, payload={})
    session.commit()
    return to_status


# ---- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LicenceRow:
    """One licence as lists and the licence page show it, its status as of the given day."""

    id: int
    number: str
    matter_code: str
    case_id: int | None
    holder_kind: str
    holder_name: str
    holder_id_no: str
    holder_phone: str | None
    issued_on: dt.date
    validity: str
    term_kind: str
    expires_on: dt.date | None
    status: str
    source: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def renewal_due(self) -> dt.date | None:
        return renewal_due(self.expires_on)

    @property
    def expiry_note(self) -> str:
        """为空的到期日说明: 长期有效, or 以决定书载明为准."""
        return "" if self.expires_on else term_note(self.term_kind)


def _row(r: RowMapping, today: dt.date) -> LicenceRow:
    return LicenceRow(id=r["id"], number=r["number"], matter_code=r["matter_code"], case_id=r["case_id"],
                      holder_kind=r["holder_kind"], holder_name=r["holder_name"], holder_id_no=r["holder_id_no"],
                      holder_phone=r["holder_phone"], issued_on=r["issued_on"], validity=r["validity"],
                      term_kind=r["term_kind"], expires_on=r["expires_on"],
                      status=status_on(r["status"], r["expires_on"], today), source=r["source"])


@dataclass(frozen=True)
class LicenceFilter:
    """What the search page and the API filter by; every field optional."""

    holder: str = ""  # part of the name, or the whole ID number / credit code
    number: str = ""  # part of the licence number
    matter: str = ""  # matter code
    status: str = ""  # one of STATUS_LABELS
    expiring_within: int | None = None  # 有效 licences expiring within so many days of today
    issued_before: dt.date | None = None  # issued before this day (a 双随机 draw's eligible holders)


def _where(f: LicenceFilter, today: dt.date) -> list[ColumnElement[bool]]:
    c = LICENCES.c
    where: list[ColumnElement[bool]] = []
    if f.holder:
        where.append(or_(c.holder_id_no == f.holder.upper(), c.holder_name.contains(f.holder, autoescape=True)))
    if f.number:
        where.append(c.number.contains(f.number, autoescape=True))
    if f.matter:
        where.append(c.matter_code == f.matter)
    if f.status:
        if f.status not in STATUS_LABELS:
            raise errors.BadInput("证照状态只能是有效、已注销、已吊销、已过期或已延续", field="status")
        where.append(status_is(f.status, today))
    if f.issued_before is not None:
        where.append(c.issued_on < f.issued_before)
    if f.expiring_within is not None:
        where += [status_is(VALID, today), c.expires_on <= today + dt.timedelta(days=f.expiring_within)]
    return where


def search(*, session: Session, today: dt.date, filters: LicenceFilter, offset: int = 0,
           limit: int = 50) -> tuple[list[LicenceRow], int]:
    """One page of the licences the filters pick (the soonest to expire first when listing expiries), and the total."""
    conn = session.connection()
    where = _where(filters, today)
    total = conn.execute(select(func.count()).select_from(LICENCES).where(*where)).scalar_one()
    order = ([LICENCES.c.expires_on, LICENCES.c.id] if filters.expiring_within is not None
             else [LICENCES.c.issued_on.desc(), LICENCES.c.id.desc()])
    rows = conn.execute(select(LICENCES).where(*where).order_by(*order).offset(offset).limit(limit)).mappings()
    return [_row(r, today) for r in rows], total


def get(*, session: Session, today: dt.date, licence_id: int) -> LicenceRow:
    r = session.connection().execute(select(LICENCES).where(LICENCES.c.id == licence_id)).mappings().first()
    if r is None:
        raise errors.LicenceNotFound()
    return _row(r, today)


def of_case(*, session: Session, today: dt.date, case_id: int) -> LicenceRow | None:
    r = session.connection().execute(select(LICENCES).where(LICENCES.c.case_id == case_id)).mappings().first()
    return _row(r, today) if r is not None else None


@dataclass(frozen=True)
class HistoryLine:
    """One line of a licence's history: an event, or the day it expired (derived, never written)."""

    at: dt.datetime | None
    day: dt.date
    actor: str
    action: str
    to_status: str
    reason: str
    payload: dict[str, Any]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "有效期届满")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.to_status]

    @property
    def successor_id(self) -> int | None:
        """The new licence a 延续 gave, for the line that says so."""
        value = self.payload.get("successor_id")
        return value if isinstance(value, int) else None


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def history(*, session: Session, office: Office, licence: LicenceRow) -> list[HistoryLine]:
    """The licence's events in order, and 已过期 on the day after its expiry date when it has passed."""
    rows = session.connection().execute(select(LICENCE_EVENTS).where(LICENCE_EVENTS.c.licence_id == licence.id)
                                        .order_by(LICENCE_EVENTS.c.seq)).mappings()
    lines = [HistoryLine(at=r["at"], day=office.time.date(r["at"]), actor=r["actor"], action=r["action"],
                         to_status=r["to_status"], reason=r["reason"], payload=r["payload"]) for r in rows]
    if licence.status == EXPIRED and licence.expires_on is not None:
        lines.append(HistoryLine(at=None, day=licence.expires_on + dt.timedelta(days=1), actor="", action="expire",
                                 to_status=EXPIRED, reason=f"有效期至{_cn(licence.expires_on)}届满，未办理延续",
                                 payload={}))
    return lines


def status_counts(*, session: Session, today: dt.date) -> dict[str, int]:
    """How many licences have each status today (for the search page's tabs)."""
    c = LICENCES.c
    derived = sql_case((and_(c.status == VALID, c.expires_on < today), literal(EXPIRED)), else_=c.status)
    rows = session.connection().execute(select(derived, func.count()).group_by(derived)).all()
    return {status: count for status, count in rows}


# ---- reminders ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reminder:
    """A holder to remind on a given day that their licence needs 延续."""

    licence_id: int
    case_id: int | None  # None: imported
    number: str
    matter_code: str
    holder_name: str
    holder_phone: str | None
    expires_on: dt.date
    renewal_due: dt.date
    milestone: str  # "window": it just came within the expiry window; "due": the 延续 application is due in a week


def reminder_rule(window_days: int) -> str:
    """When the holder is texted, as the licence page states it (the office profile's window)."""
    return (f"到期前 {window_days} 日提醒一次；延续申请须于到期前 {RENEWAL_NOTICE_DAYS} 日提出，"
            f"截止前 {RENEWAL_REMINDER_LEAD_DAYS} 日再提醒一次")


def reminders_due(*, session: Session, on: dt.date, window_days: int) -> list[Reminder]:
    """Who is due a 延续 reminder on `on`: holders of 有效 licences that come within the expiry window
    that day (expiring `window_days` later), and those whose 延续 application (art. 50: due 30 days before
    expiry) is due a week later. A job that runs once a day reminds each holder at most twice per licence.
    """
    c = LICENCES.c
    window_day = on + dt.timedelta(days=window_days)
    due_day = on + dt.timedelta(days=RENEWAL_NOTICE_DAYS + RENEWAL_REMINDER_LEAD_DAYS)
    rows = session.connection().execute(select(LICENCES).where(
        status_is(VALID, on), c.expires_on.in_(sorted({window_day, due_day}))).order_by(c.expires_on, c.id)).mappings()
    return [Reminder(licence_id=r["id"], case_id=r["case_id"], number=r["number"], matter_code=r["matter_code"],
                     holder_name=r["holder_name"], holder_phone=r["holder_phone"], expires_on=r["expires_on"],
                     renewal_due=r["expires_on"] - dt.timedelta(days=RENEWAL_NOTICE_DAYS),
                     milestone="due" if r["expires_on"] == due_day else "window") for r in rows]


def numbers_taken(conn: Connection, numbers: Sequence[str]) -> set[str]:
    """Which of these licence numbers the register already holds."""
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = list(numbers[start:start + 500])
        found.update(conn.execute(select(LICENCES.c.number).where(LICENCES.c.number.in_(chunk))).scalars())
    return found
