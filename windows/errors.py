"""The one place where domain errors become HTTP responses and error pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from windows.auth import LoginRequired, TooManyAttempts
from windows.rendering import render
from workflows import errors

STATUS = ((LoginRequired, 401), (TooManyAttempts, 429), (errors.Forbidden, 403), (errors.NotFound, 404),
          (errors.Conflict, 409), (errors.BadInput, 422))


def status_of(exc: errors.DomainError) -> int:
    return next((status for cls, status in STATUS if isinstance(exc, cls)), 400)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, exc: errors.DomainError, status: int | None = None):
    status = status or status_of(exc)
    if wants_json(request):
        return JSONResponse(exc.as_dict(), status_code=status)
    if isinstance(exc, LoginRequired) and request.method == "GET":
        # A browser that lost its session goes to the login form and comes back afterwards.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    actor = getattr(request.state, "actor", None)
    return render(request, "error.html", actor=actor, status=status, error=exc, title="出错了", http_status=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def domain_error(request: Request, exc: errors.DomainError):
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        error = errors.BadInput(f"输入有误：{first.get('msg', '')}", field=field)
        return error_response(request, error, 422)
