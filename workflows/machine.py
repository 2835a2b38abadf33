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
from typing import Any, Callable

from transitions import Machine

from workflows import guards as g
from workflows.decisions import DECISION_WORDING
from workflows.definition import (
    ATTENDED_PROCEDURE_PURPOSE,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    CaseKind,
    Channel,
    Delivery,
    MatterDefinition,
    SpecialProcedure,
)

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
ANY_ROLE = "*"
TRANSFER = "transfer"
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

SPECIAL_VISIT_PURPOSE = ATTENDED_PROCEDURE_PURPOSE


@dataclass(frozen=True)
class Action:
    trigger: str
    label: str
    source: str
    dest: str | None  # None: internal transition, the state does not change
    role: str
    main: bool = False
    visit: str | None = None  # purpose, when the action itself is a visit; "*" = given in the payload
    guards: tuple[Callable[..., None], ...] = ()
    needs: tuple[str, ...] = ()  # payload fields the action requires

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

    __slots__ = ("state", "data", "progress", "channel")

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
    def condition(event) -> bool:
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


def _intake_actions(d: MatterDefinition) -> list[Action]:
    intake = d.lifecycle.intake
    first = step_state(d.steps[0].id)
    first_needs = g.step_materials_present(d, d.steps[0])
    actions = []
    for channel in d.application_channels:
        visit = "递交" if channel is Channel.WINDOW else None
        actions.append(Action(f"receive_{channel.value}", f"收件（{CHANNEL_LABELS[channel]}）", NEW, RECEIVED,
                              intake, main=True, visit=visit))
        actions.append(Action(f"resubmit_{channel.value}", f"收取补正材料（{CHANNEL_LABELS[channel]}）",
                              AWAITING_CORRECTION, RECEIVED, intake, visit="补正" if visit else None))
    preconditions = g.preconditions_met(d)
    actions += [
        Action("record_materials", "登记收取材料", RECEIVED, None, intake),
        Action("accept", "受理", RECEIVED, first, intake, main=True,
               guards=(preconditions, g.materials_complete(d), first_needs)),
        Action("accept_tolerated", "容缺受理", RECEIVED, first, intake,
               guards=(preconditions, g.only_tolerable_missing(d), first_needs),
               needs=("pledge_signed",)),
        Action("notify", "出具一次性告知书", RECEIVED, AWAITING_CORRECTION, intake,
               guards=(g.notice_has_items(d),), needs=("items",)),
    ]
    actions += [
        Action("refuse", "不予受理", source, REFUSED, intake, needs=("reason",))
        for source in (RECEIVED, AWAITING_CORRECTION)
    ]
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
            actions.append(Action("advance", f"完成{step.name}，转下一环节", here, dest, step.role,
                                  main=True, guards=dest_guards))
        for proc in procs:
            # A mandatory procedure is the only way on, so the main path runs through it.
            back = dest if proc.mandatory else here
            actions.append(Action(f"start_special_{proc.id}", f"启动特别程序：{proc.name}", here,
                                  special_state(proc.id), step.role, main=proc.mandatory,
                                  visit=SPECIAL_VISIT_PURPOSE.get(proc.kind) if proc.applicant_present else None))
            actions.append(Action(f"end_special_{proc.id}", f"结束特别程序：{proc.name}", special_state(proc.id),
                                  back, step.role, main=proc.mandatory,
                                  guards=dest_guards if proc.mandatory else ()))
    return actions


def _result_actions(d: MatterDefinition) -> list[Action]:
    life = d.lifecycle
    wording = DECISION_WORDING[d.matter_type]
    actions = [
        # Worded for the kind of matter, as the papers are: a 备案 is 予以备案, not 准予许可.
        Action("decide_approve", f"作出{wording.granted}决定", DECIDING, ISSUING, life.decide, main=True),
        Action("decide_deny", f"作出{wording.refusal}决定", DECIDING, DELIVERING, life.decide, needs=("reason",)),
        Action("issue", f"制证：{d.result.name}", ISSUING, DELIVERING, life.issue, main=True,
               guards=(g.no_open_gap,)),
    ]
    for method in d.delivery_methods:
        needs = ("tracking_no", "address") if method is Delivery.MAIL else ()
        guards = (g.applicant_at_window,) if method is Delivery.ON_THE_SPOT else ()
        actions.append(Action(f"deliver_{method.value}", f"送达：{DELIVERY_LABELS[method]}", DELIVERING, CLOSED,
                              life.deliver, main=True, visit="领证" if method is Delivery.WINDOW else None,
                              guards=guards, needs=needs))
    return actions


def _side_actions(d: MatterDefinition, states: dict[str, StateInfo]) -> list[Action]:
    life = d.lifecycle
    active = [s for s in states.values() if s.name not in FINAL_STATES and s.name != NEW]
    accepted = [s.name for s in active if s.accepted]
    supplement_channels = sorted({c for m in d.materials if m.tolerance for c in m.tolerance.channels})
    actions = [
        Action(f"supplement_{c.value}", f"登记容缺材料补齐（{CHANNEL_LABELS[Channel(c)]}）", source, None,
               life.intake, visit="补正" if c is Channel.WINDOW else None,
               guards=(g.gap_open_for(d, Channel(c)),), needs=("material",))
        for c in supplement_channels
        for source in accepted
    ]
    actions += [Action("record_visit", "登记申请人到现场", s.name, None, ANY_ROLE, visit="*",
                       needs=("purpose", "cause")) for s in active]
    actions += [Action("withdraw", "申请人撤回申请", s.name, WITHDRAWN, life.intake, needs=("reason",))
                for s in active]
    # 转办: the case moves to another window (workflows.case_windows); the state stays, nobody comes.
    actions += [Action(TRANSFER, "转办", s.name, None, life.intake, needs=("window", "reason")) for s in active]
    actions += [Action("terminate", "终止办理", name, TERMINATED, life.terminate, needs=("reason",))
                for name in accepted]
    return actions


def is_immediate(d: MatterDefinition) -> bool:
    return d.case_kind is CaseKind.IMMEDIATE
