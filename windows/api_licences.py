"""The licence register (证照库) over the API: the same reads as the pages.

    GET /api/licences        search by holder, number, matter, status, or 即将到期 (expiring_within), paginated
    GET /api/licences/{id}   one licence with its history and the 双随机 draws that picked it
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from inspections import register, results
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


Outcome = Literal["clear", "rectify", "case", "not_found"]


class LicenceInspectionOut(BaseModel):
    """A 双随机 draw that picked the licence, and what its team found (as recorded, published or not)."""

    draw_id: int = Field(description="the 抽查任务; its public page is /public/inspections/{draw_id}")
    item_code: str = Field(description="the 抽查事项 drawn for")
    item_name: str
    period: str = Field(description="the draw's period, e.g. 2026 or 2026-H2")
    outcome: Outcome | None = Field(description=" | ".join(f"{code} {text}" for code, text in results.OUTCOMES.items())
                                    + "; null while the team has recorded none (检查中)")
    outcome_label: str = Field(description="the outcome as the licence page says it; 检查中 while none is recorded")
    rectify_by: dt.date | None = Field(description="整改期限, for rectify")
    followed_up: bool = Field(description="whether the 整改's 复查 has been recorded")

    @classmethod
    def of(cls, t: results.Task) -> LicenceInspectionOut:
        return cls(draw_id=t.draw_id, item_code=t.item_code, item_name=t.item_name, period=t.period,
                   outcome=t.outcome, outcome_label=t.result_label,  # type: ignore[arg-type]
                   rectify_by=t.rectify_by, followed_up=t.followed_up)


class LicenceOut(LicenceSummaryOut):
    """One licence: the holder's full ID number, its history, and the inspections it has had."""

    holder_id_no: str
    history: list[LicenceEventOut]
    inspections: list[LicenceInspectionOut] = Field(
        description="the 双随机 draws that picked this licence, newest first, each with its team's result "
                    "(the licence page's 双随机抽查 table)")


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
    inspections = results.tasks(session=session, licence_number=row.number)
    return LicenceOut(**LicenceSummaryOut.of(row).model_dump(), holder_id_no=row.holder_id_no,
                      history=[_event(h, office.time) for h in history],
                      inspections=[LicenceInspectionOut.of(t) for t in inspections])


def _event(h: register.HistoryLine, time: OfficeTime) -> LicenceEventOut:
    return LicenceEventOut(at=time.local(h.at) if h.at else None, day=h.day, action=h.action,
                           action_label=h.action_label, status=h.to_status, actor=h.actor,  # type: ignore[arg-type]
                           reason=h.reason)
