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


def tolerated(session, office, code=FREIGHT, missing=("safety_rules",), data=None):
    case = open_complete(session, office, code, missing=missing, data=data)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    return case


def to_issuing(session, office, case):
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case, actor=actor_for(role))
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    assert case.state == "issuing"


def test_gap_deadline_counts_the_materials_working_days_from_acceptance(session, office, clock):
    clock.set_local(dt.date(2026, 11, 27))  # a Friday: the weekend does not count
    case = tolerated(session, office, missing=("safety_rules", "vehicle_grade_copies"),
                     data={"vehicles_ready": True})
    # safety_rules and vehicle_grade_copies both allow 3 working days: Mon 30, Tue 1, Wed 2.
    assert case.progress["gaps"] == {"safety_rules": "2026-12-02", "vehicle_grade_copies": "2026-12-02"}
    assert case.gap_due == dt.date(2026, 12, 2)


def test_each_material_keeps_its_own_supplement_period(session, office):
    # 港口经营许可: staff_qualifications may be supplied within 5 working days of Wed 2026-11-25.
    case = tolerated(session, office, code="port-operation-licence", missing=("staff_qualifications",))
    assert case.progress["gaps"] == {"staff_qualifications": "2026-12-02"}
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
                            material_id="safety_rules", channel="post")

    assert case.progress["gaps"] == {} and case.gap_due is None
    assert case.progress["materials"]["safety_rules"]["status"] == "supplied"
    issue = next(c for c in available_actions(office=office, case=case, actor=STAFF.clerk) if c.trigger == "issue")
    assert issue.blocked is None
    cases.issue_result(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.deliver(session=session, office=office, case=case, clerk=STAFF.clerk, tracking_no="EA000000001CN")
    assert (case.state, case.outcome) == ("closed", "approved")


def test_every_gap_must_be_filled_not_just_one(session, office):
    case = tolerated(session, office, missing=("safety_rules", "vehicle_grade_copies"), data={"vehicles_ready": True})
    cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                            material_id="safety_rules", channel="online")
    to_issuing(session, office, case)
    with pytest.raises(errors.ToleratedGapOpen):
        cases.issue_result(session=session, office=office, case=case, clerk=STAFF.clerk)


def test_a_supplement_for_a_material_that_is_no_gap_is_refused(session, office, engine):
    case = tolerated(session, office)
    before = stored(engine, case.id)
    with pytest.raises(errors.NoOpenGap):
        cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                                material_id="driver_documents", channel="post")
    assert stored(engine, case.id) == before


def test_a_case_accepted_in_full_has_no_gap(session, office):
    case = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert case.gap_due is None
    with pytest.raises(errors.NoOpenGap):
        cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                                material_id="safety_rules", channel="post")


def test_a_gap_is_filled_only_by_the_channels_its_material_allows(engine, clock, tmp_path):
    """安全生产管理制度 edited to be supplied in person only: post and online are refused."""
    shutil.copytree(DEFAULT_DIR, tmp_path / "definitions")
    path = tmp_path / "definitions" / f"{FREIGHT}.yaml"
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(m for m in d["materials"] if m["id"] == "safety_rules")["tolerance"]["channels"] = ["window"]
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    office = load_office(engine, tmp_path / "definitions", clock=clock)

    with new_session(engine) as s:
        case = tolerated(s, office)
        before = stored(engine, case.id)
        for channel in ("post", "online"):
            with pytest.raises(errors.ChannelNotAllowed):
                cases.record_supplement(session=s, office=office, case=case, clerk=STAFF.clerk,
                                        material_id="safety_rules", channel=channel)
        assert stored(engine, case.id) == before
        cases.record_supplement(session=s, office=office, case=case, clerk=STAFF.clerk,
                                material_id="safety_rules", channel="window")
        assert case.progress["gaps"] == {} and case.visits == 2
