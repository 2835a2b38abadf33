"""Administration over the API: API tokens (issued once, listed, revoked) and the staff list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from windows.api_route import AnsweredInThread
from windows.deps import ApiAdminDep, OfficeDep, SessionDep
from windows.openapi_responses import BODY_ERRORS
from windows.schemas import IssuedTokenOut, TokenIn, TokenOut, UserOut
from workflows import accounts
from workflows.localtime import OfficeTime

router = APIRouter(route_class=AnsweredInThread, prefix="/admin", tags=["admin 系统管理"])
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def token_out(row: accounts.ApiToken, time: OfficeTime) -> TokenOut:
    return TokenOut(id=row.id, username=row.username, label=row.label, created_by=row.created_by,
                    created_at=time.local(row.created_at),
                    revoked_at=time.local(row.revoked_at) if row.revoked_at else None)


@router.post("/tokens", response_model=IssuedTokenOut, status_code=201, responses=BODY_ERRORS)
def issue_token(body: TokenIn, session: SessionDep, office: OfficeDep, admin: ApiAdminDep) -> IssuedTokenOut:
    """Issue a token for a member of staff; the answer is the only time the token is shown."""
    token = accounts.issue_token(session=session, username=body.username, label=body.label, admin=admin,
                                 now=office.now())
    row = accounts.token_record(session=session, token=token)
    assert row is not None, "the token was stored just above, in this session"
    return IssuedTokenOut(**token_out(row, office.time).model_dump(), token=token)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(admin: ApiAdminDep, session: SessionDep, office: OfficeDep) -> list[TokenOut]:
    return [token_out(row, office.time) for row in accounts.list_tokens(session)]


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: TokenId, session: SessionDep, office: OfficeDep, admin: ApiAdminDep) -> TokenOut:
    """Revoke a token; requests with it are refused from now on."""
    return token_out(accounts.revoke_token(session=session, token_id=token_id, admin=admin, now=office.now()),
                     office.time)


@router.get("/users", response_model=list[UserOut])
def list_users(admin: ApiAdminDep, session: SessionDep) -> list[UserOut]:
    return [UserOut(username=u.username, display_name=u.display_name, roles=list(u.roles), window=u.window,
                    active=u.active) for u in accounts.list_users(session)]
