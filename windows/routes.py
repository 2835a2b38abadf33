"""Every route of an app as (path, methods), including those of included routers.

FastAPI keeps an included router as one `_IncludedRouter` entry in
`app.routes`; this walks into it so a listing shows every endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, cast

from fastapi import APIRouter
from starlette.routing import BaseRoute, Mount


class _IncludeContext(Protocol):
    prefix: str


class _IncludedRouter(Protocol):
    """What this walk reads of FastAPI's private `_IncludedRouter`, which its stubs do not declare."""

    original_router: APIRouter
    include_context: _IncludeContext


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    route: BaseRoute


def flat_routes(routes: list[BaseRoute], prefix: str = "") -> list[RouteInfo]:
    out: list[RouteInfo] = []
    for route in routes:
        if getattr(route, "original_router", None) is not None:
            included = cast(_IncludedRouter, route)
            out += flat_routes(included.original_router.routes, prefix + included.include_context.prefix)
        elif isinstance(route, Mount):
            out.append(RouteInfo(prefix + route.path + "/{path:path}", frozenset({"GET"}), route))
        elif hasattr(route, "path"):
            methods = frozenset(getattr(route, "methods", None) or {"GET"}) - {"HEAD"}
            out.append(RouteInfo(prefix + route.path, methods, route))
    return out
