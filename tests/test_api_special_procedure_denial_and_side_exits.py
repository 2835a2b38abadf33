"""The rest of the actions over the API: a special procedure that stops the clock, a visit the
office asked for, a denial with its reason, termination and refusal."""

import datetime as dt

from tests.api_fixtures import act, act_ok, allowed, as_role, open_case, tokens  # noqa: F401

OVERSIZE = "oversize-transport-permit"


def test_route_survey_pauses_the_clock_and_a_denial_needs_its_reason(client, app, clock, as_role):
    office = app.state.office
    case = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], office, code=OVERSIZE,
                                                      data={"height_m": 4.2}), "accept")
    due_before = case["deadlines"]["promised_due"]
    case = client.get(f"/api/cases/{case['id']}", headers=as_role["reviewer"]).json()
    assert {"advance", "start_special_route_survey", "start_special_police_consultation"} <= allowed(case)

    case = act_ok(client, as_role["reviewer"], case, "start_special_route_survey", note="桥梁承载复核")
    assert case["state"] == "special_route_survey"
    assert case["deadlines"]["paused"] is True and case["deadlines"]["promised_left"] is None
    clock.set_local(dt.date(2026, 12, 2))  # a week later: 5 working days
    case = act_ok(client, as_role["reviewer"], case, "end_special_route_survey")
    assert case["events"][-1]["payload"]["paused_days"] == 5
    expected = office.calendar.add_workdays(dt.date(2026, 11, 25), office.catalogue.get(OVERSIZE).definition
                                            .limits.promised_days + 5).due
    assert case["deadlines"]["promised_due"] == expected.isoformat() > due_before

    case = act_ok(client, as_role["reviewer"], case, "record_visit", purpose="核验原件", cause="office")
    assert case["visits"] == 2 and (case["events"][-1]["visit_purpose"], case["events"][-1]["visit_cause"]) == (
        "核验原件", "office")
    case = act_ok(client, as_role["reviewer"], case, "advance")

    no_reason = act(client, as_role["approver"], case, "decide_deny")
    assert no_reason.status_code == 422 and no_reason.json() == {
        "code": "reason-required", "message": "请填写理由", "field": "reason"}
    case = act_ok(client, as_role["approver"], case, "decide_deny", reason="通行路线桥梁承载能力不足，且无可替代路线")
    assert (case["state"], case["outcome"]) == ("delivering", "denied")
    case = act_ok(client, as_role["clerk"], case, "deliver_mail", tracking_no="EA000000009CN")
    assert case["state"] == "closed" and case["outcome"] == "denied"


def test_approver_terminates_an_accepted_case_and_the_clerk_refuses_a_new_one(client, app, as_role):
    office = app.state.office
    accepted = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], office), "accept")
    assert "terminate" not in allowed(accepted)  # the clerk may not end it
    approver_view = client.get(f"/api/cases/{accepted['id']}", headers=as_role["approver"]).json()
    ended = act_ok(client, as_role["approver"], approver_view, "terminate", reason="申请人提供虚假材料")
    assert (ended["state"], ended["outcome"], ended["actions"]) == ("terminated", "terminated", [])

    fresh = open_case(client, as_role["clerk"], office)
    refused = act_ok(client, as_role["clerk"], fresh, "refuse", reason="申请事项不属于本机关职权范围")
    assert refused["state"] == "refused" and refused["events"][-1]["payload"] == {
        "reason": "申请事项不属于本机关职权范围"}
