"""The counter's intake: preview the engine's verdict on the form, then open the case and take the chosen action.

Nothing is written until the clerk confirms. The confirmation asks the engine what the
chosen action will need (the signed pledge, a reason) before the case is
opened, so a confirmed intake does not stop half-way for a missing tick box.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from windows.contexts import INTAKE_CHOICES, GapDue, gap_deadlines
from windows.forms import FieldError, IntakeForm
from workflows import action_kinds as kinds
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


def confirmation_errors(office: Office, definition: MatterDefinition, form: IntakeForm, chosen: str,
                        seen: Preview) -> dict[str, str]:
    """What the chosen action will refuse, found before anything is written: the engine's own needs."""
    if chosen not in seen.choices or form.raw.get("previewed") != seen.verdict.outcome.value:
        return {"intake_action": FieldError("预审结论已变化，请按新的结论选择办理方式", "verdict-changed")}
    unmet = actions.intake_needs_unmet(office=office, matter_code=definition.code, trigger=chosen, fields=form.raw)
    return {problem.field or "intake_action": FieldError(problem.message, problem.code) for problem in unmet}


def confirm(*, session: Session, office: Office, clerk: Actor, definition: MatterDefinition, form: IntakeForm,
            chosen: str) -> tuple[Case, errors.DomainError | None]:
    """Open the case, then take the intake action; an error from the second step is returned, not raised."""
    assert form.applicant is not None, "a form is confirmed only once it parsed, applicant included"
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


# What the flash message says once the intake is confirmed: the outcome, and the 收件编号 that
# every paper prints and the public status page asks for, accepted or not.
DONE = {
    kinds.ACCEPT.trigger: "已受理（收件编号 {no}）。请打印受理通知书交给申请人。",
    kinds.ACCEPT_TOLERATED.trigger: "已容缺受理（收件编号 {no}）。请打印容缺受理通知书和承诺书，"
                                    "承诺书由申请人签署，提醒其按期补齐。",
    kinds.NOTIFY.trigger: "已收件（收件编号 {no}），已出具一次性告知书。请打印交给申请人。",
    kinds.REFUSE.trigger: "已收件并作出不予受理决定（收件编号 {no}）。请打印不予受理决定书交给申请人。",
}


def done_message(chosen: str, receipt_no: str, failed: errors.DomainError | None) -> str:
    if failed:
        kind, _ = kinds.resolve(chosen)
        return f"已收件（收件编号 {receipt_no}），但{kind.label}未完成：{failed.message}"
    return DONE[chosen].format(no=receipt_no)
