"""Rendering pages: the shared layout context (who, navigation, CSRF, flash) plus a page's own context."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from windows.auth import SESSION_USER, csrf_token, pop_flash
from workflows.office import Actor

WORKERS = frozenset({"clerk", "reviewer", "approver"})
CASE_READERS = WORKERS | {"auditor"}
EVERY_STAFF = frozenset({"clerk", "reviewer", "approver", "auditor", "admin", "inspector"})
AUDITORS = frozenset({"auditor", "admin"})
# The service centre's own staff (an inspector works outside it): who may hold a 差评 task.
WINDOW_STAFF = EVERY_STAFF - {"inspector"}
PAPER_ROLES = WORKERS | {"admin"}  # who hands counter papers out
# 证照库: the case readers, and the administrator, who may 注销 or 吊销 a licence and so must see it.
# Inspectors read the licences of the targets they are drawn for.
LICENCE_READERS = CASE_READERS | {"admin", "inspector"}
LICENCE_ACTORS = frozenset({"approver", "admin"})  # who may 注销 or 吊销 (inspections.register.ACTORS)
# 双随机: the draws are the administrator's to announce, run and publish (inspections.draws.OPERATORS),
# the auditor reads them; an inspector sees their own 抽查任务 and records the results.
INSPECTION_VIEWERS = frozenset({"admin", "auditor"})
DRAW_OPERATORS = frozenset({"admin"})
INSPECTORS = frozenset({"inspector"})


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    current: bool


_NAV = (
    ("/queue", "我的待办", WORKERS),
    ("/cases/new", "新建办件", frozenset({"clerk"})),
    ("/search", "查询", CASE_READERS),
    ("/licences", "证照库", LICENCE_READERS),
    ("/inspections", "双随机抽查", INSPECTION_VIEWERS),
    ("/inspections/tasks", "我的抽查任务", INSPECTORS),
    ("/ratings/tasks", "差评整改", WINDOW_STAFF),
    ("/matters", "事项目录", EVERY_STAFF),
    ("/audit", "效能监察", AUDITORS),
)


def navigation(request: Request, actor: Actor) -> list[NavItem]:
    path = request.url.path
    present = request.app.state.page_paths
    return [NavItem(href, label, path == href or path.startswith(href + "/"))
            for href, label, roles in _NAV if actor.roles & roles and href in present]


def chrome(request: Request, actor: Actor | None) -> dict:
    return {
        "actor": actor,
        # A page that knows no actor (an error page answered before any route ran, such as a mistyped
        # address) still tells a member of staff that they are signed in, and takes them back.
        "signed_in": actor is not None or bool("session" in request.scope and request.session.get(SESSION_USER)),
        "nav": navigation(request, actor) if actor else [],
        "csrf": csrf_token(request),
        "flash": pop_flash(request),
        "office_name": request.app.state.office.profile.name,
        "request": request,
        # Every inline <script> carries it (windows/security_headers.py): script-src allows nothing else inline.
        "csp_nonce": request.state.csp_nonce,
    }


def render(request: Request, template: str, *, actor: Actor | None, status: int = 200, **context) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(**chrome(request, actor), **context)
    return HTMLResponse(html, status_code=status)
