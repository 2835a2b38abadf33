"""The licence register (证照库) over the API: the same reads as the pages.

    GET /api/licences        search by holder, number, matter, status, or 即将到期 (expiring_within), paginated
    GET /api/licences/{id}   one licence with its history
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from inspections import register
from windows.api_route import AnsweredInThread
from windows.deps import ApiLicenceReaderDep, OfficeDep, SessionDep
from windows.schemas import NO_NUL
from workflows import errors
from workflows.identity import mask_id
from workflows.localtime import OfficeTime

router = APIRouter(route_class=AnsweredInThread, tags=["licences 证照库"])
Status = Literal["valid", "cancelled", "revoked", "expired", "renewed"]


class LicenceSummaryOut(BaseModel):
    """A licence in a list: the holder's ID number masked."""

    id: int
    number: str
    matter_code: str
    case_id: int | None = Field(description="the case that granted it; null for a licence imported from before")
    holder_kind: str = Field(description="person | company")
    holder_name: str
    holder_id_masked: str
    issued_on: dt.date
    validity: str = Field(description="有效期, as printed")
    term_kind: str = Field(description="years | months | long_term | per_decision")
    expires_on: dt.date | None = Field(description="null: 长期有效, or the term is the decision's (以决定书载明为准)")
    renewal_due: dt.date | None = Field(description="延续申请截止: 30 days before expiry (行政许可法 第五十条)")
    status: Status = Field(description="as of the office's today: expired is derived from expires_on")
    status_label: str

    @classmethod
    def of(cls, r: register.LicenceRow) -> LicenceSummaryOut:
        return cls(id=r.id, number=r.number, matter_code=r.matter_code, case_id=r.case_id, holder_kind=r.holder_kind,
                   holder_name=r.holder_name, holder_id_masked=mask_id(r.holder_id_no), issued_on=r.issued_on,
                   validity=r.validity, term_kind=r.term_kind, expires_on=r.expires_on, renewal_due=r.renewal_due,
                   status=r.status, status_label=r.status_label)  # type: ignore[arg-type]


class LicencePageOut(BaseModel):
    items: list[LicenceSummaryOut]
    total: int = Field(description="how many licences match, on every page")
    offset: int
    limit: int


class LicenceEventOut(BaseModel):
    at: dt.datetime | None = Field(description="office time; null for 已过期, which follows the calendar unwritten")
    day: dt.date
    action: str = Field(description="issue | import | cancel | revoke | renew | expire")
    action_label: str
    status: Status
    actor: str
    reason: str


class LicenceOut(LicenceSummaryOut):
    """One licence: the holder's full ID number, and its history."""

    holder_id_no: str
    history: list[LicenceEventOut]


@router.get("/licences", response_model=LicencePageOut)
def list_licences(
    session: SessionDep,
    office: OfficeDep,
    actor: ApiLicenceReaderDep,
    holder: Annotated[str, Query(max_length=128, pattern=NO_NUL,
                                 description="持证人名称的一部分，或完整证件号码")] = "",
    number: Annotated[str, Query(max_length=64, pattern=NO_NUL, description="证照编号的一部分")] = "",
    matter_code: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    status: Status | None = None,
    expiring_within: Annotated[int | None, Query(ge=0, le=3660, description="只列出这么多日内到期的有效证照")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LicencePageOut:
    """Licences, newest first (soonest to expire first with `expiring_within`)."""
    if matter_code and matter_code not in {v.code for v in office.catalogue.matters()}:
        raise errors.UnknownMatter(field="matter_code")
    filters = register.LicenceFilter(holder=holder.strip(), number=number.strip(), matter=matter_code or "",
                                     status=status or "", expiring_within=expiring_within)
    rows, total = register.search(session=session, today=office.today(), filters=filters, offset=offset, limit=limit)
    return LicencePageOut(items=[LicenceSummaryOut.of(r) for r in rows], total=total, offset=offset, limit=limit)


@router.get("/licences/{licence_id}", response_model=LicenceOut)
def get_licence(licence_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep, office: OfficeDep,
                actor: ApiLicenceReaderDep) -> LicenceOut:
    row = register.get(session=session, today=office.today(), licence_id=licence_id)
    history = register.history(session=session, office=office, licence=row)
    return LicenceOut(**LicenceSummaryOut.of(row).model_dump(), holder_id_no=row.holder_id_no,
                      history=[_event(h, office.time) for h in history])


def _event(h: register.HistoryLine, time: OfficeTime) -> LicenceEventOut:
    return LicenceEventOut(at=time.local(h.at) if h.at else None, day=h.day, action=h.action,
                           action_label=h.action_label, status=h.to_status, actor=h.actor,  # type: ignore[arg-type]
                           reason=h.reason)
