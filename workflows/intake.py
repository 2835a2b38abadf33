"""The intake verdict: accept, accept with tolerance, one-time notice, or refuse.

Pure functions over a definition, the case data and the materials recorded;
the state machine's guards and the counter screen both call them, so the
screen shows the same verdict the engine will enforce.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from collections.abc import Mapping

from workflows import progress as pg
from workflows.definition import Comparison, Condition, Material, MatterDefinition, Necessity

_OPS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le,
        "eq": operator.eq, "ne": operator.ne}


class Outcome(StrEnum):
    ACCEPT = "accept"
    TOLERATE = "tolerate"
    NOTIFY = "notify"
    REFUSE = "refuse"


OUTCOME_LABELS = {
    Outcome.ACCEPT: "材料齐全，予以受理",
    Outcome.TOLERATE: "可容缺受理（申请人须签署承诺书）",
    Outcome.NOTIFY: "材料不齐，出具一次性告知书",
    Outcome.REFUSE: "不符合受理条件，不予受理",
}


@dataclass(frozen=True)
class Problem:
    material: str
    name: str
    status: str
    note: str
    tolerable: bool


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    problems: tuple[Problem, ...] = ()
    unmet_preconditions: tuple[str, ...] = ()
    applicable: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    def notice_items(self) -> list[dict[str, str]]:
        return [{"material": p.material, "problem": p.note or pg.STATUS_LABELS[p.status]} for p in self.problems]


def _compare(comp: Comparison, data: Mapping[str, Any]) -> bool:
    value = data.get(comp.field)
    if value is None or value == "":
        return False
    try:
        return bool(_OPS[comp.op](type(comp.value)(value), comp.value))
    except (TypeError, ValueError):
        return False


def condition_holds(condition: Condition, data: Mapping[str, Any]) -> bool:
    any_ok = any(_compare(c, data) for c in condition.any_of) if condition.any_of else True
    all_ok = all(_compare(c, data) for c in condition.all_of)
    return any_ok and all_ok


def applies(material: Material, data: Mapping[str, Any]) -> bool:
    """Whether the material is asked for at all on this case."""
    if material.necessity is Necessity.CONDITIONAL:
        assert material.condition is not None, "the definition's checks give every conditional material a condition"
        return condition_holds(material.condition, data)
    return True


def applicable_materials(definition: MatterDefinition, data: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the materials asked for on a case with this (typed) data, in the definition's order."""
    return tuple(m.id for m in definition.materials if applies(m, data))


def required(material: Material, data: Mapping[str, Any]) -> bool:
    return material.necessity is not Necessity.OPTIONAL and applies(material, data)


def unmet_preconditions(definition: MatterDefinition, data: Mapping[str, Any]) -> list[str]:
    return [p.text for p in definition.preconditions if data.get(p.field) != p.equals]


def assess(definition: MatterDefinition, data: Mapping[str, Any], progress: pg.Progress) -> Verdict:
    applicable = applicable_materials(definition, data)
    unmet = unmet_preconditions(definition, data)
    if unmet:
        return Verdict(Outcome.REFUSE, unmet_preconditions=tuple(unmet), applicable=applicable)
    problems = tuple(
        Problem(m.id, m.name, pg.status_of(progress, m.id),
                progress["materials"].get(m.id, {}).get("note", ""), m.tolerance is not None)
        for m in definition.materials
        if required(m, data) and not pg.is_present(progress, m.id)
    )
    if not problems:
        return Verdict(Outcome.ACCEPT, applicable=applicable)
    if all(p.tolerable for p in problems):
        return Verdict(Outcome.TOLERATE, problems, applicable=applicable)
    return Verdict(Outcome.NOTIFY, problems, applicable=applicable)
