"""证照库 pages: search the licence register, open a licence, 注销 or 吊销 it.

    GET  /licences?holder=&number=&matter=&status=&page=   search (case readers and administrators)
    GET  /licences?expiring=60                              即将到期: 有效 licences expiring within N days
    GET  /licences/{id}                                     one licence, its case and its history
    POST /licences/{id}/status                              注销 or 吊销 with a reason (approver, admin; CSRF)

The rules are in inspections.register; this module reads the request, asks, renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from inspections import register, reminders, results
from windows import forms
from windows.api_route import AnsweredInThread
from windows.auth import flash
from windows.deps import FormDep, LicenceActorDep, LicenceReaderDep, OfficeDep, SessionDep
from windows.errors import status_of
from windows.openapi_responses import page_errors
from windows.rendering import CASE_READERS, LICENCE_ACTORS, render
from workflows import accounts, errors
from workflows.identity import mask_id
from workflows.models import Case
from workflows.office import Actor, Office

router = APIRouter(route_class=AnsweredInThread, default_response_class=HTMLResponse, tags=["licences 证照库"],
                   responses=page_errors(303, 401, 403, 404, 409, 422, 503))
PAGE_SIZE = 50
NO_NUL = r"^[^\x00]*$"
MAX_EXPIRING = 3660  # ten years ahead


@dataclass(frozen=True)
class SearchParams:
    holder: str
    number: str
    matter: str
    status: str
    expiring: int | None
    page: int

    def filters(self) -> register.LicenceFilter:
        return register.LicenceFilter(holder=self.holder, number=self.number, matter=self.matter, status=self.status,
                                      expiring_within=self.expiring)

    def query(self, **change: object) -> str:
        given = {"holder": self.holder, "number": self.number, "matter": self.matter, "status": self.status,
                 "expiring": self.expiring, "page": self.page} | change
        return urlencode({k: v for k, v in given.items() if v not in ("", None)})


def _params(office: Office, holder: str, number: str, matter: str, status: str, expiring: str,
            page: int) -> tuple[SearchParams, dict[str, str]]:
    """The search as asked, with a Chinese message for each field that cannot be used."""
    problems: dict[str, str] = {}
    matter = forms.clean(matter, 64)
    if matter and matter not in {v.code for v in office.catalogue.matters()}:
        problems["matter"] = "没有这个事项"
        matter = ""
    status = forms.clean(status, 16)
    if status and status not in register.STATUS_LABELS:
        problems["status"] = "没有这个状态"
        status = ""
    days: int | None = None
    expiring = forms.clean(expiring, 8)
    if expiring:
        if expiring.isdigit() and int(expiring) <= MAX_EXPIRING:
            days = int(expiring)
        else:
            problems["expiring"] = f"到期天数须为 0 至 {MAX_EXPIRING} 的整数"
    return SearchParams(holder=forms.clean(holder, 128), number=forms.clean(number, 64), matter=matter,
                        status=status, expiring=days, page=max(1, min(page, 100_000))), problems


Text = Annotated[str, Query(max_length=128, pattern=NO_NUL)]


@router.get("/licences")
def licence_search(request: Request, actor: LicenceReaderDep, session: SessionDep, office: OfficeDep,
                   holder: Text = "", number: Text = "", matter: Text = "", status: Text = "",
                   expiring: Annotated[str, Query(max_length=8, pattern=NO_NUL,
                                                  description="列出多少日内到期的有效证照")] = "",
                   page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    params, problems = _params(office, holder, number, matter, status, expiring, page)
    today = office.today()
    rows, total = register.search(session=session, today=today, filters=params.filters(),
                                  offset=(params.page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    matters = [(v.code, v.definition.name) for v in office.catalogue.matters()]
    names = dict(matters)
    listed = [{"row": r, "matter_name": names.get(r.matter_code, r.matter_code), "holder_id": mask_id(r.holder_id_no)}
              for r in rows]
    expiring_tab = params.expiring is not None
    title = "证照库 · 即将到期" if expiring_tab else "证照库"
    return render(request, "licences.html", actor=actor, title=title, params=params, problems=problems,
                  rows=listed, total=total, pages=max(1, -(-total // PAGE_SIZE)), matters=matters,
                  statuses=register.STATUS_LABELS, counts=register.status_counts(session=session, today=today),
                  expiring_tab=expiring_tab, window_days=office.profile.licences.expiry_window_days,
                  notice_days=register.RENEWAL_NOTICE_DAYS, today=today,
                  status=200 if not problems else 422)


def _licence_page(request: Request, session, office: Office, actor: Actor, licence_id: int, *,
                  error: errors.DomainError | None = None, reason: str = "", action: str = ""):
    today = office.today()
    licence = register.get(session=session, today=today, licence_id=licence_id)
    matter = office.catalogue.get(licence.matter_code).definition.name
    history = register.history(session=session, office=office, licence=licence)
    case = session.get(Case, licence.case_id) if licence.case_id else None
    return render(request, "licence.html", actor=actor, title=f"证照 {licence.number}", licence=licence,
                  matter_name=matter, history=history, names=_names(session, {h.actor for h in history}),
                  receipt_no=case.receipt_no if case else "",
                  reminders=reminders.reminders_of(session=session, licence_id=licence_id),
                  reminder_rule=register.reminder_rule(office.profile.licences.expiry_window_days),
                  inspections=results.tasks(session=session, licence_number=licence.number),
                  can_act=bool(actor.roles & LICENCE_ACTORS), can_read_case=bool(actor.roles & CASE_READERS),
                  actions=register.STATUS_ACTIONS, today=today,
                  error=error, reason=reason, chosen=action, notice_days=register.RENEWAL_NOTICE_DAYS,
                  status=status_of(error) if error else 200)


def _names(session, usernames: set[str]) -> dict[str, str]:
    """Who acted, by the name staff know them by; the sweep and the import by what they are."""
    names = {"system": "系统", "import": "存量导入"}
    for username in usernames - names.keys():
        user = session.get(accounts.StaffUser, username) if username else None
        names[username] = user.display_name if user else username
    return names


@router.get("/licences/{licence_id:int}")
def licence_detail(request: Request, licence_id: int, actor: LicenceReaderDep, session: SessionDep,
                   office: OfficeDep):
    return _licence_page(request, session, office, actor, licence_id)


@router.post("/licences/{licence_id:int}/status")
def licence_status(request: Request, licence_id: int, actor: LicenceActorDep, form: FormDep, session: SessionDep,
                   office: OfficeDep):
    action = forms.clean(form.get("action"), 16)
    reason = forms.clean(form.get("reason"), 500)
    try:
        to_status = register.change_status(session=session, office=office, licence_id=licence_id, actor=actor,
                                           action=action, reason=reason)
    except errors.LicenceNotFound:
        raise
    except (errors.BadInput, errors.Conflict, errors.Forbidden) as exc:
        session.rollback()
        return _licence_page(request, session, office, actor, licence_id, error=exc, reason=reason, action=action)
    flash(request, f"证照已{register.STATUS_LABELS[to_status][1:]}")
    return RedirectResponse(f"/licences/{licence_id}", status_code=303)
