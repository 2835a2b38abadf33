"""Reading the intake form into typed values, with every field error at once.

The rules are the service layer's: who may apply and how (workflows.submission) and the
case data's types (cases.coerce_data). Each field's error carries the same stable code the
API answers with; the service checks again on write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from collections.abc import Mapping

from workflows import cases, errors
from workflows import progress as pg
from workflows.cases import MaterialCheck
from workflows.definition import MatterDefinition
from workflows.submission import Applicant, submission_problems


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


class FieldError(str):
    """A field's message as the form shows it, carrying the service layer's stable code for the page's markup."""

    code: str

    def __new__(cls, message: str, code: str = "invalid-input") -> FieldError:
        made = super().__new__(cls, message)
        made.code = code
        return made


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
                    "agent_id_no", "channel", "delivery_method", "delivery_address", "sms_opt_out")


def intake_form(form: Mapping[str, Any], definition: MatterDefinition) -> IntakeForm:
    raw = {name: _text(form, name) for name in APPLICANT_FIELDS}
    raw |= {f"data.{f.id}": _text(form, f"data.{f.id}") for f in definition.case_fields}
    raw |= {k: _text(form, k) for m in definition.materials for k in (f"materials.{m.id}", f"materials.{m.id}.note")}
    raw |= {k: _text(form, k) for k in ("reason", "pledge_signed", "previewed")}
    parsed = IntakeForm(raw=raw)
    _applicant(parsed, definition)
    _case_data(parsed, definition)
    _materials(parsed, definition)
    return parsed


def _applicant(f: IntakeForm, d: MatterDefinition) -> None:
    raw = f.raw
    f.applicant = Applicant(raw["applicant_kind"], raw["applicant_name"], raw["applicant_id_no"].upper(),
                            raw["applicant_phone"], raw["agent_name"] or None, raw["agent_id_no"].upper() or None,
                            sms_opt_out=_ticked(raw["sms_opt_out"]))
    f.channel, f.delivery_method, f.delivery_address = raw["channel"], raw["delivery_method"], raw["delivery_address"]
    for problem in submission_problems(d, f.applicant, channel=f.channel, delivery_method=f.delivery_method,
                                       delivery_address=f.delivery_address):
        f.errors.setdefault(problem.field or "form", FieldError(problem.message, problem.code))


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
            f.errors[key] = FieldError(exc.message, exc.code)


def _materials(f: IntakeForm, d: MatterDefinition) -> None:
    for m in d.materials:
        status = f.raw[f"materials.{m.id}"] or pg.MISSING
        note = f.raw[f"materials.{m.id}.note"]
        if status not in CHECK_STATUSES:
            f.errors[f"materials.{m.id}"] = FieldError("材料状态须为已收取、未提交或不符合要求")
        elif status == pg.DEFECTIVE and not note:
            f.errors[f"materials.{m.id}.note"] = FieldError("不符合要求的材料须写明问题，以便一次性告知")
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
