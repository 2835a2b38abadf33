"""Rendering pages: the shared layout context (who, navigation, CSRF, flash) plus a page's own context."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from windows.auth import csrf_token, pop_flash
from workflows.office import Actor

WORKERS = frozenset({"clerk", "reviewer", "approver"})
CASE_READERS = WORKERS | {"auditor"}
EVERY_STAFF = frozenset({"clerk", "reviewer", "approver", "auditor", "admin"})
AUDITORS = frozenset({"auditor", "admin"})
PAPER_ROLES = WORKERS | {"admin"}  # who hands counter papers out
# 证照库: the case readers, and the administrator, who may 注销 or 吊销 a licence and so must see it.
LICENCE_READERS = CASE_READERS | {"admin"}
LICENCE_ACTORS = frozenset({"approver", "admin"})  # who may 注销 or 吊销 (inspections.register.ACTORS)


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
    ("/ratings/tasks", "差评整改", EVERY_STAFF),
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
