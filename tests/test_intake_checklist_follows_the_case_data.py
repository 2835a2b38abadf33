"""The intake checklist asks the engine which materials apply, as the 办件情况 changes and on first load."""

from __future__ import annotations

import pytest

from tests.page_helpers import add_staff, client_as, csrf_from, soup
from workflows import actions, errors, intake
from workflows.catalogue import load_catalogue

FREIGHT = "road-freight-licence"
OVERSIZE = "oversize-transport-permit"
JSON = {"Accept": "application/json"}
CODES = [v.code for v in load_catalogue().matters()]


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def applicable(client, code: str, token: str | None = None, **case_data) -> dict:
    data = {f"data.{k}": v for k, v in case_data.items()}
    if token is not None:
        data["csrf"] = token
    return client.post(f"/cases/new/{code}/applicable-materials", data=data, headers=JSON)


# ---- the rule, in workflows -------------------------------------------------------------------

def test_vehicles_bought_or_not_decide_between_the_vehicle_papers_and_the_commitment(office):
    not_yet = actions.preview_applicable(office=office, matter_code=FREIGHT, data={"vehicles_ready": False})
    bought = actions.preview_applicable(office=office, matter_code=FREIGHT, data={"vehicles_ready": True})
    assert "vehicle_commitment" in not_yet and "vehicle_licence_copies" not in not_yet
    assert "vehicle_commitment" not in bought
    assert {"vehicle_licence_copies", "vehicle_grade_copies"} <= set(bought)


def test_numbers_arrive_as_typed_and_are_read_as_the_verdict_reads_them(office):
    low = actions.preview_applicable(office=office, matter_code=OVERSIZE, data={"height_m": "4.2"})
    tall = actions.preview_applicable(office=office, matter_code=OVERSIZE, data={"height_m": "4.8"})
    assert "outline_drawing" not in low and {"outline_drawing", "escort_plan"} <= set(tall)
    with pytest.raises(errors.BadInput) as bad:
        actions.preview_applicable(office=office, matter_code=OVERSIZE, data={"height_m": "高"})
    assert bad.value.field == "height_m"


# ---- the endpoint the page's script calls -----------------------------------------------------------

def test_the_clerk_gets_the_applicable_materials_as_json(clerk):
    token = csrf_from(clerk, f"/cases/new/{FREIGHT}")
    response = applicable(clerk, FREIGHT, token, vehicles_ready="on", by_agent="on")
    assert response.status_code == 200
    answer = response.json()
    assert "vehicle_commitment" in answer["not_applicable"]
    assert {"agent_id_and_mandate", "vehicle_licence_copies", "vehicle_grade_copies"} <= set(answer["applicable"])
    # An unticked box is not posted: it reads as "no", as on the full form.
    answer = applicable(clerk, FREIGHT, token).json()
    assert "vehicle_commitment" in answer["applicable"] and "agent_id_and_mandate" in answer["not_applicable"]


def test_a_number_that_is_not_one_is_a_clear_error(clerk):
    token = csrf_from(clerk, f"/cases/new/{OVERSIZE}")
    response = applicable(clerk, OVERSIZE, token, height_m="高")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid-input" and "数字" in response.json()["message"]


def test_without_the_session_token_nothing_is_answered(clerk):
    for token in (None, "forged"):
        response = applicable(clerk, FREIGHT, token, vehicles_ready="on")
        assert response.status_code == 403 and response.json()["code"] == "csrf-failed"


@pytest.mark.parametrize("role", ["reviewer", "approver", "auditor", "admin"])
def test_only_clerks_may_ask(app, session, role):
    add_staff(session)
    with client_as(app, role) as other:
        token = csrf_from(other, "/matters")
        response = applicable(other, FREIGHT, token, vehicles_ready="on")
    assert response.status_code == 403 and response.json()["code"] == "role-forbidden"


def test_nobody_logged_in_is_told_to_log_in(app):
    with client_as(app, None) as anonymous:
        response = applicable(anonymous, FREIGHT, "x")
    assert response.status_code == 401 and response.json()["code"] == "login-required"


def test_an_unknown_matter_is_not_found(clerk):
    token = csrf_from(clerk, f"/cases/new/{FREIGHT}")
    assert applicable(clerk, FREIGHT, token).status_code == 200
    response = applicable(clerk, "no-such-matter", token)
    assert response.status_code == 404 and response.json()["code"] == "unknown-matter"


# ---- the first render ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", CODES)
def test_the_blank_form_shows_only_what_the_default_answers_call_for(clerk, office, code):
    definition = office.catalogue.get(code).definition
    unticked = {f.id: False for f in definition.case_fields if f.type == "bool"}
    expected = set(intake.applicable_materials(definition, unticked))
    page = soup(clerk.get(f"/cases/new/{code}"))
    for row in page.select("#intake tr[data-material]"):
        inputs = row.select("input")
        if row["data-material"] in expected:
            assert not row.has_attr("hidden") and not row.has_attr("data-applies")
            assert not any(i.has_attr("disabled") for i in inputs)
        else:
            # Hidden and disabled: nothing of it is posted or counted.
            assert row.has_attr("hidden") and row["data-applies"] == "no"
            assert "本案不适用" in row.get_text() and all(i.has_attr("disabled") for i in inputs)
    shown = {r["data-material"] for r in page.select("#intake tr[data-material]:not([hidden])")}
    assert shown == expected


def test_a_re_rendered_form_shows_what_its_own_answers_call_for(clerk):
    # The form comes back with an error before any 预审: the checklist still follows what was ticked.
    token = csrf_from(clerk, f"/cases/new/{FREIGHT}")
    response = clerk.post(f"/cases/new/{FREIGHT}", data={"csrf": token, "step": "preview", "data.vehicles_ready": "on"})
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one('tr[data-material="vehicle_commitment"]')["data-applies"] == "no"
    assert not page.select_one('tr[data-material="vehicle_licence_copies"]').has_attr("hidden")
    assert "拟投入运输车辆承诺书" in page.select_one("#not-applicable").get_text()
