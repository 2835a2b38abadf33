"""The API says what each action needs: each declared action is its own operation, whose body is that
action's request model, listing the action's own fields and marking those it cannot do without."""

from tests.api_fixtures import act, as_role, open_case, tokens  # noqa: F401
from workflows import action_kinds as kinds

ON_CASE = [k for k in kinds.KINDS if k.on_case]  # 收件 opens a case through POST /api/cases


def _spec(client) -> dict:
    return client.get("/openapi.json").json()


def _model_name(kind: kinds.ActionKind) -> str:
    return "".join(part.title() for part in kind.name.split("_")) + "ActionIn"


def _path(kind: kinds.ActionKind) -> str:
    tail = f"{{{kind.parameter.argument}}}" if kind.parameter else ""
    return f"/api/cases/{{case_id}}/actions/{kind.prefix}{tail}"


def test_each_declared_action_is_one_operation_with_its_own_body_model(client):
    paths = _spec(client)["paths"]
    action_paths = sorted(p for p in paths if "/actions/" in p)
    assert action_paths == sorted(_path(kind) for kind in ON_CASE)
    for kind in ON_CASE:
        operation = paths[_path(kind)]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{_model_name(kind)}"}, kind.name
        assert operation["summary"].endswith(f"（{kind.prefix}<{kind.parameter.source}>）" if kind.parameter
                                              else f"（{kind.name}）")
    assert "/api/cases/{case_id}/actions/receive_{channel}" not in paths


def test_a_familys_operation_names_the_parameter_its_trigger_carries(client):
    deliver = _spec(client)["paths"]["/api/cases/{case_id}/actions/deliver_{method}"]["post"]
    names = {p["name"]: p for p in deliver["parameters"]}
    assert set(names) == {"case_id", "method"} and "delivery_methods" in names["method"]["description"]


def test_each_model_lists_its_actions_fields_and_marks_the_needed_ones_with_their_error(client):
    schemas = _spec(client)["components"]["schemas"]
    for kind in ON_CASE:
        name = _model_name(kind)
        model = schemas[name]
        assert set(model["properties"]) == {"expected_version", *kind.input.model_fields}, name
        assert model["required"] == ["expected_version"], name
        needed = {field: spec["x-needed"]["code"] for field, spec in model["properties"].items() if "x-needed" in spec}
        assert needed == {field: n.error.code for field, n in kind.input.needed_anywhere().items()}, name


def test_transfer_and_mail_delivery_say_what_they_need(client):
    schemas = _spec(client)["components"]["schemas"]
    transfer = schemas["TransferActionIn"]["properties"]
    assert transfer["window"]["x-needed"] == {"code": "transfer-target", "message": "请选择转往的窗口"}
    assert transfer["reason"]["x-needed"]["code"] == "reason-required"
    deliver = schemas["DeliverActionIn"]
    assert deliver["description"] == "送达：…（deliver_<delivery_methods>）"
    assert deliver["properties"]["tracking_no"]["x-needed"]["message"] == "邮寄送达须填写邮件号"
    assert set(schemas["AcceptActionIn"]["properties"]) == {"expected_version"}


def test_a_field_the_action_does_not_take_is_refused_by_name(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    response = act(client, as_role["clerk"], case, "accept", colour="blue")
    assert response.status_code == 422 and response.json()["field"] == "colour"


def test_a_bad_value_is_refused_by_the_actions_own_rule(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    response = act(client, as_role["clerk"], case, "record_visit", purpose="递交", cause="weather")
    assert response.status_code == 422 and response.json()["field"] == "cause"
    assert "须为以下之一" in response.json()["message"]
