"""The one dispatch table from an action's trigger to its service function.

A page (or any other caller) reads what the user posted into an `ActionInput`
and calls `perform`; which actions are open, and every rule about them, is
the engine's business. The table also names the form widgets each action
needs, so the case page draws exactly the fields the service will ask for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from sqlmodel import Session

from workflows import cases, errors
from workflows.cases import MaterialCheck
from workflows.models import Case
from workflows.office import Actor, Office

DANGER = frozenset({"refuse", "withdraw", "terminate", "decide_deny"})


@dataclass(frozen=True)
class ActionInput:
    """What a form posted for one action; fields an action does not use stay empty."""

    reason: str = ""
    note: str = ""
    pledge_signed: bool = False
    tracking_no: str = ""
    address: str = ""
    material: str = ""
    purpose: str = ""
    cause: str = ""
    notes: Mapping[str, str] = field(default_factory=dict)  # per material, for the 一次性告知书
    materials: Mapping[str, MaterialCheck] = field(default_factory=dict)  # a counter checklist


Perform = Callable[[Session, Office, Case, Actor, str, ActionInput], Case]


@dataclass(frozen=True)
class Handler:
    widgets: tuple[str, ...]
    perform: Perform


def _run(fn, actor_kw: str, **fixed):
    def call(s: Session, o: Office, c: Case, a: Actor, suffix: str, i: ActionInput) -> Case:
        return fn(session=s, office=o, case=c, **{actor_kw: a}, **{k: v(i, suffix) for k, v in fixed.items()})
    return call


_EXACT: dict[str, Handler] = {
    "record_materials": Handler(("materials",), _run(cases.record_materials, "clerk", materials=lambda i, _: i.materials)),
    "accept": Handler((), _run(cases.accept_case, "clerk")),
    "accept_tolerated": Handler(("gaps", "pledge_signed"),
                                _run(cases.accept_with_tolerance, "clerk", pledge_signed=lambda i, _: i.pledge_signed)),
    "notify": Handler(("notice_items",), _run(cases.issue_correction_notice, "clerk", notes=lambda i, _: i.notes)),
    "refuse": Handler(("reason",), _run(cases.refuse_case, "clerk", reason=lambda i, _: i.reason)),
    "advance": Handler(("note",), _run(cases.advance_step, "actor", note=lambda i, _: i.note)),
    "decide_approve": Handler(("note",), _run(cases.decide, "approver", approve=lambda i, _: True,
                                              reason=lambda i, _: i.note)),
    "decide_deny": Handler(("reason",), _run(cases.decide, "approver", approve=lambda i, _: False,
                                             reason=lambda i, _: i.reason)),
    "issue": Handler((), _run(cases.issue_result, "clerk")),
    "record_visit": Handler(("purpose", "cause", "note"),
                            _run(cases.record_visit, "actor", purpose=lambda i, _: i.purpose,
                                 cause=lambda i, _: i.cause, note=lambda i, _: i.note)),
    "withdraw": Handler(("reason",), _run(cases.withdraw, "clerk", reason=lambda i, _: i.reason)),
    "terminate": Handler(("reason",), _run(cases.terminate, "actor", reason=lambda i, _: i.reason)),
}

_PREFIXED: dict[str, Handler] = {
    "resubmit_": Handler(("materials",), _run(cases.resubmit, "clerk", channel=lambda i, s: s,
                                              materials=lambda i, _: i.materials)),
    "start_special_": Handler(("note",), _run(cases.start_special, "actor", procedure_id=lambda i, s: s,
                                              note=lambda i, _: i.note)),
    "end_special_": Handler(("note",), _run(cases.end_special, "actor", note=lambda i, _: i.note)),
    "supplement_": Handler(("material", "note"), _run(cases.record_supplement, "clerk", channel=lambda i, s: s,
                                                      material_id=lambda i, _: i.material,
                                                      note=lambda i, _: i.note)),
    "deliver_": Handler(("delivery",), _run(cases.deliver, "clerk", method=lambda i, s: s,
                                            tracking_no=lambda i, _: i.tracking_no,
                                            address=lambda i, _: i.address)),
}


def handler_for(trigger: str) -> tuple[Handler, str] | None:
    """The handler and the trigger's suffix (channel, procedure or delivery method), if the page offers it."""
    if trigger in _EXACT:
        return _EXACT[trigger], ""
    for prefix, handler in _PREFIXED.items():
        if trigger.startswith(prefix):
            return handler, trigger.removeprefix(prefix)
    return None


def widgets_for(trigger: str) -> tuple[str, ...]:
    found = handler_for(trigger)
    widgets = found[0].widgets if found else ()
    if widgets == ("delivery",):
        return ("tracking_no", "address") if trigger == "deliver_mail" else ()
    return widgets


def perform(*, session: Session, office: Office, case: Case, actor: Actor, trigger: str,
            given: ActionInput) -> Case:
    found = handler_for(trigger)
    if found is None:
        raise errors.ActionNotAllowed(f"窗口页面不提供此操作（{trigger}）")
    handler, suffix = found
    return handler.perform(session, office, case, actor, suffix, given)
