"""The measures, as SQL over the daily counters (or, for the baseline, over the per-case facts).

Every function takes a connection and a Scope and returns aggregated numbers;
no case row is ever brought into Python to be counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from audit.counters import C, PREDICATES, counter_columns
from audit.models import CAUSES, DAILY, FACTS, MONTHLY, WORKDAYS
from audit.scope import Scope, month_of
from audit.targets import MEASURES, Measure
from workflows.accounts import StaffUser
from workflows.db import core_table

STAFF = core_table(StaffUser)
NO_DEPARTMENT = "（未登记科室）"
# Staff with no department group under a visible name, so that row's link filters to its own cases.
DEPARTMENT = func.coalesce(func.nullif(STAFF.c.department, ""), NO_DEPARTMENT)
COUNTERS = tuple(c.name for c in DAILY.columns if c.name not in ("day", "matter_code", "window", "clerk"))
GROUPINGS = ("matter", "window", "clerk", "department", "month", "day")
_DIM_COLUMN = {"matter": "matter_code", "window": "window", "clerk": "clerk"}


@dataclass(frozen=True)
class Figures:
    """Counters for one slice, and the rates made from them."""

    counts: Mapping[str, int]
    key: str | None = None

    def __getitem__(self, name: str) -> int:
        if name == "good_evaluations":
            return self.counts["evaluations"] - self.counts["bad_evaluations"]
        if name == "bad_to_rectify":  # 差评 not found 不属实 on 回访: the ones 整改 is due for
            return self.counts["bad_evaluations"] - self.counts["bad_unfounded"]
        if name == "bad_unrectified":  # of those, the ones not put right yet (回访 or 整改 still to do)
            return self["bad_to_rectify"] - self.counts["bad_rectified"]
        return int(self.counts.get(name) or 0)

    def rate(self, m: Measure) -> float | None:
        denominator = self[m.denominator]
        return self[m.numerator] / denominator if denominator else None

    @property
    def rates(self) -> dict[str, float | None]:
        return {m.key: self.rate(m) for m in MEASURES}

    @property
    def average_score(self) -> float | None:
        return self["score_sum"] / self["evaluations"] if self["evaluations"] else None

    @property
    def average_workdays(self) -> float | None:
        return self["workdays_sum"] / self["timed"] if self["timed"] else None


EMPTY = Figures({name: 0 for name in COUNTERS})


@dataclass(frozen=True)
class Source:
    """Where the counters come from: the daily or monthly aggregate (the product) or the raw facts (the baseline)."""

    raw: bool = False
    dialect: str | None = None  # None: the connection's own
    monthly: bool = False  # set by `_grouped` when the scope is made of whole months

    @property
    def table(self):
        return FACTS if self.raw else MONTHLY if self.monthly else DAILY

    def day(self) -> ColumnElement:
        return C.finished_on if self.raw else self.table.c.day

    def dim(self, name: str) -> ColumnElement:
        if name == "department":
            return DEPARTMENT
        return self.table.c[_DIM_COLUMN[name]]

    def counters(self, scope: Scope) -> dict[str, ColumnElement]:
        if not self.raw:
            return _summed(self.table)
        # The baseline sees finished cases only, so its `opened` counts those received in the period
        # among the ones that finished in it; every other counter is exact. The ratings' counters come
        # from the ratings themselves (`_raw_ratings`), which carry their own day and slice.
        cols = counter_columns()
        cols |= {"opened": func.sum(case((C.received_on.between(scope.start, scope.end), 1), else_=0))}
        return cols

    def from_(self, department: bool):
        base = self.table
        return base.outerjoin(STAFF, STAFF.c.username == self.table.c.clerk) if department else base

    def where(self, scope: Scope) -> list[ColumnElement[bool]]:
        return [self.day().between(scope.start, scope.end), *dimension_filters(self, scope)]

    def month(self) -> ColumnElement:
        return self.month_of(self.day())

    def month_of(self, day: ColumnElement) -> ColumnElement:
        if self.dialect == "sqlite":
            return func.strftime("%Y-%m", day)
        return func.to_char(day, "YYYY-MM")


PRODUCT = Source()


def whole_months(scope: Scope) -> bool:
    return scope.start.day == 1 and month_of(scope.end)[1] == scope.end


def dimension_filters(source: Source, scope: Scope) -> list[ColumnElement[bool]]:
    return [source.dim(d) == getattr(scope, d) for d in ("matter", "window", "clerk", "department")
            if getattr(scope, d) is not None]


def _grouped(conn: Connection, scope: Scope, by: str | None, source: Source) -> list[Figures]:
    if source.dialect is None:
        source = replace(source, dialect=conn.dialect.name)
    if not source.raw:
        source = replace(source, monthly=whole_months(scope))
    counters = source.counters(scope)
    key = None if by is None else (source.month() if by == "month" else source.day() if by == "day" else source.dim(by))
    department = by == "department" or scope.department is not None
    query = select(*([key.label("key")] if key is not None else []), *[v.label(n) for n, v in counters.items()])
    query = query.select_from(source.from_(department)).where(*source.where(scope))
    if key is not None:
        query = query.group_by(key).order_by(key)
    names, width = list(counters), len(counters)
    rows = [Figures(dict(zip(names, (int(v or 0) for v in row[-width:]), strict=True)),
                    key=_key_text(row[0]) if key is not None else None)
            for row in conn.execute(query)]
    return _raw_ratings(conn, scope, by, source, rows) if source.raw else rows


def _raw_ratings(conn: Connection, scope: Scope, by: str | None, source: Source, rows: list[Figures]) -> list[Figures]:
    """The baseline's rating counters, summed from the ratings and their tasks, merged into its rows by key."""
    from audit.rating_counts import R, RATING_COUNTERS, SOURCE, summed

    dims = {"matter": R.matter_code, "window": R.window, "clerk": R.clerk, "department": DEPARTMENT}
    key = None if by is None else (source.month_of(R.day) if by == "month" else R.day if by == "day" else dims[by])
    where = [R.day.between(scope.start, scope.end),
             *[dims[d] == getattr(scope, d) for d in dims if getattr(scope, d) is not None]]
    department = by == "department" or scope.department is not None
    query = summed(and_(*where), [key.label("key")] if key is not None else [],
                   source=SOURCE.outerjoin(STAFF, STAFF.c.username == R.clerk) if department else SOURCE)
    by_key = {(_key_text(row[0]) if key is not None else None): row[-len(RATING_COUNTERS):]
              for row in conn.execute(query)}
    merged = {f.key: Figures({name: 0 for name in COUNTERS} | dict(f.counts), key=f.key) for f in rows}
    for k, values in by_key.items():
        base = dict(merged[k].counts) if k in merged else {name: 0 for name in COUNTERS}
        base |= {name: int(v or 0) for name, v in zip(RATING_COUNTERS, values, strict=True)}
        merged[k] = Figures(base, key=k)
    out = list(merged.values())
    return sorted(out, key=lambda f: (f.key is None, f.key or "")) if key is not None else out[:1]


@lru_cache(maxsize=4)
def _summed(table) -> dict[str, ColumnElement]:
    # Built once per table: the dashboard's queries reuse these expressions instead of making 25 new ones each.
    return {name: func.coalesce(func.sum(table.c[name]), 0).label(name) for name in COUNTERS}


def _key_text(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def summary(conn: Connection, scope: Scope, source: Source = PRODUCT) -> Figures:
    rows = _grouped(conn, scope, None, source)
    return rows[0] if rows else EMPTY


def breakdown(conn: Connection, scope: Scope, by: str, source: Source = PRODUCT) -> list[Figures]:
    if by not in GROUPINGS:
        raise ValueError(by)
    return _grouped(conn, scope, by, source)


def trend(conn: Connection, scope: Scope, months: int = 12, source: Source = PRODUCT) -> list[Figures]:
    """The `months` calendar months up to the scope's end, each month present even when empty."""
    last_first, last_end = month_of(scope.end)
    first = last_first
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = {f.key: f for f in _grouped(conn, replace(scope, start=first, end=last_end), "month", source)}
    keys, day = [], first
    while day <= last_end:
        keys.append(f"{day:%Y-%m}")
        day = month_of(day)[1] + dt.timedelta(days=1)
    return [Figures(rows[k].counts, key=k) if k in rows else Figures(EMPTY.counts, key=k) for k in keys]


# ---- from the per-case facts (small, index-covered scans of one period) ------------------

def facts_filter(scope: Scope) -> list[ColumnElement[bool]]:
    return [C.finished_on.between(scope.start, scope.end), *dimension_filters(Source(raw=True), scope)]


def _facts_from(scope: Scope):
    return FACTS.outerjoin(STAFF, STAFF.c.username == C.clerk) if scope.department is not None else FACTS


def workdays_p90(conn: Connection, scope: Scope, source: Source = PRODUCT) -> int | None:
    """Nearest-rank 90th percentile of working days taken, computed in SQL from a histogram.

    Whole months read the monthly histogram; any other range (and the raw baseline) counts the period's fact rows.
    """
    hist = _workdays_histogram(scope, histogram=not source.raw and whole_months(scope)).subquery()
    running = select(hist.c.wd, func.sum(hist.c.n).over(order_by=hist.c.wd).label("cum"),
                     func.sum(hist.c.n).over().label("total")).subquery()
    return conn.execute(select(func.min(running.c.wd)).where(running.c.cum * 10 >= running.c.total * 9)).scalar()


def _workdays_histogram(scope: Scope, histogram: bool):
    if histogram:
        t = WORKDAYS
        source = t.outerjoin(STAFF, STAFF.c.username == t.c.clerk) if scope.department is not None else t
        dims = {"matter": t.c.matter_code, "window": t.c.window, "clerk": t.c.clerk,
                "department": DEPARTMENT}
        where = [t.c.day.between(scope.start, scope.end),
                 *[dims[d] == getattr(scope, d) for d in dims if getattr(scope, d) is not None]]
        return (select(t.c.working_days.label("wd"), func.sum(t.c.cases).label("n")).select_from(source)
                .where(*where).group_by(t.c.working_days))
    return (select(C.working_days.label("wd"), func.count().label("n")).select_from(_facts_from(scope))
            .where(PREDICATES["timed"], *facts_filter(scope)).group_by(C.working_days))


def refusals_by_reason(conn: Connection, scope: Scope) -> list[tuple[str, int]]:
    reason = func.coalesce(C.reason, "")
    query = (select(reason, func.count()).select_from(_facts_from(scope))
             .where(PREDICATES["refused"], *facts_filter(scope)).group_by(reason).order_by(func.count().desc(), reason))
    return [(r or "（未填写）", n) for r, n in conn.execute(query)]


@dataclass(frozen=True)
class MaterialCount:
    matter_code: str
    material_id: str
    cases: int
    visits: int


def second_visit_materials(conn: Connection, scope: Scope, limit_per_matter: int = 5) -> list[MaterialCount]:
    """Per matter, the materials whose correction visits took cases past one visit, most frequent first."""
    cases_n = func.count(func.distinct(CAUSES.c.case_id))
    where: list[ColumnElement[bool]] = [CAUSES.c.material_id.is_not(None),
                                        CAUSES.c.finished_on.between(scope.start, scope.end)]
    source: FromClause = CAUSES
    if scope.matter is not None:
        where.append(CAUSES.c.matter_code == scope.matter)
    if scope.window or scope.clerk or scope.department:
        # Only a cut by who handled the case needs the facts; the causes carry their period and matter.
        source = CAUSES.join(_facts_from(scope), C.case_id == CAUSES.c.case_id)
        where += facts_filter(scope.narrowed(matter=None))
    query = (select(CAUSES.c.matter_code, CAUSES.c.material_id, cases_n.label("cases"), func.count().label("visits"))
             .select_from(source).where(*where)
             .group_by(CAUSES.c.matter_code, CAUSES.c.material_id)
             .order_by(CAUSES.c.matter_code, cases_n.desc(), CAUSES.c.material_id))
    out: list[MaterialCount] = []
    per: dict[str, int] = {}
    for row in conn.execute(query):
        per[row.matter_code] = per.get(row.matter_code, 0) + 1
        if per[row.matter_code] <= limit_per_matter:
            out.append(MaterialCount(row.matter_code, row.material_id, row.cases, row.visits))
    return out


def visit_causes_of(conn: Connection, case_ids: Iterable[int]) -> dict[int, list[RowMapping]]:
    """The visits of the listed cases (one page of a drill-down), each with its purpose, cause and material."""
    ids = list(case_ids)
    out: dict[int, list[RowMapping]] = {i: [] for i in ids}
    if not ids:
        return out
    query = select(CAUSES).where(CAUSES.c.case_id.in_(ids)).order_by(CAUSES.c.case_id, CAUSES.c.seq, CAUSES.c.id)
    for row in conn.execute(query).mappings():
        out[row["case_id"]].append(row)
    return out
