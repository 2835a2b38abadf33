"""The REST API under /api/: the same service layer as the pages, as JSON, described at /docs.

Use: an operator issues a token (`service.py token issue USER --label L`, or
an admin with POST /api/admin/tokens) and the integration sends it as
`Authorization: Bearer <token>`. A case is opened with POST /api/cases; its
answer lists the `actions` the caller may take now, and each is taken with
POST /api/cases/{id}/actions/{trigger}: one operation per declared action
(workflows.action_kinds), whose body model holds the case `version` the caller
saw as `expected_version` plus that action's own fields.

Every error answers `{code, message, field}` (windows.errors) with 400 (a body
that is not JSON), 401, 403, 404, 409, 422 or 503; the responses below declare
that shape for each operation (windows.openapi_responses).
"""

from __future__ import annotations

from fastapi import APIRouter

from windows import api_admin, api_cases, api_catalogue, api_licences, api_public
from windows.openapi_responses import api_errors

ERRORS = api_errors(401, 403, 404, 409, 422, 503)

router = APIRouter(prefix="/api", responses=ERRORS)
for module in (api_catalogue, api_cases, api_licences, api_public, api_admin):
    router.include_router(module.router)
