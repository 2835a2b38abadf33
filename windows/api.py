"""The REST API under /api/: the same service layer as the pages, as JSON, described at /docs.

Use: an operator issues a token (`service.py token issue USER --label L`, or
an admin with POST /api/admin/tokens) and the integration sends it as
`Authorization: Bearer <token>`. A case is opened with POST /api/cases; its
answer lists the `actions` the caller may take now, and each is taken with
POST /api/cases/{id}/actions/{trigger} and a body holding the case `version`
the caller saw as `expected_version` plus the fields in the action's `needs`.

Every error answers `{code, message, field}` (windows.errors) with 401, 403,
404, 409 or 422; the responses below declare that shape for each operation.
"""

from __future__ import annotations

from fastapi import APIRouter

from windows import api_admin, api_cases, api_catalogue, api_public
from windows.schemas import ErrorOut

ERRORS = {
    401: {"model": ErrorOut, "description": "未登录，或接口令牌无效、已吊销"},
    403: {"model": ErrorOut, "description": "岗位无权操作，或 CSRF 校验失败"},
    404: {"model": ErrorOut, "description": "办件、事项或令牌不存在"},
    409: {"model": ErrorOut, "description": "办件已被他人改动（case-changed），或当前状态不允许该操作"},
    422: {"model": ErrorOut, "description": "输入有误，field 指出哪一项"},
}

router = APIRouter(prefix="/api", responses=ERRORS)
for module in (api_catalogue, api_cases, api_public, api_admin):
    router.include_router(module.router)
