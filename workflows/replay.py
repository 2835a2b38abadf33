"""Replay a case's event log through its machine: state, visits, progress and window follow from the log."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable

from workflows import progress as pg
from workflows import action_kinds as kinds
from workflows.machine import NEW, CompiledMatter
from workflows.models import CaseEvent


@dataclass(frozen=True)
class Replayed:
    state: str
    visits: int
    progress: pg.Progress
    window: str | None  # the window that took it in (收件), or the last 转办's


class ReplayError(Exception):
    pass


def replay(matter: CompiledMatter, events: Iterable[CaseEvent]) -> Replayed:
    state, visits, progress, window = NEW, 0, pg.empty(), None
    for event in events:
        if event.from_state != state:
            raise ReplayError(f"事件 {event.seq} 起始状态 {event.from_state} 与重放状态 {state} 不符")
        action = matter.action(event.action, state)
        if action is None:
            raise ReplayError(f"事件 {event.seq}: 状态 {state} 下没有动作 {event.action}")
        if action.target != event.to_state:
            raise ReplayError(f"事件 {event.seq}: 动作 {event.action} 应到 {action.target}，记录为 {event.to_state}")
        state = action.target
        visits += 1 if event.visit else 0
        progress = pg.evolve(progress, event.action, event.payload)
        if event.from_state == NEW or kinds.is_kind(event.action, kinds.TRANSFER):
            window = (event.payload or {}).get("window")
    return Replayed(state, visits, progress, window)
