"""Routes answered from one worker thread: what a request reads from the database is read there.

FastAPI runs each plain `def` dependency in a thread hand-off of its own, then the
endpoint in another. A dependency that reads the database (who is asking, the case
in the path) would hold the request's pooled connection while the request waits for
the endpoint's thread: with more requests in flight than threads and connections
together, every thread then waits for a connection that only a queued endpoint would
give back, until the pool's timeout (tests/test_api_answers_without_a_second_thread_hand_off.py
runs one thread and a pool of two). So such a dependency is an `async def` that reads
nothing and returns a `Later`: the loading to do. The routes of this class call each
`Later` argument in the endpoint's own worker thread, in the order the signature lists
them (who is asking before the case), then the endpoint; every request is one hand-off.

Who is asking is still answered first: when a request fails for another reason before
its endpoint (a form's CSRF token, a body that does not validate), the route checks the
caller's role in a worker thread and answers that refusal instead, as when the role
check ran first.

FastAPI would also validate a plain endpoint's result for its response model in the
thread pool a second time, while the request still holds its connection: the same
wait. These routes validate and serialise it to JSON in the endpoint's thread, exactly
as FastAPI would, and hand back the finished response.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from fastapi import Request, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError, ResponseValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from workflows import errors

T = TypeVar("T")


@dataclass(frozen=True)
class Later(Generic[T]):
    """What a dependency loads once the request has its worker thread."""

    load: Callable[[], T]


def loaded(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The endpoint's arguments with every `Later` loaded, in order; call it in the worker thread."""
    return {name: value.load() if isinstance(value, Later) else value for name, value in kwargs.items()}


class AnsweredInThread(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # An async endpoint (a render-thread route, windows.render_threads) loads its own arguments where it runs.
        if not inspect.iscoroutinefunction(endpoint):
            model = kwargs.get("response_model")
            declared = model is not None and not isinstance(model, DefaultPlaceholder)  # pages declare none
            adapter = TypeAdapter(model) if declared and model is not None else None
            endpoint = _answering(endpoint, adapter, kwargs.get("status_code") or 200)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        refusals = _refusals(self.dependant)
        if not refusals:
            return handler

        async def answer_caller_first(request: Request) -> Response:
            try:
                return await handler(request)
            except (errors.Forbidden, RequestValidationError):  # a CSRF failure, a bad form or body
                for refusal in refusals:
                    refused = await run_in_threadpool(refusal, request)  # the error path only
                    if refused is not None:
                        raise refused from None
                raise

        return answer_caller_first


def _refusals(dependant: Dependant) -> list[Callable[[Request], errors.DomainError | None]]:
    """The role checks anywhere under a route's dependencies (windows.auth.require_roles), as refusals."""
    refusal = getattr(dependant.call, "refusal", None)  # set by require_roles on its dependency
    found: list[Callable[[Request], errors.DomainError | None]] = [refusal] if refusal is not None else []
    for sub in dependant.dependencies:
        found += [r for r in _refusals(sub) if r not in found]
    return found


def _answering(endpoint: Callable[..., Any], adapter: TypeAdapter | None, status_code: int) -> Callable[..., Any]:
    @functools.wraps(endpoint)  # FastAPI reads the parameters, and so the dependencies, through __wrapped__
    def answer(**kwargs: Any) -> Any:
        result = endpoint(**loaded(kwargs))
        if adapter is None or isinstance(result, Response):
            return result
        try:
            value = adapter.validate_python(result, from_attributes=True)
        except ValidationError as exc:
            raise ResponseValidationError(exc.errors(include_url=False), body=result) from None
        return Response(adapter.dump_json(value, by_alias=True), status_code=status_code,
                        media_type="application/json")

    return answer
