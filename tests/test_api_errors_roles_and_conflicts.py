"""Every error answers {code, message, field} with its status: 401, 403, 404, 409, 422."""

import json

import pytest

from tests.api_fixtures import act, act_ok, as_role, case_body, open_case, tokens  # noqa: F401

SHAPE = {"code", "message", "field"}


def test_missing_or_unknown_credentials_are_401(client, as_role):
    for headers in ({}, {"Authorization": "Bearer ov_not-a-token"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/matters", headers=headers)
        assert response.status_code == 401
        assert set(response.json()) == SHAPE and response.json()["code"] == "login-required"


@pytest.mark.parametrize("role, method, path", [
    ("reviewer", "post", "/api/cases"),
    ("auditor", "post", "/api/cases"),
    ("admin", "get", "/api/cases"),
    ("admin", "get", "/api/queue"),
    ("auditor", "get", "/api/queue"),
    ("clerk", "get", "/api/admin/tokens"),
    ("approver", "post", "/api/admin/tokens"),
    ("reviewer", "post", "/api/intake/preview"),
])
def test_endpoints_refuse_the_wrong_role_with_403(client, app, as_role, role, method, path):
    body = case_body(app.state.office) if method == "post" else None
    response = client.request(method.upper(), path, json=body, headers=as_role[role])
    assert response.status_code == 403
    assert response.json()["code"] == "role-forbidden"


def test_engine_refuses_an_action_of_another_role_and_the_case_is_unchanged(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    case = act_ok(client, as_role["clerk"], case, "accept")

    response = act(client, as_role["approver"], case, "advance")

    assert response.status_code == 403
    assert response.json() == {"code": "role-forbidden", "message": "“完成审查，转下一环节”须由审查人员办理",
                               "field": None}
    assert client.get(f"/api/cases/{case['id']}", headers=as_role["clerk"]).json()["version"] == case["version"]


def test_an_action_the_state_does_not_offer_is_409(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    response = act(client, as_role["clerk"], case, "issue")
    assert response.status_code == 409 and response.json()["code"] == "action-not-allowed"


def test_an_action_no_declaration_names_has_no_operation(client, app, as_role):
    # Each declared action is its own operation (/actions/<trigger>); any other trigger names no path.
    case = open_case(client, as_role["clerk"], app.state.office)
    response = act(client, as_role["clerk"], case, "fly_away")
    assert response.status_code == 404 and response.json()["code"] == "no-such-path"


def test_a_family_trigger_with_a_parameter_the_matter_lacks_is_refused_naming_the_parameter(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    response = act(client, as_role["clerk"], case, "resubmit_pigeon")
    assert response.status_code == 422 and response.json()["field"] == "channel"
    assert response.json()["message"] == "该事项不接受此补正方式"


def test_unknown_case_and_unknown_matter_are_404(client, as_role):
    assert client.get("/api/cases/999999", headers=as_role["clerk"]).json()["code"] == "case-not-found"
    response = client.get("/api/matters/no-such-matter", headers=as_role["clerk"])
    assert response.status_code == 404 and response.json()["code"] == "unknown-matter"
    response = client.get("/api/cases/by-receipt/20261125AAAAAAAA", headers=as_role["clerk"])
    assert response.status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"applicant": {"kind": "person", "name": "张三", "id_no": "330402198001010010", "phone": "13800001234"}},
     "applicant_id_no"),
    ({"delivery_address": None}, "delivery_address"),
    ({"delivery_method": "carrier_pigeon"}, "delivery_method"),
    ({"data": {"no_such_field": 1}}, "no_such_field"),
    ({"materials": {"no_such_material": {"status": "ok"}}}, "materials.no_such_material"),
    ({"surprise": True}, "surprise"),
])
def test_bad_case_input_is_422_naming_the_field_and_opens_nothing(client, app, as_role, change, field):
    body = {**case_body(app.state.office), **change}
    response = client.post("/api/cases", json=body, headers=as_role["clerk"])
    assert response.status_code == 422
    assert set(response.json()) == SHAPE
    assert response.json()["field"] == field
    assert client.get("/api/cases", headers=as_role["clerk"]).json() == []


def test_action_body_without_expected_version_is_422(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    response = client.post(f"/api/cases/{case['id']}/actions/accept", json={}, headers=as_role["clerk"])
    assert response.status_code == 422
    assert response.json()["field"] == "expected_version"


def test_two_clients_acting_on_the_same_version_the_second_gets_409_and_nothing_is_half_written(
        client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    seen_by_first = client.get(f"/api/cases/{case['id']}", headers=as_role["clerk"]).json()
    seen_by_second = client.get(f"/api/cases/{case['id']}", headers=as_role["integrator"]).json()

    first = act(client, as_role["clerk"], seen_by_first, "accept")
    second = act(client, as_role["integrator"], seen_by_second, "refuse", reason="不属于本机关职权范围")

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {"code": "case-changed",
                             "message": "该办件刚被其他人员处理过，请刷新后按最新状态重新操作", "field": None}
    now = client.get(f"/api/cases/{case['id']}", headers=as_role["clerk"]).json()
    assert now["state"] == "step_review" and now["version"] == case["version"] + 1
    assert [e["action"] for e in now["events"]] == ["receive_window", "accept"]


def test_a_stale_version_from_long_ago_is_409_even_when_the_action_is_still_offered(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office, missing=("application_form",))
    stale = dict(case)
    act_ok(client, as_role["clerk"], case, "record_materials", materials={"application_form": {"status": "ok"}})
    response = act(client, as_role["clerk"], stale, "record_materials",
                   materials={"application_form": {"status": "missing"}})
    assert response.status_code == 409 and response.json()["code"] == "case-changed"


def test_nan_in_case_data_is_422_not_a_database_error(client, app, as_role):
    body = json.dumps(case_body(app.state.office, "oversize-transport-permit", data={"height_m": 1.0}))
    body = body.replace('"height_m": 1.0', '"height_m": NaN')
    response = client.post("/api/cases", content=body, headers={**as_role["clerk"], "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["field"].startswith("data.height_m")


@pytest.mark.parametrize("text", ["nan", "inf", "-Infinity"])
def test_nan_spelled_as_text_is_422_too(client, app, as_role, text):
    body = case_body(app.state.office, "oversize-transport-permit", data={"height_m": text})
    response = client.post("/api/cases", json=body, headers=as_role["clerk"])
    assert response.status_code == 422
    assert response.json() == {"code": "invalid-input", "message": "“车货总高度（从地面算起）”须为数字",
                               "field": "height_m"}
