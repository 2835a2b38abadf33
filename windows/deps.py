"""What routes take, each named once as an `Annotated` alias (as the FastAPI full-stack template writes them).

A route reads its needs from its signature:
`def case_detail(request: Request, actor: CaseReaderDep, case: CaseDep, session: SessionDep)`.
How a login, a session or a CSRF check works stays in windows/auth.py and windows/api_access.py;
this module only names the dependencies and the role sets each route serves.

FastAPI resolves a route's dependencies in the order its signature lists them, and the first to fail
answers: declare the role before the form (a stranger is refused before the CSRF check) and before
anything that reads the database.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from windows.api_access import staff
from windows.api_route import Later
from windows.auth import checked_form, db, optional_actor, require_roles
from windows.rendering import (AUDITORS, CASE_READERS, DRAW_OPERATORS, EVERY_STAFF, INSPECTION_VIEWERS, INSPECTORS,
                               LICENCE_ACTORS, LICENCE_READERS, PAPER_ROLES, WORKERS)
from workflows import queries
from workflows.models import Case
from workflows.office import Actor, Office


async def office_of(request: Request) -> Office:
    """The office the app serves; async because it only reads app state (no thread hand-off)."""
    return request.app.state.office


async def case_in_path(case_id: int, session: Session = Depends(db)) -> Later[Case]:
    """The case the path names, loaded in the route's worker thread (windows.api_route); 404 no-such-case
    when there is none, an id out of the column's range included."""
    return Later(lambda: queries.get_case(session, case_id))


SessionDep = Annotated[Session, Depends(db)]  # the request's database session, closed once answered
OfficeDep = Annotated[Office, Depends(office_of)]  # the office: catalogue, calendar, clock, profile
FormDep = Annotated[FormData, Depends(checked_form)]  # the posted form, its CSRF token checked (403 csrf-failed)
MaybeActorDep = Annotated[Actor | None, Depends(optional_actor)]  # the logged-in staff member, or None: anyone
# The case of the path's `{case_id}`; declare it after the role, so a stranger is refused before any case is read.
CaseDep = Annotated[Case, Depends(case_in_path)]

# Staff pages (session cookie; no login → 401, or the login redirect for a browser; wrong role → 403).
ClerkDep = Annotated[Actor, Depends(require_roles("clerk"))]  # a clerk
WorkerDep = Annotated[Actor, Depends(require_roles(*WORKERS))]  # clerk, reviewer or approver
CaseReaderDep = Annotated[Actor, Depends(require_roles(*CASE_READERS))]  # a worker or an auditor
StaffDep = Annotated[Actor, Depends(require_roles(*EVERY_STAFF))]  # any member of staff
AuditorDep = Annotated[Actor, Depends(require_roles(*AUDITORS))]  # auditor or admin
AuditorOnlyDep = Annotated[Actor, Depends(require_roles("auditor"))]  # an auditor (what goes into the report)
LicenceReaderDep = Annotated[Actor, Depends(require_roles(*LICENCE_READERS))]  # a case reader or an admin
LicenceActorDep = Annotated[Actor, Depends(require_roles(*LICENCE_ACTORS))]  # approver or admin: 注销, 吊销
PaperDep = Annotated[Actor, Depends(require_roles(*PAPER_ROLES))]  # who hands out papers: a worker or admin
InspectionViewerDep = Annotated[Actor, Depends(require_roles(*INSPECTION_VIEWERS))]  # 双随机 draws: admin, auditor
DrawOperatorDep = Annotated[Actor, Depends(require_roles(*DRAW_OPERATORS))]  # announce, run, publish: admin
InspectorDep = Annotated[Actor, Depends(require_roles(*INSPECTORS))]  # an inspector: their 抽查任务

# The API (bearer token, or the session cookie plus X-CSRF-Token on a state-changing request).
ApiClerkDep = Annotated[Actor, Depends(staff("clerk"))]  # a clerk
ApiWorkerDep = Annotated[Actor, Depends(staff(*WORKERS))]  # clerk, reviewer or approver
ApiCaseReaderDep = Annotated[Actor, Depends(staff(*CASE_READERS))]  # a worker or an auditor
ApiStaffDep = Annotated[Actor, Depends(staff(*EVERY_STAFF))]  # any member of staff
ApiAdminDep = Annotated[Actor, Depends(staff("admin"))]  # an admin
ApiLicenceReaderDep = Annotated[Actor, Depends(staff(*LICENCE_READERS))]  # a case reader or an admin

ROLE_DEPS = (ClerkDep, WorkerDep, CaseReaderDep, StaffDep, AuditorDep, AuditorOnlyDep, PaperDep, LicenceReaderDep,
             LicenceActorDep, InspectionViewerDep, DrawOperatorDep, InspectorDep, ApiClerkDep, ApiWorkerDep,
             ApiCaseReaderDep, ApiStaffDep, ApiAdminDep, ApiLicenceReaderDep)
