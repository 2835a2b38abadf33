"""The REST API's JSON shapes, as pydantic models so /docs describes every body and response.

Inputs forbid unknown keys (a typo is a 422, not a silently ignored field) and
refuse NUL characters, which no text column can store. Outputs are built from
the read side's views (`workflows.queries`) by the `of` constructors below.
Identity numbers and phones go out masked, in lists and on a single case alike,
as on the pages; only the audit exports unmask, for admins, and log it. The
one exception is the phone on the list of cases waiting on the applicant,
which is there for the window to ring them.
"""

from __future__ import annotations

import dataclasses
import re
import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AllowInfNan, BaseModel, ConfigDict, Field, StringConstraints, create_model
from pydantic.json_schema import JsonDict

from windows.contexts import GapDue
from windows.error_status import document_codes
from workflows import action_kinds as kinds
from workflows import identity
from workflows.applicant_status import ApplicantStatus
from workflows.catalogue import MatterVersion
from workflows.deadlines import SpecialTimeBox
from workflows.demands import Demand, Way
from workflows.definition import ROLE_LABELS, Channel, Delivery, MatterDefinition
from workflows.intake import Outcome, Verdict
from workflows.localtime import OfficeTime
from workflows.models import Case, CaseEvent
from workflows.outbox import MessageLine
from workflows.ratings import BAD_CATEGORIES
from workflows.queries import ActionChoice, CaseListing, CaseView, DeadlineView, MaterialRow, WaitingCase

NO_NUL = r"^[^\x00]*$"
Short = Annotated[str, StringConstraints(max_length=128, pattern=NO_NUL)]
Line = Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)]
Note = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
Ident = Annotated[str, StringConstraints(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
# NaN and Infinity parse from JSON in Python but no JSON column (PostgreSQL's above all) stores them.
Finite = Annotated[float, AllowInfNan(False)]
DataValue = bool | Finite | Short


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every error: a stable code for programs, a Chinese message for people, the field at fault."""

    code: str = Field(examples=["case-changed"], json_schema_extra=document_codes)
    message: str = Field(examples=["该办件刚被其他人员处理过，请刷新后按最新状态重新操作"])
    field: str | None = None


# ---- input ----------------------------------------------------------------------

class ApplicantIn(In):
    kind: Literal["person", "company"]
    name: Short = Field(description="申请人姓名或单位名称")
    id_no: Annotated[str, StringConstraints(max_length=32, pattern=NO_NUL)] = Field(
        description="居民身份证号码或统一社会信用代码")
    phone: Annotated[str, StringConstraints(max_length=32, pattern=NO_NUL)]
    agent_name: Short | None = None
    agent_id_no: Annotated[str, StringConstraints(max_length=32, pattern=NO_NUL)] | None = None
    sms_opt_out: bool = Field(False, description="申请人不接收短信通知（默认接收：收件、补正、办结、送达等环节）")


class MaterialCheckIn(In):
    status: Literal["ok", "missing", "defective"] = Field(description="已收取 / 未提交 / 不符合要求（须写明问题）")
    note: Note = ""


class IntakeIn(In):
    """What the clerk has in hand: the case data that conditions depend on, and each material's status."""

    matter_code: Short
    data: dict[Ident, DataValue] = Field(default_factory=dict)
    materials: dict[Ident, MaterialCheckIn] = Field(default_factory=dict)


class OpenCaseIn(IntakeIn):
    applicant: ApplicantIn
    channel: Channel = Channel.WINDOW
    delivery_method: Delivery
    delivery_address: Line | None = None


# ---- actions: one request model per declared action (workflows.action_kinds) -----------------

# The API's constraints for each input field an action declares (lengths, no NUL, closed choices).
ACTION_FIELD_TYPES: dict[str, Any] = {
    "note": Note, "reason": Note, "pledge_signed": bool, "materials": dict[Ident, MaterialCheckIn],
    "notes": dict[Ident, Note], "purpose": Short, "cause": Literal["", "applicant", "office"], "material": Short,
    "tracking_no": Short, "address": Line, "window": Short,
}


class ActionRequest(In):
    """The body of one action: the declared input and the version acted on. A field marked `x-needed` may not
    be left empty: the action then answers with the error code and message given there."""

    expected_version: int = Field(ge=0, le=2**31 - 1, description="the case `version` the caller acted on")

    def fields(self) -> dict[str, Any]:
        return self.model_dump()


def _field(kind: kinds.ActionKind, name: str) -> tuple[Any, Any]:
    info = kind.input.model_fields[name]
    needed = kind.input.needed_anywhere().get(name)
    extra: JsonDict | None = {"x-needed": {"code": needed.error.code, "message": needed.message}} if needed else None
    description = info.description or name
    if info.default_factory is not None:
        return ACTION_FIELD_TYPES[name], Field(default_factory=info.default_factory, description=description,
                                               json_schema_extra=extra)
    return ACTION_FIELD_TYPES[name], Field(info.default, description=description, json_schema_extra=extra)


def _request_model(kind: kinds.ActionKind) -> type[ActionRequest]:
    name = "".join(part.title() for part in kind.name.split("_")) + "ActionIn"
    which = f"{kind.prefix}<{kind.parameter.source}>" if kind.parameter else kind.name
    label = re.sub(r"\{(\w+)\}", "…", kind.label)  # the label's matter-specific words left open
    # Any, not tuple[Any, Any]: mypy matches a ** splat against every keyword create_model names
    # (__doc__, __config__ …) as well as against its field definitions.
    fields: dict[str, Any] = {field: _field(kind, field) for field in kind.input.model_fields}
    model = create_model(name, __base__=ActionRequest, __doc__=f"{label}（{which}）",
                         **fields)
    return model


# 收件 opens a case through POST /cases, so it has no action body.
ACTION_REQUESTS: dict[str, type[ActionRequest]] = {kind.name: _request_model(kind) for kind in kinds.KINDS
                                                   if kind.on_case}


class TokenIn(In):
    username: Short
    label: Short = Field(description="令牌用途，例如对接的系统名称")


BadCategory = Literal[tuple(BAD_CATEGORIES)]  # type: ignore[valid-type]  # the codes of workflows.ratings


class EvaluationIn(In):
    receipt_no: Annotated[str, StringConstraints(max_length=32, pattern=NO_NUL)]
    phone_last4: Annotated[str, StringConstraints(min_length=4, max_length=4, pattern=r"^[0-9]{4}$")]
    visit_seq: int = Field(0, ge=0, description="一次一评：被评价的到现场办事的事件序号（办件进度中列出）；"
                                                "0 为一事一评（整个办件，办结后）")
    level: Literal["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"] | None = Field(
        None, description="评价等级：very_satisfied 非常满意、satisfied 满意、basic 基本满意、dissatisfied 不满意、"
                          "very_dissatisfied 非常不满意（后两者为差评）。与 score 二者给出其一")
    score: int | None = Field(
        None, ge=1, le=5, deprecated=True,
        description="已弃用，请改用 level。原 1—5 分评价，按 5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意"
                    "换算为等级；与 level 二者给出其一，都给或都不给答 422 level-or-score")
    categories: list[BadCategory] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=20,
        description="差评的问题类别（差评时与 comment 至少填一项）："
                    + "；".join(f"{k} {v}" for k, v in BAD_CATEGORIES.items()))
    comment: Note = ""


# ---- catalogue --------------------------------------------------------------------

class VisitPlanOut(BaseModel):
    visits: int
    channel: Channel
    delivery: Delivery
    how: str


class MatterOut(BaseModel):
    code: str
    name: str
    matter_type: str
    case_kind: str
    legal_days: int
    promised_days: int
    visits: int = Field(description="到办事现场次数, computed from the state machine's main path")
    version_key: str

    @classmethod
    def of(cls, m: MatterVersion) -> MatterOut:
        d = m.definition
        return cls(code=d.code, name=d.name, matter_type=d.matter_type.value, case_kind=d.case_kind.value,
                   legal_days=d.limits.legal_days, promised_days=d.limits.promised_days,
                   visits=m.visits.visits, version_key=m.key)


class StateOut(BaseModel):
    name: str
    label: str
    role: str | None


class MatterDetailOut(MatterOut):
    definition: MatterDefinition
    states: list[StateOut]
    best_plan: VisitPlanOut
    plans_by_delivery: list[VisitPlanOut]
    advice: str

    @classmethod
    def of(cls, m: MatterVersion) -> MatterDetailOut:
        plans = [_plan(p) for p in m.visits.by_delivery.values()]
        states = [StateOut(name=s.name, label=s.label, role=s.role) for s in m.compiled.states.values()]
        return cls(**MatterOut.of(m).model_dump(), definition=m.definition, states=states,
                   best_plan=_plan(m.visits.best), plans_by_delivery=plans, advice=m.visits.advice())


def _plan(plan) -> VisitPlanOut:
    return VisitPlanOut(visits=plan.visits, channel=plan.channel, delivery=plan.delivery, how=plan.how)


# ---- cases -------------------------------------------------------------------------

class ProblemOut(BaseModel):
    material: str
    name: str
    status: str
    note: str
    tolerable: bool


class GapOut(BaseModel):
    name: str
    due: dt.date = Field(description="补齐期限 if the case is accepted with tolerance today")
    provisional: bool
    channels: str = Field(description="how it may be supplied")


class VerdictOut(BaseModel):
    outcome: Outcome
    label: str
    problems: list[ProblemOut]
    unmet_preconditions: list[str]
    notice_items: list[dict[str, str]]
    applicable: list[str] = Field(
        description="materials asked for on this case (conditional ones included when they apply)")
    gaps: list[GapOut] = Field(description="for 容缺受理: each tolerated item with its due date")

    @classmethod
    def of(cls, v: Verdict, gaps: list[GapDue]) -> VerdictOut:
        problems = [ProblemOut(material=p.material, name=p.name, status=p.status, note=p.note, tolerable=p.tolerable)
                    for p in v.problems]
        due = [GapOut(name=g.name, due=g.due, provisional=g.provisional, channels=g.channels) for g in gaps]
        return cls(outcome=v.outcome, label=v.label, problems=problems,
                   unmet_preconditions=list(v.unmet_preconditions), notice_items=v.notice_items(),
                   applicable=list(v.applicable), gaps=due if v.outcome is Outcome.TOLERATE else [])


class CaseSummaryOut(BaseModel):
    """A row in a list: the identity number masked."""

    id: int
    receipt_no: str
    matter_code: str
    state: str
    version: int
    awaiting_role: str | None
    window: str | None
    applicant_name: str
    applicant_id_masked: str
    received_at: dt.datetime = Field(description="office time, with its UTC offset")
    promised_due: dt.date | None
    visits: int

    @classmethod
    def of(cls, c: Case | CaseListing, time: OfficeTime) -> CaseSummaryOut:
        return cls(id=c.id, receipt_no=c.receipt_no, matter_code=c.matter_code, state=c.state, version=c.version,
                   awaiting_role=c.awaiting_role, window=c.window, applicant_name=c.applicant_name,
                   applicant_id_masked=identity.mask_id(c.applicant_id_no), received_at=time.local(c.received_at),
                   promised_due=c.promised_due, visits=c.visits)


class QueueItemOut(CaseSummaryOut):
    promised_left: int | None = Field(description="working days to the promised deadline; negative when overdue")
    overdue: bool


class WayOut(BaseModel):
    """One way of sending what is owed, with every fact needed to use it (from the office profile)."""

    channel: Channel
    label: str
    details: list[str] = Field(description="address and recipient, web address and steps, or window, hours and phone")
    visit: bool = Field(description="sending this way brings the applicant to the window")

    @classmethod
    def of(cls, w: Way) -> WayOut:
        return cls(channel=w.channel, label=w.label, details=list(w.details), visit=w.visit)


class DemandOut(BaseModel):
    """One item the applicant owes: a correction (补正) or a tolerated gap (容缺补齐)."""

    material: str
    name: str
    problem: str = Field(description="the reason recorded in the 一次性告知书; for a gap, 容缺受理，待补齐")
    due: dt.date
    channels: list[Channel] = Field(description="the ways this item may be sent")

    @classmethod
    def of(cls, d: Demand) -> DemandOut:
        return cls(material=d.material, name=d.name, problem=d.problem, due=d.due, channels=list(d.channels))


class WaitingItemOut(CaseSummaryOut):
    """A case waiting on the applicant, with what they owe and the phone to call them on."""

    matter_name: str
    applicant_phone: str = Field(description="in full: the window rings the applicant about what is owed")
    waiting_for: Literal["correction", "gaps"] = Field(description="补正 after a 一次性告知书, or 容缺补齐")
    waiting_label: str
    due: dt.date | None = Field(description="the earliest deadline of the items owed")
    due_left: int | None = Field(description="working days to `due`; negative once past")
    overdue: bool = Field(description="the deadline day has passed")
    owed: list[DemandOut]

    @classmethod
    def of_waiting(cls, w: WaitingCase, matter_name: str, time: OfficeTime) -> WaitingItemOut:
        return cls(**CaseSummaryOut.of(w.case, time).model_dump(), matter_name=matter_name,
                   applicant_phone=w.case.applicant_phone, waiting_for=w.kind, waiting_label=w.kind_label,
                   due=w.due, due_left=w.left, overdue=w.overdue, owed=[DemandOut.of(d) for d in w.demands])


class ApplicantOut(BaseModel):
    """Masked as on the case page: enough for staff to confirm with the applicant, useless to copy."""

    kind: str
    name: str
    id_masked: str
    phone_masked: str
    agent_name: str | None
    agent_id_masked: str | None


class MaterialRowOut(BaseModel):
    id: str
    name: str
    originals: int
    copies: int
    necessity: str
    applies: bool
    required: bool
    tolerable: bool
    status: str
    status_label: str
    note: str
    gap_due: dt.date | None

    @classmethod
    def of(cls, r: MaterialRow) -> MaterialRowOut:
        m = r.material
        return cls(id=m.id, name=m.name, originals=m.originals, copies=m.copies, necessity=m.necessity.value,
                   applies=r.applies, required=r.required, tolerable=m.tolerance is not None, status=r.status,
                   status_label=r.status_label, note=r.note, gap_due=r.gap_due)


class SpecialTimeBoxOut(BaseModel):
    """A started 特别程序 against its own time box; its days do not count against the case's limits."""

    procedure: str = Field(description="the procedure's id in the matter definition")
    name: str
    max_days: int = Field(description="its own time box, in working days")
    started: dt.date
    due: dt.date = Field(description="`max_days` working days after `started`")
    provisional: bool = Field(description="computed beyond the official holiday data: may move")
    ended: dt.date | None
    days_left: int | None = Field(description="working days to `due`, negative when overdue; "
                                              "null once it ended or the case closed")
    overran: bool = Field(description="ended after `due`, or still running after it")
    overdue_days: int = Field(description="working days past `due`; 0 when not overdue")

    @classmethod
    def of(cls, box: SpecialTimeBox) -> SpecialTimeBoxOut:
        return cls(**dataclasses.asdict(box))  # the same fields, so a new one cannot be left out


class DeadlinesOut(BaseModel):
    accepted_on: dt.date | None
    promised_due: dt.date | None
    legal_due: dt.date | None
    provisional: bool = Field(description="computed beyond the official holiday data: may move")
    paused: bool = Field(description="a 特别程序 is running; its days do not count")
    promised_left: int | None
    legal_left: int | None
    specials: list[SpecialTimeBoxOut] = Field(description="each 特别程序 started, against its own time box")

    @classmethod
    def of(cls, d: DeadlineView, specials: list[SpecialTimeBox]) -> DeadlinesOut:
        return cls(accepted_on=d.accepted_on, promised_due=d.promised_due, legal_due=d.legal_due,
                   provisional=d.provisional, paused=d.paused, promised_left=d.promised_left,
                   legal_left=d.legal_left, specials=[SpecialTimeBoxOut.of(box) for box in specials])


class EventOut(BaseModel):
    seq: int
    at: dt.datetime = Field(description="office time, with its UTC offset")
    actor: str
    action: str
    from_state: str
    to_state: str
    visit: bool
    visit_purpose: str | None
    visit_cause: str | None
    channel: str | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, e: CaseEvent, time: OfficeTime) -> EventOut:
        return cls(seq=e.seq, at=time.local(e.at), actor=e.actor, action=e.action, from_state=e.from_state,
                   to_state=e.to_state, visit=e.visit, visit_purpose=e.visit_purpose, visit_cause=e.visit_cause,
                   channel=e.channel, payload=e.payload)


class ActionOut(BaseModel):
    trigger: str = Field(description="taken with POST /api/cases/{id}/actions/{trigger}, that action's own operation")
    label: str
    role: str
    role_label: str
    blocked: str | None = Field(description="why the rules hold this action back now; null when it may be taken")
    needs: list[str] = Field(description="fields of the body this action requires")
    visit: bool = Field(description="taking it records a visit of the applicant")

    @classmethod
    def of(cls, choice: ActionChoice) -> ActionOut:
        a = choice.action
        return cls(trigger=a.trigger, label=a.label, role=a.role, role_label=ROLE_LABELS.get(a.role, "本事项办理人员"),
                   blocked=choice.blocked, needs=list(a.needs), visit=a.visit is not None)


class PaperOut(BaseModel):
    kind: str
    label: str
    href: str = Field(description="the PDF, for the staff who hand it out")


class MessageOut(BaseModel):
    notice: str = Field(description="what the message is about: 收件, 一次性告知, 决定 …")
    status: str = Field(description="pending, sent or failed (after the last retry)")
    status_label: str
    text: str = Field(description="as sent: no ID number, no full name")
    written_at: dt.datetime = Field(description="office time: written with the transition that caused it")
    sent_at: dt.datetime | None
    attempts: int
    error: str | None = Field(description="the gateway's last refusal, while retried or once failed")

    @classmethod
    def of(cls, m: MessageLine, time: OfficeTime) -> MessageOut:
        return cls(notice=m.notice, status=m.status, status_label=m.status_label, text=m.text,
                   written_at=time.local(m.at), sent_at=time.local(m.sent_at) if m.sent_at else None,
                   attempts=m.attempts, error=m.error)


class CaseOut(BaseModel):
    id: int
    receipt_no: str
    matter_code: str
    matter_name: str
    definition_version: str
    state: str
    state_label: str
    version: int = Field(description="send it back as `expected_version` when acting")
    awaiting_role: str | None
    window: str | None
    clerk: str
    channel: str
    delivery_method: str | None
    delivery_address: str | None
    applicant: ApplicantOut
    data: dict[str, Any]
    visits: int
    outcome: str | None
    received_at: dt.datetime = Field(description="office time, with its UTC offset, as are the other instants")
    closed_at: dt.datetime | None
    updated_at: dt.datetime
    deadlines: DeadlinesOut
    materials: list[MaterialRowOut]
    events: list[EventOut]
    actions: list[ActionOut] = Field(description="the actions the caller may take now")
    verdict: VerdictOut | None = Field(description="the intake verdict, while the case awaits it")
    papers: list[PaperOut] = Field(description="the printable papers this case calls for now")
    messages: list[MessageOut] = Field(description="the text messages to the applicant, oldest first")
    no_messages: str | None = Field(description="why the applicant gets no text messages, when so")

    @classmethod
    def of(cls, view: CaseView, papers: list[PaperOut], gaps: list[GapDue], time: OfficeTime,
           messages: tuple[list[MessageLine], str | None] = ([], None)) -> CaseOut:
        c = view.case
        applicant = ApplicantOut(kind=c.applicant_kind, name=c.applicant_name,
                                 id_masked=identity.mask_id(c.applicant_id_no),
                                 phone_masked=identity.mask_phone(c.applicant_phone), agent_name=c.agent_name,
                                 agent_id_masked=identity.mask_id(c.agent_id_no) if c.agent_id_no else None)
        return cls(
            id=c.id, receipt_no=c.receipt_no, matter_code=c.matter_code, matter_name=view.matter.definition.name,
            definition_version=c.definition_version, state=c.state, state_label=view.state_label, version=c.version,
            awaiting_role=c.awaiting_role, window=c.window, clerk=c.clerk, channel=c.channel,
            delivery_method=c.delivery_method, delivery_address=c.delivery_address, applicant=applicant,
            data=c.data, visits=c.visits, outcome=c.outcome, received_at=time.local(c.received_at),
            closed_at=time.local(c.closed_at) if c.closed_at else None, updated_at=time.local(c.updated_at),
            deadlines=DeadlinesOut.of(view.deadlines, view.specials),
            materials=[MaterialRowOut.of(r) for r in view.materials],
            events=[EventOut.of(e, time) for e in view.events],
            actions=[ActionOut.of(a) for a in view.actions],
            verdict=VerdictOut.of(view.verdict, gaps) if view.verdict else None, papers=papers,
            messages=[MessageOut.of(m, time) for m in messages[0]], no_messages=messages[1],
        )


# ---- public ------------------------------------------------------------------------

class OutstandingOut(BaseModel):
    name: str
    status: str = Field(description="未提交 / 不符合要求 / 容缺待补")
    due: dt.date | None = Field(description="a tolerated item's due date")


class PublicStatusOut(BaseModel):
    """What an applicant may see with the receipt number and phone digits: no personal data."""

    receipt_no: str
    matter_name: str
    state_label: str
    received_on: dt.date
    accepted_on: dt.date | None
    promised_due: dt.date | None
    provisional: bool = Field(description="the due date was computed beyond the official holiday data")
    closed_on: dt.date | None
    final: bool
    evaluated: bool = Field(description="好差评 already given")
    outstanding: list[OutstandingOut] = Field(description="materials still to hand in or supply")
    owed_kind: Literal["correction", "gaps"] | None = Field(
        description="while the case waits on the applicant: 补正 after a 一次性告知书, or 容缺补齐")
    owed: list[DemandOut] = Field(description="each item owed, with its reason and deadline")
    ways: list[WayOut] = Field(description="how the owed items may be sent, the ways without a visit first")
    result: str | None = Field(
        description="once closed: 准予许可 / 不予许可 (予以备案 / 不予备案 … by kind of matter)"
                    " / 不予受理 / 已撤回 / 已终止")
    tracking_no: str | None = Field(description="the EMS number, when the result was mailed")

    @classmethod
    def of(cls, s: ApplicantStatus) -> PublicStatusOut:
        return cls(
            receipt_no=s.receipt_no, matter_name=s.matter_name, state_label=s.state_label, received_on=s.received_on,
            accepted_on=s.accepted_on, promised_due=s.promised_due, provisional=s.provisional,
            closed_on=s.closed_on, final=s.final, evaluated=s.evaluated,
            outstanding=[OutstandingOut(name=o.name, status=o.status, due=o.due) for o in s.outstanding],
            owed_kind=s.owed_kind, owed=[DemandOut.of(d) for d in s.owed], ways=[WayOut.of(w) for w in s.ways],
            result=s.result, tracking_no=s.tracking_no,
        )


class EvaluationOut(BaseModel):
    receipt_no: str
    visit_seq: int = Field(description="0 为一事一评")
    level: str
    level_label: str
    task_opened: bool = Field(description="差评：已生成差评整改任务，窗口负责人将回访核实")
    at: dt.datetime


# ---- admin -------------------------------------------------------------------------

class TokenOut(BaseModel):
    id: int
    username: str
    label: str
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class IssuedTokenOut(TokenOut):
    token: str = Field(description="shown this once; only its digest is stored")


class UserOut(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    window: str | None
    active: bool

