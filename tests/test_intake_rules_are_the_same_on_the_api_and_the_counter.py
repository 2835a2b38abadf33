"""A bad intake is refused with the same code and field whether it comes through the API or the counter's form.

The rules (who applies, who comes for them, how the result goes back) live in workflows.submission;
neither way in has its own copy, so neither can skip one.
"""

from __future__ import annotations

import pytest

from tests.api_fixtures import case_body
from tests.page_helpers import NOW, add_staff, client_as, soup
from tests.support import STAFF
from workflows import accounts
from tests.test_pages_intake_preview_and_confirm import case_count, form_for, submit

FREIGHT = "road-freight-licence"
FILING = "vehicle-repair-filing"  # offers 当场领取 and online application

# name -> (matter, changes to the API body, changes to the form, the field at fault, the code)
BAD_INTAKES = {
    "agent ID with a wrong check digit": (FREIGHT,
                                          {"applicant": {"agent_name": "张经办", "agent_id_no": "330402199001010010"}},
                                          {"agent_name": "张经办", "agent_id_no": "330402199001010010"},
                                          "agent_id_no", "agent-id-invalid"),
    "agent ID without the agent's name": (FREIGHT, {"applicant": {"agent_id_no": "11010519491231002X"}},
                                          {"agent_id_no": "11010519491231002X"}, "agent_name", "agent-name-missing"),
    "on-the-spot pickup for an online application": (FILING, {"channel": "online", "delivery_method": "on_the_spot"},
                                                     {"channel": "online", "delivery_method": "on_the_spot"},
                                                     "delivery_method", "pickup-needs-window"),
    "phone that is no phone number": (FREIGHT, {"applicant": {"phone": "12345"}}, {"applicant_phone": "12345"},
                                      "applicant_phone", "applicant-phone-invalid"),
    "mail without an address": (FREIGHT, {"delivery_address": None}, {"delivery_address": ""},
                                "delivery_address", "delivery-address-missing"),
}


@pytest.fixture
def clerk_page(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


@pytest.fixture
def clerk_token(clerk_page, session) -> dict[str, str]:
    token = accounts.issue_token(session=session, username=STAFF.clerk.username, label="tests", admin=STAFF.admin,
                                 now=NOW)
    return {"Authorization": f"Bearer {token}"}


def _api_body(office, code, changes):
    body = case_body(office, code, delivery="on_the_spot" if code == FILING else "mail")
    applicant = {**body["applicant"], **changes.get("applicant", {})}
    return {**body, **{k: v for k, v in changes.items() if k != "applicant"}, "applicant": applicant}


@pytest.mark.parametrize("name", BAD_INTAKES)
def test_the_same_bad_intake_gets_the_same_code_through_the_api_and_the_form(client, clerk_token, clerk_page,
                                                                             office, session, name):
    code, api_changes, form_changes, field, error_code = BAD_INTAKES[name]
    before = case_count(session)

    response = client.post("/api/cases", json=_api_body(office, code, api_changes),
                           headers=clerk_token)
    assert response.status_code == 422, response.text
    assert (response.json()["code"], response.json()["field"]) == (error_code, field)

    form = form_for(office, code, **form_changes)
    if code == FILING and "delivery_method" not in form_changes:
        form["delivery_method"] = "on_the_spot"
    page = submit(clerk_page, code, form)
    assert page.status_code == 422
    shown = soup(page).select_one(f'[data-error-for="{field}"]')
    assert shown is not None and shown["data-code"] == error_code

    assert case_count(session) == before  # neither way opened a case
