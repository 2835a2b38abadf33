"""The 最美窗口 ranking: one declared rule, and for each place the measure that decided it.

`RANKING_RULE` is the rule, declared once and printed on the page and in the report: the
measures compared in order, each with its direction. Two windows are compared on the first
measure; where it is equal, on the next, and so on. A window with nothing counted for a
measure (no closed case, no rating) comes after every window with a value for it. Windows
equal on every measure keep the order of their codes.

Each place says why it is there: its measures, and the first measure of the rule on which it
differs from the window ranked next (the one that put it ahead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from audit.measures import Figures
from audit.targets import Measure, measure


class SliceRow(Protocol):
    """What is ranked: a window's (or clerk's) key, name and figures (audit.dashboard.SliceRow)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def figures(self) -> Figures: ...


Row = TypeVar("Row", bound=SliceRow)

Direction = Literal["higher", "lower"]

RANKING_RULE: tuple[tuple[str, Direction], ...] = (
    ("one_visit_rate", "higher"),  # 一次办结率: the reform's own measure comes first
    ("within_promised_rate", "higher"),  # 承诺时限内办结率
    ("satisfaction_rate", "higher"),  # 好评率
    ("bad_rate", "lower"),  # 差评率
    ("rectify_rate", "higher"),  # 差评整改率
    ("rectify_on_time_rate", "higher"),  # 整改按时率
    ("rectify_satisfied_rate", "higher"),  # 整改满意率
    ("revisit_rate", "higher"),  # 实名差评回访率
)
DIRECTION_LABELS = {"higher": "高者在前", "lower": "低者在前"}


def rule_measures() -> list[tuple[Measure, Direction]]:
    return [(measure(key), direction) for key, direction in RANKING_RULE]


def rule_text() -> str:
    """The rule as the page and the report state it."""
    steps = "、".join(f"{m.label}（{DIRECTION_LABELS[d]}）" for m, d in rule_measures())
    return (f"依次比较{steps}；前一项相同才比较下一项；某项无数据（无办结件或无评价）的排在有数据的之后；"
            "各项均相同的按代码排列。")


def _sort_key(row: SliceRow) -> tuple:
    parts: list[tuple[bool, float]] = []
    for key, direction in RANKING_RULE:
        value = row.figures.rates[key]
        parts.append((value is None, 0.0 if value is None else (-value if direction == "higher" else value)))
    return (*parts, row.key)


def ranking(rows: list[Row]) -> list[Row]:
    """The rows in the rule's order."""
    return sorted(rows, key=_sort_key)


@dataclass(frozen=True)
class Standing:
    """A row's place and why: the first measure of the rule on which it differs from the row ranked next."""

    place: int
    row: SliceRow
    next_label: str | None  # the row ranked next; None for the last
    decided_by: Measure | None  # None: the last row, or equal to the next on every measure
    own: float | None = None  # its value of that measure
    next_value: float | None = None  # and the next row's

    @property
    def reason(self) -> str:
        if self.next_label is None:
            return "末位"
        if self.decided_by is None:
            return f"与{self.next_label}各项指标均相同，按代码排列"
        theirs = "无数据" if self.next_value is None else _pct(self.next_value)
        return f"{self.decided_by.label} {_pct(self.own)}，{self.next_label} {theirs}"

    @property
    def earlier_equal(self) -> list[Measure]:
        """The measures before the deciding one, on which the two were equal."""
        if self.decided_by is None:
            return []
        keys = [key for key, _ in RANKING_RULE]
        return [measure(k) for k in keys[:keys.index(self.decided_by.key)]]


def _pct(value: float | None) -> str:
    return "无数据" if value is None else f"{value * 100:.1f}%"


def standings(rows: Sequence[SliceRow]) -> list[Standing]:
    """Each ranked row (in the rule's order already) with its place and the measure that decided it."""
    out = []
    for i, row in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else None
        if following is None:
            out.append(Standing(i + 1, row, None, None))
            continue
        decided = next(((measure(key), row.figures.rates[key], following.figures.rates[key])
                        for key, _ in RANKING_RULE
                        if _rounded(row.figures.rates[key]) != _rounded(following.figures.rates[key])), None)
        if decided is None:
            out.append(Standing(i + 1, row, following.label, None))
        else:
            out.append(Standing(i + 1, row, following.label, decided[0], decided[1], decided[2]))
    return out


def _rounded(value: float | None) -> float | None:
    # Exact fractions: 1/3 and 2/6 are the same rate.
    return None if value is None else round(value, 12)
