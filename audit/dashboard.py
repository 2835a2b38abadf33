"""The auditor's dashboard as one typed context: every figure, its target, and what it links to.

`build_dashboard` runs all the queries the page, the exports and the monthly
report need; bench/audit.py times exactly this function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlmodel import col

from audit import measures as ms
from audit.measures import CAUSES, FACTS, NO_DEPARTMENT, Figures, MaterialCount, Source, facts_filter
from audit.openwork import OpenWork, as_of_day, open_work
from audit.rating_list import RatingLine, bad_ratings
from audit.ranking import Standing, ranking, standings
from audit.scope import Scope, previous_scope, year_ago_scope
from audit.targets import MEASURES, Measure, Targets
from workflows.accounts import ServiceWindow, StaffUser
from workflows.catalogue import Catalogue
from workflows.errors import UnknownMatter
from workflows.workdays import WorkCalendar


@dataclass(frozen=True)
class RateRow:
    measure: Measure
    value: float | None
    target: float
    numerator: int
    denominator: int
    previous: float | None = None  # the same rate in the period before (环比), None where nothing was counted
    year_ago: float | None = None  # and in the same period a year earlier (同比)

    @property
    def change(self) -> float | None:
        """环比 change in percentage points."""
        return None if self.value is None or self.previous is None else (self.value - self.previous) * 100

    @property
    def year_change(self) -> float | None:
        """同比 change in percentage points."""
        return None if self.value is None or self.year_ago is None else (self.value - self.year_ago) * 100

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.target if self.measure.higher_is_better else self.value <= self.target


@dataclass(frozen=True)
class SliceRow:
    """One matter, window, clerk or department in a breakdown or ranking."""

    key: str
    label: str
    figures: Figures
    flagged: bool = False  # a matter whose definition needs more than one visit on its main path
    definition_visits: int | None = None


@dataclass(frozen=True)
class Names:
    matters: dict[str, str]
    windows: dict[str, str]
    clerks: dict[str, str]
    departments: dict[str, str]  # clerk -> department

    def of(self, dimension: str, key: str | None) -> str:
        if dimension == "matter":
            return self.matters.get(key or "", key or "")
        if dimension == "window":
            return self.windows.get(key or "", key or "（无窗口）")
        if dimension == "clerk":
            return self.clerks.get(key or "", key or "")
        if dimension == "department":
            return key or NO_DEPARTMENT
        return key or ""


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    targets: Targets
    figures: Figures
    rates: list[RateRow]
    p90_workdays: int | None
    trend: list[Figures]
    matters: list[SliceRow]
    windows: list[SliceRow]
    clerks: list[SliceRow]
    departments: list[SliceRow]
    refusals: list[tuple[str, int]]
    materials: list[tuple[str, str, MaterialCount]]  # (matter name, material name, counts)
    names: Names
    # Filled by `build_view` for the page and the report (the benchmark times the closed-case figures alone).
    previous: Scope | None = None  # 环比's period
    year_ago: Scope | None = None  # 同比's period
    open_work: OpenWork | None = None
    below_target: list[BelowTarget] = field(default_factory=list)
    bad_ratings: list[RatingLine] = field(default_factory=list)  # the period's 差评 and their 整改, for the report

    @property
    def window_standings(self) -> list[Standing]:
        """The 最美窗口 ranking with the reason for each place (audit/ranking.py)."""
        return standings(self.windows)

    def rate(self, key: str) -> RateRow:
        return next(r for r in self.rates if r.measure.key == key)


MAIN_CAUSES = 3  # the causes a matter or window below target is reported with


@dataclass(frozen=True)
class Cause:
    purpose: str
    material: str  # the material a correction visit brought, "" for none
    visits: int


@dataclass(frozen=True)
class BelowTarget:
    """A matter or window whose one-visit rate is below target, and what brought its applicants back."""

    dimension: str  # matter | window
    row: SliceRow
    causes: list[Cause]  # the most frequent extra visits, by purpose and material


def names_of(conn: Connection, catalogue: Catalogue) -> Names:
    staff = conn.execute(select(col(StaffUser.username), col(StaffUser.display_name),
                                col(StaffUser.department))).all()
    windows = conn.execute(select(col(ServiceWindow.code), col(ServiceWindow.name))).all()
    return Names(matters={v.code: v.definition.name for v in catalogue.matters()},
                 windows={code: name for code, name in windows},
                 clerks={u: n for u, n, _ in staff}, departments={u: d for u, _, d in staff})


def rate_rows(figures: Figures, targets: Targets) -> list[RateRow]:
    return [RateRow(m, figures.rate(m), getattr(targets, m.key), figures[m.numerator], figures[m.denominator])
            for m in MEASURES]


def _slices(conn: Connection, scope: Scope, by: str, names: Names, source: Source) -> list[SliceRow]:
    return [SliceRow(f.key or "", names.of(by, f.key), f) for f in ms.breakdown(conn, scope, by, source)]


def _matter_rows(conn: Connection, scope: Scope, names: Names, catalogue: Catalogue, source: Source) -> list[SliceRow]:
    needs = {v.code: v.visits.visits for v in catalogue.matters()}
    # audit_cases.matter_code is NOT NULL, so every slice by matter has a key.
    rows = {f.key: f for f in ms.breakdown(conn, scope, "matter", source) if f.key is not None}
    codes = sorted(set(rows) | set(needs), key=lambda c: (c not in rows, names.of("matter", c)))
    return [SliceRow(c, names.of("matter", c), rows.get(c, ms.EMPTY), flagged=needs.get(c, 0) > 1,
                     definition_visits=needs.get(c)) for c in codes]


def build_dashboard(conn: Connection, *, scope: Scope, catalogue: Catalogue, targets: Targets,
                    source: Source = ms.PRODUCT) -> Dashboard:
    names = names_of(conn, catalogue)
    figures = ms.summary(conn, scope, source)
    materials = [(names.of("matter", m.matter_code), _material_name(catalogue, m), m)
                 for m in ms.second_visit_materials(conn, scope)]
    return Dashboard(
        scope=scope, targets=targets, figures=figures, rates=rate_rows(figures, targets),
        p90_workdays=ms.workdays_p90(conn, scope, source), trend=ms.trend(conn, scope, source=source),
        matters=_matter_rows(conn, scope, names, catalogue, source),
        windows=ranking(_slices(conn, scope, "window", names, source)),
        clerks=ranking(_slices(conn, scope, "clerk", names, source)),
        departments=_slices(conn, scope, "department", names, source),
        refusals=ms.refusals_by_reason(conn, scope), materials=materials, names=names,
    )


def _material_name(catalogue: Catalogue, m: MaterialCount) -> str:
    try:
        return catalogue.get(m.matter_code).definition.material(m.material_id).name
    except (KeyError, UnknownMatter):  # a material or matter dropped from the catalogue keeps its id
        return m.material_id


def extra_visit_causes(conn: Connection, scope: Scope, dimension: str,
                       key: str) -> list[tuple[str, str | None, str, int]]:
    """(purpose, material, matter, visits) of the visits after the first, in the slice's finished cases."""
    sliced = scope.narrowed(**{dimension: key})
    source = CAUSES.join(FACTS, FACTS.c.case_id == CAUSES.c.case_id)
    visits = func.count()
    query = (select(CAUSES.c.purpose, CAUSES.c.material_id, CAUSES.c.matter_code, visits)
             .select_from(source).where(CAUSES.c.extra.is_(True), *facts_filter(sliced))
             .group_by(CAUSES.c.purpose, CAUSES.c.material_id, CAUSES.c.matter_code)
             .order_by(visits.desc(), CAUSES.c.purpose, CAUSES.c.material_id))
    return [(row[0], row[1], row[2], row[3]) for row in conn.execute(query)]


def _below_target(conn: Connection, d: Dashboard, catalogue: Catalogue) -> list[BelowTarget]:
    target, out = d.targets.one_visit_rate, []
    for dimension, rows in (("matter", d.matters), ("window", d.windows)):
        if getattr(d.scope, dimension) is not None:
            continue
        for row in rows:
            rate = row.figures.rates["one_visit_rate"]
            if rate is None or rate >= target:
                continue
            # A window's causes come from several matters: the same purpose and material add up across them.
            counted: dict[tuple[str, str], int] = {}
            for purpose, material, matter, n in extra_visit_causes(conn, d.scope, dimension, row.key):
                name = _material_name(catalogue, MaterialCount(matter, material, 0, 0)) if material else ""
                counted[(purpose, name)] = counted.get((purpose, name), 0) + n
            top = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:MAIN_CAUSES]
            out.append(BelowTarget(dimension, row, [Cause(purpose, name, n) for (purpose, name), n in top]))
    return out


def build_view(conn: Connection, *, scope: Scope, catalogue: Catalogue, targets: Targets, calendar: WorkCalendar,
               today: dt.date, source: Source = ms.PRODUCT) -> Dashboard:
    """The dashboard with what the auditor's page and report add: 环比 and 同比 of every rate, 在办超期 on the
    period's last day (today for a period not yet over), the matters and windows below target, and the
    period's 差评 with their 整改 (late ones flagged as of that same day)."""
    d = build_dashboard(conn, scope=scope, catalogue=catalogue, targets=targets, source=source)
    before, year_ago = previous_scope(scope), year_ago_scope(scope)
    prev = ms.summary(conn, before, source) if before else None
    ago = ms.summary(conn, year_ago, source) if year_ago else None
    rates = [replace(r, previous=prev.rate(r.measure) if prev else None, year_ago=ago.rate(r.measure) if ago else None)
             for r in d.rates]
    as_of = as_of_day(scope, today)
    d = replace(d, rates=rates, previous=before, year_ago=year_ago,
                open_work=open_work(conn, scope, as_of=as_of, calendar=calendar),
                bad_ratings=bad_ratings(conn, scope, as_of=as_of))
    return replace(d, below_target=_below_target(conn, d, catalogue))
