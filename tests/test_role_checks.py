"""Only the roles the definition names may take each action (role-forbidden), and a
forbidden attempt leaves the case as it was."""

import pytest

from tests.support import STAFF, case_count, in_memory, open_complete, stored
from workflows import cases, errors
from workflows.engine import run
from workflows.office import SYSTEM, Actor
from workflows.queries import available_actions

FREIGHT = "road-freight-licence"


def refused_for_role(engine, case, attempt) -> errors.Forbidden:
    before, memory = stored(engine, case.id), in_memory(case)
    with pytest.raises(errors.Forbidden) as err:
        attempt()
    assert err.value.code == "role-forbidden"
    assert stored(engine, case.id) == before and in_memory(case) == memory
    return err.value


def test_a_reviewer_cannot_accept(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    error = refused_for_role(engine, case, lambda: cases.accept_case(session=session, office=office, case=case,
                                                                     clerk=STAFF.reviewer))
    assert "窗口受理人员" in error.message


def test_a_clerk_cannot_decide(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.advance_step(session=session, office=office, case=case, actor=STAFF.reviewer)
    error = refused_for_role(engine, case, lambda: cases.decide(session=session, office=office, case=case,
                                                                approver=STAFF.clerk, approve=True))
    assert "审批人员" in error.message
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    assert case.state == "issuing"


def test_the_definition_decides_who_decides(session, office):
    """机动车维修经营备案 names the clerk as the one who files on the spot."""
    case = open_complete(session, office, "vehicle-repair-filing", delivery="on_the_spot")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.advance_step(session=session, office=office, case=case, actor=STAFF.clerk)
    cases.decide(session=session, office=office, case=case, approver=STAFF.clerk, approve=True)
    assert case.state == "issuing"


def test_an_approver_cannot_do_the_reviewers_step_nor_a_clerk_terminate(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    refused_for_role(engine, case, lambda: cases.advance_step(session=session, office=office, case=case,
                                                              actor=STAFF.approver))
    refused_for_role(engine, case, lambda: cases.terminate(session=session, office=office, case=case,
                                                           actor=STAFF.clerk, reason="申请人失联"))


def test_one_person_holding_two_roles_may_act_in_both(session, office):
    both = Actor("clerk9", frozenset({"clerk", "reviewer"}), window="W09")
    case = open_complete(session, office, FREIGHT, clerk=both)
    cases.accept_case(session=session, office=office, case=case, clerk=both)
    cases.advance_step(session=session, office=office, case=case, actor=both)
    assert case.state == "deciding"


def test_the_system_sweep_may_terminate(session, office):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.terminate(session=session, office=office, case=case, actor=SYSTEM, reason="容缺材料逾期未补齐")
    assert case.state == "terminated"


# ---- an auditor (and an administrator) can do nothing to a case ---------------------------------

def case_in(session, office, state):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",) if state == "awaiting_correction"
                         else ())
    steps = {
        "awaiting_correction": [lambda: cases.issue_correction_notice(session=session, office=office, case=case,
                                                                      clerk=STAFF.clerk)],
        "step_review": [lambda: cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)],
    }
    steps["deciding"] = steps["step_review"] + [
        lambda: cases.advance_step(session=session, office=office, case=case, actor=STAFF.reviewer)]
    steps["issuing"] = steps["deciding"] + [
        lambda: cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)]
    steps["delivering"] = steps["issuing"] + [
        lambda: cases.issue_result(session=session, office=office, case=case, clerk=STAFF.clerk)]
    for step in steps.get(state, []):
        step()
    assert case.state == state
    return case


@pytest.mark.parametrize("outsider", [STAFF.auditor, STAFF.admin], ids=["auditor", "admin"])
@pytest.mark.parametrize("state", ["received", "awaiting_correction", "step_review", "deciding", "issuing",
                                   "delivering"])
def test_an_auditor_or_admin_can_take_no_action_in_any_state(session, office, engine, state, outsider):
    case = case_in(session, office, state)
    actions = office.matter_of(case).compiled.actions_from(case.state)
    assert actions, "the state offers actions to the staff who may take them"

    assert available_actions(office=office, case=case, actor=outsider) == []
    for action in actions:
        refused_for_role(engine, case, lambda action=action: run(session=session, office=office, case=case,
                                                                 actor=outsider, trigger=action.trigger, payload={}))


def test_an_auditor_cannot_even_open_a_case(session, office, engine):
    with pytest.raises(errors.Forbidden):
        open_complete(session, office, FREIGHT, clerk=STAFF.auditor)
    session.commit()
    assert case_count(engine) == 0


def test_an_auditor_cannot_record_a_visit_though_any_case_worker_may(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    refused_for_role(engine, case, lambda: cases.record_visit(session=session, office=office, case=case,
                                                              actor=STAFF.auditor, purpose="核验原件", cause="office"))
    cases.record_visit(session=session, office=office, case=case, actor=STAFF.reviewer, purpose="核验原件",
                       cause="office")
    assert case.visits == 2
