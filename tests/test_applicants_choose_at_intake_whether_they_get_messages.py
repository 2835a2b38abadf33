"""At the counter (a tick box) and on the API (`applicant.sms_opt_out`) the applicant may ask for no text
messages; the choice is kept on the case, no message is written for it, and the case page says why.
Left alone, the applicant gets messages."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.api_fixtures import as_role, case_body, tokens  # noqa: F401
from tests.page_helpers import add_staff, client_as, csrf_from, soup
from tests.test_pages_intake_preview_and_confirm import form_for
from workflows.models import Case
from workflows.outbox import OutboxMessage

FREIGHT = "road-freight-licence"


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def confirm(client, form):
    token = csrf_from(client, f"/cases/new/{FREIGHT}")
    return client.post(f"/cases/new/{FREIGHT}", data={"csrf": token, "step": "confirm:accept", **form},
                       follow_redirects=False)


def stored(session):
    session.expire_all()
    def notices(case):
        return [m.notice for m in session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id))]

    return [(c.sms_opt_out, notices(c)) for c in session.exec(select(Case).order_by(Case.id))]


def test_the_counter_form_offers_the_choice_unticked(clerk):
    box = soup(clerk.get(f"/cases/new/{FREIGHT}")).select_one("input[type=checkbox][name=sms_opt_out]")
    assert box is not None and not box.has_attr("checked")
    assert "不接收短信" in box.parent.get_text()


def test_a_ticked_box_keeps_the_applicant_out_of_the_outbox(clerk, office, session):
    assert confirm(clerk, form_for(office, FREIGHT, previewed="accept", sms_opt_out="on")).status_code == 303
    assert confirm(clerk, form_for(office, FREIGHT, previewed="accept")).status_code == 303
    assert stored(session) == [(True, []), (False, ["received"])]

    quiet = session.exec(select(Case).order_by(Case.id)).first()
    page = soup(clerk.get(f"/cases/{quiet.id}"))
    assert "不接收短信" in page.select_one("#no-messages").get_text() and page.select("#messages tbody tr") == []


def test_the_api_takes_the_choice_in_the_applicant(client, app, as_role, session):
    office = app.state.office
    body = case_body(office)
    body["applicant"]["sms_opt_out"] = True
    assert client.post("/api/cases", json=body, headers=as_role["clerk"]).status_code == 201
    assert client.post("/api/cases", json=case_body(office), headers=as_role["clerk"]).status_code == 201
    assert stored(session) == [(True, []), (False, ["received"])]


def test_the_api_case_lists_its_messages_and_says_why_there_are_none(client, app, as_role):
    office = app.state.office
    told = client.post("/api/cases", json=case_body(office), headers=as_role["clerk"]).json()
    quiet_body = case_body(office)
    quiet_body["applicant"]["sms_opt_out"] = True
    quiet = client.post("/api/cases", json=quiet_body, headers=as_role["clerk"]).json()

    [message] = told["messages"]
    assert (message["notice"], message["status"], told["no_messages"]) == ("收件", "pending", None)
    assert told["receipt_no"] in message["text"] and told["applicant"]["name"] not in message["text"]
    again = client.get(f"/api/cases/{quiet['id']}", headers=as_role["clerk"]).json()
    assert again["messages"] == [] and "不接收短信" in again["no_messages"]
