"""The one place where domain errors become HTTP responses and error pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import SQLAlchemyError

from windows.auth import LoginRequired, TooManyAttempts
from windows.rendering import render
from workflows import db_faults, errors

STATUS = ((LoginRequired, 401), (TooManyAttempts, 429), (errors.Forbidden, 403), (errors.NotFound, 404),
          (errors.Conflict, 409), (errors.BadInput, 422), (errors.DatabaseFull, 507), (errors.Unavailable, 503))


def status_of(exc: errors.DomainError) -> int:
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 400)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, exc: errors.DomainError, status: int | None = None):
    status = status or status_of(exc)
    # A database fault passes: the client is told when to try again.
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, errors.Unavailable) else None
    if wants_json(request):
        return JSONResponse(exc.as_dict(), status_code=status, headers=headers)
    if isinstance(exc, LoginRequired) and request.method == "GET":
        # A browser that lost its session goes to the login form and comes back afterwards.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    actor = getattr(request.state, "actor", None)
    response = render(request, "error.html", actor=actor, status=status, error=exc, title="出错了", http_status=status)
    response.headers.update(headers or {})
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def domain_error(request: Request, exc: errors.DomainError):
        return error_response(request, exc)

    @app.exception_handler(SQLAlchemyError)
    async def database_fault(request: Request, exc: SQLAlchemyError):
        # A read, a staff lookup or a pool checkout that failed; the engine maps its own writes' failures.
        fault = db_faults.fault_of(exc)
        if fault is None:
            raise exc  # not the database's fault but a bug: the server error it is
        return error_response(request, fault)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        error = errors.BadInput(f"输入有误：{first.get('msg', '')}", field=field)
        return error_response(request, error, 422)
