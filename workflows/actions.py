"""One dispatch from an action's trigger to its service function.

The case page's forms and the REST API both hand in a trigger (as the engine
names it: `accept`, `resubmit_post`, `start_special_expert`, `deliver_mail` …)
and a flat or nested mapping of fields. `perform` checks the version the user
acted on, reads the action's declared input (`workflows.action_kinds`) from the
fields with a clear `BadInput` when one is malformed, and calls the service
function in `workflows.cases` the declaration names. No rule is decided here.

Besides each action's own fields, `expected_version` is the case version the
user saw; a different stored version raises `ConcurrentChange` before anything
is done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlmodel import Session

from workflows import action_kinds as kinds
from workflows import cases, engine, errors, intake
from workflows import progress as pg
from workflows.action_kinds import Fields, MaterialCheck
from workflows.intake import Verdict
from workflows.machine import RECEIVED
from workflows.models import Case
from workflows.office import Actor, Office


def perform(*, session: Session, office: Office, case: Case, actor: Actor, trigger: str,
            fields: Fields, expected_version: int | None = None) -> Case:
    """Take the action named by `trigger` on `case` as `actor`; returns the refreshed case."""
    check_version(case, expected_version if expected_version is not None else fields.get("expected_version"))
    kind, param = resolve(trigger)
    given = kind.input.read(fields, param)
    # The kind names its service function in workflows.cases; each returns the case it acted on.
    service: Callable[..., Case] = getattr(cases, kind.service)
    parameter = {kind.parameter.argument: param} if kind.parameter else {}
    return service(session=session, office=office, case=case, **{kind.actor: actor}, **parameter,
                   **given.arguments())


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


def resolve(trigger: str) -> tuple[kinds.ActionKind, str]:
    """The declaration of an action taken on an open case, and the parameter its trigger carries (or "")."""
    kind, param = kinds.resolve(trigger)
    if not kind.on_case:  # 收件 opens the case: cases.open_case, with the applicant and the channel
        raise errors.UnknownAction(f"{trigger} 须通过收件登记办理，不能对已有办件执行", field="trigger")
    return kind, param


def known(trigger: str) -> bool:
    try:
        resolve(trigger)
    except errors.UnknownAction:
        return False
    return True


# ---- intake preview ---------------------------------------------------------------

def intake_needs_unmet(*, office: Office, matter_code: str, trigger: str, fields: Fields) -> list[errors.DomainError]:
    """What the intake action `trigger` would refuse for want of a field (the signed 承诺书, a reason), asked
    before the case is opened, so that a confirmed intake does not stop half-way."""
    action = office.catalogue.get(matter_code).compiled.action(trigger, RECEIVED)
    if action is None:
        return [errors.ActionNotAllowed(f"收件时不能执行此操作（{trigger}）", field="intake_action")]
    kind, param = kinds.resolve(trigger)
    # The fields a person types or ticks; needs the service works out itself are not asked here.
    given = [name for name in action.needs if name in kind.input.names(param)]
    payload = kind.input.read(fields, param).model_dump(include=set(given))
    return [problem for problem in engine.unmet_needs(action, payload) if problem.field in given]


def preview(*, office: Office, matter_code: str, data: Fields, materials: Mapping[str, MaterialCheck]) -> Verdict:
    """The verdict the engine would reach for this submission, before any case exists.

    The data and materials are checked exactly as `open_case` checks them, so a
    preview that succeeds describes the case that confirming would open.
    """
    definition = office.catalogue.get(matter_code).definition
    typed = cases.coerce_data(definition, data)
    entries = cases._material_entries(definition, materials)
    progress = pg.evolve(pg.empty(), kinds.RECORD_MATERIALS.trigger, {"materials": entries})
    return intake.assess(definition, typed, progress)


def preview_applicable(*, office: Office, matter_code: str, data: Fields) -> tuple[str, ...]:
    """Which materials a submission with this 办件情况 is asked for, before any case exists.

    The data is typed as `open_case` types it, so the counter's checklist follows
    the same conditions the verdict applies.
    """
    definition = office.catalogue.get(matter_code).definition
    return intake.applicable_materials(definition, cases.coerce_data(definition, data))
