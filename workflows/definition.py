"""The typed form of one matter definition (事项 at the level of 业务办理项).

A YAML file is parsed into `MatterDefinition`; field-level problems come from
pydantic, cross-field rules from `rule_violations`. Both report a field path,
so a bad file names the file, the field and the rule it breaks.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from enum import StrEnum
from collections.abc import Iterator, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from workflows import errors

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

MATTER_ROLES = ("clerk", "reviewer", "approver", "auditor", "admin")  # the roles a matter's steps may name
# The 执法检查人员 of 双随机 inspections (inspections/roster.py) take no step of any matter.
STAFF_ROLES = (*MATTER_ROLES, "inspector")
ROLE_LABELS = {
    "clerk": "窗口受理人员",
    "reviewer": "审查人员",
    "approver": "审批人员",
    "auditor": "效能监察人员",
    "admin": "系统管理员",
    "inspector": "执法检查人员",
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


# Every field below carries a `description` in the bureau's terms and, where the catalogue fills
# it, `examples` taken from the catalogue's own files: `service.py schema` turns them into the JSON
# Schema editors check the YAML against and into docs/definition-reference.md, and the tests fail
# on a field without a description, an example no matter uses, or a stale reference.


class LegalBasis(Frozen):
    """一项法律依据 (legal basis): 设定依据 or 实施依据, printed in the 办事指南."""

    kind: Literal["设定依据", "实施依据"] = Field(
        description="依据类别: 设定依据 (the law creates the licence) or 实施依据 (it governs how the licence "
                    "is granted).",
        examples=["设定依据", "实施依据"])
    law: Text = Field(description="法律法规名称 (the law's title), in 《》.",
                      examples=["《中华人民共和国道路运输条例》"])
    article: Text = Field(
        description="条款 (the articles relied on). Printed: write article numbers only when verified; otherwise a "
                    "description (申请材料条款) and a note in `uncertain`.",
        examples=["第二十一条、第二十二条、第二十四条"])
    doc_no: Text | None = Field(None, description="文号 (the promulgating document number).",
                                examples=["国务院令第406号"])


class Limits(Frozen):
    """办结时限 (time limits): 法定 and 承诺, in 工作日 (working days) from the day after 受理."""

    legal_days: int = Field(
        ge=0, le=365,
        description="法定办结时限 (legal time limit) in 工作日 (working days) from the day after 受理.",
        examples=[20])
    promised_days: int = Field(
        ge=0, le=365,
        description="承诺办结时限 (promised time limit) in 工作日: not more than `legal_days`; at least 1 for a "
                    "承诺件, 0 for a 即办件 decided on the spot. Every 容缺 `tolerance.days` must fit within it.",
        examples=[5, 0])
    note: Text | None = Field(
        None,
        description="时限说明, printed beneath the limits: where the legal limit comes from, what does not count "
                    "toward it.",
        examples=["法定时限为自受理之日起30个工作日（《港口经营管理规定》第十三条）。"])


class CaseField(Frozen):
    """办件情况的一项 (a fact the clerk records about a case), deciding conditional materials and preconditions."""

    id: Ident = Field(description="字段编号 (id), referred to by material conditions and preconditions.",
                      examples=["by_agent", "vehicles_ready"])
    label: Text = Field(description="标签: the fact as the intake form's 办件情况 shows it.",
                        examples=["委托经办人办理", "已购置拟投入运输的专用车辆、设备"])
    type: Literal["number", "text", "bool"] = Field(
        description="取值类型: `number`, `text` or `bool`; a `bool` is a tick box, unticked means no.",
        examples=["bool", "number"])
    unit: Text | None = Field(None, description="单位, shown after a number's label.", examples=["米", "吨"])
    question: Text | None = Field(
        None,
        description="简版 question: the yes/no question as the one-page checklist asks the applicant, where 是否 + "
                    "`label` would read awkwardly. Default: 是否 + `label`.",
        examples=["车辆所有人是否为个人"])


class Comparison(Frozen):
    """一项比较 (one test on the case data): a case field against a value."""

    field: Ident = Field(description="办件字段: a `case_fields` id.", examples=["vehicles_ready", "height_m"])
    op: Literal["gt", "ge", "lt", "le", "eq", "ne"] = Field(
        description="比较方式: gt 大于, ge 不小于, lt 小于, le 不大于, eq 等于, ne 不等于.", examples=["eq", "gt"])
    value: float | str | bool = Field(description="比较值, compared with the case's value for the field.",
                                      examples=[True, 4.5])


class Condition(Frozen):
    """情形 (when a 情形必要 material applies): any (or all) of the comparisons on the case data hold.

    `text` is the full sentence the guide prints; `when` is its short heading
    ("已购置车辆的"), under which the one-page checklist groups the materials
    one question decides.
    """

    any_of: list[Comparison] = Field(default_factory=list,
                                     description="任一成立: the material applies when any of these comparisons hold …")
    all_of: list[Comparison] = Field(
        default_factory=list,
        description="… and when all of these hold. At least one comparison in all, over declared case fields.")
    text: Text = Field(description="情形说明: the full sentence printed with the material.",
                       examples=["委托他人代为办理的，提交经办人身份证明（原件核验、留存复印件）和加盖公章的授权委托书原件。"])
    when: Text | None = Field(
        None,
        description="情形标题: a short heading naming the answer that decides the material. The one-page checklist "
                    "groups conditional materials under it, so materials decided by the same test share one heading "
                    "word for word.",
        examples=["委托他人代为办理的", "已购置车辆的"])


class AcceptanceCondition(Frozen):
    """一项受理条件 (acceptance condition), and the materials that prove it.

    A material named in `proven_by` is essential: the loader refuses a 容缺
    tolerance on it, since accepting without it would accept an application
    that has not shown it meets the condition.
    """

    text: Text = Field(description="受理条件, as printed in the 办事指南.",
                       examples=["申请人已依法办理市场主体登记，取得营业执照。"])
    proven_by: list[Ident] = Field(
        default_factory=list,
        description="证明材料: the `materials` ids that prove this condition, each named once. A material named here "
                    "is essential (核心材料) and may not carry a `tolerance`: 容缺受理 is only for secondary or "
                    "supporting materials. Empty for a condition the office verifies itself.",
        examples=[["safety_rules"], ["vehicle_licence_copies", "vehicle_commitment"]])


class Precondition(Frozen):
    """前置条件 (precondition) checked on the case data before anything else; unmet, the intake is 不予受理."""

    field: Ident = Field(description="办件字段: a `case_fields` id.", examples=["exam_passed"])
    equals: bool | str | float = Field(
        description="应有取值: the value the field must have; any other value (or none) refuses the application.",
        examples=[True])
    text: Text = Field(
        description="条件说明, as printed with the acceptance conditions and given as the reason of a 不予受理.",
        examples=["已通过出租汽车驾驶员从业资格考试（全国公共科目和区域科目），且考试合格成绩在3年有效期内；未通过考试的不予受理。"])


class Tolerance(Frozen):
    """容缺受理 (tolerated at intake): how and by when a missing material is supplied later."""

    days: int = Field(
        ge=1,
        description="补齐期限 in 工作日 after 受理; not more than `limits.promised_days`. The result is not issued "
                    "while a gap is open, and a gap past its day ends the case (终止) through the daily sweep "
                    "(`gap-sweep` in workflows/schedule.py, 00:30 office time by default).",
        examples=[5, 3])
    channels: list[Channel] = Field(
        min_length=1,
        description="补齐方式: how the material may be supplied (`window`, `online`, `post`). At the window it is a "
                    "visit and counts.",
        examples=[["post", "online", "window"]])


class Material(Frozen):
    """一项申请材料 (application material), in the order printed."""

    id: Ident = Field(description="材料编号, unique within the matter; used by steps, conditions and cases.",
                      examples=["application_form", "agent_id_and_mandate"])
    name: Text = Field(description="材料名称, as printed and as listed on the 一次性告知书.",
                       examples=["营业执照复印件", "经办人身份证明及授权委托书"])
    originals: int = Field(ge=0, description="原件份数: originals to bring (checked and handed back, or kept).",
                           examples=[1, 0])
    copies: int = Field(ge=0, description="复印件份数: copies to hand in; `originals` and `copies` may not both be 0.",
                        examples=[1, 0])
    medium: Medium = Field(description="材料形式: `paper` 纸质, `electronic` 电子, `either` 纸质或电子.",
                           examples=["either", "paper"])
    necessity: Necessity = Field(
        description="必要性: `required` 必要, `optional` 非必要, `conditional` 情形必要 (needs a `condition`; no other "
                    "may have one). A missing required (or applicable) material that is not tolerable makes the "
                    "intake a 一次性告知.",
        examples=["required", "conditional"])
    condition: Condition | None = Field(None, description="适用情形, only for a `conditional` material.")
    source_channel: Text = Field(description="来源渠道: who issues the material, or that the applicant prepares it.",
                                 examples=["申请人自备", "公安机关交通管理部门核发"])
    legal_basis: Text = Field(description="要求提供的依据: the article that asks for this material.",
                              examples=["《中华人民共和国道路运输条例》第十条"])
    blank_form: Text | None = Field(
        None, description="空白表格: where to get a blank form; printed under the guide's 空白表格与填写样本.",
        examples=["《授权委托书》参考格式，可在窗口领取或在浙江政务服务网下载"])
    sample: Text | None = Field(
        None, description="填写样本: where to see a filled-in sample, or what the form must state.",
        examples=["《公路超限运输申请表》填写样本：载明货物名称、外廓尺寸和质量，车辆厂牌型号、整备质量、轴数、轴距和轮胎数，"
                  "载货时车货总体外廓尺寸、总质量、各车轴轴荷，起讫点、通行路线和行驶时间"])
    tolerance: Tolerance | None = Field(
        None,
        description="容缺受理: present when the material may be missing at intake. Refused on a material an acceptance "
                    "condition names in `proven_by`; the guide marks every material without it 缺一不可.")
    note: Text | None = Field(None, description="说明, printed beneath the material.",
                              examples=["原件现场核验后退回，留存复印件。"])


class Step(Frozen):
    """一个办理环节 (processing step) between 受理 and 决定; each becomes a state `step_<id>` of the case."""

    id: Ident = Field(description="环节编号, unique among steps and different from special-procedure ids.",
                      examples=["review", "site_check"])
    name: Text = Field(description="环节名称, as shown on the case page and in the guide's 办理流程.",
                       examples=["审查", "现场核查"])
    role: str = Field(description="岗位: the role that completes the step; must be in `roles`.",
                      examples=["reviewer", "clerk"])
    budget_days: int = Field(
        ge=0, description="环节时限: the 工作日 the step is planned to take, printed in the guide.", examples=[3, 2])
    requires_materials: list[str] = Field(
        default_factory=list,
        description="环节所需材料: `materials` ids that must be present before the case enters this step. A tolerable "
                    "material listed by the first step could never be tolerated, so leave it out there.",
        examples=[["parking_proof"]])
    waits_for: Literal["external", "applicant"] | None = Field(
        None,
        description="等待对象: marks a step that waits for someone outside the office, another department "
                    "(`external`) or the applicant (`applicant`). Not allowed in a 即办件.",
        examples=["external"])
    standard: Text | None = Field(
        None, description="审查标准, printed in the guide.",
        examples=["审查经营场所、港口设施设备与经营范围和规模是否相适应，岸线使用批准文件和竣工验收是否有效， "
                  "人员配备、管理制度和应急预案是否健全；提出现场核查要点。"])


class SpecialProcedure(Frozen):
    """一项特别程序 (special procedure: 专家评审, 现场勘验 …), whose days do not count toward the time limits."""

    id: Ident = Field(description="特别程序编号, unique among special procedures; the case state is `special_<id>`.",
                      examples=["expert_review", "route_survey"])
    name: Text = Field(description="特别程序名称, as shown and printed.", examples=["专家评审", "通行路线勘测"])
    kind: Literal["专家评审", "现场勘验", "听证", "检验检测", "考试", "部门会商"] = Field(
        description="程序类别.", examples=["专家评审", "部门会商"])
    during_step: str = Field(description="所属环节: the step id it is started from and returns to.",
                             examples=["review"])
    max_days: int = Field(
        ge=1, description="程序时限: its own time box in 工作日, not counted toward the matter's limits.",
        examples=[15, 5])
    mandatory: bool = Field(
        False, description="必经: a mandatory procedure is the only way out of its step (at most one per step).",
        examples=[True, False])
    applicant_present: bool = Field(
        False,
        description="申请人到场: the applicant attends, which is a visit. Only a 现场勘验 or a 考试 may be attended, "
                    "since only those have a visit purpose to count the visit under.",
        examples=[False])
    note: Text | None = Field(None, description="说明, printed with the procedure.",
                              examples=["对设计和施工方案、技术评价报告组织专家评审；所需时间不计入办理时限，应书面告知申请人。"])


class LifecycleRoles(Frozen):
    """各环节以外的办理岗位 (who takes the actions outside the steps); each must be one of the matter's `roles`."""

    intake: str = Field("clerk", description="收件, 受理, 一次性告知, 不予受理, 容缺补齐, 撤回.", examples=["clerk"])
    decide: str = Field("approver", description="决定: 准予 or 不予许可 (a 备案 may let the clerk decide).",
                        examples=["approver", "clerk"])
    issue: str = Field("clerk", description="制证.", examples=["clerk"])
    deliver: str = Field("clerk", description="送达.", examples=["clerk"])
    terminate: str = Field("approver", description="终止办理.", examples=["approver"])


class FeeItem(Frozen):
    """一项收费 (one charge)."""

    name: Text = Field(description="收费项目: what is charged for.")
    amount: Text = Field(description="收费标准: the amount, as the basis states it.")
    basis: Text = Field(description="收费依据: the pricing document that sets it.")


class Fees(Frozen):
    """收费 (charges): a guide never leaves the fee blank."""

    charged: bool = Field(
        description="是否收费. A charged matter must list its `items`; an uncharged one may not.", examples=[False])
    items: list[FeeItem] = Field(default_factory=list, description="收费项目, each charge.")
    note: Text | None = Field(
        None, description="收费说明, printed with the fee (不收费, or what is not a fee of this matter).",
        examples=["不收费"])


class TermKind(StrEnum):
    """How long a granted licence runs, in a form the register computes the expiry date from."""

    YEARS = "years"
    MONTHS = "months"
    LONG_TERM = "long_term"
    PER_DECISION = "per_decision"


TERM_LABELS = {TermKind.LONG_TERM: "长期有效", TermKind.PER_DECISION: "以决定书载明为准"}


class Term(Frozen):
    """有效期 in machine-readable form: the licence register (证照库) computes each licence's expiry date from it."""

    kind: TermKind = Field(
        description="`years` or `months`: the licence expires that many calendar years or months after its issue "
                    "date (the day before the same date, 行政许可 practice: issued 2026-03-15 for 4 years runs to "
                    "2030-03-14); `long_term` 长期有效, no expiry; `per_decision` 以决定书载明为准, the term is set "
                    "in each decision, so the register keeps no expiry date and says so.",
        examples=["years", "per_decision"])
    length: Annotated[int, Field(ge=1, le=100)] | None = Field(
        None,
        description="How many years or months; given for `years` and `months`, left out for the other two. Must "
                    "agree with the `validity` text.",
        examples=[4, 6])


# A licence number template: fixed text with {year} (the office-local year of the decision) and {seq}
# (the matter's running number, optionally zero-padded as {seq:05d}); nothing else in braces.
LICENCE_NUMBER_FIELDS = ("year", "seq")


class Result(Frozen):
    """审批结果 (what the matter issues)."""

    name: Text = Field(
        description="结果名称: the licence or document, printed in the guide and named on the 制证 action.",
        examples=["《港口经营许可证》", "《超限运输车辆通行证》"])
    validity: Text | None = Field(None, description="有效期, as printed in the guide.", examples=["有效期3年"])
    licence_number: Text | None = Field(
        None,
        description="证照编号规则: the number every 准予 decision's licence gets in the licence register (证照库). "
                    "Fixed text with `{seq}`, the matter's running number (zero-padded as `{seq:05d}`), and "
                    "optionally `{year}`, the office-local year of the decision, after which the running number "
                    "starts again at 1. No other placeholder. Left out, a decision records no licence.",
        examples=["浙嘉交运管许可货字〔{year}〕第{seq:05d}号", "（浙嘉）港经证（{year}）第{seq:04d}号"])
    term: Term | None = Field(
        None,
        description="有效期 in the form the register computes expiry dates from; required with `licence_number`.")


class MatterDefinition(Frozen):
    """一个事项 (matter, at the level of 业务办理项): one YAML file of `workflows/definitions/`, named by its code."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")] = Field(
        description="事项代码 (slug): used in URLs (`/guides/road-freight-licence`), in the API and on every case. "
                    "Must equal the file name without `.yaml`.",
        examples=["road-freight-licence", "port-operation-licence"])
    # The provincial catalogue's codes, once checked against it; left out until then, so that
    # no guide prints a code that is not the matter's.
    basic_code: Text | None = Field(
        None,
        description="基本编码 from the provincial catalogue of government services, once checked against it. Printed "
                    "in the guide when given; left out until then, so no guide prints a code that is not the matter's.")
    implementation_code: Text | None = Field(
        None,
        description="实施编码 (区划代码-基本编码-序号), on the same terms as `basic_code`; searchable at the counter.")
    name: Text = Field(
        description="事项名称 (业务办理项名称), the official name. The counter finds it by any part of it and by its "
                    "pinyin initials.",
        examples=["道路货物运输经营许可", "港口经营许可"])
    keywords: list[Text] = Field(
        default_factory=list,
        description="检索关键词: short names and aliases applicants and clerks use; the counter search matches each "
                    "and its pinyin initials, listing a matter a keyword names outright first. No repeats. Not "
                    "printed.",
        examples=[["网约车", "网约车运输证", "网约车辆", "网约车车辆运输证"]])
    matter_type: MatterType = Field(description="事项类型, printed in the guide.", examples=["行政许可", "备案"])
    version: Text = Field(
        description="版本 label. The version key cases keep is this label plus a hash of the file, so any edit makes a "
                    "new version; cases finish under the version they began with.",
        examples=["2026.1"])
    effective_date: dt.date = Field(description="施行日期 of this version, printed at the foot of the guide.",
                                    examples=["2026-01-01"])
    source: Text = Field(
        description="定义依据: the laws and regulations the definition is drawn from, with article numbers; only real "
                    "laws and regulations, naming every law of `legal_bases`.",
        examples=["《中华人民共和国港口法》第二十二条、第二十三条； "
                  "《港口经营管理规定》（交通运输部令2016年第43号修正本）第十二条、第十三条。"])
    uncertain: list[Text] = Field(
        default_factory=list,
        description="待核实事项: notes for the catalogue's maintainers (what is unchecked, which figures are "
                    "placeholders). Never printed; the only field that may say 待核实 or 示意.",
        examples=[["基本编码、实施编码未填写：须从浙江省政务服务事项库核对后填入 basic_code、implementation_code，"
                   "此前指南不印编码。"]])
    legal_bases: list[LegalBasis] = Field(min_length=1, description="设定依据 and 实施依据, printed in the guide.")
    authority: Text = Field(description="实施主体: the authority that decides.", examples=["嘉兴市交通运输局"])
    acceptance_conditions: list[AcceptanceCondition] = Field(
        min_length=1, description="受理条件, printed in the guide, each with the materials that prove it.")
    preconditions: list[Precondition] = Field(
        default_factory=list,
        description="前置条件 the counter checks on the case data before anything else (考试合格 for a driver's "
                    "certificate): unmet, the intake verdict is 不予受理.")
    case_kind: CaseKind = Field(
        description="办件类型: a 即办件 is decided on the spot (no step waits for anyone, no special procedures, only "
                    "it may deliver `on_the_spot`); a 承诺件 needs `limits.promised_days` of at least 1.",
        examples=["承诺件", "即办件"])
    limits: Limits = Field(description="法定 and 承诺 办结时限.")
    case_fields: list[CaseField] = Field(
        default_factory=list,
        description="办件情况: the facts the clerk records about the case, which decide the conditional materials and "
                    "the preconditions.")
    application_channels: list[Channel] = Field(
        min_length=1,
        description="申请渠道: how an application may reach the office (`window`, `online`, `post`). Only `window` "
                    "brings the applicant in; the 到办事现场次数 analysis counts from these.",
        examples=[["window", "online"]])
    materials: list[Material] = Field(min_length=1, description="申请材料, in the order printed; ids unique.")
    roles: list[str] = Field(
        min_length=1,
        description="岗位: the staff roles that work on this matter (clerk 窗口受理人员, reviewer 审查人员, approver "
                    "审批人员, auditor, admin); every step's and lifecycle action's role must be one of them.",
        examples=[["clerk", "reviewer", "approver"]])
    lifecycle: LifecycleRoles = Field(
        LifecycleRoles(), description="Which role takes the actions outside the steps (受理, 决定, 制证, 送达, 终止).")
    steps: list[Step] = Field(
        min_length=1, description="办理环节 between 受理 and 决定, in order; ids unique.")
    special_procedures: list[SpecialProcedure] = Field(
        default_factory=list,
        description="特别程序 (专家评审, 现场勘验 …) that stop the time-limit clock while they run; ids unique and "
                    "different from step ids.")
    delivery_methods: list[Delivery] = Field(
        min_length=1,
        description="送达方式: `window` 窗口领取 (a visit), `mail` 邮寄, `electronic` 电子证照, `on_the_spot` "
                    "当场领取 (only for a 即办件); no repeats.",
        examples=[["mail", "window", "electronic"], ["on_the_spot", "electronic"]])
    result: Result = Field(description="审批结果: the licence or document the matter issues.")
    fees: Fees = Field(description="收费: whether the matter is charged, and for what.")

    def material(self, material_id: str) -> Material:
        for material in self.materials:
            if material.id == material_id:
                return material
        raise KeyError(material_id)


# ---- cross-field rules --------------------------------------------------------

# One broken rule: the field path and the rule (a class of workflows/errors.py, its message in Chinese).
Problem = tuple[str, errors.BrokenRule]


def rule_violations(d: MatterDefinition) -> list[Problem]:
    """Every broken rule as (field path, the rule: a class of workflows/errors.py, its message in Chinese)."""
    checks = (_limit_rules, _role_rules, _material_rules, _condition_rules, _step_rules, _immediate_rules, _fee_rules,
              _delivery_rules, _keyword_rules, _licence_rules)
    return [problem for check in checks for problem in check(d)]


def _limit_rules(d: MatterDefinition) -> Iterator[Problem]:
    if d.limits.promised_days > d.limits.legal_days:
        yield "limits.promised_days", errors.PromisedExceedsLegal()
    if d.case_kind is CaseKind.PROMISED and d.limits.promised_days < 1:
        yield "limits.promised_days", errors.PromisedTooShort()


def _role_rules(d: MatterDefinition) -> Iterator[Problem]:
    for i, role in enumerate(d.roles):
        if role not in MATTER_ROLES:
            yield f"roles[{i}]", errors.RoleUnknown(f"岗位 {role!r} 不存在，可用岗位: {', '.join(MATTER_ROLES)}")
    for action, role in d.lifecycle.model_dump().items():
        if role not in d.roles:
            yield f"lifecycle.{action}", errors.RoleNotDeclared(f"岗位 {role!r} 未在 roles 中声明")
    for i, step in enumerate(d.steps):
        if step.role not in d.roles:
            yield f"steps[{i}].role", errors.RoleNotDeclared(f"岗位 {step.role!r} 未在 roles 中声明")


def _material_rules(d: MatterDefinition) -> Iterator[Problem]:
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


def _condition_rules(d: MatterDefinition) -> Iterator[Problem]:
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


def _step_rules(d: MatterDefinition) -> Iterator[Problem]:
    yield from _unique_ids("steps", [s.id for s in d.steps], "环节编号")
    material_ids = {m.id for m in d.materials}
    for i, step in enumerate(d.steps):
        for j, mid in enumerate(step.requires_materials):
            if mid not in material_ids:
                yield f"steps[{i}].requires_materials[{j}]", errors.MaterialUnknown(
                    f"环节所需材料 {mid!r} 不在材料清单中")
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


def _immediate_rules(d: MatterDefinition) -> Iterator[Problem]:
    if d.case_kind is not CaseKind.IMMEDIATE:
        return
    for i, step in enumerate(d.steps):
        if step.waits_for:
            yield f"steps[{i}].waits_for", errors.ImmediateWaits()
    for i, _ in enumerate(d.special_procedures):
        yield f"special_procedures[{i}]", errors.ImmediateProcedure()


def _fee_rules(d: MatterDefinition) -> Iterator[Problem]:
    if d.fees.charged and not d.fees.items:
        yield "fees.items", errors.FeeItemsMissing()
    if not d.fees.charged and d.fees.items:
        yield "fees.items", errors.FeeItemsUncharged()


def _delivery_rules(d: MatterDefinition) -> Iterator[Problem]:
    yield from _unique_ids("delivery_methods", list(d.delivery_methods), "送达方式")
    if Delivery.ON_THE_SPOT in d.delivery_methods and d.case_kind is not CaseKind.IMMEDIATE:
        i = d.delivery_methods.index(Delivery.ON_THE_SPOT)
        yield f"delivery_methods[{i}]", errors.OnTheSpotNotImmediate()


def _keyword_rules(d: MatterDefinition) -> Iterator[Problem]:
    yield from _unique_ids("keywords", d.keywords, "检索关键词", suffix="")


def _licence_rules(d: MatterDefinition) -> Iterator[Problem]:
    template = d.result.licence_number
    if template is not None:
        broken = licence_number_problem(template)
        if broken:
            yield "result.licence_number", errors.LicenceNumberInvalid(f"证照编号规则 {template!r} {broken}")
        if d.result.term is None:
            yield "result.term", errors.LicenceTermMissing()
    term = d.result.term
    if term is not None and (term.length is None) != (term.kind in (TermKind.LONG_TERM, TermKind.PER_DECISION)):
        yield "result.term.length", errors.LicenceTermLength()


def licence_number_problem(template: str) -> str | None:
    """What is wrong with a licence number template, in Chinese, or None."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return "的花括号不成对"
    names = [name for _, name, _, _ in parts if name is not None]
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in LICENCE_NUMBER_FIELDS:
            return f"含有未知占位符 {{{name}}}，只能使用 {{year}} 和 {{seq}}"
        if conversion or (spec and not (name == "seq" and re.fullmatch(r"0[1-9]d", spec))):
            return f"的占位符 {{{name}}} 格式不对，只能写 {{year}}、{{seq}} 或 {{seq:05d}} 这样的补零位数"
    if names.count("seq") != 1 or names.count("year") > 1:
        return "须含一个 {seq}，至多一个 {year}"
    return None


def _unique_ids(collection: str, ids: Sequence[str], label: str, suffix: str = ".id") -> Iterator[Problem]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield f"{collection}[{i}]{suffix}", errors.DuplicateId(f"{label} {ident!r} 重复")
        seen.add(ident)
