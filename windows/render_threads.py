"""Slow renders (papers, guides, reports as PDF) on threads of their own.

Pages and API calls share a thread pool as small as the cores (`Settings.threads`):
on GIL-bound work more threads only add switching. A paper or a report takes a few
hundred milliseconds of CPU, so on that pool two print jobs would hold up every
clerk's next page. A route marked `@on_render_threads` runs on the app's render
limiter (`Settings.render_threads`) instead, and pages keep their threads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI

from windows.api_route import loaded


def install(app: FastAPI, threads: int) -> None:
    """Give the app its render limiter; called from the lifespan, inside the event loop it serves."""
    app.state.render_limiter = anyio.CapacityLimiter(threads)


def on_render_threads(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Run a plain `def` route on the render limiter; the route must take `request`."""

    @functools.wraps(endpoint)  # FastAPI reads the parameters through __wrapped__
    async def run(*args: Any, **kwargs: Any) -> Any:
        # Without a lifespan (an app driven directly over ASGI) there is no render limiter: share the pool.
        limiter = getattr(kwargs["request"].app.state, "render_limiter", None)
        # Who is asking and the case are loaded on the render thread too (windows.api_route): one hand-off.
        return await anyio.to_thread.run_sync(lambda: endpoint(*args, **loaded(kwargs)), limiter=limiter)

    return run
