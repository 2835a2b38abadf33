"""Reading the intake form into typed values, with every field error at once.

Formats are checked with the same validators the service layer uses
(workflows.identity, cases.coerce_data); the service checks again on write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from workflows import cases, errors, identity
from workflows import progress as pg
from workflows.cases import Applicant, MaterialCheck
from workflows.definition import Channel, Delivery, MatterDefinition


MAX_TEXT = 500
CHECK_STATUSES = (pg.OK, pg.MISSING, pg.DEFECTIVE)


def clean(value: Any, limit: int = MAX_TEXT) -> str:
    # NUL is refused by PostgreSQL text columns; nobody types it, so it goes.
    return str(value).replace("\x00", "").strip()[:limit] if value is not None else ""


def _text(form: Mapping[str, Any], name: str, limit: int = MAX_TEXT) -> str:
    return clean(form.get(name), limit)


def action_fields(form: Mapping[str, Any]) -> dict[str, str]:
    """A posted action form as text fields for `workflows.actions.perform` (files and the CSRF token left out)."""
    return {key: clean(value) for key, value in form.items() if isinstance(value, str) and key != "csrf"}


def posted_version(form: Mapping[str, Any]) -> int | None:
    try:
        return int(_text(form, "version", 12))
    except ValueError:
        return None


@dataclass
class IntakeForm:
    """The intake form as typed values, plus the raw text to fill the form again."""

    raw: dict[str, str]
    applicant: Applicant | None = None
    channel: str = ""
    delivery_method: str = ""
    delivery_address: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, MaterialCheck] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


APPLICANT_FIELDS = ("applicant_kind", "applicant_name", "applicant_id_no", "applicant_phone", "agent_name",
                    "agent_id_no", "channel", "delivery_method", "delivery_address")


def intake_form(form: Mapping[str, Any], definition: MatterDefinition) -> IntakeForm:
    raw = {name: _text(form, name) for name in APPLICANT_FIELDS}
    raw |= {f"data.{f.id}": _text(form, f"data.{f.id}") for f in definition.case_fields}
    raw |= {k: _text(form, k) for m in definition.materials for k in (f"materials.{m.id}", f"materials.{m.id}.note")}
    raw |= {k: _text(form, k) for k in ("reason", "pledge_signed", "previewed")}
    parsed = IntakeForm(raw=raw)
    _applicant(parsed)
    _routing(parsed, definition)
    _case_data(parsed, definition)
    _materials(parsed, definition)
    return parsed


def _applicant(f: IntakeForm) -> None:
    raw, errs = f.raw, f.errors
    kind, id_no = raw["applicant_kind"], raw["applicant_id_no"].upper()
    if kind not in ("person", "company"):
        errs["applicant_kind"] = "请选择申请人类型：个人或单位"
    if not raw["applicant_name"]:
        errs["applicant_name"] = "请填写申请人名称"
    if kind == "person" and not identity.valid_person_id(id_no):
        errs["applicant_id_no"] = "居民身份证号码格式或校验位不正确"
    if kind == "company" and not identity.valid_credit_code(id_no):
        errs["applicant_id_no"] = "统一社会信用代码格式或校验位不正确"
    if not identity.valid_phone(raw["applicant_phone"]):
        errs["applicant_phone"] = "联系电话格式不正确（手机 11 位，或带区号的固定电话）"
    agent_id = raw["agent_id_no"].upper()
    if agent_id and not identity.valid_person_id(agent_id):
        errs["agent_id_no"] = "代理人身份证号码格式或校验位不正确"
    if agent_id and not raw["agent_name"]:
        errs["agent_name"] = "填写了代理人证件号，请同时填写代理人姓名"
    if kind in ("person", "company"):
        f.applicant = Applicant(kind, raw["applicant_name"], id_no, raw["applicant_phone"],
                                raw["agent_name"] or None, agent_id or None)


def _routing(f: IntakeForm, d: MatterDefinition) -> None:
    raw = f.raw
    if raw["channel"] not in {c.value for c in d.application_channels}:
        f.errors["channel"] = "请选择本事项接受的申请方式"
    if raw["delivery_method"] not in {m.value for m in d.delivery_methods}:
        f.errors["delivery_method"] = "请选择本事项提供的送达方式"
    if raw["delivery_method"] == Delivery.MAIL.value and not raw["delivery_address"]:
        f.errors["delivery_address"] = "选择邮寄送达须填写收件地址"
    if raw["delivery_method"] == Delivery.ON_THE_SPOT.value and raw["channel"] != Channel.WINDOW.value:
        f.errors["delivery_method"] = "只有窗口现场申请才能当场领取"
    f.channel, f.delivery_method, f.delivery_address = raw["channel"], raw["delivery_method"], raw["delivery_address"]


def _ticked(value: str) -> bool:
    # An unticked box posts nothing; on this form that means "no", which conditions test for.
    return value in ("on", "true", "1")


def case_data(form: Mapping[str, Any], definition: MatterDefinition) -> dict[str, Any]:
    """The 办件情况 fields as posted, untyped but for the tick boxes: for the live checklist."""
    return {f.id: _ticked(_text(form, f"data.{f.id}")) if f.type == "bool" else _text(form, f"data.{f.id}")
            for f in definition.case_fields}


def _case_data(f: IntakeForm, d: MatterDefinition) -> None:
    for case_field in d.case_fields:
        key = f"data.{case_field.id}"
        if case_field.type == "bool":
            f.data[case_field.id] = _ticked(f.raw[key])
            continue
        try:
            f.data |= cases.coerce_data(d, {case_field.id: f.raw[key]})
        except errors.BadInput as exc:
            f.errors[key] = exc.message


def _materials(f: IntakeForm, d: MatterDefinition) -> None:
    for m in d.materials:
        status = f.raw[f"materials.{m.id}"] or pg.MISSING
        note = f.raw[f"materials.{m.id}.note"]
        if status not in CHECK_STATUSES:
            f.errors[f"materials.{m.id}"] = "材料状态须为已收取、未提交或不符合要求"
        elif status == pg.DEFECTIVE and not note:
            f.errors[f"materials.{m.id}.note"] = "不符合要求的材料须写明问题，以便一次性告知"
        else:
            f.checks[m.id] = MaterialCheck(status, note)


# The form's fields in the order a clerk meets them; the first one in error takes the focus.
LEADING_FIELDS = ("applicant_kind", "applicant_id_no", "applicant_name", "applicant_phone", "agent_name",
                  "agent_id_no", "channel", "delivery_method", "delivery_address")
TRAILING_FIELDS = ("reason", "pledge_signed", "intake_action")


def first_error(errors: Mapping[str, str], definition: MatterDefinition) -> str | None:
    """The field a clerk should fix first, in the form's order (None: no field error)."""
    order = [*LEADING_FIELDS, *(f"data.{f.id}" for f in definition.case_fields),
             *(k for m in definition.materials for k in (f"materials.{m.id}", f"materials.{m.id}.note")),
             *TRAILING_FIELDS]
    return next((name for name in order if name in errors), None)
