"""What a guide shows, computed from one matter version and nothing typed by hand.

`guide_context` turns a MatterVersion (its definition, its compiled machine and
the engine's visit analysis) into a typed `GuideContext` that the templates
only lay out. Labels come from workflows.definition, so the counter screen and
the paper use the same words.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass

from workflows.catalogue import MatterVersion
from workflows.definition import (
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    MEDIUM_LABELS,
    NECESSITY_LABELS,
    ROLE_LABELS,
    CaseField,
    CaseKind,
    Channel,
    Condition,
    Delivery,
    Fees,
    Material,
    MatterDefinition,
    Necessity,
    Tolerance,
)
from workflows.decisions import DECISION_WORDING
from workflows.intake import condition_holds
from workflows.visits import VisitAnalysis

from guides.qr import guide_url, qr_data_uri, status_url
from workflows.profile import OfficeProfile, ServiceWindowInfo

INDISPENSABLE = "缺一不可"
IMMEDIATE = "即办（当场办结）"  # what a 即办件 promises, instead of "0 个工作日"

# The checklist's headline speaks as an applicant plans a trip ("网上申请、邮寄送达可一次不跑"),
# in shorter words than the labels of the counter screen.
CHANNEL_PLANS = {Channel.ONLINE: "网上申请", Channel.POST: "邮寄申请", Channel.WINDOW: "到窗口申请"}
DELIVERY_PLANS = {Delivery.MAIL: "邮寄送达", Delivery.ELECTRONIC: "领取电子证照", Delivery.WINDOW: "窗口领取",
                  Delivery.ON_THE_SPOT: "当场领取"}


@dataclass(frozen=True)
class MaterialRow:
    number: int
    name: str
    originals: int
    copies: int
    medium: str
    necessity: str
    condition: str | None
    source: str
    legal_basis: str
    tolerance: str | None  # how it may be supplied later, or None when it may not be tolerated
    indispensable: bool  # required (when it applies) and never tolerated: "缺一不可"
    blank_form: str | None
    sample: str | None
    note: str | None

    @property
    def counts(self) -> str:
        parts = [f"原件 {self.originals} 份" if self.originals else "",
                 f"复印件 {self.copies} 份" if self.copies else ""]
        return "，".join(p for p in parts if p)


@dataclass(frozen=True)
class SpecialRow:
    name: str
    kind: str
    during: str
    max_days: int
    mandatory: bool
    applicant_present: bool
    note: str | None


@dataclass(frozen=True)
class StepRow:
    name: str
    role: str
    time: str  # 当场, "3 个工作日", 承诺时限内
    standard: str | None


@dataclass(frozen=True)
class VisitInfo:
    visits: int
    how: str
    advice: str
    by_delivery: tuple[tuple[str, int], ...]
    headline: str  # what to do, in one line: "网上申请、邮寄送达可一次不跑；到窗口办理请带齐以下材料"


@dataclass(frozen=True)
class Branch:
    """One answer to a checklist question and the materials it calls for: ticked once, as one."""

    when: str  # "已购置车辆的"
    materials: tuple[MaterialRow, ...]


@dataclass(frozen=True)
class ChecklistGroup:
    """The conditional materials one question decides ("是否已购置拟投入运输的车辆"), by answer."""

    question: str
    fields: tuple[str, ...]  # the case fields the question is about
    branches: tuple[Branch, ...]
    exclusive: bool  # no case falls under two branches: only one branch's materials are ever brought
    exhaustive: bool  # every case falls under some branch; otherwise some cases need none of them


@dataclass(frozen=True)
class Checklist:
    unconditional: tuple[MaterialRow, ...]  # asked of everyone (required or optional), in definition order
    groups: tuple[ChecklistGroup, ...]


@dataclass(frozen=True)
class GuideContext:
    d: MatterDefinition
    office: OfficeProfile  # the hall, hours, phones: where and when to come
    windows: tuple[ServiceWindowInfo, ...]  # the windows that take this matter, its own first
    version_key: str
    materials: tuple[MaterialRow, ...]
    specials: tuple[SpecialRow, ...]
    steps: tuple[StepRow, ...]
    fee_text: str
    visits: VisitInfo
    checklist: Checklist
    channels: tuple[str, ...]
    deliveries: tuple[str, ...]
    flow_src: str
    guide_url: str
    status_url: str
    guide_qr: str
    status_qr: str
    side_exits: str

    @property
    def anchor(self) -> str:
        return f"matter-{self.d.code}"

    @property
    def immediate(self) -> bool:
        return self.d.case_kind is CaseKind.IMMEDIATE

    @property
    def promised(self) -> str:
        """The promised limit as an applicant reads it: a 即办件 is done on the spot, not in "0 个工作日"."""
        return IMMEDIATE if self.immediate else f"{self.d.limits.promised_days} 个工作日"


def tolerance_text(tolerance: Tolerance | None) -> str | None:
    if tolerance is None:
        return None
    channels = "、".join(CHANNEL_LABELS[c] for c in tolerance.channels)
    return f"可容缺受理：受理后 {tolerance.days} 个工作日内补齐，补齐方式：{channels}"


def material_row(number: int, m: Material) -> MaterialRow:
    return MaterialRow(
        number=number, name=m.name, originals=m.originals, copies=m.copies, medium=MEDIUM_LABELS[m.medium],
        necessity=NECESSITY_LABELS[m.necessity], condition=m.condition.text if m.condition else None,
        source=m.source_channel, legal_basis=m.legal_basis, tolerance=tolerance_text(m.tolerance),
        indispensable=m.necessity is not Necessity.OPTIONAL and m.tolerance is None,
        blank_form=m.blank_form, sample=m.sample, note=m.note,
    )


def fee_text(fees: Fees) -> str:
    """A guide never leaves the fee blank: 不收费, or every item with its amount and basis."""
    if not fees.charged:
        return "不收费" if not fees.note or fees.note == "不收费" else f"不收费（{fees.note}）"
    return "；".join(f"{item.name}：{item.amount}（收费依据：{item.basis}）" for item in fees.items)


def _visits(version: MatterVersion) -> VisitInfo:
    analysis = version.visits
    by = tuple((DELIVERY_LABELS[m], plan.visits) for m, plan in analysis.by_delivery.items())
    return VisitInfo(analysis.visits, analysis.best.how, analysis.advice(), by,
                     headline(analysis, immediate=version.definition.case_kind is CaseKind.IMMEDIATE))


def _distinct(items) -> list:
    return list(dict.fromkeys(items))


def headline(analysis: VisitAnalysis, *, immediate: bool) -> str:
    """What the 简版 tells the reader to do, from the visit analysis of the main path.

    With no visit needed: the ways to apply and receive that need none, then what to bring
    to the window instead. With one or more: how many, what for, and when to bring the list.
    """
    if analysis.visits == 0:
        zero = [plan for plan in analysis.by_delivery.values() if plan.visits == 0] or [analysis.best]
        channels = "或".join(_distinct(CHANNEL_PLANS[p.channel] for p in zero))
        deliveries = "或".join(_distinct(DELIVERY_PLANS[p.delivery] for p in zero))
        on_the_spot = "，当场办结" if immediate else ""
        return f"{channels}、{deliveries}可一次不跑；到窗口办理请带齐以下材料{on_the_spot}"
    if analysis.visits == 1:
        best = analysis.best
        on_the_spot = "，当场办结" if immediate else ""
        plan = f"{CHANNEL_PLANS[best.channel]}、{DELIVERY_PLANS[best.delivery]}"
        return f"{plan}只需跑一次；到窗口请带齐以下材料{on_the_spot}"
    purposes = [a.visit for a in analysis.best.path if a.visit and a.visit != "*"]
    first = f"{purposes[0]}时" if purposes else "第一次到现场时"
    return f"本事项需到现场 {analysis.visits} 次（{'、'.join(purposes)}）；{first}请带齐以下材料"


def _comparisons(condition: Condition) -> tuple:
    """What a condition tests, without its wording: two materials with equal tests are one branch."""
    def key(cs):
        return tuple((c.field, c.op, c.value) for c in cs)
    return key(condition.any_of), key(condition.all_of)


def _fields_of(condition: Condition) -> set[str]:
    return {c.field for c in (*condition.any_of, *condition.all_of)}


def branch_heading(condition: Condition) -> str:
    """`when` ("已购置车辆的"); without it the sentence's lead clause, up to its first "的，"."""
    if condition.when:
        return condition.when
    lead, found, _ = condition.text.partition("的，")
    return lead + "的" if found else condition.text


def _question(fields: list[CaseField]) -> str:
    if all(f.type == "bool" for f in fields):
        return "，".join(f.question or (f.label if f.label.startswith("是否") else f"是否{f.label}") for f in fields)
    return "、".join(f.label for f in fields) + "是否属于以下情形"


def _candidates(field: CaseField, conditions: list[Condition]) -> list:
    """Values of a field that reach every outcome of the comparisons on it: each threshold,
    either side of it, and between two of them."""
    if field.type == "bool":
        return [True, False]
    values = _distinct(c.value for cond in conditions for c in (*cond.any_of, *cond.all_of) if c.field == field.id)
    if field.type == "text":
        return [*values, "".join(map(str, values)) + "…"]  # longer than any of them: equal to none
    points = sorted(float(v) for v in values)
    between = [(a + b) / 2 for a, b in itertools.pairwise(points)]
    return [points[0] - 1, *points, *between, points[-1] + 1]


def _coverage(fields: list[CaseField], conditions: list[Condition]) -> tuple[bool, bool]:
    """(exclusive, exhaustive) over every case the group's fields can describe."""
    exclusive = exhaustive = True
    for values in itertools.product(*(_candidates(f, conditions) for f in fields)):
        data = {f.id: v for f, v in zip(fields, values, strict=True)}
        holding = sum(condition_holds(c, data) for c in conditions)
        exclusive &= holding <= 1
        exhaustive &= holding >= 1
    return exclusive, exhaustive


def checklist(d: MatterDefinition, rows: tuple[MaterialRow, ...]) -> Checklist:
    """The 简版's materials: those asked of everyone, then the conditional ones grouped by the
    case fields their condition reads, one branch per distinct condition, in definition order."""
    declared = {f.id: f for f in d.case_fields}
    order = [f.id for f in d.case_fields]
    unconditional: list[MaterialRow] = []
    # fields read -> the comparisons of one branch -> that branch's (condition, row) per material
    groups: dict[tuple[str, ...], dict[tuple, list[tuple[Condition, MaterialRow]]]] = {}
    for material, row in zip(d.materials, rows, strict=True):  # one row per material
        if material.condition is None:
            unconditional.append(row)
            continue
        fields = tuple(sorted(_fields_of(material.condition), key=order.index))
        branch = groups.setdefault(fields, {}).setdefault(_comparisons(material.condition), [])
        branch.append((material.condition, row))
    out = []
    for fields, branches in groups.items():
        conditions = [members[0][0] for members in branches.values()]
        exclusive, exhaustive = _coverage([declared[f] for f in fields], conditions)
        out.append(ChecklistGroup(
            question=_question([declared[f] for f in fields]), fields=fields,
            branches=tuple(Branch(branch_heading(members[0][0]), tuple(r for _, r in members))
                           for members in branches.values()),
            exclusive=exclusive, exhaustive=exhaustive,
        ))
    return Checklist(tuple(unconditional), tuple(out))


def _role(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def _steps(d: MatterDefinition) -> tuple[StepRow, ...]:
    """Every step an application goes through, with who does it: intake and the decision come
    from the lifecycle roles, the steps between from the definition."""
    life = d.lifecycle
    immediate = d.case_kind is CaseKind.IMMEDIATE
    closing = "、".join(_distinct(_role(r) for r in (life.decide, life.issue, life.deliver)))
    wording = DECISION_WORDING[d.matter_type]  # a 备案 is not a 许可: the papers' own titles
    return (
        StepRow("收件、受理", _role(life.intake), "当场",
                "材料齐全、符合法定形式的当场受理；不齐全的当场一次性告知需补正的全部内容。"),
        *(StepRow(s.name, _role(s.role), "当场" if s.budget_days == 0 else f"{s.budget_days} 个工作日", s.standard)
          for s in d.steps),
        StepRow("决定、制证、送达", closing, "当场" if immediate else "承诺时限内",
                f"作出{wording.approved_title}或{wording.denied_title}，按申请人选择的方式送达。"),
    )


def _specials(d: MatterDefinition) -> tuple[SpecialRow, ...]:
    steps = {s.id: s.name for s in d.steps}
    return tuple(SpecialRow(p.name, p.kind, steps[p.during_step], p.max_days, p.mandatory, p.applicant_present, p.note)
                 for p in d.special_procedures)


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def guide_context(version: MatterVersion, *, base_url: str, profile: OfficeProfile, flow_svg: str,
                  flow_href: str | None = None) -> GuideContext:
    """`flow_href` links the diagram for a browser; without it (PDF) the SVG is embedded."""
    d = version.definition
    url, lookup = guide_url(base_url, d.code), status_url(base_url)
    life = d.lifecycle
    materials = tuple(material_row(i, m) for i, m in enumerate(d.materials, start=1))
    return GuideContext(
        d=d, office=profile, windows=tuple(profile.windows_for(d.code)), version_key=version.key,
        materials=materials,
        specials=_specials(d),
        steps=_steps(d),
        fee_text=fee_text(d.fees), visits=_visits(version), checklist=checklist(d, materials),
        channels=tuple(CHANNEL_LABELS[c] for c in d.application_channels),
        deliveries=tuple(DELIVERY_LABELS[m] for m in d.delivery_methods),
        flow_src=flow_href or svg_data_uri(flow_svg),
        guide_url=url, status_url=lookup, guide_qr=qr_data_uri(url), status_qr=qr_data_uri(lookup),
        side_exits=(f"办结前申请人可随时撤回申请；受理后容缺材料逾期未补齐等情形，"
                    f"由{ROLE_LABELS.get(life.terminate, life.terminate)}依法终止办理。"),
    )
