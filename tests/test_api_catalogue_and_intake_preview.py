"""The catalogue as the engine compiled it, and the intake verdict before a case is opened."""

from tests.api_fixtures import as_role, tokens  # noqa: F401


def test_matters_list_every_definition_with_the_computed_visit_count(client, app, as_role):
    office = app.state.office
    response = client.get("/api/matters", headers=as_role["auditor"])
    assert response.status_code == 200
    listed = {m["code"]: m for m in response.json()}
    assert set(listed) == {m.code for m in office.catalogue.matters()}
    freight = listed["road-freight-licence"]
    assert (freight["name"], freight["legal_days"], freight["promised_days"], freight["visits"]) == (
        "道路货物运输经营许可", 20, 5, 0)  # online application, mailed result


def test_matters_are_found_by_name_pinyin_initials_or_code(client, as_role):
    for q in ("道路货物", "dlhw", "road-freight"):
        found = client.get("/api/matters", params={"q": q}, headers=as_role["clerk"]).json()
        assert [m["code"] for m in found] == ["road-freight-licence"], q
    assert client.get("/api/matters", params={"q": "潜水艇"}, headers=as_role["clerk"]).json() == []


def test_one_matter_carries_materials_steps_limits_states_and_visit_plans(client, as_role):
    matter = client.get("/api/matters/road-freight-licence", headers=as_role["clerk"]).json()
    definition = matter["definition"]
    assert [m["id"] for m in definition["materials"]] == [
        "application_form", "principal_id", "agent_id_and_mandate", "vehicle_licence_copies",
        "vehicle_grade_copies", "vehicle_commitment", "driver_documents", "safety_rules"]
    assert [s["id"] for s in definition["steps"]] == ["review"]
    assert definition["limits"]["legal_days"] == 20
    assert {"name": "step_review", "label": "审查", "role": "reviewer"} in matter["states"]
    plans = {p["delivery"]: p["visits"] for p in matter["plans_by_delivery"]}
    assert plans == {"mail": 0, "window": 1, "electronic": 0}  # only a window pickup brings them in
    assert matter["best_plan"]["visits"] == 0 and "跑零次" in matter["advice"]


def _preview(client, headers, **body):
    return client.post("/api/intake/preview", json={"matter_code": "oversize-transport-permit", **body},
                       headers=headers)


def test_preview_asks_for_the_conditional_materials_only_above_the_limits(client, app, as_role):
    definition = app.state.office.catalogue.get("oversize-transport-permit").definition
    always = {m.id: {"status": "ok"} for m in definition.materials if m.necessity.value == "required"}

    small = _preview(client, as_role["clerk"], data={"height_m": 4.2, "width_m": 3.0}, materials=always).json()
    assert small["outcome"] == "accept" and "outline_drawing" not in small["applicable"]

    tall = _preview(client, as_role["clerk"], data={"height_m": 4.8, "width_m": 3.0}, materials=always).json()
    assert tall["outcome"] in ("notify", "tolerate")
    assert {p["material"] for p in tall["problems"]} == {"outline_drawing", "escort_plan"}
    assert {"outline_drawing", "escort_plan"} <= set(tall["applicable"])
    assert [i["material"] for i in tall["notice_items"]] == ["outline_drawing", "escort_plan"]


def test_preview_for_a_missing_precondition_is_a_refusal(client, as_role):
    verdict = client.post("/api/intake/preview", json={"matter_code": "taxi-driver-qualification",
                                                       "data": {"exam_passed": False}},
                          headers=as_role["clerk"]).json()
    assert verdict["outcome"] == "refuse"
    assert verdict["unmet_preconditions"][0].startswith("已通过出租汽车驾驶员从业资格考试")


def test_preview_rejects_what_opening_would_reject(client, as_role):
    response = _preview(client, as_role["clerk"], data={"height_m": "很高"})
    assert response.status_code == 422 and response.json()["field"] == "height_m"
    response = _preview(client, as_role["clerk"], materials={"outline_drawing": {"status": "defective"}})
    assert response.status_code == 422 and response.json()["field"] == "materials.outline_drawing"
    response = client.post("/api/intake/preview", json={"matter_code": "nope"}, headers=as_role["clerk"])
    assert response.status_code == 404
