"""Every route takes its dependencies as `Annotated` aliases, and its role check from windows/deps.py.

A route that declared `actor: Actor = Depends(require_roles("clerk"))` again would keep its
own copy of who may pass; here such a route fails, as does a role alias nobody uses.
"""

from __future__ import annotations

import inspect
import typing

from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant
from fastapi.params import Depends
from fastapi.routing import APIRoute

from windows import deps
from windows.routes import flat_routes


def _endpoints(app) -> dict[str, typing.Callable]:
    """Our routes' endpoints by method and path (FastAPI's own /docs routes are not APIRoutes)."""
    return {f"{sorted(info.methods)} {info.path}": info.route.endpoint
            for info in flat_routes(app.routes) if isinstance(info.route, APIRoute)}


def _parameters(endpoint) -> list[inspect.Parameter]:
    # Follows __wrapped__ through AnsweredInThread and on_render_threads to the declared signature.
    return list(inspect.signature(endpoint, eval_str=True).parameters.values())


def _role_checks(dependant: Dependant) -> set:
    """The role checks (windows.auth.require_roles) anywhere under a dependant."""
    found = {dependant.call} if hasattr(dependant.call, "roles") else set()
    for sub in dependant.dependencies:
        found |= _role_checks(sub)
    return found


def _alias_role_checks(alias) -> set:
    depends = typing.get_args(alias)[1]
    return _role_checks(get_dependant(path="/", call=depends.dependency))


def test_no_route_declares_a_dependency_as_a_parameter_default(app):
    bare = [f"{route} {p.name}" for route, endpoint in _endpoints(app).items()
            for p in _parameters(endpoint) if isinstance(p.default, Depends)]
    assert bare == []


def test_every_role_alias_is_used_and_every_role_check_comes_from_one(app):
    used = {p.annotation for endpoint in _endpoints(app).values() for p in _parameters(endpoint)
            if p.annotation in deps.ROLE_DEPS}
    assert len(used) == len(deps.ROLE_DEPS) == len(set(deps.ROLE_DEPS))

    declared = set().union(*(_alias_role_checks(alias) for alias in deps.ROLE_DEPS))
    in_routes = set().union(*(_role_checks(route.dependant) for route in (
        info.route for info in flat_routes(app.routes) if isinstance(info.route, APIRoute))))
    assert in_routes == declared



def _loads_later(dependant: Dependant) -> bool:
    """Whether a dependency anywhere under the dependant returns a `Later` (windows.api_route)."""
    from windows.api_route import Later

    returns = inspect.signature(dependant.call, eval_str=True).return_annotation if dependant.call else None
    if typing.get_origin(returns) is Later or returns is Later:
        return True
    return any(_loads_later(sub) for sub in dependant.dependencies)


def test_every_route_with_a_later_dependency_loads_it_in_its_worker_thread(app):
    """Who is asking and the case arrive as `Later` loads: only a route of the class AnsweredInThread (or one
    on the render threads, which it leaves to load its own) turns them into an Actor and a Case. A route on a
    plain router would hand its endpoint the unloaded `Later` instead."""
    from windows.api_route import AnsweredInThread

    later = [info for info in flat_routes(app.routes)
             if isinstance(info.route, APIRoute) and _loads_later(info.route.dependant)]
    assert len(later) > 30  # the role checks and the case in the path are found
    plain = [f"{sorted(info.route.methods)} {info.path}" for info in later
             if not isinstance(info.route, AnsweredInThread)]
    assert plain == []
