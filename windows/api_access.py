"""Who may call an API endpoint, and the guard against cross-site use of a staff session.

Integrations authenticate with `Authorization: Bearer <token>`; a browser may
call the API with its staff session cookie too, and then every state-changing
request must carry the session's CSRF token in `X-CSRF-Token`, because a
cookie is sent by the browser whichever site made the request. A bearer token
is never sent implicitly, so it needs no such check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from windows.api_route import Later
from windows.auth import check_csrf, require_roles
from workflows.office import Actor

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"

# Declared so /docs offers "Authorize" and the OpenAPI names the scheme; the token
# itself is read and checked by windows.auth.require_roles.
bearer_scheme = HTTPBearer(auto_error=False, description="接口令牌，由系统管理员签发")


def staff(*roles: str) -> Callable[..., Awaitable[Later[Actor]]]:
    """A dependency: the caller holds one of `roles`; cookie callers also pass the CSRF check.

    Async, as it reads no database: the role check itself runs in the route's worker thread.
    """
    role_check = require_roles(*roles)

    async def dependency(request: Request, actor: Later[Actor] = Depends(role_check),
                         _: HTTPAuthorizationCredentials | None = Security(bearer_scheme)) -> Later[Actor]:
        if request.method not in SAFE_METHODS and not _has_bearer(request):
            check_csrf(request, request.headers.get(CSRF_HEADER))
        return actor

    return dependency


def _has_bearer(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())
