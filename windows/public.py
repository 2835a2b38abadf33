"""Public pages (no login): the catalogue with links to the guides, case status lookup, and 好差评.

The status page shows the state, the dates and what is still missing, and
nothing else about the applicant: whoever knows a receipt number and four
digits of a phone number learns no name, ID or address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from windows.auth import TooManyAttempts, anyone, checked_form, client_key, db
from windows.errors import status_of
from windows.forms import clean
from windows.rendering import render
from workflows import errors, feedback, queries
from workflows import progress as pg
from workflows.machine import FINAL_STATES
from workflows.models import Case
from workflows.office import Office

router = APIRouter(dependencies=[Depends(anyone)])


@dataclass(frozen=True)
class Outstanding:
    name: str
    status: str
    due: str | None


@dataclass(frozen=True)
class PublicStatus:
    receipt_no: str
    matter_name: str
    state_label: str
    received_on: dt.date
    accepted_on: dt.date | None
    promised_due: dt.date | None
    provisional: bool
    closed_on: dt.date | None
    outstanding: list[Outstanding]
    final: bool
    evaluated: bool


def public_status(session: Session, office: Office, case: Case) -> PublicStatus:
    matter = office.matter_of(case)
    final = case.state in FINAL_STATES
    outstanding = [] if final else [
        Outstanding(row.material.name, row.status_label, row.gap_due.isoformat() if row.gap_due else None)
        for row in queries.material_rows(matter, case)
        if row.required and row.status not in pg.PRESENT
    ]
    return PublicStatus(
        case.receipt_no, matter.definition.name, matter.compiled.state_label(case.state), office.time.date(case.received_at),
        case.accepted_on, case.promised_due, case.due_provisional,
        office.time.date(case.closed_at) if case.closed_at else None, outstanding, final,
        session.get(feedback.Evaluation, case.id) is not None,
    )


@router.get("/public")
def catalogue(request: Request):
    return render(request, "public_catalogue.html", actor=None, title="办事服务",
                  entries=request.app.state.matter_index.entries)


@router.get("/public/status")
def status_form(request: Request):
    return _status_page(request)


def _status_page(request: Request, *, found: PublicStatus | None = None, error: errors.DomainError | None = None,
                 receipt_no: str = "", last4: str = "", thanks: bool = False):
    return render(request, "public_status.html", actor=None, status=status_of(error) if error else 200,
                  title="办件进度查询", found=found, error=error, receipt_no=receipt_no, last4=last4, thanks=thanks)


def _lookup(request: Request, session: Session, receipt_no: str, last4: str) -> Case:
    throttle, now, address = request.app.state.lookup_throttle, request.app.state.office.now(), client_key(request)
    if throttle.blocked(session=session, address=address, now=now):
        raise TooManyAttempts("查询失败次数过多，请 15 分钟后再试")
    try:
        return feedback.case_for_applicant(session, receipt_no[:32], last4[:4])
    except errors.NotFound:
        throttle.failed(session=session, address=address, now=now)
        raise


def _credentials(form: FormData) -> tuple[str, str]:
    return clean(form.get("receipt_no"), 32), clean(form.get("phone_last4"), 4)


@router.post("/public/status")
def status_lookup(request: Request, form: FormData = Depends(checked_form), session: Session = Depends(db)):
    receipt_no, last4 = _credentials(form)
    try:
        case = _lookup(request, session, receipt_no, last4)
    except errors.DomainError as exc:
        return _status_page(request, error=exc, receipt_no=receipt_no)
    found = public_status(session, request.app.state.office, case)
    return _status_page(request, found=found, receipt_no=receipt_no, last4=last4)


@router.post("/public/evaluate")
def evaluate(request: Request, form: FormData = Depends(checked_form), session: Session = Depends(db)):
    receipt_no, last4 = _credentials(form)
    office, case = request.app.state.office, None
    try:
        case = _lookup(request, session, receipt_no, last4)
        feedback.evaluate_case(session=session, receipt_no=receipt_no, phone_last4=last4,
                               score=_score(form.get("score")), comment=clean(form.get("comment")),
                               now=office.now())
    except errors.DomainError as exc:
        found = public_status(session, office, case) if case is not None else None
        return _status_page(request, found=found, error=exc, receipt_no=receipt_no, last4=last4)
    return _status_page(request, found=public_status(session, office, case), receipt_no=receipt_no, last4=last4,
                        thanks=True)


def _score(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise errors.BadInput("请选择 1 至 5 分", field="score") from None
