"""Intake ends in exactly one of four outcomes, and the engine enforces the one it shows.

accept (all required materials present), accept with tolerance (only tolerable
materials missing and the 承诺书 signed), one-time notice, refuse with a reason.
A refused action leaves the case as it was.
"""

import pytest

from sqlmodel import select

from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, company, in_memory, open_complete, person, stored
from workflows import cases, errors
from workflows.intake import Outcome
from workflows.models import Case
from workflows.queries import events_of

FREIGHT = "road-freight-licence"  # the vehicle grade copies may be tolerated (3 days); driver_documents may not


def verdict(office, case):
    return cases.assess_intake(office=office, case=case)


# ---- accept ---------------------------------------------------------------------

def test_complete_materials_are_accepted_and_the_clock_starts(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    assert verdict(office, case).outcome is Outcome.ACCEPT

    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert case.state == "step_review"
    assert case.accepted_on == office.today()
    assert stored(engine, case.id).events[-1][1:4] == ("accept", "received", "step_review")


def test_accept_with_a_material_missing_is_refused_and_changes_nothing(session, office, engine):
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    before, memory = stored(engine, case.id), in_memory(case)

    with pytest.raises(errors.MaterialsIncomplete) as err:
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert err.value.code == "materials-incomplete"
    assert "安全生产管理制度" in err.value.message
    assert stored(engine, case.id) == before and in_memory(case) == memory


# ---- accept with tolerance ----------------------------------------------------------

def test_only_tolerable_missing_and_pledge_signed_is_accepted_with_a_gap(session, office):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    assert verdict(office, case).outcome is Outcome.TOLERATE

    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)

    assert case.state == "step_review"
    assert set(case.progress["gaps"]) == {FREIGHT_GAP}
    assert case.progress["materials"][FREIGHT_GAP]["status"] == "tolerated"


def test_a_material_that_proves_a_condition_is_never_tolerated(session, office, engine):
    """安全生产管理制度文本 proves 有健全的安全生产管理制度: without it the applicant gets a notice."""
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    assert verdict(office, case).outcome is Outcome.NOTIFY
    before = stored(engine, case.id)

    with pytest.raises(errors.MaterialNotTolerable) as err:
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk,
                                    pledge_signed=True)

    assert "安全生产管理制度" in err.value.message
    assert stored(engine, case.id) == before


def test_tolerance_without_the_signed_pledge_is_refused(session, office, engine):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    before = stored(engine, case.id)

    with pytest.raises(errors.PledgeNotSigned) as err:
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk,
                                    pledge_signed=False)

    assert err.value.code == "pledge-not-signed"
    assert stored(engine, case.id) == before and case.state == "received"


def test_tolerance_is_refused_when_a_core_material_is_missing_too(session, office, engine):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP, "driver_documents"), data=VEHICLES_BOUGHT)
    assert verdict(office, case).outcome is Outcome.NOTIFY
    before = stored(engine, case.id)

    with pytest.raises(errors.MaterialNotTolerable) as err:
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk,
                                    pledge_signed=True)

    assert err.value.code == "material-not-tolerable"
    assert "驾驶员" in err.value.message and "技术等级" not in err.value.message
    assert stored(engine, case.id) == before


def test_a_defective_core_material_cannot_be_tolerated_either(session, office):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.record_materials(session=session, office=office, case=case, clerk=STAFF.clerk,
                           materials={"application_form": cases.MaterialCheck("defective", "未加盖公章")})
    with pytest.raises(errors.MaterialNotTolerable):
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk,
                                    pledge_signed=True)


def test_nothing_to_tolerate_when_the_set_is_complete(session, office):
    case = open_complete(session, office, FREIGHT)
    with pytest.raises(errors.NothingToTolerate):
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk,
                                    pledge_signed=True)


# ---- one-time notice ---------------------------------------------------------------

def test_missing_core_material_leads_to_a_notice(session, office):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    assert verdict(office, case).outcome is Outcome.NOTIFY

    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert case.state == "awaiting_correction"
    assert case.progress["notice"] == ["driver_documents"]


def test_no_notice_when_nothing_is_missing(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    before = stored(engine, case.id)
    with pytest.raises(errors.NoticeEmpty):
        cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert stored(engine, case.id) == before


# ---- refuse -------------------------------------------------------------------------

def test_refusal_records_its_written_reason(session, office):
    case = open_complete(session, office, FREIGHT)
    cases.refuse_case(session=session, office=office, case=case, clerk=STAFF.clerk,
                      reason="申请事项不属于本机关职权范围")
    assert (case.state, case.outcome) == ("refused", "refused")
    assert events_of(session, case.id)[-1].payload == {"reason": "申请事项不属于本机关职权范围"}


def test_refusal_without_a_reason_is_refused(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    before = stored(engine, case.id)
    with pytest.raises(errors.ReasonRequired) as err:
        cases.refuse_case(session=session, office=office, case=case, clerk=STAFF.clerk, reason="   ")
    assert err.value.code == "reason-required"
    assert stored(engine, case.id) == before


def open_taxi_case(session, office, data):
    materials = office.catalogue.get("taxi-driver-qualification").definition.materials
    return cases.open_case(session=session, office=office, matter_code="taxi-driver-qualification",
                           applicant=person(), channel="window", clerk=STAFF.clerk, delivery_method="window",
                           data=data, materials={m.id: cases.MaterialCheck("ok") for m in materials})


@pytest.mark.parametrize("data", [{}, {"exam_passed": False}], ids=["exam-not-recorded", "exam-failed"])
def test_taxi_driver_without_a_passed_exam_is_refused_not_accepted(session, office, engine, data):
    case = open_taxi_case(session, office, data)
    seen = verdict(office, case)
    assert seen.outcome is Outcome.REFUSE
    assert any("考试" in text for text in seen.unmet_preconditions)
    before = stored(engine, case.id)

    with pytest.raises(errors.PreconditionNotMet) as err:
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert err.value.code == "precondition-not-met"
    with pytest.raises(errors.PreconditionNotMet):
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk,
                                    pledge_signed=True)
    assert stored(engine, case.id) == before

    cases.refuse_case(session=session, office=office, case=case, clerk=STAFF.clerk, reason="未通过从业资格考试")
    assert (case.state, case.outcome) == ("refused", "refused")


def test_taxi_driver_with_the_exam_passed_is_accepted(session, office):
    case = open_taxi_case(session, office, {"exam_passed": True})
    assert verdict(office, case).outcome is Outcome.ACCEPT
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert case.state == "step_record_check"


# ---- conditional materials: 超限运输 above 4.5 m / 3.75 m / 28 m / 100 t -------------------

BELOW = {"height_m": 4.0, "width_m": 2.5, "length_m": 18.0, "total_weight_t": 49.0}
OUTLINE_AND_ESCORT = {"outline_drawing", "escort_plan"}


@pytest.mark.parametrize("field, at, above", [
    ("height_m", 4.5, 4.51),
    ("width_m", 3.75, 3.76),
    ("length_m", 28, 28.01),
    ("total_weight_t", 100, 100.5),
    ("height_m", "4.5", "4.6"),  # as typed into a form
])
def test_outline_and_escort_plan_are_required_only_above_the_threshold(session, office, field, at, above):
    def case_with(value):
        return open_complete(session, office, "oversize-transport-permit", data={**BELOW, field: value},
                             missing=tuple(OUTLINE_AND_ESCORT))

    at_threshold = case_with(at)
    assert verdict(office, at_threshold).outcome is Outcome.ACCEPT
    cases.accept_case(session=session, office=office, case=at_threshold, clerk=STAFF.clerk)
    assert at_threshold.state == "step_review"

    over = case_with(above)
    seen = verdict(office, over)
    assert seen.outcome is Outcome.NOTIFY
    assert {p.material for p in seen.problems} == OUTLINE_AND_ESCORT
    with pytest.raises(errors.MaterialsIncomplete):
        cases.accept_case(session=session, office=office, case=over, clerk=STAFF.clerk)


def test_a_small_load_with_no_dimensions_recorded_needs_no_outline(session, office):
    case = open_complete(session, office, "oversize-transport-permit", missing=tuple(OUTLINE_AND_ESCORT))
    assert verdict(office, case).outcome is Outcome.ACCEPT


def test_a_nul_character_in_the_applicant_is_refused_before_anything_is_written(session, office):
    bad = company(name="嘉兴\x00物流")
    with pytest.raises(errors.BadInput) as caught:
        open_complete(session, office, "road-freight-licence", applicant=bad)
    assert caught.value.field == "applicant_name"
    assert session.exec(select(Case)).all() == []
