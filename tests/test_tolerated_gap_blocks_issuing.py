"""容缺受理: the gap has a working-day deadline from acceptance, and no result is
issued until every tolerated material has been supplied."""

import datetime as dt
import shutil

import pytest
import yaml

from tests.support import STAFF, actor_for, in_memory, open_complete, stored
from workflows import cases, errors
from workflows.bootstrap import load_office
from workflows.catalogue import DEFAULT_DIR
from workflows.db import session as new_session
from workflows.queries import available_actions

FREIGHT = "road-freight-licence"
# 道路货物运输经营许可 tolerates the 车辆技术等级评定结论复印件 (3 working days), asked for once the vehicles
# are bought.
GAP = "vehicle_grade_copies"
BOUGHT = {"vehicles_ready": True}


def tolerated(session, office, code=FREIGHT, missing=(GAP,), data=BOUGHT):
    case = open_complete(session, office, code, missing=missing, data=data)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    return case


def to_issuing(session, office, case):
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case, actor=actor_for(role))
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    assert case.state == "issuing"


# A second gap for the tests of several: no matter of the catalogue tolerates two materials one case
# can miss (容缺 is for secondary materials only), so they edit a copy of 道路货物运输经营许可 whose
# 经办人身份证明及授权委托书 may follow by post or online within 5 working days.
AGENT = "agent_id_and_mandate"
BOUGHT_BY_AGENT = {**BOUGHT, "by_agent": True}


def edited_office(engine, clock, tmp_path, tolerances: dict[str, dict]):
    """An office on a copy of the catalogue whose freight materials carry these tolerances."""
    shutil.copytree(DEFAULT_DIR, tmp_path / "definitions")
    path = tmp_path / "definitions" / f"{FREIGHT}.yaml"
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    for material in d["materials"]:
        material.update({"tolerance": tolerances[material["id"]]} if material["id"] in tolerances else {})
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_office(engine, tmp_path / "definitions", clock=clock)


@pytest.fixture
def two_gaps(engine, clock, tmp_path):
    return edited_office(engine, clock, tmp_path, {AGENT: {"days": 5, "channels": ["post", "online"]}})


def test_gap_deadline_counts_the_materials_working_days_from_acceptance(session, office, clock):
    clock.set_local(dt.date(2026, 11, 27))  # a Friday: the weekend does not count
    case = tolerated(session, office)
    # vehicle_grade_copies allows 3 working days: Mon 30, Tue 1, Wed 2.
    assert case.progress["gaps"] == {GAP: "2026-12-02"}
    assert case.gap_due == dt.date(2026, 12, 2)


def test_each_material_keeps_its_own_supplement_period(session, two_gaps, clock):
    clock.set_local(dt.date(2026, 11, 27))  # Friday
    case = tolerated(session, two_gaps, missing=(GAP, AGENT), data=BOUGHT_BY_AGENT)
    # 3 working days for the grade copies, 5 for the agent's papers: Mon 30 … Fri 4.
    assert case.progress["gaps"] == {GAP: "2026-12-02", AGENT: "2026-12-04"}
    assert case.gap_due == dt.date(2026, 12, 2)  # the first to fall due


def test_another_matter_keeps_its_own_supplement_period(session, office):
    # 港口经营许可: the business licence copy may be supplied within 5 working days of Wed 2026-11-25.
    case = tolerated(session, office, code="port-operation-licence", missing=("business_licence",), data=None)
    assert case.progress["gaps"] == {"business_licence": "2026-12-02"}
    assert case.gap_due == dt.date(2026, 12, 2)


def test_processing_goes_on_but_no_result_is_issued_while_the_gap_is_open(session, office, engine):
    case = tolerated(session, office)
    to_issuing(session, office, case)
    before, memory = stored(engine, case.id), in_memory(case)

    with pytest.raises(errors.ToleratedGapOpen) as err:
        cases.issue_result(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert err.value.code == "tolerated-gap-open"
    assert stored(engine, case.id) == before and in_memory(case) == memory
    issue = next(c for c in available_actions(office=office, case=case, actor=STAFF.clerk) if c.trigger == "issue")
    assert issue.blocked and "容缺" in issue.blocked


def test_after_the_supplement_the_result_is_issued(session, office):
    case = tolerated(session, office)
    to_issuing(session, office, case)

    cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                            material_id=GAP, channel="post")

    assert case.progress["gaps"] == {} and case.gap_due is None
    assert case.progress["materials"][GAP]["status"] == "supplied"
    issue = next(c for c in available_actions(office=office, case=case, actor=STAFF.clerk) if c.trigger == "issue")
    assert issue.blocked is None
    cases.issue_result(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.deliver(session=session, office=office, case=case, clerk=STAFF.clerk, tracking_no="EA000000001CN")
    assert (case.state, case.outcome) == ("closed", "approved")


def test_every_gap_must_be_filled_not_just_one(session, two_gaps):
    case = tolerated(session, two_gaps, missing=(GAP, AGENT), data=BOUGHT_BY_AGENT)
    cases.record_supplement(session=session, office=two_gaps, case=case, clerk=STAFF.clerk,
                            material_id=GAP, channel="online")
    to_issuing(session, two_gaps, case)
    with pytest.raises(errors.ToleratedGapOpen):
        cases.issue_result(session=session, office=two_gaps, case=case, clerk=STAFF.clerk)
    cases.record_supplement(session=session, office=two_gaps, case=case, clerk=STAFF.clerk,
                            material_id=AGENT, channel="post")
    cases.issue_result(session=session, office=two_gaps, case=case, clerk=STAFF.clerk)
    assert case.state != "issuing"


def test_a_supplement_for_a_material_that_is_no_gap_is_refused(session, office, engine):
    case = tolerated(session, office)
    before = stored(engine, case.id)
    with pytest.raises(errors.NoOpenGap):
        cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                                material_id="driver_documents", channel="post")
    assert stored(engine, case.id) == before


def test_a_case_accepted_in_full_has_no_gap(session, office):
    case = open_complete(session, office, FREIGHT, data=BOUGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert case.gap_due is None
    with pytest.raises(errors.NoOpenGap):
        cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                                material_id=GAP, channel="post")


def test_a_gap_is_filled_only_by_the_channels_its_material_allows(engine, clock, tmp_path):
    """车辆技术等级评定结论 edited to be supplied in person only: post and online are refused,
    though the matter takes the agent's papers by post or online."""
    office = edited_office(engine, clock, tmp_path, {GAP: {"days": 3, "channels": ["window"]},
                                                     AGENT: {"days": 5, "channels": ["post", "online"]}})

    with new_session(engine) as s:
        case = tolerated(s, office, data=BOUGHT_BY_AGENT)
        before = stored(engine, case.id)
        for channel in ("post", "online"):
            with pytest.raises(errors.ChannelNotAllowed):
                cases.record_supplement(session=s, office=office, case=case, clerk=STAFF.clerk,
                                        material_id=GAP, channel=channel)
        assert stored(engine, case.id) == before
        cases.record_supplement(session=s, office=office, case=case, clerk=STAFF.clerk,
                                material_id=GAP, channel="window")
        assert case.progress["gaps"] == {} and case.visits == 2


def test_supplement_is_offered_only_while_a_gap_is_open(session, office):
    """A case accepted in full owes nothing to supplement: the counter offers no 登记容缺材料补齐 form
    (held back with a reason, it was three grey forms on every case of a matter with a tolerable material)."""
    def supplements(case):
        return [c for c in available_actions(office=office, case=case, actor=STAFF.clerk)
                if c.action.label.startswith("登记容缺材料补齐")]

    complete = open_complete(session, office, FREIGHT, data=BOUGHT)
    cases.accept_case(session=session, office=office, case=complete, clerk=STAFF.clerk)
    assert supplements(complete) == []
    gap = tolerated(session, office)
    assert supplements(gap) and all(c.blocked is None for c in supplements(gap) if "邮寄" in c.action.label)
    cases.record_supplement(session=session, office=office, case=gap, clerk=STAFF.clerk, material_id=GAP,
                            channel="post")
    assert supplements(gap) == []
