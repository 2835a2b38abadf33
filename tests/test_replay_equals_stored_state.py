"""A case's stored state, visit count and progress equal a replay of its event log,
for every seed matter and along every kind of path, not only the main one."""

import pytest

from tests.support import STAFF, actor_for, ok, open_complete, run_to_close
from workflows import cases
from workflows.catalogue import load_catalogue
from workflows.intake import required
from workflows.models import CaseEvent
from workflows.db import session as new_session
from workflows.office import demo_profile
from workflows.queries import events_of, get_case
from workflows.replay import ReplayError, replay

CATALOGUE = load_catalogue()


def tolerable(definition) -> list[tuple[str, dict]]:
    """Each tolerable material, with case data that asks for it (a conditional one by its `eq` test)."""
    found = []
    for m in definition.materials:
        data = {p.field: p.equals for p in definition.preconditions}
        if m.condition is not None:
            tests = [*m.condition.all_of, *m.condition.any_of[:1]]
            data |= {c.field: c.value for c in tests if c.op == "eq"}
        if m.tolerance and required(m, data):
            found.append((m.id, data))
    return found


def core(definition):
    data = {p.field: p.equals for p in definition.preconditions}
    return [m.id for m in definition.materials if not m.tolerance and required(m, data)]


def optional_specials(definition):
    return [p for p in definition.special_procedures if not p.mandatory]


# ---- the paths ---------------------------------------------------------------------

def tolerance_and_supplement(session, office, code):
    gap, data = tolerable(office.catalogue.get(code).definition)[0]
    case = open_complete(session, office, code, missing=(gap,), data=data)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk, material_id=gap,
                            channel="window")
    return run_to_close(session, office, case)


def notice_and_resubmit(session, office, code):
    first = core(office.catalogue.get(code).definition)[0]
    case = open_complete(session, office, code, missing=(first,))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="window",
                   materials=ok(first))
    return run_to_close(session, office, case)


def special_procedures(session, office, code):
    definition = office.catalogue.get(code).definition
    case = open_complete(session, office, code)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    for proc in optional_specials(definition):
        actor = actor_for(office.matter_of(case).compiled.states[case.state].role)
        cases.start_special(session=session, office=office, case=case, actor=actor, procedure_id=proc.id)
        office.clock.advance(days=2)
        cases.end_special(session=session, office=office, case=case, actor=actor)
    return run_to_close(session, office, case)


def visit_then_withdraw(session, office, code):
    case = open_complete(session, office, code, channel="online")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.record_visit(session=session, office=office, case=case, actor=STAFF.clerk, purpose="核验原件", cause="office")
    cases.withdraw(session=session, office=office, case=case, clerk=STAFF.clerk, reason="申请人书面申请撤回")
    return case


def denied(session, office, code):
    definition = office.catalogue.get(code).definition
    case = open_complete(session, office, code, delivery="window" if "window" in definition.delivery_methods else None)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith(("step_", "special_")):
        actor = actor_for(office.matter_of(case).compiled.states[case.state].role)
        mandatory = [p.id for p in definition.special_procedures
                     if p.mandatory and case.state == f"step_{p.during_step}"]
        if mandatory:
            cases.start_special(session=session, office=office, case=case, actor=actor, procedure_id=mandatory[0])
        elif case.state.startswith("special_"):
            cases.end_special(session=session, office=office, case=case, actor=actor)
        else:
            cases.advance_step(session=session, office=office, case=case, actor=actor)
    cases.decide(session=session, office=office, case=case, approver=actor_for(definition.lifecycle.decide),
                 approve=False, reason="经审查不符合法定条件")
    cases.deliver(session=session, office=office, case=case, clerk=STAFF.clerk, tracking_no="EA000000002CN")
    return case


def refused_after_notice(session, office, code):
    first = core(office.catalogue.get(code).definition)[0]
    case = open_complete(session, office, code, missing=(first,))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.refuse_case(session=session, office=office, case=case, clerk=STAFF.clerk, reason="逾期未补正")
    return case


def terminated(session, office, code):
    case = open_complete(session, office, code)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    terminator = actor_for(office.catalogue.get(code).definition.lifecycle.terminate)
    cases.terminate(session=session, office=office, case=case, actor=terminator, reason="申请人死亡，办理终止")
    return case


def transferred(session, office, code):
    case = open_complete(session, office, code)
    target = next(w.code for w in office.profile.windows_for(code) if w.code != case.window)
    cases.transfer_case(session=session, office=office, case=case, clerk=STAFF.clerk, window=target,
                        reason="转由专窗办理")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk2)
    return run_to_close(session, office, case)


PATHS = {
    "tolerance+supplement": (tolerance_and_supplement, lambda d: bool(tolerable(d))),
    "notice+resubmit": (notice_and_resubmit, lambda d: True),
    "special-procedures": (special_procedures, lambda d: bool(d.special_procedures)),
    "visit+withdraw": (visit_then_withdraw, lambda d: "online" in d.application_channels),
    "denied": (denied, lambda d: True),
    "refused-after-notice": (refused_after_notice, lambda d: True),
    "terminated": (terminated, lambda d: True),
    "transfer": (transferred, lambda d: len(demo_profile().windows_for(d.code)) > 1),
}

CASES = [
    pytest.param(version.code, path, id=f"{version.code}-{path}")
    for version in CATALOGUE.matters()
    for path, (_, applies) in PATHS.items()
    if applies(version.definition)
]


@pytest.mark.parametrize("code, path", CASES)
def test_replay_equals_stored_state(session, office, engine, code, path):
    case = PATHS[path][0](session, office, code)

    with new_session(engine) as fresh:
        row = get_case(fresh, case.id)
        events = events_of(fresh, case.id)
        replayed = replay(office.matter_of(row).compiled, events)
        assert (replayed.state, replayed.visits, replayed.progress, replayed.window) == (
            row.state, row.visits, row.progress, row.window)
        assert [e.seq for e in events] == list(range(1, row.version + 1))
        assert {e.definition_version for e in events} == {row.definition_version}
    assert row.state in ("closed", "withdrawn", "refused", "terminated")
    assert (case.state, case.version, case.visits, case.progress) == (row.state, row.version, row.visits, row.progress)


def test_every_seed_matter_is_covered_by_several_paths():
    for version in CATALOGUE.matters():
        assert sum(1 for code, *_ in (p.values for p in CASES) if code == version.code) >= 4, version.code


def test_replay_rejects_a_log_that_does_not_follow_the_machine(session, office, engine):
    case = open_complete(session, office, "road-freight-licence")
    run_to_close(session, office, case)
    events = events_of(session, case.id)
    matter = office.matter_of(case).compiled

    skipped = events[:2] + events[3:]  # a step left out of the log
    with pytest.raises(ReplayError):
        replay(matter, skipped)

    forged = events[:]
    forged[1] = CaseEvent(**{**events[1].model_dump(), "to_state": "deciding"})  # 受理 straight to 决定
    with pytest.raises(ReplayError):
        replay(matter, forged)


def test_replay_counts_visits_from_the_log_alone(session, office):
    case = open_complete(session, office, "road-freight-licence", delivery="window")
    run_to_close(session, office, case)
    events = events_of(session, case.id)
    assert replay(office.matter_of(case).compiled, events).visits == 2 == sum(e.visit for e in events)
