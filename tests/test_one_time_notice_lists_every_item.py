"""一次性告知: one notice names every missing and defective item, computed by the
engine; a later notice on the same application may not add anything new."""

import pytest

from tests.support import STAFF, ok, open_complete, stored
from workflows import cases, errors
from workflows.cases import MaterialCheck
from workflows.engine import run
from workflows.queries import events_of

FREIGHT = "road-freight-licence"


def with_three_problems(session, office):
    """driver_documents and safety_rules missing, the application form defective."""
    case = open_complete(session, office, FREIGHT, missing=("driver_documents", "safety_rules"))
    cases.record_materials(session=session, office=office, case=case, clerk=STAFF.clerk,
                           materials={"application_form": MaterialCheck("defective", "申请表未加盖公章")})
    return case


def test_the_notice_lists_every_missing_and_defective_item_at_once(session, office):
    case = with_three_problems(session, office)

    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)

    items = events_of(session, case.id)[-1].payload["items"]
    assert {item["material"]: item["problem"] for item in items} == {
        "application_form": "申请表未加盖公章",
        "driver_documents": "未提交",
        "safety_rules": "未提交",
    }
    assert sorted(case.progress["notice"]) == ["application_form", "driver_documents", "safety_rules"]
    assert case.state == "awaiting_correction"


def test_a_clerks_note_rewords_an_item_but_cannot_drop_one(session, office):
    case = with_three_problems(session, office)
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk,
                                  notes={"safety_rules": "请补交加盖公章的安全生产管理制度文本"})
    items = {i["material"]: i["problem"] for i in events_of(session, case.id)[-1].payload["items"]}
    assert len(items) == 3 and items["safety_rules"] == "请补交加盖公章的安全生产管理制度文本"


def test_a_notice_naming_only_some_items_is_refused(session, office, engine):
    case = with_three_problems(session, office)
    before = stored(engine, case.id)

    with pytest.raises(errors.NoticeIncomplete) as err:
        run(session=session, office=office, case=case, actor=STAFF.clerk, trigger="notify",
            payload={"items": [{"material": "driver_documents", "problem": "未提交"}]})

    assert err.value.code == "notice-incomplete"
    assert stored(engine, case.id) == before


def test_a_later_notice_may_repeat_outstanding_items(session, office):
    case = with_three_problems(session, office)
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="online",
                   materials=ok("application_form", "driver_documents"))

    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert case.progress["notices"] == 2
    assert [i["material"] for i in events_of(session, case.id)[-1].payload["items"]] == ["safety_rules"]
    assert sorted(case.progress["notice"]) == ["application_form", "driver_documents", "safety_rules"]


def test_a_later_notice_cannot_add_an_item_the_first_one_missed(session, office, engine):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="window",
                   materials={"driver_documents": MaterialCheck("ok"),
                              "principal_id": MaterialCheck("defective", "身份证已过有效期")})
    before = stored(engine, case.id)

    with pytest.raises(errors.NoticeAddsItems) as err:
        cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert err.value.code == "notice-adds-items"
    assert "负责人" in err.value.message or "身份" in err.value.message
    assert stored(engine, case.id) == before and case.progress["notices"] == 1


def test_resubmitted_complete_materials_are_then_accepted(session, office):
    case = with_three_problems(session, office)
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="online",
                   materials=ok("application_form", "driver_documents", "safety_rules"))
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert case.state == "step_review"
