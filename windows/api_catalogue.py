"""The matter catalogue over the API: every matter, and one with its full definition and visit analysis."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from windows.api_route import AnsweredInThread
from windows.deps import ApiStaffDep, OfficeDep
from windows.schemas import NO_NUL, MatterDetailOut, MatterOut

router = APIRouter(route_class=AnsweredInThread, tags=["catalogue 事项目录"])
MatterCode = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/matters", response_model=list[MatterOut])
def list_matters(request: Request, caller: ApiStaffDep, office: OfficeDep,
                 q: Annotated[str, Query(max_length=64, pattern=NO_NUL,
                                         description="名称、简称（关键词）、拼音首字母或编码，"
                                                     "如“道路货物”“货运”“dlhw”")] = "") -> list[MatterOut]:
    """Every matter of the catalogue, or those matching `q` as the intake page's search does."""
    codes = [e.code for e in request.app.state.matter_index.search(q)]
    return [MatterOut.of(office.catalogue.get(code)) for code in codes]


@router.get("/matters/{code}", response_model=MatterDetailOut)
def get_matter(code: MatterCode, caller: ApiStaffDep, office: OfficeDep) -> MatterDetailOut:
    return MatterDetailOut.of(office.catalogue.get(code))
