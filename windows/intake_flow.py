"""The counter's intake: preview the engine's verdict on the form, then open the case and take the chosen action.

Nothing is written until the clerk confirms. The confirmation checks what the
chosen action will need (the signed pledge, a reason) before the case is
opened, so a confirmed intake does not stop half-way for a missing tick box.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from windows.contexts import INTAKE_CHOICES, GapDue, gap_deadlines
from windows.forms import IntakeForm
from workflows import actions, cases, errors, intake
from workflows.definition import MatterDefinition
from workflows.models import Case
from workflows.office import Actor, Office


@dataclass(frozen=True)
class Preview:
    verdict: intake.Verdict
    gaps: list[GapDue]
    choices: tuple[str, ...]
    applicable: frozenset[str]


def preview(office: Office, definition: MatterDefinition, form: IntakeForm) -> Preview:
    verdict = actions.preview(office=office, matter_code=definition.code, data=form.data, materials=form.checks)
    return Preview(verdict, gap_deadlines(office, definition, verdict), INTAKE_CHOICES[verdict.outcome],
                   frozenset(verdict.applicable))


def confirmation_errors(form: IntakeForm, chosen: str, seen: Preview) -> dict[str, str]:
    """What the chosen action will refuse, found before anything is written."""
    problems = {}
    if chosen not in seen.choices or form.raw.get("previewed") != seen.verdict.outcome.value:
        problems["intake_action"] = "预审结论已变化，请按新的结论选择办理方式"
    if chosen == "accept_tolerated" and form.raw.get("pledge_signed") != "on":
        problems["pledge_signed"] = "容缺受理须由申请人签署容缺受理承诺书"
    if chosen == "refuse" and not form.raw.get("reason"):
        problems["reason"] = "不予受理须写明理由"
    return problems


def confirm(*, session: Session, office: Office, clerk: Actor, definition: MatterDefinition, form: IntakeForm,
            chosen: str) -> tuple[Case, errors.DomainError | None]:
    """Open the case, then take the intake action; an error from the second step is returned, not raised."""
    case = cases.open_case(
        session=session, office=office, matter_code=definition.code, applicant=form.applicant,
        channel=form.channel, clerk=clerk, delivery_method=form.delivery_method,
        delivery_address=form.delivery_address or None, data=form.data, materials=form.checks,
    )
    fields = {"reason": form.raw.get("reason", ""), "pledge_signed": form.raw.get("pledge_signed") == "on"}
    try:
        actions.perform(session=session, office=office, case=case, actor=clerk, trigger=chosen, fields=fields)
    except errors.DomainError as exc:
        return case, exc
    return case, None
