"""The matter catalogue over the API: every matter, and one with its full definition and visit analysis."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from windows.api_access import EVERY_STAFF, office_of, staff
from windows.schemas import MatterDetailOut, MatterOut
from workflows.office import Office

router = APIRouter(tags=["catalogue 事项目录"])
MatterCode = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get("/matters", response_model=list[MatterOut], dependencies=[Depends(staff(*EVERY_STAFF))])
def list_matters(office: Office = Depends(office_of)) -> list[MatterOut]:
    return [MatterOut.of(m) for m in office.catalogue.matters()]


@router.get("/matters/{code}", response_model=MatterDetailOut, dependencies=[Depends(staff(*EVERY_STAFF))])
def get_matter(code: MatterCode, office: Office = Depends(office_of)) -> MatterDetailOut:
    return MatterDetailOut.of(office.catalogue.get(code))
