"""Visits are counted from events: a presence at the window is one, with its purpose
and cause; post and online are never one."""

import shutil

import pytest
import yaml

from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, ok, open_complete, run_to_close, stored
from workflows import cases, errors
from workflows.bootstrap import load_office
from workflows.catalogue import DEFAULT_DIR
from workflows.db import session as new_session
from workflows.queries import events_of

FREIGHT = "road-freight-licence"


def visits_of(session, case):
    """(action, purpose, cause) of every event that was a visit."""
    return [(e.action, e.visit_purpose, e.visit_cause) for e in events_of(session, case.id) if e.visit]


def test_intake_at_the_window_is_a_visit(session, office):
    case = open_complete(session, office, FREIGHT, channel="window")
    assert case.visits == 1
    assert visits_of(session, case) == [("receive_window", "递交", "applicant")]


def test_an_online_application_is_not(session, office):
    case = open_complete(session, office, FREIGHT, channel="online")
    assert case.visits == 0 and visits_of(session, case) == []


def test_online_application_with_mailed_result_takes_no_visit_at_all(session, office):
    case = open_complete(session, office, FREIGHT, channel="online", delivery="mail")
    run_to_close(session, office, case)
    assert (case.state, case.visits) == ("closed", 0)


def test_mail_delivery_is_not_a_visit_and_a_window_pickup_is(session, office):
    mailed = run_to_close(session, office, open_complete(session, office, FREIGHT, delivery="mail"))
    picked_up = run_to_close(session, office, open_complete(session, office, FREIGHT, delivery="window"))

    assert mailed.visits == 1  # the intake only
    assert picked_up.visits == 2
    # The applicant chose to collect although post was offered: the cause is theirs.
    assert visits_of(session, picked_up)[-1] == ("deliver_window", "领证", "applicant")


def test_a_pickup_is_the_offices_doing_when_the_office_offers_nothing_else(session, office):
    case = run_to_close(session, office, open_complete(session, office, "port-operation-licence"))
    assert case.visits == 2
    assert visits_of(session, case)[-1] == ("deliver_window", "领证", "office")


@pytest.mark.parametrize("channel, counts", [("post", False), ("online", False), ("window", True)])
def test_a_tolerated_material_supplied_in_person_is_a_visit_by_post_or_online_not(session, office, channel, counts):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)

    cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                            material_id=FREIGHT_GAP, channel=channel)

    assert case.visits == (2 if counts else 1)
    last = events_of(session, case.id)[-1]
    assert (last.visit, last.channel) == (counts, channel)
    if counts:
        assert (last.visit_purpose, last.visit_cause) == ("补正", "applicant")


@pytest.mark.parametrize("channel, counts", [("online", False), ("window", True)])
def test_corrections_after_a_notice_count_only_when_brought_in_person(session, office, channel, counts):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)

    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel=channel,
                   materials=ok("driver_documents"))

    assert case.visits == (2 if counts else 1)
    assert visits_of(session, case)[1:] == ([("resubmit_window", "补正", "applicant")] if counts else [])


def test_any_other_presence_is_recorded_with_its_purpose_and_cause(session, office, engine):
    case = open_complete(session, office, FREIGHT, channel="online")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)

    cases.record_visit(session=session, office=office, case=case, actor=STAFF.reviewer, purpose="核验原件",
                       cause="office", note="核验驾驶员从业资格证原件")

    assert case.visits == 1 and case.state == "step_review"
    assert visits_of(session, case) == [("record_visit", "核验原件", "office")]
    assert stored(engine, case.id).visits == 1


@pytest.mark.parametrize("purpose, cause, error", [
    ("喝茶", "applicant", errors.BadInput),
    ("核验原件", "weather", errors.BadInput),
    ("核验原件", "", errors.BadInput),
])
def test_a_visit_needs_a_known_purpose_and_cause(session, office, engine, purpose, cause, error):
    case = open_complete(session, office, FREIGHT)
    before = stored(engine, case.id)
    with pytest.raises(error):
        cases.record_visit(session=session, office=office, case=case, actor=STAFF.clerk, purpose=purpose, cause=cause)
    assert stored(engine, case.id) == before


def test_the_immediate_filing_is_done_on_the_spot_in_one_visit(session, office):
    """即办件: handed in at the window, checked, filed and handed over before the applicant leaves."""
    case = open_complete(session, office, "vehicle-repair-filing", channel="window", delivery="on_the_spot")
    run_to_close(session, office, case)

    assert (case.state, case.outcome, case.visits) == ("closed", "approved", 1)
    assert visits_of(session, case) == [("receive_window", "递交", "applicant")]
    assert case.accepted_on == case.promised_due == office.today()
    assert [e.actor for e in events_of(session, case.id)] == ["clerk1"] * 6


def test_on_the_spot_handover_needs_the_applicant_at_the_window(session, office, engine):
    with pytest.raises(errors.BadInput) as refused:  # asked for at intake, it is refused there
        open_complete(session, office, "vehicle-repair-filing", channel="online", delivery="on_the_spot")
    assert refused.value.code == "pickup-needs-window"
    case = open_complete(session, office, "vehicle-repair-filing", channel="online", delivery="electronic")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.advance_step(session=session, office=office, case=case, actor=STAFF.clerk)
    cases.decide(session=session, office=office, case=case, approver=STAFF.clerk, approve=True)
    cases.issue_result(session=session, office=office, case=case, clerk=STAFF.clerk)
    before = stored(engine, case.id)

    with pytest.raises(errors.ActionNotAllowed):  # chosen later, at handover, the engine's guard refuses it
        cases.deliver(session=session, office=office, case=case, clerk=STAFF.clerk, method="on_the_spot")

    assert stored(engine, case.id) == before
    cases.deliver(session=session, office=office, case=case, clerk=STAFF.clerk, method="electronic")
    assert (case.state, case.visits) == ("closed", 0)


def test_a_mandatory_inspection_with_the_applicant_present_is_counted_in_plan_and_case(engine, clock, tmp_path):
    """Change 涉路施工's mandatory 专家评审 into a 现场勘验 the applicant attends: one more visit, the office's."""
    shutil.copytree(DEFAULT_DIR, tmp_path / "definitions")
    path = tmp_path / "definitions" / "road-works-permit.yaml"
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    review = next(p for p in d["special_procedures"] if p["id"] == "expert_review")
    review.update(kind="现场勘验", applicant_present=True)
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    office = load_office(engine, tmp_path / "definitions", clock=clock)

    assert office.catalogue.get("road-works-permit").visits.visits == 1  # online + mail, plus the inspection

    with new_session(engine) as s:
        case = run_to_close(s, office, open_complete(s, office, "road-works-permit", channel="online"))
        assert case.visits == 1
        assert visits_of(s, case) == [("start_special_expert_review", "勘验", "office")]
