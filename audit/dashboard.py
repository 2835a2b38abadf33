"""The auditor's dashboard as one typed context: every figure, its target, and what it links to.

`build_dashboard` runs all the queries the page, the exports and the monthly
report need; bench/audit.py times exactly this function.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import col

from audit import measures as ms
from audit.measures import NO_DEPARTMENT, Figures, MaterialCount, Source
from audit.scope import Scope
from audit.targets import MEASURES, Measure, Targets
from workflows.accounts import ServiceWindow, StaffUser
from workflows.catalogue import Catalogue
from workflows.errors import UnknownMatter


@dataclass(frozen=True)
class RateRow:
    measure: Measure
    value: float | None
    target: float
    numerator: int
    denominator: int

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

    def rate(self, key: str) -> RateRow:
        return next(r for r in self.rates if r.measure.key == key)


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


def ranking(rows: list[SliceRow]) -> list[SliceRow]:
    """最美窗口 order: one-visit rate, then on-time rate, then satisfaction; slices with no closed case last."""
    def key(row: SliceRow):
        rates = row.figures.rates
        return (row.figures["closed"] == 0, -(rates["one_visit_rate"] or 0), -(rates["within_promised_rate"] or 0),
                -(rates["satisfaction_rate"] or 0), row.key)
    return sorted(rows, key=key)


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
