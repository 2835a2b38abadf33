"""A side action (登记到现场, 撤回, 转办, 终止) is placed in every matter's machine by its declaration alone.

Its `side` names the states it may be taken from and where it leaves the case; a new side action
is one declaration, its service function and a test, with no line in workflows/machine.py.
"""

from __future__ import annotations

import dataclasses

import pytest

from workflows import action_kinds as k
from workflows.catalogue import load_catalogue
from workflows.machine import FINAL_STATES, NEW, compile_matter

CATALOGUE = load_catalogue()
MATTERS = [v.code for v in CATALOGUE.matters()]


def _reach(compiled, reach: k.Reach) -> set[str]:
    open_states = {name for name in compiled.states if name not in FINAL_STATES and name != NEW}
    if reach is k.Reach.OPEN:
        return open_states
    return {name for name in open_states if compiled.states[name].accepted}


@pytest.mark.parametrize("code", MATTERS)
def test_each_side_action_runs_from_exactly_its_reach_to_its_declared_end(code):
    compiled = CATALOGUE.get(code).compiled
    for kind in k.SIDE_ACTIONS:
        assert kind.side is not None
        placed = {source: action for (trigger, source), action in compiled.actions.items() if trigger == kind.name}
        assert set(placed) == _reach(compiled, kind.side.reach), kind.name
        assert {action.dest for action in placed.values()} == {kind.side.ends}, kind.name


def test_the_declared_side_actions_are_the_four_of_the_counter():
    assert {kind.name for kind in k.SIDE_ACTIONS} == {k.RECORD_VISIT.name, k.WITHDRAW.name, k.TRANSFER.name,
                                                      k.TERMINATE.name}
    assert k.TERMINATE.side == k.Side(k.Reach.ACCEPTED, ends="terminated")


def test_a_new_side_action_needs_no_line_in_the_machine(monkeypatch):
    # 催办: a note that the applicant asked after the case; declared here the way a new action is declared.
    chase = dataclasses.replace(k.TRANSFER, name="chase_up", label="登记催办", input=k.NoteIn,
                                service="record_chase", side=k.Side(k.Reach.ACCEPTED))
    monkeypatch.setattr(k, "SIDE_ACTIONS", (*k.SIDE_ACTIONS, chase))
    compiled = compile_matter(CATALOGUE.get(MATTERS[0]).definition)
    placed = {source: action for (trigger, source), action in compiled.actions.items() if trigger == "chase_up"}
    assert set(placed) == _reach(compiled, k.Reach.ACCEPTED)
    assert all(action.dest is None and action.label == "登记催办" for action in placed.values())
    assert "chase_up" in compiled.machine.events


def test_a_side_action_that_ends_in_no_final_state_is_refused_when_the_machine_is_built(monkeypatch):
    wrong = dataclasses.replace(k.WITHDRAW, name="withdraw_to_intake", side=k.Side(k.Reach.OPEN, ends="received"))
    monkeypatch.setattr(k, "SIDE_ACTIONS", (*k.SIDE_ACTIONS, wrong))
    with pytest.raises(ValueError, match="withdraw_to_intake"):
        compile_matter(CATALOGUE.get(MATTERS[0]).definition)
