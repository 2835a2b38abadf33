"""One dispatch from an action's trigger to its service function.

The case page's forms and the REST API both hand in a trigger (as the engine
names it: `accept`, `resubmit_post`, `start_special_expert`, `deliver_mail` …)
and a flat or nested mapping of fields. `perform` checks the version the user
acted on, pulls each argument out of the fields with a clear `BadInput` when it
is missing or malformed, and calls the one service function in
`workflows.cases` that owns the action. No rule is decided here.

Fields understood (strings as a form posts them, or JSON values):
- `expected_version`: the case version the user saw; a different stored
  version raises `ConcurrentChange` before anything is done.
- `materials`: {material_id: status | {"status", "note"}}, or flat form keys
  `materials.<id>` (status) and `materials.<id>.note`.
- `notes`: {material_id: text}, or flat `notes.<id>` (一次性告知 wording).
- `pledge_signed`: bool ("on", "true", "1", "是" count as yes).
- `reason`, `note`, `purpose`, `cause`, `material`, `tracking_no`, `address`: text.
- `window`: the code of the window a 转办 moves the case to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from sqlmodel import Session

from workflows import cases, engine, errors, intake
from workflows import progress as pg
from workflows.cases import MaterialCheck
from workflows.intake import Verdict
from workflows.machine import RECEIVED
from workflows.models import Case
from workflows.office import Actor, Office

Fields = Mapping[str, Any]
TRUE_WORDS = frozenset({"1", "true", "on", "yes", "是", "y"})
FALSE_WORDS = frozenset({"", "0", "false", "off", "no", "否", "n"})


@dataclass(frozen=True)
class Call:
    """Everything a handler needs besides the fields."""

    session: Session
    office: Office
    case: Case
    actor: Actor
    suffix: str  # the part of the trigger after its prefix: a channel, a procedure id, a delivery method

    @property
    def common(self) -> dict[str, Any]:
        return {"session": self.session, "office": self.office, "case": self.case}


Handler = Callable[[Call, Fields], Case]


def perform(*, session: Session, office: Office, case: Case, actor: Actor, trigger: str,
            fields: Fields, expected_version: int | None = None) -> Case:
    """Take the action named by `trigger` on `case` as `actor`; returns the refreshed case."""
    check_version(case, expected_version if expected_version is not None else fields.get("expected_version"))
    handler, suffix = resolve(trigger)
    return handler(Call(session, office, case, actor, suffix), fields)


def check_version(case: Case, expected: Any) -> None:
    """Optimistic locking across requests: refuse to act on a case that changed since it was shown."""
    if expected is None or expected == "":
        return
    try:
        version = int(expected)
    except (TypeError, ValueError):
        raise errors.BadInput("办件版本号须为整数", field="expected_version") from None
    if version != case.version:
        raise errors.ConcurrentChange()


def resolve(trigger: str) -> tuple[Handler, str]:
    """The handler for a trigger and the parameter its name carries (or "")."""
    if trigger in EXACT:
        return EXACT[trigger], ""
    for prefix, handler in PREFIXED:
        if trigger.startswith(prefix) and len(trigger) > len(prefix):
            return handler, trigger.removeprefix(prefix)
    raise errors.BadInput(f"没有名为 {trigger} 的操作", field="trigger", code="unknown-action")


def known(trigger: str) -> bool:
    try:
        resolve(trigger)
    except errors.BadInput:
        return False
    return True


# ---- field extraction -----------------------------------------------------------

def text(fields: Fields, name: str) -> str:
    """A text field, stripped; absent is empty (the engine says which ones it needs)."""
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


def material_checks(fields: Fields) -> dict[str, MaterialCheck]:
    """What the clerk found per material, from a nested mapping or flat form keys."""
    nested = fields.get("materials")
    if nested is not None and not isinstance(nested, Mapping):
        raise errors.BadInput("材料清单格式有误", field="materials")
    found: dict[str, dict[str, str]] = {}
    for material_id, entry in (nested or {}).items():
        if isinstance(entry, Mapping):
            found[material_id] = {"status": _word(entry.get("status"), material_id),
                                  "note": _word(entry.get("note"), material_id)}
        else:
            found[material_id] = {"status": _word(entry, material_id), "note": ""}
    for key, value in fields.items():
        parts = key.split(".")
        if parts[0] != "materials" or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "note"):
            continue
        entry = found.setdefault(parts[1], {"status": "", "note": ""})
        entry["note" if len(parts) == 3 else "status"] = _word(value, parts[1])
    return {mid: MaterialCheck(e["status"], e["note"]) for mid, e in found.items() if e["status"]}


def notice_notes(fields: Fields) -> dict[str, str]:
    nested = fields.get("notes") or {}
    if not isinstance(nested, Mapping):
        raise errors.BadInput("告知说明格式有误", field="notes")
    notes = {mid: _word(v, mid) for mid, v in nested.items()}
    notes |= {k.removeprefix("notes."): _word(v, k) for k, v in fields.items() if k.startswith("notes.")}
    return {mid: note for mid, note in notes.items() if note}


def _word(value: Any, material_id: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or "\x00" in value:  # no text column stores NUL
        raise errors.BadInput("材料状态和说明须为文字", field=f"materials.{material_id}")
    return value.strip()


# ---- handlers -------------------------------------------------------------------

def _record_materials(c: Call, f: Fields) -> Case:
    return cases.record_materials(**c.common, clerk=c.actor, materials=material_checks(f))


def _accept(c: Call, f: Fields) -> Case:
    return cases.accept_case(**c.common, clerk=c.actor)


def _accept_tolerated(c: Call, f: Fields) -> Case:
    return cases.accept_with_tolerance(**c.common, clerk=c.actor, pledge_signed=flag(f, "pledge_signed"))


def _notify(c: Call, f: Fields) -> Case:
    return cases.issue_correction_notice(**c.common, clerk=c.actor, notes=notice_notes(f))


def _resubmit(c: Call, f: Fields) -> Case:
    return cases.resubmit(**c.common, clerk=c.actor, channel=c.suffix, materials=material_checks(f))


def _refuse(c: Call, f: Fields) -> Case:
    return cases.refuse_case(**c.common, clerk=c.actor, reason=text(f, "reason"))


def _advance(c: Call, f: Fields) -> Case:
    return cases.advance_step(**c.common, actor=c.actor, note=text(f, "note"))


def _start_special(c: Call, f: Fields) -> Case:
    return cases.start_special(**c.common, actor=c.actor, procedure_id=c.suffix, note=text(f, "note"))


def _end_special(c: Call, f: Fields) -> Case:
    if c.case.state != f"special_{c.suffix}":
        raise errors.ActionNotAllowed("办件当前不在该特别程序中")
    return cases.end_special(**c.common, actor=c.actor, note=text(f, "note"))


def _record_visit(c: Call, f: Fields) -> Case:
    return cases.record_visit(**c.common, actor=c.actor, purpose=text(f, "purpose"), cause=text(f, "cause"),
                              note=text(f, "note"))


def _supplement(c: Call, f: Fields) -> Case:
    return cases.record_supplement(**c.common, clerk=c.actor, material_id=text(f, "material"), channel=c.suffix,
                                   note=text(f, "note"))


def _approve(c: Call, f: Fields) -> Case:
    return cases.decide(**c.common, approver=c.actor, approve=True, reason=text(f, "note") or text(f, "reason"))


def _deny(c: Call, f: Fields) -> Case:
    return cases.decide(**c.common, approver=c.actor, approve=False, reason=text(f, "reason"))


def _issue(c: Call, f: Fields) -> Case:
    return cases.issue_result(**c.common, clerk=c.actor)


def _deliver(c: Call, f: Fields) -> Case:
    return cases.deliver(**c.common, clerk=c.actor, method=c.suffix, tracking_no=text(f, "tracking_no"),
                         address=text(f, "address") or None)


def _withdraw(c: Call, f: Fields) -> Case:
    return cases.withdraw(**c.common, clerk=c.actor, reason=text(f, "reason"))


def _transfer(c: Call, f: Fields) -> Case:
    return cases.transfer_case(**c.common, clerk=c.actor, window=text(f, "window"), reason=text(f, "reason"))


def _terminate(c: Call, f: Fields) -> Case:
    return cases.terminate(**c.common, actor=c.actor, reason=text(f, "reason"))


EXACT: dict[str, Handler] = {
    "record_materials": _record_materials,
    "accept": _accept,
    "accept_tolerated": _accept_tolerated,
    "notify": _notify,
    "refuse": _refuse,
    "advance": _advance,
    "record_visit": _record_visit,
    "decide_approve": _approve,
    "decide_deny": _deny,
    "issue": _issue,
    "withdraw": _withdraw,
    "terminate": _terminate,
    "transfer": _transfer,
}

# Triggers whose name carries a parameter; the engine checks the parameter is one this matter offers.
PREFIXED: tuple[tuple[str, Handler], ...] = (
    ("resubmit_", _resubmit),
    ("start_special_", _start_special),
    ("end_special_", _end_special),
    ("supplement_", _supplement),
    ("deliver_", _deliver),
)


# ---- intake preview ---------------------------------------------------------------

FLAG_FIELDS = frozenset({"pledge_signed"})  # the needs given as a yes/no tick, read with `flag`
# The needs a person types or ticks; the others (a notice's items) the service function works out itself.
GIVEN_FIELDS = FLAG_FIELDS | {"reason", "note", "purpose", "cause", "material", "tracking_no", "address"}


def intake_needs_unmet(*, office: Office, matter_code: str, trigger: str, fields: Fields) -> list[errors.DomainError]:
    """What the intake action `trigger` would refuse for want of a field (the signed 承诺书, a reason), asked
    before the case is opened, so that a confirmed intake does not stop half-way."""
    action = office.catalogue.get(matter_code).compiled.action(trigger, RECEIVED)
    if action is None:
        return [errors.ActionNotAllowed(f"收件时不能执行此操作（{trigger}）", field="intake_action")]
    given = [name for name in action.needs if name in GIVEN_FIELDS]
    payload = {name: flag(fields, name) if name in FLAG_FIELDS else text(fields, name) for name in given}
    return [problem for problem in engine.unmet_needs(action, payload) if problem.field in given]


def preview(*, office: Office, matter_code: str, data: Fields, materials: Mapping[str, MaterialCheck]) -> Verdict:
    """The verdict the engine would reach for this submission, before any case exists.

    The data and materials are checked exactly as `open_case` checks them, so a
    preview that succeeds describes the case that confirming would open.
    """
    definition = office.catalogue.get(matter_code).definition
    typed = cases.coerce_data(definition, data)
    entries = cases._material_entries(definition, materials)  # noqa: SLF001  (the same checks as open_case)
    progress = pg.evolve(pg.empty(), "preview", {"materials": entries})
    return intake.assess(definition, typed, progress)


def preview_applicable(*, office: Office, matter_code: str, data: Fields) -> tuple[str, ...]:
    """Which materials a submission with this 办件情况 is asked for, before any case exists.

    The data is typed as `open_case` types it, so the counter's checklist follows
    the same conditions the verdict applies.
    """
    definition = office.catalogue.get(matter_code).definition
    return intake.applicable_materials(definition, cases.coerce_data(definition, data))
