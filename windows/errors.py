"""The one place where domain errors become HTTP responses and error pages.

Starlette's own refusals (no such path, a method the path does not take, a body
that cannot be read) take the same road, so every error an API client sees is
`{code, message, field}` and every one a browser sees is the Chinese error page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from windows.rendering import render
from windows.routes import flat_routes
from windows.error_status import answerable_errors, document_codes, status_of, status_of_class
from workflows import db_faults, errors


# Defined with every other error; named here too, as the refusals this module makes.
MalformedBody, MethodNotAllowed, NoSuchPath = errors.MalformedBody, errors.MethodNotAllowed, errors.NoSuchPath
__all__ = ["answerable_errors", "document_codes", "error_response", "install_error_handlers", "status_of",
           "status_of_class", "wants_json"]


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, exc: errors.DomainError, status: int | None = None):
    status = status or status_of(exc)
    # A database fault passes: the client is told when to try again.
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, errors.Unavailable) else None
    if wants_json(request):
        return JSONResponse(exc.as_dict(), status_code=status, headers=headers)
    if isinstance(exc, errors.LoginRequired) and request.method == "GET":
        # A browser that lost its session goes to the login form and comes back afterwards.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    actor = getattr(request.state, "actor", None)
    response = render(request, "error.html", actor=actor, status=status, error=exc, title="出错了", http_status=status)
    response.headers.update(headers or {})
    return response


def methods_of_path(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette's 405 names only the first route's)."""
    table = getattr(request.app.state, "path_methods", None)
    if table is None:
        table = request.app.state.path_methods = [(compile_path(r.path)[0], r.methods)
                                                  for r in flat_routes(request.app.routes)]
    # Only what the routes take: FastAPI's routes do not answer HEAD, so Allow must not offer it.
    methods = {m for regex, route_methods in table if regex.match(request.url.path) for m in route_methods}
    return sorted(methods | {"OPTIONS"}) if methods else []


def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 405:
        allow = {"Allow": ", ".join(methods_of_path(request))}
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=allow)  # what the path takes, asked for by name
        error = MethodNotAllowed(f"此地址不接受 {request.method} 请求，可用：{allow['Allow']}")
        response = error_response(request, error, 405)
        response.headers.update(allow)
        return response
    if exc.status_code == 404:
        return error_response(request, NoSuchPath(), 404)
    if exc.status_code == 400:
        return error_response(request, MalformedBody(), 400)
    refused = errors.RequestRefused(f"请求无法处理（HTTP {exc.status_code}）")
    response = error_response(request, refused, exc.status_code)
    response.headers.update(exc.headers or {})
    return response


# pydantic's messages are English; the clerk and the integrator read these instead.
VALIDATION_MESSAGES = {
    "missing": "缺少此项",
    "extra_forbidden": "本接口没有此项",
    "int_parsing": "须为整数", "int_type": "须为整数", "int_from_float": "须为整数",
    "float_parsing": "须为数字", "float_type": "须为数字",
    "bool_parsing": "须为 true 或 false", "bool_type": "须为 true 或 false",
    "string_type": "须为文字", "string_too_short": "不能为空或过短",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_pattern_mismatch": "含有不允许的字符或格式不正确",
    "greater_than_equal": "须不小于 {ge}", "greater_than": "须大于 {gt}",
    "less_than_equal": "须不大于 {le}", "less_than": "须小于 {lt}",
    "enum": "须为以下之一：{expected}", "literal_error": "须为以下之一：{expected}",
    "date_parsing": "须为日期（YYYY-MM-DD）", "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_type": "须为日期（YYYY-MM-DD）",
    "dict_type": "须为对象", "model_attributes_type": "须为对象", "list_type": "须为数组",
}


def validation_message(error: Mapping[str, Any]) -> str:
    """One validation error in Chinese, with the limit or the choices it names."""
    template = VALIDATION_MESSAGES.get(str(error.get("type")), "格式不正确")
    context = {k: str(v).replace("'", "") for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template.split("（")[0].split("：")[0]


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
        if first.get("type") == "json_invalid":
            return error_response(request, MalformedBody(), 400)
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        error = errors.BadInput(f"输入有误：{validation_message(first)}", field=field)
        return error_response(request, error, 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return _http_error(request, exc)
