"""My queue (overdue first, working days left), search with masked IDs, and the applicant's status lookup."""

import datetime as dt

import pytest

from tests.api_fixtures import act_ok, as_role, open_case, tokens  # noqa: F401
from tests.support import CREDIT_CODE


def test_reviewer_queue_puts_the_overdue_case_first_with_working_days_left(client, app, clock, as_role):
    office = app.state.office
    first = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], office), "accept")  # Wed 25 Nov
    clock.set_local(dt.date(2026, 11, 27))
    second = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], office), "accept")  # Fri 27 Nov
    waiting = open_case(client, as_role["clerk"], office)  # not yet accepted: the clerk's, not the reviewer's
    clock.set_local(dt.date(2026, 12, 3))  # Thursday

    queue = client.get("/api/queue", headers=as_role["reviewer"]).json()

    assert [(q["id"], q["promised_due"], q["promised_left"], q["overdue"]) for q in queue] == [
        (first["id"], "2026-12-02", -1, True),
        (second["id"], "2026-12-04", 1, False),
    ]
    clerk_queue = client.get("/api/queue", headers=as_role["clerk"]).json()
    assert [q["id"] for q in clerk_queue] == [waiting["id"]]
    assert client.get("/api/queue", headers=as_role["clerk2"]).json() == []  # another window's cases


def test_search_finds_by_name_receipt_and_credit_code_and_masks_the_id(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office, name="嘉兴市顺达物流有限公司")
    for q in ("顺达物流", case["receipt_no"], CREDIT_CODE.lower(), "13900005678"):
        response = client.get("/api/search", params={"q": q}, headers=as_role["auditor"])
        assert [r["id"] for r in response.json()] == [case["id"]], q
        assert response.json()[0]["applicant_id_masked"] == CREDIT_CODE[:6] + "********" + CREDIT_CODE[-4:]
        assert CREDIT_CODE not in response.text
    assert client.get("/api/search", params={"q": "无此人"}, headers=as_role["clerk"]).json() == []
    assert CREDIT_CODE not in client.get("/api/cases", headers=as_role["clerk"]).text


def test_case_list_filters_by_state(client, app, as_role):
    office = app.state.office
    accepted = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], office), "accept")
    open_case(client, as_role["clerk"], office)
    listed = client.get("/api/cases", params={"state": "step_review"}, headers=as_role["approver"]).json()
    assert [c["id"] for c in listed] == [accepted["id"]]


def test_public_status_shows_state_dates_and_what_is_missing_but_no_personal_data(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office, missing=("application_form", "safety_rules"),
                     name="<script>alert(1)</script>物流")
    act_ok(client, as_role["clerk"], case, "notify")

    response = client.get("/api/public/status", params={"receipt_no": case["receipt_no"].lower(),
                                                       "phone_last4": "5678"})

    assert response.status_code == 200
    body = response.json()
    ways = body.pop("ways")
    assert body == {
        "receipt_no": case["receipt_no"], "matter_name": "道路货物运输经营许可",
        "state_label": "待补正（已一次性告知）", "received_on": "2026-11-25", "accepted_on": None,
        "promised_due": None, "provisional": False, "closed_on": None, "final": False, "evaluated": False,
        "outstanding": [{"name": "《道路货物运输经营申请表》", "status": "未提交", "due": None},
                        {"name": "安全生产管理制度文本", "status": "未提交", "due": None}],
        # 补正期限: 10 working days after Wednesday 25 November
        "owed_kind": "correction",
        "owed": [{"material": "application_form", "name": "《道路货物运输经营申请表》", "problem": "未提交",
                  "due": "2026-12-09", "channels": ["window", "online"]},
                 {"material": "safety_rules", "name": "安全生产管理制度文本", "problem": "未提交",
                  "due": "2026-12-09", "channels": ["window", "online"]}],
        "result": None, "tracking_no": None,
    }
    profile = app.state.office.profile
    assert [(w["channel"], w["visit"]) for w in ways] == [("online", False), ("window", True)]  # no visit first
    assert profile.online.url in ways[0]["details"][0] and profile.hall.address in ways[1]["details"][0]
    for private in ("script", "物流", CREDIT_CODE, "13900005678"):
        assert private not in response.text


def test_public_status_with_the_wrong_phone_reads_like_an_unknown_case(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    wrong = client.get("/api/public/status", params={"receipt_no": case["receipt_no"], "phone_last4": "0000"})
    unknown = client.get("/api/public/status", params={"receipt_no": "20261125ZZZZZZZZ", "phone_last4": "5678"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_applicant_evaluates_a_closed_case_once(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    body = {"receipt_no": case["receipt_no"], "phone_last4": "5678", "level": "very_satisfied", "comment": "一次办好"}
    early = client.post("/api/public/evaluations", json=body)
    assert early.status_code == 409 and early.json()["code"] == "case-not-closed"

    act_ok(client, as_role["clerk"], case, "withdraw", reason="申请人撤回")
    first = client.post("/api/public/evaluations", json=body)
    assert first.status_code == 201 and first.json()["level_label"] == "非常满意"
    second = client.post("/api/public/evaluations", json={**body, "level": "very_dissatisfied"})
    assert second.status_code == 409 and second.json()["code"] == "already-evaluated"
    assert client.post("/api/public/evaluations", json={**body, "level": "great"}).status_code == 422
    bad = client.post("/api/public/evaluations", json={**body, "visit_seq": 1, "level": "dissatisfied", "comment": ""})
    assert bad.status_code == 422 and bad.json()["code"] == "bad-rating-reason"


def test_non_ascii_phone_digits_are_a_plain_not_found_not_a_server_error(client, app, as_role):
    from workflows import errors, feedback
    from workflows.db import session as new_session

    case = open_case(client, as_role["clerk"], app.state.office)
    with new_session(app.state.engine) as s, pytest.raises(errors.CaseNotFound):
        feedback.case_for_applicant(s, case["receipt_no"], "５６７８")


def test_repeated_wrong_lookups_from_one_address_are_throttled_for_the_api_as_for_the_page(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    limit = app.state.lookup_throttle.max_failures
    for _ in range(limit):
        wrong = client.get("/api/public/status", params={"receipt_no": case["receipt_no"], "phone_last4": "0000"})
        assert wrong.status_code == 404
    right = client.get("/api/public/status", params={"receipt_no": case["receipt_no"], "phone_last4": "5678"})
    assert right.status_code == 429 and right.json()["code"] == "too-many-attempts"


def test_a_clerk_at_a_comprehensive_window_sees_every_windows_intake_queue(client, app, as_role):
    from workflows import accounts
    from workflows.db import session as new_session

    other = open_case(client, as_role["clerk2"], app.state.office)  # taken in at W02
    assert client.get("/api/queue", headers=as_role["clerk"]).json() == []
    with new_session(app.state.engine) as s:
        accounts.add_window(session=s, code="W01", name="综合窗口", comprehensive=True)
    assert [q["id"] for q in client.get("/api/queue", headers=as_role["clerk"]).json()] == [other["id"]]
