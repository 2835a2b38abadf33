"""A case belongs to the window that took it in; a clerk of another window acts on it only
from a 综合窗口 or after a recorded 转办 moves it to their window. Reviewers and approvers act by role.

Windows as in the demo office profile: W01 综合窗口 (comprehensive, clerk1), W02 交通运输专窗
(clerk2), which takes road freight but not, for example, the transport of dangerous goods.
"""

from __future__ import annotations

import pytest

from tests.page_helpers import action_buttons, add_staff, client_as, error_code, post_action, soup
from tests.support import STAFF, open_complete, run_to_close, stored
from workflows import cases, errors, queries
from workflows.db import session as new_session
from workflows.queries import events_of, get_case
from workflows.replay import replay

FREIGHT = "road-freight-licence"  # W02 takes it


def not_taken_by_w02(office) -> str:
    w02 = next(w for w in office.profile.windows if w.code == "W02")
    return next(v.code for v in office.catalogue.matters() if v.code not in w02.matters)


def transfer(session, office, case, *, clerk=STAFF.clerk, window="W02", reason="属交通运输专窗办理的事项"):
    return cases.transfer_case(session=session, office=office, case=case, clerk=clerk, window=window, reason=reason)


# ---- the engine's rule -------------------------------------------------------------

def test_a_clerk_of_another_window_is_refused_and_the_case_is_unchanged(session, office, engine):
    case = open_complete(session, office, FREIGHT)  # taken in at W01
    before = stored(engine, case.id)

    with pytest.raises(errors.OtherWindow) as refused:
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk2)

    assert refused.value.code == "other-window"
    assert "综合窗口（W01）" in refused.value.message
    assert stored(engine, case.id) == before
    assert (case.state, case.version, case.window) == ("received", before.version, "W01")


def test_a_clerk_at_the_comprehensive_window_may_act_on_another_windows_case(session, office):
    case = open_complete(session, office, FREIGHT, clerk=STAFF.clerk2)
    assert case.window == "W02"

    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert case.state != "received" and case.window == "W02"


def test_reviewers_and_approvers_act_by_role_on_a_case_of_any_window(session, office):
    case = open_complete(session, office, FREIGHT, clerk=STAFF.clerk2)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk2)

    run_to_close(session, office, case)  # reviewer, approver, then the 综合窗口's clerk issue and deliver

    assert case.state == "closed"


def test_the_case_page_offers_no_action_to_a_clerk_of_another_window(session, office):
    case = open_complete(session, office, FREIGHT)
    offered = {c.trigger for c in queries.available_actions(office=office, case=case, actor=STAFF.clerk2)}
    assert offered == set()
    assert "transfer" in {c.trigger for c in queries.available_actions(office=office, case=case, actor=STAFF.clerk)}


# ---- 转办 ---------------------------------------------------------------------------

def test_transfer_moves_the_case_to_the_new_window_without_a_visit(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    state, visits = case.state, case.visits

    transfer(session, office, case)

    assert (case.window, case.state, case.visits) == ("W02", state, visits)
    last = events_of(session, case.id)[-1]
    assert (last.action, last.from_state, last.to_state, last.visit) == ("transfer", state, state, False)
    assert last.actor == STAFF.clerk.username
    assert last.payload == {"from_window": "W01", "window": "W02", "window_name": "交通运输专窗",
                            "reason": "属交通运输专窗办理的事项"}
    with new_session(engine) as fresh:
        assert get_case(fresh, case.id).window == "W02"


def test_after_a_transfer_the_new_windows_clerk_may_act(session, office):
    case = open_complete(session, office, FREIGHT)
    transfer(session, office, case)

    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk2)

    assert case.state != "received"


def test_replay_derives_the_window_from_the_log(session, office):
    case = open_complete(session, office, FREIGHT)
    matter = office.matter_of(case).compiled
    assert replay(matter, events_of(session, case.id)).window == "W01"

    transfer(session, office, case)

    assert replay(matter, events_of(session, case.id)).window == "W02" == case.window


def test_a_clerk_of_another_window_cannot_transfer_the_case_to_themselves(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    before = stored(engine, case.id)
    with pytest.raises(errors.OtherWindow):
        transfer(session, office, case, clerk=STAFF.clerk2)
    assert stored(engine, case.id) == before and case.window == "W01"


@pytest.mark.parametrize("window, reason, code", [
    ("W02", "", "reason-required"),
    ("", "申请人要求", "transfer-target"),
    ("W01", "申请人要求", "transfer-target"),  # where it already is
    ("W99", "申请人要求", "transfer-target"),  # no such window
])
def test_transfer_needs_a_reason_and_another_window(session, office, engine, window, reason, code):
    case = open_complete(session, office, FREIGHT)
    before = stored(engine, case.id)
    with pytest.raises(errors.DomainError) as refused:
        transfer(session, office, case, window=window, reason=reason)
    assert refused.value.code == code
    assert stored(engine, case.id) == before


def test_transfer_goes_only_to_a_window_that_takes_the_matter(session, office, engine):
    case = open_complete(session, office, not_taken_by_w02(office))
    before = stored(engine, case.id)
    with pytest.raises(errors.TransferTarget):
        transfer(session, office, case)
    assert stored(engine, case.id) == before


def test_a_finished_case_cannot_be_transferred(session, office):
    case = run_to_close(session, office, open_complete(session, office, FREIGHT))
    with pytest.raises(errors.ActionNotAllowed):
        transfer(session, office, case)


def test_the_w02_queue_shows_a_case_once_it_is_transferred_there(session, office):
    case = open_complete(session, office, FREIGHT)
    assert case.id not in {c.id for c in queries.queue_for(session, STAFF.clerk2)}

    transfer(session, office, case)

    assert case.id in {c.id for c in queries.queue_for(session, STAFF.clerk2)}


# ---- over the REST API ----------------------------------------------------------------

def test_api_refuses_a_clerk_of_another_window_until_the_case_is_transferred(client, app):
    from tests.api_fixtures import act, act_ok, create_staff, open_case

    tokens = create_staff(app.state.engine, app.state.office.now())
    heads = {k: {"Authorization": f"Bearer {t}"} for k, t in tokens.items()}
    case = open_case(client, heads["clerk"], app.state.office)

    refused = act(client, heads["clerk2"], case, "accept")
    assert refused.status_code == 403 and refused.json()["code"] == "other-window"
    seen = client.get(f"/api/cases/{case['id']}", headers=heads["clerk2"]).json()
    assert (seen["state"], seen["version"]) == (case["state"], case["version"])
    assert seen["actions"] == []

    moved = act_ok(client, heads["clerk"], case, "transfer", window="W02", reason="交通运输专窗办理")
    assert moved["window"] == "W02"
    queue = client.get("/api/queue", headers=heads["clerk2"]).json()
    assert case["id"] in {c["id"] for c in queue}
    assert act_ok(client, heads["clerk2"], moved, "accept")["state"] != "received"


# ---- on the case page -------------------------------------------------------------------

@pytest.fixture
def staffed(session):
    add_staff(session)


def test_case_page_shows_a_clerk_of_another_window_why_no_action_is_offered(app, session, office, staffed, engine):
    case = open_complete(session, office, FREIGHT)
    before = stored(engine, case.id)
    with client_as(app, "clerk2") as clerk2:  # page_helpers' clerk2 is the W02 clerk
        page = soup(clerk2.get(f"/cases/{case.id}"))
        assert page.select("form.action") == []
        assert "转办" in page.select_one("#other-window").get_text()
        assert page.select_one("#window")["data-window"] == "W01"

        response = post_action(clerk2, case, "accept")
    assert response.status_code == 403 and error_code(response) == "other-window"
    assert stored(engine, case.id) == before


def test_clerk_transfers_from_the_case_page_and_the_new_window_then_acts(app, session, office, staffed, engine):
    case = open_complete(session, office, FREIGHT)
    with client_as(app, "clerk") as clerk:
        form = soup(clerk.get(f"/cases/{case.id}")).select_one('form[data-trigger="transfer"]')
        assert form.find("h3").get_text() == "转办"
        options = [o["value"] for o in form.find("select", attrs={"name": "window"}).find_all("option") if o["value"]]
        assert options == ["W02"]
        assert form.find("textarea", attrs={"name": "reason"}) is not None

        response = post_action(clerk, case, "transfer", window="W02", reason="交通运输专窗办理")
    assert response.status_code == 303
    assert stored(engine, case.id).events[-1][1] == "transfer"

    with client_as(app, "clerk2") as clerk2:
        page = soup(clerk2.get(f"/cases/{case.id}"))
        assert action_buttons(page)["accept"] is True
        assert page.select_one("#other-window") is None
        assert "转至：交通运输专窗（W02）" in page.select_one("#timeline").get_text()
        queue = soup(clerk2.get("/queue"))
    assert case.receipt_no in queue.select_one("main").get_text()
