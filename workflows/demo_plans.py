"""What each demo case will be: its matter, applicant, channel, delivery, data,
materials and scenario, drawn before the simulation plays it.

Drawn from the definitions, so a matter added to the catalogue takes part too;
the tables below only make the known matters look like themselves (how often each
comes, what an oversize load measures).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from workflows.cases import MaterialCheck
from workflows.catalogue import Catalogue
from workflows.definition import CaseKind, Channel, Delivery, Material, MatterDefinition
from workflows.demo_roster import Roster, RosterEntry
from workflows.intake import required
from workflows.office import Actor
from workflows.submission import Applicant

# A case's 办件情况 answers, as the definition's fields and preconditions type them.
CaseValue = bool | int | float | str
CaseData = dict[str, CaseValue]

# How often each matter comes to the counter; a matter not listed (a new one) gets OTHER_VOLUME.
VOLUME = {"ride-hailing-vehicle-permit": 22, "taxi-driver-qualification": 18, "oversize-transport-permit": 18,
          "road-freight-licence": 12, "vehicle-repair-filing": 10, "road-works-permit": 8,
          "road-passenger-licence": 4, "waterway-transport-licence": 4, "port-operation-licence": 2}
OTHER_VOLUME = 5
SCENARIOS = (
    ("complete", 63), ("tolerated", 8), ("defaulted", 2), ("notice", 12), ("notice_dropped", 1),
    ("refused", 3), ("withdrawn", 2), ("late", 6),
)
ONLINE_SHARE = 0.2  # of applications to matters that accept them


def defect_of(material: Material) -> tuple[str, ...]:
    """Problems a clerk really finds in this kind of paper: a rules text does not expire, a form is not blurred."""
    name = material.name
    if "申请表" in name or "备案表" in name or "登记表" in name:
        return ("申请表填写不完整，缺经营范围", "申请表未加盖单位公章")
    if material.originals == 0:
        return ("复印件不清晰，须重新复印", "复印件未注明“与原件一致”并加盖公章")
    if any(w in name for w in ("证", "执照", "资格", "合格")):
        return ("证件已过有效期", "复印件不清晰，须重新复印" if material.copies else "未加盖出具单位公章")
    return ("未加盖单位公章", "缺少负责人签字页")


@dataclass
class DemoStaff:
    clerks: dict[str, list[Actor]]  # matter code -> the clerks whose window takes it
    by_role: dict[str, Actor]

    def actor(self, role: str, clerk: Actor) -> Actor:
        """Who acts in `role` on a case: its own clerk at the window, else the role's member of staff."""
        return clerk if role == "clerk" else self.by_role[role]


@dataclass
class Plan:
    arrival: dt.datetime
    definition: MatterDefinition
    scenario: str
    entry: RosterEntry
    clerk: Actor
    channel: Channel
    delivery: Delivery
    data: CaseData
    materials: dict[str, MaterialCheck]

    @property
    def applicant(self) -> Applicant:
        applicant, agent = self.entry.applicant, self.entry.agent
        if agent and self.data.get("by_agent"):
            return Applicant(applicant.kind, applicant.name, applicant.id_no, applicant.phone, agent.name, agent.id_no)
        return applicant


def plan_case(*, rng: random.Random, catalogue: Catalogue, roster: Roster, staff: DemoStaff,
              arrival: dt.datetime, scenario: str | None = None) -> Plan:
    """A case arriving at `arrival`, playing `scenario` (by default drawn by SCENARIOS' weights) where it can."""
    names, weights = zip(*SCENARIOS, strict=True)
    wanted = scenario or rng.choices(names, weights)[0]
    versions = catalogue.matters()
    if wanted in ("tolerated", "defaulted"):  # only some matters publish a 容缺 list: the case is one of them
        versions = [v for v in versions if any(m.tolerance for m in v.definition.materials)] or versions
    d = rng.choices(versions, [VOLUME.get(v.code, OTHER_VOLUME) for v in versions])[0].definition
    entry = roster.applicant_for(d.code)
    data = _case_data(rng, d, entry)
    scenario = _fitting(d, data, wanted)
    if scenario == "refused" and d.preconditions:
        data[d.preconditions[0].field] = not d.preconditions[0].equals  # e.g. 考试未通过
    online = Channel.ONLINE in d.application_channels and rng.random() < ONLINE_SHARE
    channel = Channel.ONLINE if online else Channel.WINDOW
    return Plan(arrival, d, scenario, entry, rng.choice(staff.clerks[d.code]), channel,
                 _delivery(rng, d, channel), data, _materials(rng, d, data, scenario))


def _fitting(d: MatterDefinition, data: CaseData, scenario: str) -> str:
    """A scenario this matter can play: a 即办件 is done on the spot, only tolerable gaps are tolerated.

    A tolerable material that applies only in some cases (车辆技术等级评定结论 once vehicles are
    bought) makes this case one of those, by `data`, so the 容缺 it was drawn for can happen.
    """
    immediate = d.case_kind is CaseKind.IMMEDIATE
    if scenario in ("tolerated", "defaulted") and not tolerable(d, data):
        _make_a_tolerable_material_apply(d, data)
    if scenario in ("tolerated", "defaulted") and not tolerable(d, data):
        return "complete"
    if scenario in ("late", "withdrawn") and immediate:
        return "complete"
    return scenario


def tolerable(d: MatterDefinition, data: CaseData) -> list[str]:
    return [m.id for m in d.materials if m.tolerance and required(m, data)]


def _make_a_tolerable_material_apply(d: MatterDefinition, data: CaseData) -> None:
    """Answer the 办件情况 question of a conditional tolerable material so that it applies."""
    fixed = {p.field for p in d.preconditions}
    for m in d.materials:
        if m.tolerance and m.condition and m.condition.any_of:
            first = m.condition.any_of[0]
            if first.op == "eq" and first.field not in fixed:
                data[first.field] = first.value
                return


# Realistic values for the case fields the catalogue has; any other field gets a plain default.
FIELD_VALUES: dict[str, Callable[[random.Random, RosterEntry], CaseValue]] = {
    "height_m": lambda rng, e: round(rng.uniform(4.1, 4.9), 2),
    "width_m": lambda rng, e: round(rng.uniform(2.6, 4.2), 2),
    "length_m": lambda rng, e: round(rng.uniform(18.5, 32), 1),
    "total_weight_t": lambda rng, e: round(rng.uniform(50, 120), 1),
    "seats": lambda rng, e: rng.choice((5, 5, 5, 7)),
    "owner_is_individual": lambda rng, e: e.applicant.kind == "person",
    "applicant_is_individual": lambda rng, e: e.applicant.kind == "person",
    "by_agent": lambda rng, e: e.agent is not None and rng.random() < 0.85,
}


def _case_data(rng: random.Random, d: MatterDefinition, entry: RosterEntry) -> CaseData:
    data: CaseData = {p.field: p.equals for p in d.preconditions}
    for f in d.case_fields:
        if f.id in data:
            continue
        if f.id in FIELD_VALUES:
            data[f.id] = FIELD_VALUES[f.id](rng, entry)
        elif f.type == "number":
            data[f.id] = rng.randint(1, 10)
        elif f.type == "bool":
            data[f.id] = rng.random() < 0.3
    return data


def _materials(rng: random.Random, d: MatterDefinition, data: CaseData, scenario: str) -> dict[str, MaterialCheck]:
    needed = [m.id for m in d.materials if required(m, data)]
    missing: set[str] = set()
    if scenario in ("tolerated", "defaulted"):
        missing = {rng.choice(tolerable(d, data))}
    elif scenario.startswith("notice"):
        missing = {rng.choice(needed)}
    materials = {m: MaterialCheck("missing" if m in missing else "ok") for m in needed}
    if scenario.startswith("notice") and rng.random() < 0.4:
        flawed = rng.choice([m for m in needed if m not in missing] or needed)
        materials[flawed] = MaterialCheck("defective", rng.choice(defect_of(d.material(flawed))))
    return materials


def _delivery(rng: random.Random, d: MatterDefinition, channel: Channel) -> Delivery:
    """The applicant's choice: on the spot where the matter allows it, else mostly by post or online."""
    offered = d.delivery_methods
    if Delivery.ON_THE_SPOT in offered and channel is Channel.WINDOW:
        return Delivery.ON_THE_SPOT
    weights = {Delivery.MAIL: 5, Delivery.ELECTRONIC: 5 if channel is Channel.ONLINE else 3, Delivery.WINDOW: 1}
    choices = [m for m in offered if m in weights]
    return rng.choices(choices, [weights[m] for m in choices])[0] if choices else offered[0]
