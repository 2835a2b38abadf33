"""到办事现场次数: the visits a matter needs on its main path, computed from the machine.

The walk follows the compiled `transitions` machine from the initial state to
办结 over main-path transitions only (materials complete: no notice, no
correction, no tolerated gap), weighting each transition by whether it brings
the applicant to the window. Nothing here reads a number typed into a file.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from workflows import action_kinds as kinds
from workflows.definition import CHANNEL_LABELS, DELIVERY_LABELS, Channel, Delivery
from workflows.machine import CLOSED, NEW, Action, CompiledMatter

ON_THE_SPOT = kinds.DELIVER.trigger_for(Delivery.ON_THE_SPOT.value)


@dataclass(frozen=True)
class VisitPlan:
    visits: int
    path: tuple[Action, ...]
    channel: Channel
    delivery: Delivery

    @property
    def how(self) -> str:
        return f"{CHANNEL_LABELS[self.channel]}申请，{DELIVERY_LABELS[self.delivery]}"


@dataclass(frozen=True)
class VisitAnalysis:
    best: VisitPlan
    by_delivery: dict[Delivery, VisitPlan]

    @property
    def visits(self) -> int:
        return self.best.visits

    def advice(self) -> str:
        """One sentence on how an applicant gets to the fewest visits."""
        best = self.best
        if best.visits == 0:
            return f"选择{best.how}，全程无需到现场（跑零次）。"
        if best.visits == 1:
            return f"材料齐全时，选择{best.how}，只需到现场 1 次。"
        return f"本事项目前至少需到现场 {best.visits} 次（{best.how}），未达到“最多跑一次”。"


def _weight(action: Action) -> int:
    return 1 if action.visit else 0


def _edges(matter: CompiledMatter, state: str, delivery: Delivery | None,
           channel: Channel | None) -> Iterator[tuple[Action, str]]:
    # Walk the library's own transition table, so the count follows the machine itself.
    for trigger, event in matter.machine.events.items():
        for transition in event.transitions.get(state, []):
            action = matter.action(trigger, state)
            if action is None or not action.main or transition.dest is None:
                continue
            if delivery and kinds.DELIVER.matches(trigger) and trigger != kinds.DELIVER.trigger_for(delivery.value):
                continue
            if channel and kinds.RECEIVE.matches(trigger) and trigger != kinds.RECEIVE.trigger_for(channel.value):
                continue
            yield action, transition.dest


def cheapest_path(matter: CompiledMatter, delivery: Delivery | None = None,
                  channel: Channel | None = None) -> VisitPlan | None:
    """The main path with the fewest visits, optionally for a given delivery method and channel.

    The search tracks how the application came in, because handing the result
    over on the spot is only possible to an applicant who is standing there.
    """
    queue: list[tuple[int, int, str, str | None, tuple[Action, ...]]] = [(0, 0, NEW, None, ())]
    settled: set[tuple[str, str | None]] = set()
    tie = 0
    while queue:
        cost, _, state, came_by, path = heapq.heappop(queue)
        if state == CLOSED:
            return _plan(cost, path)
        if (state, came_by) in settled:
            continue
        settled.add((state, came_by))
        for action, dest in _edges(matter, state, delivery, channel):
            if action.trigger == ON_THE_SPOT and came_by != Channel.WINDOW.value:
                continue
            via = kinds.RECEIVE.param_of(action.trigger) if kinds.RECEIVE.matches(action.trigger) else came_by
            tie += 1
            heapq.heappush(queue, (cost + _weight(action), tie, dest, via, (*path, action)))
    return None


def _plan(cost: int, path: tuple[Action, ...]) -> VisitPlan:
    channel = next(Channel(kinds.RECEIVE.param_of(a.trigger)) for a in path if kinds.RECEIVE.matches(a.trigger))
    delivery = next(Delivery(kinds.DELIVER.param_of(a.trigger)) for a in path if kinds.DELIVER.matches(a.trigger))
    return VisitPlan(cost, path, channel, delivery)


def analyse(matter: CompiledMatter) -> VisitAnalysis:
    best = cheapest_path(matter)
    if best is None:
        raise ValueError(f"{matter.definition.code}: 主流程无法到达办结")
    by_delivery = {m: cheapest_path(matter, m) for m in matter.definition.delivery_methods}
    return VisitAnalysis(best, {m: p for m, p in by_delivery.items() if p is not None})
