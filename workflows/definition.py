"""The typed form of one matter definition (事项 at the level of 业务办理项).

A YAML file is parsed into `MatterDefinition`; field-level problems come from
pydantic, cross-field rules from `rule_violations`. Both report a field path,
so a bad file names the file, the field and the rule it breaks.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from workflows import errors

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

STAFF_ROLES = ("clerk", "reviewer", "approver", "auditor", "admin")
ROLE_LABELS = {
    "clerk": "窗口受理人员",
    "reviewer": "审查人员",
    "approver": "审批人员",
    "auditor": "效能监察人员",
    "admin": "系统管理员",
}


# The special procedures an applicant may attend, with the visit purpose each is
# recorded under. Attending any other kind would be a visit with no purpose to
# count it by, so the loader refuses it instead of the engine counting none.
ATTENDED_PROCEDURE_PURPOSE = {"现场勘验": "勘验", "考试": "考试"}


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MatterType(StrEnum):
    LICENCE = "行政许可"
    CONFIRMATION = "行政确认"
    PUBLIC_SERVICE = "公共服务"
    FILING = "备案"
    OTHER = "其他行政权力"


class CaseKind(StrEnum):
    IMMEDIATE = "即办件"
    PROMISED = "承诺件"


class Channel(StrEnum):
    """How something reaches the office. Only `window` means the applicant is present."""

    WINDOW = "window"
    ONLINE = "online"
    POST = "post"


CHANNEL_LABELS = {Channel.WINDOW: "窗口现场", Channel.ONLINE: "网上提交", Channel.POST: "邮寄"}


class Delivery(StrEnum):
    WINDOW = "window"
    MAIL = "mail"
    ELECTRONIC = "electronic"
    ON_THE_SPOT = "on_the_spot"


DELIVERY_LABELS = {
    Delivery.WINDOW: "窗口领取",
    Delivery.MAIL: "邮寄送达（EMS）",
    Delivery.ELECTRONIC: "电子证照",
    Delivery.ON_THE_SPOT: "当场办结、当场领取",
}


class Necessity(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    CONDITIONAL = "conditional"


NECESSITY_LABELS = {Necessity.REQUIRED: "必要", Necessity.OPTIONAL: "非必要", Necessity.CONDITIONAL: "情形必要"}


class Medium(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"
    EITHER = "either"


MEDIUM_LABELS = {Medium.PAPER: "纸质", Medium.ELECTRONIC: "电子", Medium.EITHER: "纸质或电子"}


class LegalBasis(Frozen):
    kind: Literal["设定依据", "实施依据"]
    law: Text
    article: Text
    doc_no: Text | None = None


class Limits(Frozen):
    legal_days: int = Field(ge=0, le=365)
    promised_days: int = Field(ge=0, le=365)
    note: Text | None = None


class CaseField(Frozen):
    id: Ident
    label: Text
    type: Literal["number", "text", "bool"]
    unit: Text | None = None
    question: Text | None = None  # as the applicant is asked it (车辆所有人是否为个人); default 是否 + label


class Comparison(Frozen):
    field: Ident
    op: Literal["gt", "ge", "lt", "le", "eq", "ne"]
    value: float | str | bool


class Condition(Frozen):
    """Holds when any (or all) of the comparisons on the case data hold.

    `text` is the full sentence the guide prints; `when` is its short heading
    ("已购置车辆的"), under which the one-page checklist groups the materials
    one question decides.
    """

    any_of: list[Comparison] = Field(default_factory=list)
    all_of: list[Comparison] = Field(default_factory=list)
    text: Text
    when: Text | None = None


class AcceptanceCondition(Frozen):
    """One 受理条件, and the materials that prove it.

    A material named in `proven_by` is essential: the loader refuses a 容缺
    tolerance on it, since accepting without it would accept an application
    that has not shown it meets the condition.
    """

    text: Text
    proven_by: list[Ident] = Field(default_factory=list)


class Precondition(Frozen):
    field: Ident
    equals: bool | str | float
    text: Text


class Tolerance(Frozen):
    days: int = Field(ge=1)
    channels: list[Channel] = Field(min_length=1)


class Material(Frozen):
    id: Ident
    name: Text
    originals: int = Field(ge=0)
    copies: int = Field(ge=0)
    medium: Medium
    necessity: Necessity
    condition: Condition | None = None
    source_channel: Text
    legal_basis: Text
    blank_form: Text | None = None
    sample: Text | None = None
    tolerance: Tolerance | None = None
    note: Text | None = None


class Step(Frozen):
    id: Ident
    name: Text
    role: str
    budget_days: int = Field(ge=0)
    requires_materials: list[str] = Field(default_factory=list)
    waits_for: Literal["external", "applicant"] | None = None
    standard: Text | None = None


class SpecialProcedure(Frozen):
    id: Ident
    name: Text
    kind: Literal["专家评审", "现场勘验", "听证", "检验检测", "考试", "部门会商"]
    during_step: str
    max_days: int = Field(ge=1)
    mandatory: bool = False
    applicant_present: bool = False
    note: Text | None = None


class LifecycleRoles(Frozen):
    intake: str = "clerk"
    decide: str = "approver"
    issue: str = "clerk"
    deliver: str = "clerk"
    terminate: str = "approver"


class FeeItem(Frozen):
    name: Text
    amount: Text
    basis: Text


class Fees(Frozen):
    charged: bool
    items: list[FeeItem] = Field(default_factory=list)
    note: Text | None = None


class Result(Frozen):
    name: Text
    validity: Text | None = None


class MatterDefinition(Frozen):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]
    # The provincial catalogue's codes, once checked against it; left out until then, so that
    # no guide prints a code that is not the matter's.
    basic_code: Text | None = None
    implementation_code: Text | None = None
    name: Text
    keywords: list[Text] = Field(default_factory=list)
    matter_type: MatterType
    version: Text
    effective_date: dt.date
    source: Text
    uncertain: list[Text] = Field(default_factory=list)
    legal_bases: list[LegalBasis] = Field(min_length=1)
    authority: Text
    acceptance_conditions: list[AcceptanceCondition] = Field(min_length=1)
    preconditions: list[Precondition] = Field(default_factory=list)
    case_kind: CaseKind
    limits: Limits
    case_fields: list[CaseField] = Field(default_factory=list)
    application_channels: list[Channel] = Field(min_length=1)
    materials: list[Material] = Field(min_length=1)
    roles: list[str] = Field(min_length=1)
    lifecycle: LifecycleRoles = LifecycleRoles()
    steps: list[Step] = Field(min_length=1)
    special_procedures: list[SpecialProcedure] = Field(default_factory=list)
    delivery_methods: list[Delivery] = Field(min_length=1)
    result: Result
    fees: Fees

    def material(self, material_id: str) -> Material:
        for material in self.materials:
            if material.id == material_id:
                return material
        raise KeyError(material_id)


# ---- cross-field rules --------------------------------------------------------

def rule_violations(d: MatterDefinition) -> list[tuple[str, errors.BrokenRule]]:
    """Every broken rule as (field path, the rule: a class of workflows/errors.py, its message in Chinese)."""
    checks = (_limit_rules, _role_rules, _material_rules, _condition_rules, _step_rules, _immediate_rules, _fee_rules,
              _delivery_rules, _keyword_rules)
    return [problem for check in checks for problem in check(d)]


def _limit_rules(d: MatterDefinition):
    if d.limits.promised_days > d.limits.legal_days:
        yield "limits.promised_days", errors.PromisedExceedsLegal()
    if d.case_kind is CaseKind.PROMISED and d.limits.promised_days < 1:
        yield "limits.promised_days", errors.PromisedTooShort()


def _role_rules(d: MatterDefinition):
    for i, role in enumerate(d.roles):
        if role not in STAFF_ROLES:
            yield f"roles[{i}]", errors.RoleUnknown(f"岗位 {role!r} 不存在，可用岗位: {', '.join(STAFF_ROLES)}")
    for action, role in d.lifecycle.model_dump().items():
        if role not in d.roles:
            yield f"lifecycle.{action}", errors.RoleNotDeclared(f"岗位 {role!r} 未在 roles 中声明")
    for i, step in enumerate(d.steps):
        if step.role not in d.roles:
            yield f"steps[{i}].role", errors.RoleNotDeclared(f"岗位 {step.role!r} 未在 roles 中声明")


def _material_rules(d: MatterDefinition):
    yield from _unique_ids("materials", [m.id for m in d.materials], "材料编号")
    fields = {f.id for f in d.case_fields}
    for i, m in enumerate(d.materials):
        at = f"materials[{i}]"
        if (m.necessity is Necessity.CONDITIONAL) != (m.condition is not None):
            yield f"{at}.condition", errors.ConditionMismatch()
        if m.condition is not None:
            if not (m.condition.any_of or m.condition.all_of):
                yield f"{at}.condition", errors.ConditionEmpty()
            for j, comp in enumerate([*m.condition.any_of, *m.condition.all_of]):
                if comp.field not in fields:
                    yield f"{at}.condition[{j}].field", errors.CaseFieldUnknown(
                        f"条件引用的办件字段 {comp.field!r} 未在 case_fields 中声明")
        if m.tolerance is not None and m.tolerance.days > d.limits.promised_days:
            yield f"{at}.tolerance.days", errors.ToleranceExceedsPromised()
        if m.originals + m.copies == 0:
            yield f"{at}.originals", errors.NoCopies()
    for i, p in enumerate(d.preconditions):
        if p.field not in fields:
            yield f"preconditions[{i}].field", errors.CaseFieldUnknown(
                f"前置条件引用的办件字段 {p.field!r} 未在 case_fields 中声明")


def _condition_rules(d: MatterDefinition):
    """A material that proves a 受理条件 is never tolerable: 容缺 is for secondary materials only."""
    material_ids = {m.id for m in d.materials}
    for i, condition in enumerate(d.acceptance_conditions):
        at = f"acceptance_conditions[{i}].proven_by"
        yield from _unique_ids(at, condition.proven_by, "证明材料", suffix="")
        for j, mid in enumerate(condition.proven_by):
            if mid not in material_ids:
                yield f"{at}[{j}]", errors.MaterialUnknown(f"证明受理条件的材料 {mid!r} 不在材料清单中")
    for k, m in enumerate(d.materials):
        for i, condition in enumerate(d.acceptance_conditions):
            if m.tolerance is not None and m.id in condition.proven_by:
                yield (f"materials[{k}].tolerance", errors.CoreMaterialTolerated(
                       f"材料 {m.id!r}（{m.name}）证明受理条件第{i + 1}项“{_short(condition.text)}”，"
                       "是核心材料，不得容缺受理（容缺仅适用于次要或辅助材料）"))


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _step_rules(d: MatterDefinition):
    yield from _unique_ids("steps", [s.id for s in d.steps], "环节编号")
    material_ids = {m.id for m in d.materials}
    for i, step in enumerate(d.steps):
        for j, mid in enumerate(step.requires_materials):
            if mid not in material_ids:
                yield f"steps[{i}].requires_materials[{j}]", errors.MaterialUnknown(f"环节所需材料 {mid!r} 不在材料清单中")
    step_ids = {s.id for s in d.steps}
    yield from _unique_ids("special_procedures", [p.id for p in d.special_procedures], "特别程序编号")
    for i, proc in enumerate(d.special_procedures):
        if proc.during_step not in step_ids:
            yield f"special_procedures[{i}].during_step", errors.StepUnknown(
                f"特别程序所属环节 {proc.during_step!r} 不存在")
        if proc.id in step_ids:
            yield f"special_procedures[{i}].id", errors.ProcedureIdIsStepId()
        if proc.applicant_present and proc.kind not in ATTENDED_PROCEDURE_PURPOSE:
            yield (f"special_procedures[{i}].applicant_present", errors.AttendedProcedureKind(
                   f"申请人到场的特别程序须为{'或'.join(ATTENDED_PROCEDURE_PURPOSE)}，否则到场无法计入到现场次数"))
    mandatory_steps = [p.during_step for p in d.special_procedures if p.mandatory]
    for i, proc in enumerate(d.special_procedures):
        if proc.mandatory and mandatory_steps.count(proc.during_step) > 1:
            yield f"special_procedures[{i}].mandatory", errors.MandatoryProceduresClash()


def _immediate_rules(d: MatterDefinition):
    if d.case_kind is not CaseKind.IMMEDIATE:
        return
    for i, step in enumerate(d.steps):
        if step.waits_for:
            yield f"steps[{i}].waits_for", errors.ImmediateWaits()
    for i, _ in enumerate(d.special_procedures):
        yield f"special_procedures[{i}]", errors.ImmediateProcedure()


def _fee_rules(d: MatterDefinition):
    if d.fees.charged and not d.fees.items:
        yield "fees.items", errors.FeeItemsMissing()
    if not d.fees.charged and d.fees.items:
        yield "fees.items", errors.FeeItemsUncharged()


def _delivery_rules(d: MatterDefinition):
    yield from _unique_ids("delivery_methods", list(d.delivery_methods), "送达方式")
    if Delivery.ON_THE_SPOT in d.delivery_methods and d.case_kind is not CaseKind.IMMEDIATE:
        i = d.delivery_methods.index(Delivery.ON_THE_SPOT)
        yield f"delivery_methods[{i}]", errors.OnTheSpotNotImmediate()


def _keyword_rules(d: MatterDefinition):
    yield from _unique_ids("keywords", d.keywords, "检索关键词", suffix="")


def _unique_ids(collection: str, ids: list[str], label: str, suffix: str = ".id"):
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield f"{collection}[{i}]{suffix}", errors.DuplicateId(f"{label} {ident!r} 重复")
        seen.add(ident)
