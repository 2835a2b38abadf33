"""The API says what each action needs: the action operation's body is one of the declared actions'
request models, each listing that action's own fields and marking those it cannot do without."""

from tests.api_fixtures import act, as_role, open_case, tokens  # noqa: F401
from workflows import action_kinds as kinds

ACTION_PATH = "/api/cases/{case_id}/actions/{trigger}"


def _spec(client) -> dict:
    return client.get("/openapi.json").json()


def _body_models(spec: dict) -> list[str]:
    body = spec["paths"][ACTION_PATH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return [member["$ref"].removeprefix("#/components/schemas/") for member in body["anyOf"]]


def test_the_action_body_is_one_model_per_declared_action(client):
    names = _body_models(_spec(client))
    assert len(names) == len(set(names)) == len([k for k in kinds.KINDS if k.on_case])
    assert {"TransferActionIn", "DeliverActionIn", "ResubmitActionIn", "StartSpecialActionIn", "AcceptActionIn",
            "RecordVisitActionIn"} <= set(names)
    assert "ReceiveActionIn" not in names  # 收件 opens a case through POST /api/cases


def test_each_model_lists_its_actions_fields_and_marks_the_needed_ones_with_their_error(client):
    schemas = _spec(client)["components"]["schemas"]
    for kind in (k for k in kinds.KINDS if k.on_case):
        name = "".join(part.title() for part in kind.name.split("_")) + "ActionIn"
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


def test_a_field_that_no_action_has_is_refused_by_name(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    response = act(client, as_role["clerk"], case, "accept", colour="blue")
    assert response.status_code == 422 and response.json()["field"] == "colour"


def test_a_value_only_one_action_could_take_is_refused_by_that_actions_rule(client, app, as_role):
    case = open_case(client, as_role["clerk"], app.state.office)
    response = act(client, as_role["clerk"], case, "record_visit", purpose="递交", cause="weather")
    assert response.status_code == 422 and response.json()["field"] == "cause"
    assert "须为以下之一" in response.json()["message"]
