"""A route's case (windows.deps.CaseDep) is loaded after who is asking has been checked.

A caller without the route's role is refused with 403 whether or not the case exists,
and whatever else is wrong with the request (an empty body): the refusal never tells a
stranger which case ids exist. A caller with the role gets 404 no-such-case for a case
that does not exist (case-not-found), an id out of the column's range included, on the API and the pages.
"""

import pytest

from tests.api_fixtures import PASSWORD, as_role, open_case, tokens  # noqa: F401
from tests.page_helpers import error_code, login
from tests.support import STAFF
from workflows.queries import MAX_ID


@pytest.mark.parametrize("body", [{"expected_version": 1, "purpose": "核验原件", "cause": "office"}, {}])
def test_an_action_by_a_caller_without_the_role_is_403_for_any_case_id(client, app, as_role, body):
    case = open_case(client, as_role["clerk"], app.state.office)
    for case_id in (case["id"], 999_999):
        response = client.post(f"/api/cases/{case_id}/actions/record_visit", json=body, headers=as_role["auditor"])
        assert response.status_code == 403 and response.json()["code"] == "role-forbidden", case_id


@pytest.mark.parametrize("case_id", [999_999, MAX_ID + 1])
def test_a_case_that_does_not_exist_is_404_on_the_api_and_the_pages(client, as_role, case_id):
    for method, path in (("GET", f"/api/cases/{case_id}"), ("POST", f"/api/cases/{case_id}/actions/record_visit")):
        response = client.request(method, path, headers=as_role["clerk"],
                                  json={"expected_version": 1, "purpose": "核验原件", "cause": "office"})
        assert response.status_code == 404 and response.json()["code"] == "case-not-found", path

    assert login(client, STAFF.clerk.username, PASSWORD).status_code == 303
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 404 and error_code(page) == "case-not-found"
