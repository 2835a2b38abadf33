"""Install the counter-staff interface, the public pages and the REST API on an app."""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from guides.papers import paper_list
from inspections.items import load_items
from windows import (api, auditing, guide_routes, inspections, kiosk, licences, pages, public,
                     public_inspections, rating_list, rating_pages)
from windows.rendering import PAPER_ROLES
from windows.errors import install_error_handlers
from windows.matter_index import MatterIndex
from windows.routes import flat_routes
from windows.security_headers import SecurityHeaders
from workflows import throttle

WINDOWS_TEMPLATES = Path(__file__).parent / "templates"


def install(app: FastAPI) -> None:
    settings = app.state.settings
    # Starlette's session cookie is signed (itsdangerous) and HttpOnly; SameSite=lax
    # keeps it off cross-site form posts, and https_only in production.
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="onevisit_session",
                       same_site="lax", https_only=settings.production, max_age=8 * 3600)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    app.state.login_throttle = throttle.LOGINS  # failures per client address, counted in the database
    app.state.lookup_throttle = throttle.LOOKUPS
    app.state.matter_index = MatterIndex(app.state.office.catalogue)
    # (kind, title) of each paper the case's history calls for
    app.state.papers_for = functools.partial(paper_list, app.state.office)
    app.state.paper_roles = frozenset(PAPER_ROLES)  # the page offers the papers only to those the route serves
    guide_routes.install(app)  # first, as before: its paths are matched ahead of the pages'
    # The 抽查事项清单, checked against the catalogue: a wrong item file stops start-up, naming it.
    app.state.inspection_items = load_items(matters={v.code for v in app.state.office.catalogue.matters()})
    for module in (public, pages, auditing, licences, inspections, public_inspections, rating_pages,
                   rating_list, kiosk, api):
        app.include_router(module.router)
    app.state.page_paths = frozenset(r.path for r in flat_routes(app.routes))
