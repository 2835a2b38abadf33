"""The auditor's ratings list: the ratings behind a rating count on the dashboard.

    GET /ratings?<period>&matter=&window=&clerk=&department=&counter=&level=&page=

Auditors and administrators. The period and slice parameters are the dashboard's own
(windows/auditing.py), so the dashboard links its 评价数, 差评数 and the six 好差评 rates'
numerators and denominators here and the list shows the same ratings it counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from audit.dashboard import names_of
from audit.labels import COUNTER_LABELS
from audit.rating_list import RATING_LISTS, RatingLine, check_counter, check_level, rating_count, rating_lines
from audit.scope import Scope, scope_from
from windows.api_route import AnsweredInThread
from windows.auditing import NO_NUL, ScopeParams, link
from windows.deps import AuditorDep, OfficeDep, SessionDep
from windows.openapi_responses import page_errors
from windows.rendering import render
from workflows import ratings

router = APIRouter(route_class=AnsweredInThread, tags=["audit 效能监察"], default_response_class=HTMLResponse,
                   responses=page_errors(303, 401, 403, 404, 422))
PAGE_SIZE = 100
RatingCounter = Annotated[str, Query(description="评价统计项", json_schema_extra={"enum": sorted(RATING_LISTS)})]
Level = Annotated[str | None, Query(max_length=24, pattern=NO_NUL, description="评价等级",
                                    json_schema_extra={"enum": list(ratings.LEVELS)})]


@dataclass(frozen=True)
class RatingsPage:
    counter: str
    label: str
    level: str | None
    scope: Scope
    total: int
    lines: list[RatingLine]
    excluded: list[RatingLine]  # the slice's ratings an upheld appeal took out of this count
    page: int
    pages: int
    matters: dict[str, str]
    windows: dict[str, str]
    clerks: dict[str, str]

    def href(self, page: int) -> str:
        return link("/ratings", self.scope, counter=self.counter, level=self.level, page=page)

    def with_level(self, level: str | None) -> str:
        return link("/ratings", self.scope, counter=self.counter, level=level)

    @property
    def back(self) -> str:
        return link("/audit", self.scope)


@router.get("/ratings")
def rating_list(request: Request, params: ScopeParams, *, counter: RatingCounter = "evaluations", level: Level = None,
                page: Annotated[int, Query(ge=1, le=10**6)] = 1, actor: AuditorDep, session: SessionDep,
                office: OfficeDep):
    check_counter(counter)
    level = level or None
    check_level(level)
    scope = scope_from(params, office.today(), time=office.time)
    conn = session.connection()
    total = rating_count(conn, scope, counter, level=level)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    today = office.today()  # a 差评's task is flagged late as of today, as the task list flags it
    lines = rating_lines(conn, scope, counter, level=level, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                         as_of=today)
    excluded = rating_lines(conn, scope, counter, level=level, excluded=True, limit=None, as_of=today)
    names = names_of(conn, office.catalogue)
    context = RatingsPage(counter, COUNTER_LABELS[counter], level, scope, total, lines, excluded, page, pages,
                          names.matters, names.windows, names.clerks)
    return render(request, "rating_list.html", actor=actor, title=f"评价明细：{context.label}", page=context,
                  levels={k: v[0] for k, v in ratings.LEVELS.items()}, categories=ratings.BAD_CATEGORIES,
                  channels=ratings.CHANNELS)
