"""An applicant seen before: a complete ID number or credit code finds their latest case, exactly,
for the clerk to fill the form from."""

from __future__ import annotations

import pytest

from tests.page_helpers import add_staff, client_as, csrf_from
from tests.support import CREDIT_CODE, PERSON_ID, STAFF, company, open_complete, person
from workflows import errors, queries
from workflows.submission import Applicant

FREIGHT = "road-freight-licence"
JSON = {"Accept": "application/json"}
WRONG_CHECK = CREDIT_CODE[:-1] + next(c for c in "0123456789" if c != CREDIT_CODE[-1])  # one character off


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def look_up(client, id_no: str, token: str | None):
    data = {"id_no": id_no} | ({"csrf": token} if token is not None else {})
    return client.post(f"/cases/new/{FREIGHT}/known-applicant", data=data, headers=JSON)


def test_the_latest_case_under_the_number_answers(session, office, clock):
    open_complete(session, office, FREIGHT, applicant=company(phone="13900005678"))
    clock.advance(days=2)
    newer = Applicant("company", "嘉兴市顺达物流有限公司", CREDIT_CODE, "057382345678", "张经办", PERSON_ID)
    latest = open_complete(session, office, "road-works-permit", applicant=newer)
    found = queries.applicant_on_file(session=session, id_no=CREDIT_CODE.lower(), time=office.time)
    assert (found.kind, found.name, found.phone, found.agent_name, found.agent_id_no) == (
        "company", "嘉兴市顺达物流有限公司", "057382345678", "张经办", PERSON_ID)
    assert (found.receipt_no, found.matter_code) == (latest.receipt_no, "road-works-permit")


def test_a_number_never_seen_answers_nothing(session, office):
    open_complete(session, office, FREIGHT, applicant=company())
    assert queries.applicant_on_file(session=session, id_no=PERSON_ID, time=office.time) is None


@pytest.mark.parametrize("typed", ["", "9133040", CREDIT_CODE[:-1], WRONG_CHECK, "%", CREDIT_CODE + "0"])
def test_only_a_complete_valid_number_is_looked_up(session, office, typed):
    # No partial search: a prefix would list other people's numbers.
    open_complete(session, office, FREIGHT, applicant=company())
    with pytest.raises(errors.BadInput):
        queries.applicant_on_file(session=session, id_no=typed, time=office.time)


def test_the_clerk_gets_what_fills_the_form_and_a_masked_offer(clerk, session, office):
    case = open_complete(session, office, FREIGHT, applicant=person(name="李四", phone="13800001234"))
    response = look_up(clerk, PERSON_ID, csrf_from(clerk, f"/cases/new/{FREIGHT}"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["found"] is True
    assert answer["fill"] == {"applicant_kind": "person", "applicant_name": "李四", "applicant_phone": "13800001234"}
    shown = answer["shown"]
    assert shown["phone"] == "138****1234" and shown["kind"] == "个人" and shown["name"] == "李四"
    assert case.receipt_no in shown["source"] and "道路货物运输经营许可" in shown["source"]
    assert "2026年11月25日" in shown["source"]


def test_an_unknown_number_offers_nothing_and_a_partial_one_is_refused(clerk, session, office):
    token = csrf_from(clerk, f"/cases/new/{FREIGHT}")
    assert look_up(clerk, CREDIT_CODE, token).json() == {"found": False}
    response = look_up(clerk, CREDIT_CODE[:10], token)
    assert response.status_code == 422 and response.json()["code"] == "invalid-input"


def test_the_agent_comes_masked_in_the_offer(clerk, session, office):
    with_agent = Applicant("company", "嘉兴市顺达物流有限公司", CREDIT_CODE, "13900005678", "张经办", PERSON_ID)
    open_complete(session, office, FREIGHT, applicant=with_agent, clerk=STAFF.clerk)
    answer = look_up(clerk, CREDIT_CODE, csrf_from(clerk, f"/cases/new/{FREIGHT}")).json()
    assert answer["fill"]["agent_id_no"] == PERSON_ID
    assert answer["shown"]["agent"] == "张经办 " + PERSON_ID[:6] + "********" + PERSON_ID[-4:]


def test_without_the_session_token_nothing_is_answered(clerk, session, office):
    open_complete(session, office, FREIGHT, applicant=company())
    for token in (None, "forged"):
        response = look_up(clerk, CREDIT_CODE, token)
        assert response.status_code == 403 and response.json()["code"] == "csrf-failed"


@pytest.mark.parametrize("role", ["reviewer", "approver", "auditor", "admin"])
def test_only_clerks_may_look_up(app, session, office, role):
    open_complete(session, office, FREIGHT, applicant=company())
    add_staff(session)
    with client_as(app, role) as other:
        response = look_up(other, CREDIT_CODE, csrf_from(other, "/matters"))
    assert response.status_code == 403 and response.json()["code"] == "role-forbidden"


def test_nobody_logged_in_is_told_to_log_in(app):
    with client_as(app, None) as anonymous:
        response = look_up(anonymous, CREDIT_CODE, "x")
    assert response.status_code == 401
