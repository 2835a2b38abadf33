"""A whole case through the API, each action by the role that owns it: one visit, result by post."""

from tests.api_fixtures import act, act_ok, allowed, as_role, open_case, tokens, triggers  # noqa: F401
from tests.support import CREDIT_CODE


def test_complete_case_runs_from_intake_to_mailed_delivery_with_one_visit(client, app, as_role):
    office = app.state.office
    case = open_case(client, as_role["clerk"], office)

    assert case["state"] == "received"
    assert case["verdict"]["outcome"] == "accept"
    assert case["applicant"]["id_masked"] == CREDIT_CODE[:6] + "********" + CREDIT_CODE[-4:]
    assert case["applicant"]["phone_masked"] == "139****5678"
    assert triggers(case)["accept"] is None
    assert case["visits"] == 1 and case["events"][0]["visit_purpose"] == "递交"

    case = act_ok(client, as_role["clerk"], case, "accept")
    assert case["state"] == "step_review"
    assert case["deadlines"]["accepted_on"] == "2026-11-25"
    assert case["deadlines"]["promised_due"] == "2026-12-02"  # 5 working days after Wednesday 25 Nov
    assert case["awaiting_role"] == "reviewer"
    assert allowed(case) == {"record_visit", "withdraw", "transfer"}  # the clerk cannot review

    reviewer_view = client.get(f"/api/cases/{case['id']}", headers=as_role["reviewer"]).json()
    assert "advance" in triggers(reviewer_view)
    case = act_ok(client, as_role["reviewer"], reviewer_view, "advance", note="材料审查通过")
    case = act_ok(client, as_role["approver"], case, "decide_approve")
    assert case["state"] == "issuing" and case["outcome"] == "approved"
    case = act_ok(client, as_role["clerk"], case, "issue")
    case = act_ok(client, as_role["clerk"], case, "deliver_mail", tracking_no="EA123456789CN")

    assert case["state"] == "closed"
    assert case["state_label"] == "已办结"
    assert CREDIT_CODE not in str(case) and "13900005678" not in str(case)
    assert case["visits"] == 1
    assert case["actions"] == []
    assert [e["action"] for e in case["events"]] == [
        "receive_window", "accept", "advance", "decide_approve", "issue", "deliver_mail"]
    assert case["events"][-1]["payload"] == {"method": "mail", "tracking_no": "EA123456789CN",
                                             "address": "浙江省嘉兴市南湖区中山东路1号"}
    assert [e["seq"] for e in case["events"]] == list(range(1, 7))
    assert case["version"] == 6


def test_mailed_delivery_without_tracking_number_is_refused_and_changes_nothing(client, app, as_role):
    office = app.state.office
    case = open_case(client, as_role["clerk"], office)
    case = act_ok(client, as_role["clerk"], case, "accept")
    case = act_ok(client, as_role["reviewer"], case, "advance")
    case = act_ok(client, as_role["approver"], case, "decide_approve")
    case = act_ok(client, as_role["clerk"], case, "issue")

    response = act(client, as_role["clerk"], case, "deliver_mail", tracking_no="  ")

    assert response.status_code == 422
    assert response.json() == {"code": "invalid-input", "message": "邮寄送达须填写邮件号", "field": "tracking_no"}
    again = client.get(f"/api/cases/{case['id']}", headers=as_role["clerk"]).json()
    assert again["state"] == "delivering" and again["version"] == case["version"]
