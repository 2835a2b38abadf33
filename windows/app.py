"""Install the counter-staff interface, the public pages and the REST API on an app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from windows import api, auditing, pages, public
from windows.errors import install_error_handlers

WINDOWS_TEMPLATES = Path(__file__).parent / "templates"


def install(app: FastAPI) -> None:
    settings = app.state.settings
    # Starlette's session cookie is signed (itsdangerous) and HttpOnly; SameSite=lax
    # keeps it off cross-site form posts, and https_only in production.
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="onevisit_session",
                       same_site="lax", https_only=settings.production, max_age=8 * 3600)
    install_error_handlers(app)
    for module in (public, pages, auditing, api):
        app.include_router(module.router)
