"""What an applicant sees of their case with the receipt number and four digits of their phone.

The state and its dates; while the case waits on them, each item they owe
with the reason recorded, its deadline and every way to send it (post,
online, window, with the office profile's facts); once it is closed, the
result in words and, when it was mailed, the EMS number. Nothing else about
the applicant: whoever knows a receipt number and four digits learns no
name, ID number or address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from workflows import action_kinds as kinds
from workflows import queries
from workflows import progress as pg
from workflows.db import core_table
from workflows.decisions import DECISION_WORDING
from workflows.definition import Delivery, MatterDefinition
from workflows.demands import Demand, Way, owed_channels, ways
from workflows.machine import AWAITING_CORRECTION, FINAL_STATES
from workflows.models import Case, CaseEvent
from workflows.office import Office
from workflows.rating_models import WHOLE_CASE, Rating

ENDED_RESULTS = {"refused": "不予受理", "withdrawn": "已撤回", "terminated": "已终止"}


@dataclass(frozen=True)
class Outstanding:
    """A required material not (yet) present, as the counter recorded it."""

    name: str
    status: str
    due: dt.date | None  # a tolerated gap's due date


@dataclass(frozen=True)
class ApplicantStatus:
    receipt_no: str
    matter_name: str
    state_label: str
    received_on: dt.date
    accepted_on: dt.date | None
    promised_due: dt.date | None
    provisional: bool
    closed_on: dt.date | None
    outstanding: list[Outstanding]
    owed_kind: str | None  # a key of queries.WAITING_KINDS while the case waits on the applicant
    owed: tuple[Demand, ...]  # each item owed, with its reason and deadline
    ways: tuple[Way, ...]  # how the owed items may be sent, those without a visit first
    today: dt.date  # the office's today, against which a deadline has passed or not
    result: str | None  # RESULT_LABELS, once the case is closed
    tracking_no: str | None  # the EMS number, when the result was mailed
    final: bool
    evaluated: bool


def result_label(case: Case, definition: MatterDefinition) -> str | None:
    """The result in words once the case is closed: 准予许可 or 不予许可 (worded for the kind of
    matter), 不予受理, 已撤回 or 已终止."""
    if case.state not in FINAL_STATES:
        return None
    if case.outcome in ("approved", "denied"):
        wording = DECISION_WORDING[definition.matter_type]  # a 备案 is 予以备案, not 准予许可
        return wording.granted if case.outcome == "approved" else wording.refusal
    return ENDED_RESULTS.get(case.outcome or "")


EVENTS = core_table(CaseEvent)
_MAILINGS = (sa_select(EVENTS.c.payload)
             .where(EVENTS.c.case_id == bindparam("case_id"),
                    EVENTS.c.action == kinds.DELIVER.trigger_for(Delivery.MAIL.value))
             .order_by(EVENTS.c.seq.desc()).limit(1))


def mail_tracking_no(*, session: Session, case: Case) -> str | None:
    """The EMS number the result was mailed under, from the deliver_mail event; None when not mailed."""
    payload = session.connection().execute(_MAILINGS, {"case_id": case.id}).scalar_one_or_none()
    return (payload or {}).get("tracking_no") or None


def _outstanding(office: Office, case: Case) -> list[Outstanding]:
    rows = queries.material_rows(office.matter_of(case), case)
    return [Outstanding(row.material.name, row.status_label, row.gap_due)
            for row in rows if row.required and row.status not in pg.PRESENT]


def applicant_status(*, session: Session, office: Office, case: Case) -> ApplicantStatus:
    matter = office.matter_of(case)
    final = case.state in FINAL_STATES
    owed = () if final else tuple(queries.owed_by_applicant(session=session, office=office, case=case))
    kind = None if not owed else ("correction" if case.state == AWAITING_CORRECTION else "gaps")
    return ApplicantStatus(
        receipt_no=case.receipt_no, matter_name=matter.definition.name,
        state_label=matter.compiled.state_label(case.state), received_on=office.time.date(case.received_at),
        accepted_on=case.accepted_on, promised_due=case.promised_due, provisional=case.due_provisional,
        closed_on=office.time.date(case.closed_at) if case.closed_at else None,
        outstanding=[] if final else _outstanding(office, case),
        owed_kind=kind, owed=owed,
        ways=ways(office.profile, matter.definition.code, owed_channels(owed), case.receipt_no) if owed else (),
        today=office.today(), result=result_label(case, matter.definition),
        tracking_no=mail_tracking_no(session=session, case=case) if final else None,
        final=final, evaluated=_case_rated(session, case),
    )


def _case_rated(session: Session, case: Case) -> bool:
    """Whether the applicant has rated the whole case (一事一评)."""
    query = sa_select(col(Rating.id)).where(col(Rating.case_id) == case.id, col(Rating.visit_seq) == WHOLE_CASE)
    return session.execute(query).first() is not None
