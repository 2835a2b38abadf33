"""API routes that answer from the handler's own worker thread.

FastAPI runs a plain `def` endpoint in the thread pool and then, for its
response model, validates the result in the pool a second time. The request
holds its database connection until it is answered, so it waited for a thread
while holding a connection: two hand-offs per request, and under load (more
requests in flight than threads and pooled connections together) every thread
waiting for a connection that only a queued validation would give back, until
the pool's 30 s timeout. These routes validate and serialise the result to JSON
in the endpoint's own thread, exactly as FastAPI would, and hand back the finished
response.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from fastapi import Response
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError


class AnsweredInThread(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        model = kwargs.get("response_model")
        if model is not None and not inspect.iscoroutinefunction(endpoint):
            endpoint = _answering(endpoint, TypeAdapter(model), kwargs.get("status_code") or 200)
        super().__init__(path, endpoint, **kwargs)


def _answering(endpoint: Callable[..., Any], adapter: TypeAdapter, status_code: int) -> Callable[..., Any]:
    @functools.wraps(endpoint)  # FastAPI reads the parameters, and so the dependencies, through __wrapped__
    def answer(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        if isinstance(result, Response):
            return result
        try:
            value = adapter.validate_python(result, from_attributes=True)
        except ValidationError as exc:
            raise ResponseValidationError(exc.errors(include_url=False), body=result) from None
        return Response(adapter.dump_json(value, by_alias=True), status_code=status_code,
                        media_type="application/json")

    return answer
