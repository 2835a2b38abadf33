"""Cases over the API: open, preview, read, act, queue, search.

Each handler parses, calls one function of the service layer or the read
side, and shapes the answer; the rules live in `workflows`.
"""

from __future__ import annotations

import functools
import inspect
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session

from windows.api_route import AnsweredInThread
from windows.contexts import gap_deadlines
from windows.deps import ApiCaseReaderDep, ApiClerkDep, ApiWorkerDep, CaseDep, OfficeDep, SessionDep
from windows.openapi_responses import BODY_ERRORS
from windows.schemas import (ACTION_REQUESTS, NO_NUL, ActionRequest, CaseOut, CaseSummaryOut, IntakeIn, OpenCaseIn,
                             PaperOut, QueueItemOut, VerdictOut, WaitingItemOut)
from workflows import accounts, actions, cases, outbox, queries
from workflows import action_kinds as kinds
from workflows.cases import MaterialCheck
from workflows.submission import Applicant
from workflows.machine import FINAL_STATES
from workflows.models import Case
from workflows.office import Actor, Office

router = APIRouter(route_class=AnsweredInThread, tags=["cases 办件"])
ReceiptNo = Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z]+$")]


def case_out(request: Request, session: Session, office: Office, case: Case, actor: Actor) -> CaseOut:
    view = queries.case_view(session=session, office=office, case=case, actor=actor)
    gaps = gap_deadlines(office, view.matter.definition, view.verdict) if view.verdict else []
    return CaseOut.of(view, papers_of(request, case), gaps, office.time, outbox.case_messages(session, case))


def papers_of(request: Request, case: Case) -> list[PaperOut]:
    """The papers the guides module says this case calls for; none until that module is installed."""
    kinds = request.app.state.papers_for(case)
    return [PaperOut(kind=k, label=title, href=f"/papers/{case.id}/{k}.pdf") for k, title in kinds]


def checks(body: IntakeIn) -> dict[str, MaterialCheck]:
    return {mid: MaterialCheck(m.status, m.note) for mid, m in body.materials.items()}


@router.post("/intake/preview", response_model=VerdictOut, responses=BODY_ERRORS)
def preview_intake(body: IntakeIn, office: OfficeDep, actor: ApiClerkDep) -> VerdictOut:
    """The engine's verdict (受理 / 容缺 / 一次性告知 / 不予受理) before a case is opened."""
    verdict = actions.preview(office=office, matter_code=body.matter_code, data=body.data, materials=checks(body))
    definition = office.catalogue.get(body.matter_code).definition
    return VerdictOut.of(verdict, gap_deadlines(office, definition, verdict))


@router.post("/cases", response_model=CaseOut, status_code=201, responses=BODY_ERRORS)
def open_case(request: Request, body: OpenCaseIn, session: SessionDep, office: OfficeDep,
              actor: ApiClerkDep) -> CaseOut:
    """收件: register a submission with what was handed in.

    The answer carries the intake verdict and the actions now open (accept,
    accept_tolerated, notify, refuse); take one on the answer's `version`.
    """
    a = body.applicant
    applicant = Applicant(a.kind, a.name, a.id_no, a.phone, a.agent_name, a.agent_id_no, sms_opt_out=a.sms_opt_out)
    case = cases.open_case(session=session, office=office, matter_code=body.matter_code, applicant=applicant,
                           channel=body.channel, clerk=actor, delivery_method=body.delivery_method,
                           delivery_address=body.delivery_address, data=body.data, materials=checks(body))
    return case_out(request, session, office, case, actor)


@router.get("/cases", response_model=list[CaseSummaryOut])
def list_cases(
    session: SessionDep,
    office: OfficeDep,
    actor: ApiCaseReaderDep,
    state: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")] = None,
    matter_code: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    window: Annotated[str | None, Query(max_length=64, pattern=NO_NUL)] = None,
    open_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[CaseSummaryOut]:
    found = queries.list_cases(session, state=state, matter_code=matter_code, window=window, open_only=open_only,
                               limit=limit, offset=offset)
    return [CaseSummaryOut.of(c, office.time) for c in found]


@router.get("/cases/by-receipt/{receipt_no}", response_model=CaseOut)
def get_case_by_receipt(request: Request, receipt_no: ReceiptNo, session: SessionDep, actor: ApiCaseReaderDep,
                        office: OfficeDep) -> CaseOut:
    return case_out(request, session, office, queries.get_case_by_receipt(session, receipt_no), actor)


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(request: Request, actor: ApiCaseReaderDep, case: CaseDep, session: SessionDep,
             office: OfficeDep) -> CaseOut:
    """The case with its materials, deadlines, events, the intake verdict and the actions the caller may take."""
    return case_out(request, session, office, case, actor)


def _action_operation(kind: kinds.ActionKind) -> None:
    """One operation per declared action: its path is the trigger, its body the action's own request model.

    A family's path carries the rest of its trigger as a parameter (`/actions/deliver_{method}`). The
    endpoint's signature is built from the declaration, since its body type differs per action.
    """
    body_model = ACTION_REQUESTS[kind.name]
    param = kind.parameter
    path = f"/cases/{{case_id}}/actions/{kind.prefix}" + (f"{{{param.argument}}}" if param else "")

    def act(*, request: Request, body: ActionRequest, actor: Actor, case: Case, session: Session, office: Office,
            **tail: str) -> CaseOut:
        trigger = kind.trigger_for(tail[param.argument]) if param else kind.name
        actions.perform(session=session, office=office, case=case, actor=actor, trigger=trigger,
                        fields=body.fields(), expected_version=body.expected_version)
        return case_out(request, session, office, case, actor)

    named = [("request", Request), ("body", body_model), ("actor", ApiWorkerDep), ("case", CaseDep),
             ("session", SessionDep), ("office", OfficeDep)]
    if param:
        named.append((param.argument, Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_-]*$",
                                                          description=f"取自事项定义的 {param.source}")]))
    # FastAPI reads the endpoint's parameters from its signature: this action's body model and path.
    signature = inspect.Signature([inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
                                   for name, annotation in named], return_annotation=CaseOut)
    setattr(act, "__signature__", signature)  # noqa: B010  (functions do not declare the attribute)
    act.__name__ = f"act_{kind.name}"
    router.add_api_route(path, act, methods=["POST"], response_model=CaseOut, responses=BODY_ERRORS,
                         name=act.__name__, summary=body_model.__doc__,
                         description="对办件执行此操作（须为办件 `actions` 中列出的），基于调用方看到的办件版本。")


for _kind in kinds.KINDS:
    if _kind.on_case:  # 收件 opens a case: POST /cases
        _action_operation(_kind)


@router.get("/queue", response_model=list[QueueItemOut])
def my_queue(session: SessionDep, office: OfficeDep, actor: ApiWorkerDep,
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[QueueItemOut]:
    """Cases waiting for one of my roles: overdue first, then by promised deadline."""
    found = queries.queue_for(session, actor, all_windows=_comprehensive(session, actor), limit=limit)
    today = office.today()
    # Queues bunch on a few due dates; count each date's working days once.
    days_left = functools.cache(lambda due: office.calendar.workdays_between(today, due))
    items = []
    for case in found:
        left = days_left(case.promised_due) if case.promised_due else None
        items.append(QueueItemOut(**CaseSummaryOut.of(case, office.time).model_dump(), promised_left=left,
                                  overdue=left is not None and left < 0 and case.state not in FINAL_STATES))
    return items


@router.get("/queue/waiting", response_model=list[WaitingItemOut])
def waiting_queue(session: SessionDep, office: OfficeDep, actor: ApiWorkerDep,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[WaitingItemOut]:
    """Cases waiting on the applicant (待补正, 容缺待补), scoped as the queue: soonest deadline first,
    each with what is owed, its deadline and the applicant's phone."""
    found = queries.waiting_on_applicant(session=session, office=office, actor=actor,
                                         all_windows=_comprehensive(session, actor))
    return [WaitingItemOut.of_waiting(w, office.matter_of(w.case).definition.name, office.time) for w in found[:limit]]


def _comprehensive(session: Session, actor: Actor) -> bool:
    window = session.get(accounts.ServiceWindow, actor.window) if actor.window else None
    return bool(window and window.comprehensive)


@router.get("/search", response_model=list[CaseSummaryOut])
def search(q: Annotated[str, Query(min_length=1, max_length=64, pattern=NO_NUL,
                                   description="收件编号、申请人名称、身份证号或统一社会信用代码、电话")],
           session: SessionDep, office: OfficeDep, actor: ApiCaseReaderDep,
           limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[CaseSummaryOut]:
    return [CaseSummaryOut.of(c, office.time) for c in queries.search_cases(session, q, limit=limit)]
