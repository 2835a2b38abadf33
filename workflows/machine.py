"""Compile one matter definition into one `transitions` machine.

The machine is built once per matter and version and shared by every case
under that version: it is created with `model=None` and events are fired
against a short-lived `CaseProxy`, so no case is ever attached to it (the
library's FAQ on static machines). Each transition also carries our own
metadata (`Action`): the role that may take it, whether it brings the
applicant to the window, whether it lies on the main path, and its guards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from transitions import Machine
from transitions.core import EventData

from workflows import action_kinds as k
from workflows import guards as g
from workflows.definition import Channel, Delivery, MatterDefinition, SpecialProcedure, Step

NEW = "new"
RECEIVED = "received"
AWAITING_CORRECTION = "awaiting_correction"
DECIDING = "deciding"
ISSUING = "issuing"
DELIVERING = "delivering"
CLOSED = "closed"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
TERMINATED = "terminated"
FINAL_STATES = frozenset({CLOSED, REFUSED, WITHDRAWN, TERMINATED})
ANY_ROLE = k.ANY_ROLE
APPLICANT = "applicant"

COMMON_STATE_LABELS = {
    NEW: "新建",
    RECEIVED: "已收件",
    AWAITING_CORRECTION: "待补正（已一次性告知）",
    DECIDING: "待决定",
    ISSUING: "待制证",
    DELIVERING: "待送达",
    CLOSED: "已办结",
    REFUSED: "不予受理",
    WITHDRAWN: "已撤回",
    TERMINATED: "已终止",
}

@dataclass(frozen=True)
class Action:
    trigger: str
    label: str
    source: str
    dest: str | None  # None: internal transition, the state does not change
    role: str
    main: bool = False
    visit: str | None = None  # purpose, when the action itself is a visit; k.GIVEN = given in the payload
    guards: tuple[Callable[..., None], ...] = ()
    needs: tuple[str, ...] = ()  # payload fields the action requires
    short: str = ""  # the flow diagram's edge label, where the full label is too long for it

    @property
    def target(self) -> str:
        return self.dest or self.source


@dataclass(frozen=True)
class StateInfo:
    name: str
    label: str
    role: str | None  # who the case waits for in this state
    accepted: bool = False  # the case has been accepted (clock running, gaps may be supplied)


class CaseProxy:
    """The minimum a guard needs; the machine sets `state` on it."""

    __slots__ = ("channel", "data", "progress", "state")

    def __init__(self, state: str, data: dict[str, Any], progress: dict[str, Any], channel: str):
        self.state = state
        self.data = data
        self.progress = progress
        self.channel = channel


@dataclass
class CompiledMatter:
    definition: MatterDefinition
    states: dict[str, StateInfo]
    actions: dict[tuple[str, str], Action]
    machine: Machine = field(repr=False)

    def actions_from(self, state: str) -> list[Action]:
        return [a for (trigger, source), a in self.actions.items() if source == state]

    def action(self, trigger: str, state: str) -> Action | None:
        return self.actions.get((trigger, state))

    def fire(self, proxy: CaseProxy, action: Action, payload: dict[str, Any]) -> None:
        """Run the guards and the state change on the proxy; raises a DomainError on a broken rule."""
        self.machine.events[action.trigger].trigger(proxy, payload=payload)

    def state_label(self, state: str) -> str:
        return self.states[state].label if state in self.states else state


def compile_matter(definition: MatterDefinition) -> CompiledMatter:
    states = _states(definition)
    actions = {(a.trigger, a.source): a for a in _actions(definition, states)}
    machine = Machine(
        model=None,
        states=list(states),
        initial=NEW,
        auto_transitions=False,
        send_event=True,
        name=f"{definition.code}@{definition.version}",
    )
    for a in actions.values():
        machine.add_transition(
            a.trigger, a.source, a.dest, conditions=[_as_condition(guard) for guard in a.guards]
        )
    return CompiledMatter(definition, states, actions, machine)


def _as_condition(guard: Callable[..., None]) -> Callable[[Any], bool]:
    # transitions treats a False condition as "try the next transition"; our guards
    # raise a coded DomainError instead, so the clerk learns which rule failed.
    def condition(event: EventData) -> bool:
        guard(event.model, event.kwargs.get("payload", {}))
        return True

    return condition


def step_state(step_id: str) -> str:
    return f"step_{step_id}"


def special_state(procedure_id: str) -> str:
    return f"special_{procedure_id}"


def _states(d: MatterDefinition) -> dict[str, StateInfo]:
    life = d.lifecycle
    infos = [
        StateInfo(NEW, COMMON_STATE_LABELS[NEW], life.intake),
        StateInfo(RECEIVED, COMMON_STATE_LABELS[RECEIVED], life.intake),
        StateInfo(AWAITING_CORRECTION, COMMON_STATE_LABELS[AWAITING_CORRECTION], APPLICANT),
    ]
    step_role = {s.id: s.role for s in d.steps}
    infos += [StateInfo(step_state(s.id), s.name, s.role, accepted=True) for s in d.steps]
    infos += [
        StateInfo(special_state(p.id), f"特别程序：{p.name}", step_role[p.during_step], accepted=True)
        for p in d.special_procedures
    ]
    infos += [
        StateInfo(DECIDING, COMMON_STATE_LABELS[DECIDING], life.decide, accepted=True),
        StateInfo(ISSUING, COMMON_STATE_LABELS[ISSUING], life.issue, accepted=True),
        StateInfo(DELIVERING, COMMON_STATE_LABELS[DELIVERING], life.deliver, accepted=True),
    ]
    infos += [StateInfo(s, COMMON_STATE_LABELS[s], None) for s in (CLOSED, REFUSED, WITHDRAWN, TERMINATED)]
    return {info.name: info for info in infos}


def _actions(d: MatterDefinition, states: dict[str, StateInfo]) -> list[Action]:
    return [
        *_intake_actions(d),
        *_step_actions(d),
        *_result_actions(d),
        *_side_actions(d, states),
    ]


def _action(d: MatterDefinition, kind: k.ActionKind, source: str, dest: str | None, *, param: str = "",
            step: Step | None = None, main: bool = False, guards: tuple[Callable[..., None], ...] = ()) -> Action:
    """One transition of the declared action `kind` (with its parameter, for a family)."""
    return Action(kind.trigger_for(param), kind.label_for(d, param=param, step=step), source, dest,
                  kind.role.role(d, step), main=main, visit=kind.visit_for(d, param), guards=guards,
                  needs=tuple(kind.needs(param)), short=kind.short_for(d, param=param))


def _intake_actions(d: MatterDefinition) -> list[Action]:
    first = step_state(d.steps[0].id)
    first_needs = g.step_materials_present(d, d.steps[0])
    actions = []
    for channel in k.CHANNEL.values(d):
        actions.append(_action(d, k.RECEIVE, NEW, RECEIVED, param=channel, main=True))
        actions.append(_action(d, k.RESUBMIT, AWAITING_CORRECTION, RECEIVED, param=channel))
    preconditions = g.preconditions_met(d)
    actions += [
        _action(d, k.RECORD_MATERIALS, RECEIVED, None),
        _action(d, k.ACCEPT, RECEIVED, first, main=True,
                guards=(preconditions, g.materials_complete(d), first_needs)),
        _action(d, k.ACCEPT_TOLERATED, RECEIVED, first,
                guards=(preconditions, g.only_tolerable_missing(d), first_needs)),
        _action(d, k.NOTIFY, RECEIVED, AWAITING_CORRECTION, guards=(g.notice_has_items(d),)),
    ]
    actions += [_action(d, k.REFUSE, source, REFUSED) for source in (RECEIVED, AWAITING_CORRECTION)]
    return actions


def _step_actions(d: MatterDefinition) -> list[Action]:
    actions: list[Action] = []
    specials_by_step: dict[str, list[SpecialProcedure]] = {}
    for proc in d.special_procedures:
        specials_by_step.setdefault(proc.during_step, []).append(proc)
    for i, step in enumerate(d.steps):
        here = step_state(step.id)
        nxt = d.steps[i + 1] if i + 1 < len(d.steps) else None
        dest = step_state(nxt.id) if nxt else DECIDING
        dest_guards = (g.step_materials_present(d, nxt),) if nxt else ()
        procs = specials_by_step.get(step.id, [])
        mandatory = next((p for p in procs if p.mandatory), None)
        if mandatory is None:
            actions.append(_action(d, k.ADVANCE, here, dest, step=step, main=True, guards=dest_guards))
        for proc in procs:
            # A mandatory procedure is the only way on, so the main path runs through it.
            back = dest if proc.mandatory else here
            actions.append(_action(d, k.START_SPECIAL, here, special_state(proc.id), param=proc.id, step=step,
                                   main=proc.mandatory))
            actions.append(_action(d, k.END_SPECIAL, special_state(proc.id), back, param=proc.id, step=step,
                                   main=proc.mandatory, guards=dest_guards if proc.mandatory else ()))
    return actions


def _result_actions(d: MatterDefinition) -> list[Action]:
    actions = [
        _action(d, k.DECIDE_APPROVE, DECIDING, ISSUING, main=True),
        _action(d, k.DECIDE_DENY, DECIDING, DELIVERING),
        _action(d, k.ISSUE, ISSUING, DELIVERING, main=True, guards=(g.no_open_gap,)),
    ]
    for method in k.DELIVERY.values(d):
        guards = (g.applicant_at_window,) if method == Delivery.ON_THE_SPOT.value else ()
        actions.append(_action(d, k.DELIVER, DELIVERING, CLOSED, param=method, main=True, guards=guards))
    return actions


def _side_actions(d: MatterDefinition, states: dict[str, StateInfo]) -> list[Action]:
    active = [s for s in states.values() if s.name not in FINAL_STATES and s.name != NEW]
    accepted = [s.name for s in active if s.accepted]
    actions = [
        _action(d, k.SUPPLEMENT, source, None, param=channel, guards=(g.gap_open_for(d, Channel(channel)),))
        for channel in k.SUPPLY_CHANNEL.values(d)
        for source in accepted
    ]
    reach = {k.Reach.OPEN: [s.name for s in active], k.Reach.ACCEPTED: accepted}
    for kind in k.SIDE_ACTIONS:
        side = kind.side
        if side is None or side.ends not in (None, *FINAL_STATES):
            raise ValueError(f"{kind.name}: a side action ends in a final state or leaves the state as it is")
        actions += [_action(d, kind, source, side.ends) for source in reach[side.reach]]
    return actions
