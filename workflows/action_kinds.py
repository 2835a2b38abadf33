"""One declaration per action (or family of actions) a case can take.

Each `ActionKind` below says, in one place, everything the rest of the code used
to re-describe about an action: its trigger (or, for a family, the prefix and the
definition list that supplies the rest of the name), its typed input, who may
take it, whether it brings the applicant to the window and why, what it does to
the case's progress, whether the page asks to confirm it, the service function in
`workflows.cases` that performs it, the papers it issues and its Chinese label.

The machine (`workflows.machine`) compiles each matter's transitions from these;
the engine's input checks, `progress.evolve`, `workflows.actions.perform`, the
pages' action forms, the papers and the audit look actions up here. Where a
matter's transitions run (from which state to which, under which guards) stays
the machine's business.

Adding an action: declare it here, write its service function in
`workflows.cases`, and test it. A side action (one taken from any state within
its reach, as 转办 is) is placed by its declaration's `side`; an action on the
main path also needs its place among the matter's steps in `workflows.machine`.
Trigger names written
anywhere else are refused by tests/test_trigger_names_live_only_in_the_declarations.py;
stored events keep the names below, so a name never changes once released.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from workflows import errors
from workflows.decisions import DECISION_WORDING, DecisionWording
from workflows.definition import (
    ATTENDED_PROCEDURE_PURPOSE,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    Channel,
    Delivery,
    MatterDefinition,
    MatterType,
    Step,
)
from workflows.material_status import SUPPLIED, TOLERATED

Fields = Mapping[str, Any]
Progress = dict[str, Any]
ANY_ROLE = "*"
TRUE_WORDS = frozenset({"1", "true", "on", "yes", "是", "y"})
FALSE_WORDS = frozenset({"", "0", "false", "off", "no", "否", "n"})
VISIT_PURPOSES = ("递交", "补正", "核验原件", "勘验", "考试", "领证")
VISIT_CAUSES = {"applicant": "申请人原因", "office": "办理机关要求"}


class DocumentKind(StrEnum):
    """The documents an action issues, each registered with its number (workflows.documents)."""

    RECEIPT = "receipt"  # 收件凭证
    ACCEPTANCE = "acceptance"  # 受理通知书, or 容缺受理通知书 with the 承诺书
    NOTICE = "notice"  # 一次性告知书
    REFUSAL = "refusal"  # 不予受理决定书
    DECISION = "decision"  # 准予 / 不予许可决定书
    SERVICE_RECORD = "service_record"  # 送达回证 of a decision or a refusal
    TERMINATION = "termination"  # 终止办理告知书


@dataclass(frozen=True)
class MaterialCheck:
    """What the clerk found for one material at the counter."""

    status: str  # ok | missing | defective
    note: str = ""


# ---- reading input from a posted form (flat keys, strings) or a JSON body (nested) ----------

def text(fields: Fields, name: str) -> str:
    """A text field, stripped; absent is empty (the declaration says which ones are needed)."""
    value = fields.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or "\x00" in str(value):
        raise errors.BadInput("该项须为文字", field=name)
    return str(value).strip()


def flag(fields: Fields, name: str) -> bool:
    value = fields.get(name)
    if isinstance(value, bool):
        return value
    word = "" if value is None else str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise errors.BadInput("该项须为是或否", field=name)


def material_checks(fields: Fields, name: str = "materials") -> dict[str, MaterialCheck]:
    """What the clerk found per material, from a nested mapping or flat form keys `materials.<id>[.note]`."""
    nested = fields.get(name)
    if nested is not None and not isinstance(nested, Mapping):
        raise errors.BadInput("材料清单格式有误", field=name)
    found: dict[str, dict[str, str]] = {}
    for material_id, entry in (nested or {}).items():
        if isinstance(entry, Mapping):
            found[material_id] = {"status": _word(entry.get("status"), material_id),
                                  "note": _word(entry.get("note"), material_id)}
        else:
            found[material_id] = {"status": _word(entry, material_id), "note": ""}
    for key, value in fields.items():
        parts = key.split(".")
        if parts[0] != name or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "note"):
            continue
        entry = found.setdefault(parts[1], {"status": "", "note": ""})
        entry["note" if len(parts) == 3 else "status"] = _word(value, parts[1])
    return {mid: MaterialCheck(e["status"], e["note"]) for mid, e in found.items() if e["status"]}


def notice_notes(fields: Fields, name: str = "notes") -> dict[str, str]:
    nested = fields.get(name) or {}
    if not isinstance(nested, Mapping):
        raise errors.BadInput("告知说明格式有误", field=name)
    notes = {mid: _word(v, mid) for mid, v in nested.items()}
    notes |= {k.removeprefix(f"{name}."): _word(v, k) for k, v in fields.items() if k.startswith(f"{name}.")}
    return {mid: note for mid, note in notes.items() if note}


def _word(value: Any, material_id: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or "\x00" in value:  # no text column stores NUL
        raise errors.BadInput("材料状态和说明须为文字", field=f"materials.{material_id}")
    return value.strip()


# ---- markers on input fields ------------------------------------------------------------------

@dataclass(frozen=True)
class Read:
    """How the field is read from a form or a JSON body."""

    reader: Callable[[Fields, str], Any]


@dataclass(frozen=True)
class Needed:
    """The field must not be empty; the error raised (its class, so its code) and the clerk's message if it is."""

    error: type[errors.DomainError]
    message: str


@dataclass(frozen=True)
class Only:
    """The field belongs to the family's input only for these trigger parameters (邮寄 needs an 邮件号)."""

    params: frozenset[str]


TextIn = Annotated[str, Read(text)]
FlagIn = Annotated[bool, Read(flag)]
ChecksIn = Annotated[dict[str, MaterialCheck], Read(material_checks)]
NotesIn = Annotated[dict[str, str], Read(notice_notes)]
Reason = Annotated[TextIn, Needed(errors.ReasonRequired, "请填写理由")]
Note = Annotated[TextIn, Field(description="备注（可不填）")]


class ActionInput(BaseModel):
    """The typed input of one action; subclasses declare its fields."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def names(cls, param: str = "") -> tuple[str, ...]:
        """The input's fields for this trigger parameter, in declared order."""
        return tuple(name for name, info in cls.model_fields.items()
                     if not (only := _marker(info.metadata, Only)) or param in only.params)

    @classmethod
    def needed(cls, param: str = "") -> dict[str, Needed]:
        return {name: needed for name in cls.names(param)
                if (needed := _marker(cls.model_fields[name].metadata, Needed))}

    @classmethod
    def needed_anywhere(cls) -> dict[str, Needed]:
        """Each needed field, whatever the parameter (a family's conditional ones included)."""
        return {name: needed for name, info in cls.model_fields.items() if (needed := _marker(info.metadata, Needed))}

    @classmethod
    def read(cls, fields: Fields, param: str = "") -> ActionInput:
        """The input from posted fields; an empty needed field is left for the engine to refuse with its code."""
        return cls.model_validate({name: _marker(cls.model_fields[name].metadata, Read).reader(fields, name)
                                   for name in cls.names(param)})

    def arguments(self) -> dict[str, Any]:
        """The service function's keyword arguments; by default the fields under their own names."""
        return dict(self)


def _marker(metadata: list[Any], kind: type) -> Any:
    return next((m for m in metadata if isinstance(m, kind)), None)


class NoInput(ActionInput):
    pass


class MaterialsIn(ActionInput):
    materials: ChecksIn = Field(default_factory=dict,
                                description="各材料的收取情况：已收取、未提交或不符合要求（写明问题）")


class ToleratedIn(ActionInput):
    pledge_signed: Annotated[FlagIn, Needed(errors.PledgeNotSigned, "申请人未签署容缺受理承诺书")] = Field(
        False, description="申请人已签署容缺受理承诺书")


class NoticeIn(ActionInput):
    notes: NotesIn = Field(default_factory=dict, description="告知书中对各项材料的补充说明（可不填）")


class ReasonIn(ActionInput):
    reason: Reason = Field("", description="理由（将写入文书）")


class NoteIn(ActionInput):
    note: Note = ""


class ApproveIn(ActionInput):
    note: Note = ""

    def arguments(self) -> dict[str, Any]:
        return {"approve": True, "reason": self.note}


class DenyIn(ActionInput):
    reason: Reason = Field("", description="理由（将写入文书）")

    def arguments(self) -> dict[str, Any]:
        return {"approve": False, "reason": self.reason}


class VisitIn(ActionInput):
    purpose: Annotated[TextIn, Needed(errors.BadInput, "请选择到现场的事由")] = Field(
        "", description="到现场事由：" + "、".join(VISIT_PURPOSES))
    cause: Annotated[TextIn, Needed(errors.BadInput, "请选择到现场的原因")] = Field(
        "", description="到现场原因：applicant 申请人原因，office 办理机关要求")
    note: Note = ""


class SupplementIn(ActionInput):
    material: Annotated[TextIn, Needed(errors.BadInput, "请选择补齐的材料")] = Field(
        "", description="补齐的容缺材料编号")
    note: Note = ""

    def arguments(self) -> dict[str, Any]:
        return {"material_id": self.material, "note": self.note}


class DeliverIn(ActionInput):
    tracking_no: Annotated[TextIn, Needed(errors.BadInput, "邮寄送达须填写邮件号"), Only(frozenset({"mail"}))] = Field(
        "", description="EMS 邮件号（邮寄送达）")
    address: Annotated[TextIn, Needed(errors.BadInput, "邮寄送达须填写收件地址"), Only(frozenset({"mail"}))] = Field(
        "", description="收件地址（邮寄送达），不填则用收件时登记的地址")


class TransferIn(ActionInput):
    window: Annotated[TextIn, Needed(errors.TransferTarget, "请选择转往的窗口")] = Field(
        "", description="转往的窗口代码（该窗口须办理本事项）")
    reason: Reason = Field("", description="转办理由")


# ---- who, with which parameter, whether a visit --------------------------------------------

class RoleSource(StrEnum):
    """Where the role that may take the action comes from."""

    INTAKE = "intake"  # lifecycle.intake
    DECIDE = "decide"
    ISSUE = "issue"
    DELIVER = "deliver"
    TERMINATE = "terminate"
    STEP = "step"  # the role of the step the case is in
    ANY = "any"  # any role of the matter

    def role(self, d: MatterDefinition, step: Step | None = None) -> str:
        if self is RoleSource.ANY:
            return ANY_ROLE
        if self is RoleSource.STEP:
            assert step is not None, "a step's action is compiled with its step"
            return step.role
        return str(getattr(d.lifecycle, self.value))


@dataclass(frozen=True)
class Parameter:
    """What the tail of a family's trigger names, and from which list of the definition it comes."""

    source: str  # the definition's list, as the YAML names it
    argument: str  # the service function's keyword for it
    values: Callable[[MatterDefinition], list[str]]
    label: Callable[[MatterDefinition, str], str]


CHANNEL = Parameter("application_channels", "channel", lambda d: [c.value for c in d.application_channels],
                    lambda d, v: CHANNEL_LABELS[Channel(v)])
SUPPLY_CHANNEL = Parameter(
    "materials[].tolerance.channels", "channel",
    lambda d: sorted({c.value for m in d.materials if m.tolerance for c in m.tolerance.channels}),
    lambda d, v: CHANNEL_LABELS[Channel(v)])
PROCEDURE = Parameter("special_procedures", "procedure_id", lambda d: [p.id for p in d.special_procedures],
                      lambda d, v: next(p.name for p in d.special_procedures if p.id == v))
DELIVERY = Parameter("delivery_methods", "method", lambda d: [m.value for m in d.delivery_methods],
                     lambda d, v: DELIVERY_LABELS[Delivery(v)])


@dataclass(frozen=True)
class Visit:
    """The action brings the applicant to the window: for which purpose, and whose cause that is."""

    purpose: Callable[[MatterDefinition, str], str | None]  # by definition and parameter; None: not a visit
    cause: Callable[[MatterDefinition, str], str]  # by definition and purpose
    given: bool = False  # purpose and cause are given in the input (登记到现场)

    def of(self, d: MatterDefinition, purpose: str, payload: Mapping[str, Any]) -> tuple[str, str]:
        if not self.given:
            return purpose, self.cause(d, purpose)
        purpose, cause = payload["purpose"], payload["cause"]
        if purpose not in VISIT_PURPOSES:
            raise errors.BadInput("到现场事由不在规定范围内", field="purpose")
        if cause not in VISIT_CAUSES:
            raise errors.BadInput("到现场原因须为申请人原因或办理机关要求", field="cause")
        return purpose, cause


GIVEN = "*"  # Action.visit when the purpose is given in the input


def _at_window(purpose: str) -> Callable[[MatterDefinition, str], str | None]:
    return lambda d, param: purpose if param == Channel.WINDOW.value else None


def _attended(d: MatterDefinition, procedure_id: str) -> str | None:
    proc = next(p for p in d.special_procedures if p.id == procedure_id)
    return ATTENDED_PROCEDURE_PURPOSE.get(proc.kind) if proc.applicant_present else None


def _pickup_cause(d: MatterDefinition, purpose: str) -> str:
    # Picking up is the applicant's choice only when the office offered to post or issue it electronically.
    return "applicant" if any(m is not Delivery.WINDOW for m in d.delivery_methods) else "office"


def _applicant(d: MatterDefinition, purpose: str) -> str:
    return "applicant"


def _office(d: MatterDefinition, purpose: str) -> str:
    return "office"  # 勘验 and 考试 take place because the office requires them


# ---- effects on progress (pure: they change only the fresh copy evolve hands them) -------------

def _noticed(new: Progress, payload: Mapping[str, Any]) -> None:
    items = [item["material"] for item in payload["items"]]
    if new["notice"] is None:
        new["notice"] = items
    new["notices"] += 1
    if "due" in payload:  # notices from before 补正期限 was recorded carry none
        new["correction"] = {"items": [dict(i) for i in payload["items"]], "due": payload["due"]}


def _corrections_handed_in(new: Progress, payload: Mapping[str, Any]) -> None:
    new.pop("correction", None)  # handed in: the clerk checks it now, nothing is awaited


def _gaps_opened(new: Progress, payload: Mapping[str, Any]) -> None:
    for material_id, due in payload["gaps"].items():
        new["gaps"][material_id] = due
        new["materials"][material_id] = {"status": TOLERATED,
                                         "note": new["materials"].get(material_id, {}).get("note", "")}


def _gap_closed(new: Progress, payload: Mapping[str, Any]) -> None:
    material_id = payload["material"]
    new["gaps"].pop(material_id, None)
    new["materials"][material_id] = {"status": SUPPLIED, "note": payload.get("note", "")}


def _special_started(new: Progress, payload: Mapping[str, Any]) -> None:
    new["specials"][payload["procedure"]] = {"started": payload["on"], "ended": None}


def _special_ended(new: Progress, payload: Mapping[str, Any]) -> None:
    new["specials"][payload["procedure"]]["ended"] = payload["on"]
    new["paused_days"] += payload["paused_days"]


def _gap_open(progress: Progress) -> bool:
    return bool(progress.get("gaps"))


# ---- papers ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Paper:
    """A document the action issues, with the series word of its number (a decision's by the kind of matter)."""

    kind: DocumentKind
    series: Callable[[DecisionWording], str]


def _fixed(word: str) -> Callable[[DecisionWording], str]:
    return lambda wording: word


SERVICE_RECORD = Paper(DocumentKind.SERVICE_RECORD, _fixed("送"))


# ---- where a side action runs -----------------------------------------------------------------

class Reach(StrEnum):
    """The states a side action may be taken from."""

    OPEN = "open"  # every state of a case received and not yet ended
    ACCEPTED = "accepted"  # every state of an accepted case: its clock is running


@dataclass(frozen=True)
class Side:
    """An action off the main path, taken from every state within its reach (the machine places it)."""

    reach: Reach
    ends: str | None = None  # the final state it ends the case in, as workflows.machine names it; None: it stays


# ---- the declaration ----------------------------------------------------------------------

@dataclass(frozen=True)
class ActionKind:
    name: str  # the trigger, or for a family the prefix's stem: `resubmit` names resubmit_<channel>
    label: str  # Chinese, formatted with {channel} {procedure} {delivery} {step} {granted} {refusal} {result}
    input: type[ActionInput]
    role: RoleSource
    service: str  # the function in workflows.cases that performs it
    actor: str = "clerk"  # the service function's keyword for who takes it
    parameter: Parameter | None = None  # set for a family
    visit: Visit | None = None
    effect: Callable[[Progress, Mapping[str, Any]], None] | None = None
    danger: bool = False  # the page asks the clerk to confirm
    papers: tuple[Paper, ...] = ()
    screen: tuple[str, ...] = ()  # what its form shows besides its input (the gaps' due dates)
    on_case: bool = True  # False: it opens the case (收件), through its own intake, not `perform`
    short: str = ""  # the flow diagram's edge label (same placeholders), where the label is too long for it
    computed: tuple[tuple[str, Needed], ...] = ()  # what the service works out and the event must carry
    side: Side | None = None  # set for a side action: the machine places it from this alone
    # Whether the counter offers it at all for a case with this progress; an action offered but held back
    # by a guard is shown with the rule that holds it (workflows.queries.available_actions).
    offered: Callable[[Progress], bool] = lambda progress: True  # most actions: always

    @property
    def prefix(self) -> str:
        return f"{self.name}_" if self.parameter else self.name

    @property
    def trigger(self) -> str:
        """An exact action's trigger (a family's needs its parameter: `trigger_for`)."""
        assert self.parameter is None, f"{self.name} is a family; use trigger_for"
        return self.name

    def trigger_for(self, param: str) -> str:
        return f"{self.prefix}{param}" if self.parameter else self.name

    def matches(self, trigger: str) -> bool:
        return trigger.startswith(self.prefix) and len(trigger) > len(self.prefix) if self.parameter \
            else trigger == self.name

    def param_of(self, trigger: str) -> str:
        return trigger.removeprefix(self.prefix) if self.parameter else ""

    def label_for(self, d: MatterDefinition, *, param: str = "", step: Step | None = None) -> str:
        return self._format(self.label, d, param, step)

    def _format(self, template: str, d: MatterDefinition, param: str, step: Step | None) -> str:
        wording = DECISION_WORDING[d.matter_type]
        shown = self.parameter.label(d, param) if self.parameter else ""
        return template.format(channel=shown, procedure=shown, delivery=shown, step=step.name if step else "",
                                 granted=wording.granted, refusal=wording.refusal, result=d.result.name)

    def short_for(self, d: MatterDefinition, *, param: str = "") -> str:
        return self._format(self.short, d, param, None) if self.short else ""

    def visit_for(self, d: MatterDefinition, param: str = "") -> str | None:
        """The visit purpose compiled into the machine's Action (GIVEN when the input names it)."""
        if self.visit is None:
            return None
        return GIVEN if self.visit.given else self.visit.purpose(d, param)

    def needs(self, param: str = "") -> dict[str, Needed]:
        """What the event's payload cannot do without, each with the error it raises when empty."""
        return self.input.needed(param) | dict(self.computed)

    def widgets(self, param: str = "") -> tuple[str, ...]:
        return (*self.screen, *self.input.names(param))

    def papers_for(self, matter_type: MatterType) -> tuple[tuple[DocumentKind, str], ...]:
        wording = DECISION_WORDING[matter_type]
        return tuple((paper.kind, paper.series(wording)) for paper in self.papers)


_NO_PURPOSE: Callable[[MatterDefinition, str], str | None] = lambda d, param: None  # noqa: E731


RECEIVE = ActionKind(
    "receive", "收件（{channel}）", MaterialsIn, RoleSource.INTAKE, "open_case", parameter=CHANNEL,
    visit=Visit(_at_window("递交"), _applicant), papers=(Paper(DocumentKind.RECEIPT, _fixed("收")),), on_case=False)
RECORD_MATERIALS = ActionKind("record_materials", "登记收取材料", MaterialsIn, RoleSource.INTAKE, "record_materials")
ACCEPT = ActionKind("accept", "受理", NoInput, RoleSource.INTAKE, "accept_case",
                    papers=(Paper(DocumentKind.ACCEPTANCE, _fixed("受")),))
ACCEPT_TOLERATED = ActionKind(
    "accept_tolerated", "容缺受理", ToleratedIn, RoleSource.INTAKE, "accept_with_tolerance", effect=_gaps_opened,
    papers=(Paper(DocumentKind.ACCEPTANCE, _fixed("受")),), screen=("gaps",))
NOTIFY = ActionKind("notify", "出具一次性告知书", NoticeIn, RoleSource.INTAKE, "issue_correction_notice",
                    effect=_noticed, papers=(Paper(DocumentKind.NOTICE, _fixed("补")),),
                    computed=(("items", Needed(errors.NoticeIncomplete, "一次性告知须列明补正事项")),))
RESUBMIT = ActionKind(
    "resubmit", "收取补正材料（{channel}）", MaterialsIn, RoleSource.INTAKE, "resubmit", parameter=CHANNEL,
    visit=Visit(_at_window("补正"), _applicant), effect=_corrections_handed_in)
REFUSE = ActionKind("refuse", "不予受理", ReasonIn, RoleSource.INTAKE, "refuse_case", danger=True,
                    papers=(Paper(DocumentKind.REFUSAL, _fixed("不受")), SERVICE_RECORD))
ADVANCE = ActionKind("advance", "完成{step}，转下一环节", NoteIn, RoleSource.STEP, "advance_step", actor="actor",
                     short="完成")
START_SPECIAL = ActionKind(
    "start_special", "启动特别程序：{procedure}", NoteIn, RoleSource.STEP, "start_special", actor="actor",
    parameter=PROCEDURE, visit=Visit(_attended, _office), effect=_special_started, short="启动")
END_SPECIAL = ActionKind("end_special", "结束特别程序：{procedure}", NoteIn, RoleSource.STEP, "end_special",
                         actor="actor", parameter=PROCEDURE, effect=_special_ended, short="结束")
DECIDE_APPROVE = ActionKind(
    "decide_approve", "作出{granted}决定", ApproveIn, RoleSource.DECIDE, "decide", actor="approver",
    papers=(Paper(DocumentKind.DECISION, lambda w: w.approved_series), SERVICE_RECORD))
DECIDE_DENY = ActionKind(
    "decide_deny", "作出{refusal}决定", DenyIn, RoleSource.DECIDE, "decide", actor="approver", danger=True,
    papers=(Paper(DocumentKind.DECISION, lambda w: w.denied_series), SERVICE_RECORD))
ISSUE = ActionKind("issue", "制证：{result}", NoInput, RoleSource.ISSUE, "issue_result", short="制证")
DELIVER = ActionKind("deliver", "送达：{delivery}", DeliverIn, RoleSource.DELIVER, "deliver", parameter=DELIVERY,
                     visit=Visit(lambda d, method: "领证" if method == Delivery.WINDOW.value else None, _pickup_cause),
                     short="{delivery}")
SUPPLEMENT = ActionKind(
    "supplement", "登记容缺材料补齐（{channel}）", SupplementIn, RoleSource.INTAKE, "record_supplement",
    parameter=SUPPLY_CHANNEL, visit=Visit(_at_window("补正"), _applicant), effect=_gap_closed,
    offered=_gap_open)  # a case with no 容缺 gap owes nothing to supplement
RECORD_VISIT = ActionKind("record_visit", "登记申请人到现场", VisitIn, RoleSource.ANY, "record_visit", actor="actor",
                          visit=Visit(_NO_PURPOSE, _applicant, given=True), side=Side(Reach.OPEN))
WITHDRAW = ActionKind("withdraw", "申请人撤回申请", ReasonIn, RoleSource.INTAKE, "withdraw", danger=True,
                      side=Side(Reach.OPEN, ends="withdrawn"))
# 转办: the case moves to another window that takes its matter (workflows.case_windows); the state
# and the clock stay, the applicant does not come, and the event names both windows.
TRANSFER = ActionKind("transfer", "转办", TransferIn, RoleSource.INTAKE, "transfer_case", side=Side(Reach.OPEN))
TERMINATE = ActionKind("terminate", "终止办理", ReasonIn, RoleSource.TERMINATE, "terminate", actor="actor",
                       danger=True, papers=(Paper(DocumentKind.TERMINATION, _fixed("终")),),
                       side=Side(Reach.ACCEPTED, ends="terminated"))

KINDS: tuple[ActionKind, ...] = (
    RECEIVE, RECORD_MATERIALS, ACCEPT, ACCEPT_TOLERATED, NOTIFY, RESUBMIT, REFUSE, ADVANCE, START_SPECIAL,
    END_SPECIAL, DECIDE_APPROVE, DECIDE_DENY, ISSUE, DELIVER, SUPPLEMENT, RECORD_VISIT, WITHDRAW, TRANSFER, TERMINATE,
)
_EXACT = {k.name: k for k in KINDS if k.parameter is None}
_FAMILIES = tuple(k for k in KINDS if k.parameter is not None)
SIDE_ACTIONS = tuple(k for k in KINDS if k.side is not None)  # placed by the machine from their declaration

# Groups other modules ask about, named here so that no trigger is spelled elsewhere.
DECISIONS = (DECIDE_APPROVE, DECIDE_DENY)
ACCEPTANCES = (ACCEPT, ACCEPT_TOLERATED)
SIDE_EXITS = (WITHDRAW, TERMINATE)  # possible from nearly every state
WITH_REASON = (REFUSE, WITHDRAW, TERMINATE, DECIDE_DENY)  # the reason is the case's last word


@functools.lru_cache(maxsize=512)  # triggers come from requests too: bounded
def kind_of(trigger: str) -> ActionKind | None:
    """The declaration a trigger belongs to, or None (a trigger no release ever had, or `preview`)."""
    exact = _EXACT.get(trigger)
    if exact is not None:
        return exact
    return next((k for k in _FAMILIES if k.matches(trigger)), None)


def resolve(trigger: str) -> tuple[ActionKind, str]:
    """The declaration and the parameter the trigger's name carries ("" for an exact action)."""
    kind = kind_of(trigger)
    if kind is None:
        raise errors.UnknownAction(f"没有名为 {trigger} 的操作", field="trigger")
    return kind, kind.param_of(trigger)


def is_kind(trigger: str, *kinds: ActionKind) -> bool:
    return kind_of(trigger) in kinds


def needed(trigger: str) -> dict[str, Needed]:
    """The payload fields the action cannot do without, each with the error it raises when empty."""
    kind, param = resolve(trigger)
    return kind.needs(param)
