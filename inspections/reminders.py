"""延续提醒: the holder of a licence about to expire gets a text message, on the schedule.

Twice per licence: on the day it comes within the expiry window (60 days before), and a week
before its 延续 application is due (行政许可法 第五十条: 30 days before expiry, so 37 days before), as
`register.reminders_due` finds them. The message goes through the applicants' outbox
(workflows/outbox.py), sent by the same scheduled sender with the same retries. A holder
who asked for no messages on the case that granted the licence gets none; an imported
licence's holder is reminded at the phone the import gave, if it is a mobile number.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import Session

from inspections.register import Reminder, reminders_due
from workflows import notices, outbox
from workflows.db import session as new_session
from workflows.models import Case
from workflows.office import Office
from workflows.schedule import Daily, Scheduled


def remind_expiring(*, engine: Engine, office: Office, day: dt.date) -> str:
    """Queue the day's 延续提醒 (idempotent: run again for a day, it writes nothing already written)."""
    written = 0
    with new_session(engine) as session:
        for due in reminders_due(session=session, on=day, window_days=office.profile.licences.expiry_window_days):
            case = session.get(Case, due.case_id) if due.case_id is not None else None
            phone = outbox.mobile_of(due.holder_phone or "")
            if phone is None or (case is not None and case.sms_opt_out):
                continue
            draft = draft_of(office, due, case)
            written += outbox.write_message(session=session, key=key_of(due), phone=phone, draft=draft,
                                            now=office.now(), case_id=due.case_id)
        session.commit()
    return f"写入延续提醒短信 {written} 条"


# A case's messages are keyed by its receipt number, which starts with its date: "L" is the register's own.
KEY_PREFIX = "L"


def key_of(due: Reminder) -> str:
    """One message per licence, milestone and expiry date (a licence renewed later has another date)."""
    return f"{KEY_PREFIX}{due.licence_id}-{due.milestone}-{due.expires_on:%Y%m%d}"


def reminders_of(*, session: Session, licence_id: int) -> list[outbox.MessageLine]:
    """The 延续提醒 written for one licence, oldest first, with their sending status (the licence page)."""
    return outbox.keyed_lines(session, f"{KEY_PREFIX}{licence_id}-")


def all_reminders(*, session: Session) -> list[outbox.MessageLine]:
    """Every 延续提醒 written, oldest first."""
    return outbox.keyed_lines(session, KEY_PREFIX)


def draft_of(office: Office, due: Reminder, case: Case | None) -> notices.Draft:
    definition = office.catalogue.get(due.matter_code).definition
    return notices.licence_expiring(definition, expires=due.expires_on, due=due.renewal_due,
                                    phone=outbox.office_phone(office, case.window if case else None))


SCHEDULED = (
    # In office hours, after the morning's marks: a reminder is a message people read at work.
    Scheduled("licence-expiry-reminders", Daily(dt.time(9, 0)), remind_expiring,
              "提醒持证人申请延续（到期前 60 天、延续申请截止前 7 天）"),
)
