"""The service layer: one plain function per action on a case.

Every function takes keyword-only arguments and an explicit session, checks
its input, and hands the state change to `engine.run`, which commits the
transition and its event together. Routes, the CLI and the demo call these;
none of them decides a rule itself.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
from collections.abc import Collection, Mapping
from enum import Enum
from typing import Any, TypeVar

from sqlmodel import Session

from workflows import action_kinds as kinds
from workflows import errors, intake
# Re-exported: the callers of open_case, resubmit and record_materials build these.
from workflows.action_kinds import MaterialCheck as MaterialCheck
from workflows import progress as pg
from workflows.deadlines import limit_dues
from workflows.demands import correction_due, tolerated_gap_dues
from workflows.definition import CaseField, Channel, Delivery, MatterDefinition
from workflows.case_windows import check_transfer_target, check_window
from workflows.engine import authorise, find_action, run, start
from workflows.machine import NEW, special_state
from workflows.models import Case
from workflows.office import Actor, Office
from workflows.submission import Applicant, submission_problems

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECEIPT_NO = re.compile(rf"[0-9]{{8}}[{RECEIPT_ALPHABET}]{{8}}")  # what _receipt_no makes
RECORDABLE = (pg.OK, pg.MISSING, pg.DEFECTIVE)


# ---- intake ------------------------------------------------------------------

def open_case(
    *,
    session: Session,
    office: Office,
    matter_code: str,
    applicant: Applicant,
    channel: Channel | str,
    clerk: Actor,
    delivery_method: Delivery | str,
    delivery_address: str | None = None,
    data: Mapping[str, Any] | None = None,
    materials: Mapping[str, MaterialCheck] | None = None,
) -> Case:
    """收件: register a submission with what was handed in; one transaction."""
    version = office.catalogue.get(matter_code)
    definition = version.definition
    problems = submission_problems(definition, applicant, channel=getattr(channel, "value", channel),
                                   delivery_method=getattr(delivery_method, "value", delivery_method),
                                   delivery_address=delivery_address)
    if problems:
        raise problems[0]
    channel, method = Channel(channel), Delivery(delivery_method)
    now = office.now()
    case = Case(
        receipt_no=_receipt_no(office.today()), matter_code=definition.code, definition_version=version.key,
        state=NEW, version=0, window=clerk.window, clerk=clerk.username, channel=channel.value,
        delivery_method=method.value, delivery_address=delivery_address, applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(), applicant_id_no=applicant.id_no.strip().upper(),
        applicant_phone=applicant.phone.strip(), agent_name=applicant.agent_name, agent_id_no=applicant.agent_id_no,
        sms_opt_out=applicant.sms_opt_out,
        data=coerce_data(definition, data or {}), progress=pg.empty(), received_at=now, updated_at=now,
    )
    # The window is in the log too, so a replay derives the case's window as it derives its state.
    payload = {"channel": channel.value, "materials": _material_entries(definition, materials or {}),
               "window": clerk.window}
    return start(session=session, office=office, case=case, actor=clerk,
                 trigger=kinds.RECEIVE.trigger_for(channel.value),
                 payload=payload)


def record_materials(*, session: Session, office: Office, case: Case, clerk: Actor,
                     materials: Mapping[str, MaterialCheck]) -> Case:
    payload = {"materials": _material_entries(office.matter_of(case).definition, materials)}
    return run(session=session, office=office, case=case, actor=clerk,
               trigger=kinds.RECORD_MATERIALS.trigger, payload=payload)


def assess_intake(*, office: Office, case: Case) -> intake.Verdict:
    """The verdict the counter shows before the clerk confirms."""
    return intake.assess(office.matter_of(case).definition, case.data, case.progress)


def accept_case(*, session: Session, office: Office, case: Case, clerk: Actor) -> Case:
    """受理: every required material is present."""
    return run(session=session, office=office, case=case, actor=clerk, trigger=kinds.ACCEPT.trigger,
               changes=_acceptance(office, case))


def accept_with_tolerance(*, session: Session, office: Office, case: Case, clerk: Actor,
                          pledge_signed: bool) -> Case:
    """容缺受理: only tolerable materials missing and the 承诺书 signed."""
    definition = office.matter_of(case).definition
    verdict = intake.assess(definition, case.data, case.progress)
    gaps = {material: due.due.isoformat()
            for material, due in tolerated_gap_dues(office, definition, verdict, office.today()).items()}
    return run(session=session, office=office, case=case, actor=clerk, trigger=kinds.ACCEPT_TOLERATED.trigger,
               payload={"pledge_signed": pledge_signed, "gaps": gaps}, changes=_acceptance(office, case))


def issue_correction_notice(*, session: Session, office: Office, case: Case, clerk: Actor,
                            notes: Mapping[str, str] | None = None) -> Case:
    """一次性告知: every missing and defective item at once, computed, never hand-picked, with its 补正期限."""
    verdict = assess_intake(office=office, case=case)
    items = [{**item, "problem": (notes or {}).get(item["material"]) or item["problem"]}
             for item in verdict.notice_items()]
    due = correction_due(office, office.today())
    return run(session=session, office=office, case=case, actor=clerk, trigger=kinds.NOTIFY.trigger,
               payload={"items": items, "due": due.isoformat()})


def resubmit(*, session: Session, office: Office, case: Case, clerk: Actor, channel: Channel | str,
             materials: Mapping[str, MaterialCheck]) -> Case:
    """The applicant brings (or posts, or uploads) the corrections asked for."""
    definition = office.matter_of(case).definition
    channel = _choice(Channel, channel, definition.application_channels, "channel", "该事项不接受此补正方式")
    payload = {"channel": channel.value, "materials": _material_entries(definition, materials)}
    return run(session=session, office=office, case=case, actor=clerk,
               trigger=kinds.RESUBMIT.trigger_for(channel.value),
               payload=payload)


def refuse_case(*, session: Session, office: Office, case: Case, clerk: Actor, reason: str) -> Case:
    """不予受理, with the written reason."""
    return _close(session, office, case, clerk, kinds.REFUSE, "refused", {"reason": reason})


# ---- processing ----------------------------------------------------------------

def advance_step(*, session: Session, office: Office, case: Case, actor: Actor, note: str = "") -> Case:
    return run(session=session, office=office, case=case, actor=actor,
               trigger=kinds.ADVANCE.trigger, payload=_note(note))


def start_special(*, session: Session, office: Office, case: Case, actor: Actor, procedure_id: str,
                  note: str = "") -> Case:
    """特别程序 starts: the clock stops."""
    payload = {"procedure": procedure_id, "on": office.today().isoformat(), **_note(note)}
    return run(session=session, office=office, case=case, actor=actor,
               trigger=kinds.START_SPECIAL.trigger_for(procedure_id),
               payload=payload)


def end_special(*, session: Session, office: Office, case: Case, actor: Actor, procedure_id: str | None = None,
                note: str = "") -> Case:
    """特别程序 ends: its working days are added to both deadlines. `procedure_id`, when given, must be the
    procedure the case is in (a page showing an older state asks to end another one)."""
    procedure_id = procedure_id or case.state.removeprefix("special_")
    if case.state != special_state(procedure_id):
        raise errors.ActionNotAllowed("办件当前不在该特别程序中")
    started = dt.date.fromisoformat(case.progress["specials"][procedure_id]["started"])
    today = office.today()
    paused = office.calendar.workdays_between(started, today)
    payload = {"procedure": procedure_id, "on": today.isoformat(), "paused_days": paused, **_note(note)}
    total_paused = case.progress["paused_days"] + paused
    if case.accepted_on is None:  # never so: a case enters a 特别程序 only after 受理
        raise errors.ActionNotAllowed("办件尚未受理")
    changes = limit_dues(office, office.matter_of(case).definition, case.accepted_on, total_paused)
    return run(session=session, office=office, case=case, actor=actor,
               trigger=kinds.END_SPECIAL.trigger_for(procedure_id),
               payload=payload, changes=changes)


def record_visit(*, session: Session, office: Office, case: Case, actor: Actor, purpose: str, cause: str,
                 note: str = "") -> Case:
    """Any other presence of the applicant (核验原件, 勘验 …), with its cause."""
    return run(session=session, office=office, case=case, actor=actor, trigger=kinds.RECORD_VISIT.trigger,
               payload={"purpose": purpose, "cause": cause, **_note(note)})


def record_supplement(*, session: Session, office: Office, case: Case, clerk: Actor, material_id: str,
                      channel: Channel | str, note: str = "") -> Case:
    """A tolerated material arrives; only in person is it a visit."""
    chosen = Channel(channel) if channel in Channel._value2member_map_ else None
    if chosen is None:
        raise errors.ChannelNotAllowed("补齐方式须为邮寄、网上提交或窗口现场", field="channel")
    return run(session=session, office=office, case=case, actor=clerk,
               trigger=kinds.SUPPLEMENT.trigger_for(chosen.value),
               payload={"material": material_id, "channel": chosen.value, **_note(note)})


def decide(*, session: Session, office: Office, case: Case, approver: Actor, approve: bool,
           reason: str = "") -> Case:
    """决定: 准予 or 不予 (with the reason)."""
    if approve:
        return run(session=session, office=office, case=case, actor=approver, trigger=kinds.DECIDE_APPROVE.trigger,
                   payload=_note(reason), changes={"outcome": "approved"})
    return run(session=session, office=office, case=case, actor=approver, trigger=kinds.DECIDE_DENY.trigger,
               payload={"reason": reason}, changes={"outcome": "denied"})


def issue_result(*, session: Session, office: Office, case: Case, clerk: Actor) -> Case:
    """制证: blocked while a tolerated gap is open."""
    return run(session=session, office=office, case=case, actor=clerk, trigger=kinds.ISSUE.trigger)


def deliver(*, session: Session, office: Office, case: Case, clerk: Actor, method: Delivery | str | None = None,
            tracking_no: str | None = None, address: str | None = None) -> Case:
    """送达 and 办结. Mail needs a tracking number; a window pickup is a visit."""
    definition = office.matter_of(case).definition
    method = _choice(Delivery, method or case.delivery_method, definition.delivery_methods, "method",
                     "该事项不提供此送达方式")
    payload: dict[str, Any] = {"method": method.value}
    if method is Delivery.MAIL:
        payload |= {"tracking_no": (tracking_no or "").strip(), "address": (address or case.delivery_address or "")}
    changes = {"delivery_method": method.value, "closed_at": office.now()}
    return run(session=session, office=office, case=case, actor=clerk, trigger=kinds.DELIVER.trigger_for(method.value),
               payload=payload, changes=changes)


def withdraw(*, session: Session, office: Office, case: Case, clerk: Actor, reason: str) -> Case:
    return _close(session, office, case, clerk, kinds.WITHDRAW, "withdrawn", {"reason": reason})


def terminate(*, session: Session, office: Office, case: Case, actor: Actor, reason: str,
              default: Mapping[str, Any] | None = None) -> Case:
    """终止. `default`: for the sweep's 终止 of an overdue 容缺 case, its deadline and when it was carried out."""
    return _close(session, office, case, actor, kinds.TERMINATE, "terminated",
                  {"reason": reason, **({"default": dict(default)} if default else {})})


def transfer_case(*, session: Session, office: Office, case: Case, clerk: Actor, window: str,
                  reason: str) -> Case:
    """转办: the case moves to another window that takes its matter; its state and clock are untouched.

    Not a visit: the applicant does not come. The event names both windows, so the
    log says where the case is (workflows.replay) and the audit can follow it.
    """
    matter = office.matter_of(case).compiled
    action = find_action(matter, case, kinds.TRANSFER.trigger)
    authorise(matter, action, clerk)  # who may move it is decided before where it may go
    check_window(office, matter, case, action, clerk)
    target = check_transfer_target(office, case, window)
    payload = {"from_window": case.window, "window": target.code, "window_name": target.name,
               "reason": reason.strip()}
    return run(session=session, office=office, case=case, actor=clerk, trigger=kinds.TRANSFER.trigger, payload=payload,
               changes={"window": target.code})


# ---- helpers -------------------------------------------------------------------

def _close(session: Session, office: Office, case: Case, actor: Actor, kind: kinds.ActionKind, outcome: str,
           payload: dict[str, Any]) -> Case:
    return run(session=session, office=office, case=case, actor=actor, trigger=kind.trigger, payload=payload,
               changes={"outcome": outcome, "closed_at": office.now()})


def _acceptance(office: Office, case: Case) -> dict[str, Any]:
    today = office.today()
    return {"accepted_on": today, **limit_dues(office, office.matter_of(case).definition, today, 0)}


def _note(note: str) -> dict[str, str]:
    return {"note": note} if note else {}


ChoiceT = TypeVar("ChoiceT", bound=Enum)


def _choice(enum: type[ChoiceT], value: object, offered: Collection[ChoiceT], field: str, message: str) -> ChoiceT:
    try:
        chosen = enum(value)
    except ValueError:
        raise errors.BadInput(message, field=field) from None
    if chosen not in offered:
        raise errors.ChannelNotAllowed(message, field=field)
    return chosen


def coerce_data(definition: MatterDefinition, data: Mapping[str, Any]) -> dict[str, Any]:
    """Case data typed by the definition's case_fields; unknown fields are refused.

    A yes/no field left unanswered is no, as an unticked box on the counter's form is:
    otherwise neither branch of a condition on it (已购置车辆 / 尚未购置) would hold,
    and the case would owe neither the vehicle papers nor the 承诺书.
    """
    fields = {f.id: f for f in definition.case_fields}
    out: dict[str, Any] = {f.id: False for f in definition.case_fields if f.type == "bool"}
    for key, value in data.items():
        if key not in fields:
            raise errors.BadInput(f"本事项没有办件字段 {key}", field=key)
        if value is None or value == "":
            continue
        out[key] = _coerce(fields[key], value)
    return out


def _coerce(field: CaseField, value: Any) -> Any:
    try:
        if field.type == "number":
            number = float(value)
            if not math.isfinite(number):  # "nan" and "inf" parse, but no JSON column stores them
                raise ValueError(value)
            return number
        if field.type == "bool":
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "on", "yes", "是")
        return str(value)
    except (TypeError, ValueError):
        raise errors.BadInput(f"“{field.label}”须为数字", field=field.id) from None


def _material_entries(definition: MatterDefinition,
                      materials: Mapping[str, MaterialCheck]) -> dict[str, dict[str, str]]:
    known = {m.id for m in definition.materials}
    entries = {}
    for material_id, check in materials.items():
        if material_id not in known:
            raise errors.BadInput(f"本事项没有材料 {material_id}", field=f"materials.{material_id}")
        if check.status not in RECORDABLE:
            raise errors.BadInput("材料状态须为已收取、未提交或不符合要求", field=f"materials.{material_id}")
        if check.status == pg.DEFECTIVE and not check.note.strip():
            raise errors.BadInput("不符合要求的材料须写明问题，以便一次性告知", field=f"materials.{material_id}")
        entries[material_id] = {"status": check.status, "note": check.note.strip()}
    return entries


def is_receipt_no(text: str) -> bool:
    """Whether `text` (in either case, spaces around it) has the shape of a receipt number this service issues."""
    return RECEIPT_NO.fullmatch(text.strip().upper()) is not None


def _receipt_no(today: dt.date) -> str:
    # Random rather than sequential: receipt numbers are shown to the public and
    # must not reveal the office's volume or let one guess a neighbour's case.
    return today.strftime("%Y%m%d") + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
