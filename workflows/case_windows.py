"""Which window a case belongs to, and which clerks may act on it there.

A case belongs to the window that took it in (`Case.window`, written at 收件)
until a 转办 event moves it to another window. A clerk acts on it only
- at its own window,
- or at a 综合窗口 (a window the office profile declares `comprehensive`),
and any other clerk is refused with `other-window`, whatever the state machine
would allow. Reviewers and approvers act by role, never by window; so does the
system (the overdue sweep). The engine asks here before every action and the
case page asks here before it offers one, so neither the API nor a page can
get round the rule.

Which window is comprehensive is read from the office profile, the one place
windows are declared (the staff side's window table follows it at every start).
"""

from __future__ import annotations

from workflows import errors
from workflows.machine import ANY_ROLE, Action, CompiledMatter
from workflows.models import Case
from workflows.office import Actor, Office
from workflows.profile import ServiceWindowInfo

# The role that works at a window: staff accounts of this role name their window.
WINDOW_ROLE = "clerk"


def acts_as_window_clerk(matter: CompiledMatter, action: Action, actor: Actor) -> bool:
    """Whether the actor takes this action in the window role, and so is bound by the case's window.

    An action open to any role of the matter (登记到现场) binds a clerk only when
    no other role of theirs would let them take it.
    """
    if actor.is_system:
        return False
    if action.role == ANY_ROLE:
        return (actor.roles & set(matter.definition.roles)) == {WINDOW_ROLE}
    return action.role == WINDOW_ROLE


def window_info(office: Office, code: str | None) -> ServiceWindowInfo | None:
    return next((w for w in office.profile.windows if w.code == code), None)


def window_label(office: Office, code: str | None) -> str:
    info = window_info(office, code)
    return f"{info.name}（{code}）" if info else (code or "未登记窗口")


def may_act_at_window(office: Office, case: Case, actor: Actor) -> bool:
    """Whether a clerk at the actor's window may act on this case."""
    if case.window is None or actor.window == case.window:
        return True  # a case recorded without a window belongs to no window in particular
    info = window_info(office, actor.window)
    return info is not None and info.comprehensive


def window_refusal(office: Office, matter: CompiledMatter, case: Case, action: Action,
                   actor: Actor) -> errors.OtherWindow | None:
    """The error that holds this actor back from this action on this case for the window rule, or None."""
    if not acts_as_window_clerk(matter, action, actor) or may_act_at_window(office, case, actor):
        return None
    return errors.OtherWindow(f"该办件由{window_label(office, case.window)}办理，您所在的"
                              f"{window_label(office, actor.window)}不能办理；"
                              "须由该窗口或综合窗口办理，或由其转办到您的窗口")


def check_window(office: Office, matter: CompiledMatter, case: Case, action: Action, actor: Actor) -> None:
    refusal = window_refusal(office, matter, case, action, actor)
    if refusal is not None:
        raise refusal


def transfer_targets(office: Office, case: Case) -> list[ServiceWindowInfo]:
    """The windows a case may be transferred to: those that take its matter, other than its own."""
    return [w for w in office.profile.windows_for(case.matter_code) if w.code != case.window]


def check_transfer_target(office: Office, case: Case, code: str) -> ServiceWindowInfo:
    if not code:
        raise errors.TransferTarget("请选择转往的窗口", field="window")
    if code == case.window:
        raise errors.TransferTarget("办件已在该窗口，无需转办", field="window")
    target = next((w for w in transfer_targets(office, case) if w.code == code), None)
    if target is None:
        raise errors.TransferTarget(f"窗口 {code} 不办理本事项，不能转往该窗口", field="window")
    return target
