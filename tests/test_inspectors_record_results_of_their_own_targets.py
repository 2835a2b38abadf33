"""An inspector logs in and sees the targets they were drawn for, with the licence linked, and records a
result on a form with its CSRF token; one not in the team is refused and nothing is written. An
administrator announces and runs a draw from the staff page; the licence page lists its inspections, and
GET /api/licences/{id} gives the same."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fastapi.testclient import TestClient

from inspections import draws, results
from inspections.draw_tables import FOLLOW_UPS, RESULTS
from tests.inspection_support import add_inspectors, add_licences, announce_and_run, items
from tests.page_helpers import add_staff, attr, client_as, csrf_from, error_code, login, one, soup
from tests.support import STAFF
from workflows import accounts
from workflows.office import Actor


def _drawn(session, office, clock):
    add_staff(session)
    add_licences(session, 41)
    add_inspectors(session, 4)
    draw_id = announce_and_run(session, office, clock)
    row = draws.record(session=session, draw_id=draw_id)
    user_of = dict(zip((i[0] for i in row["inspectors"]), row["usernames"], strict=True))
    return draw_id, row, user_of


def _browser_of(app, username):
    client = client_as(app, None)
    assert login(client, username).status_code == 303
    return client


def _count(session, table) -> int:
    return session.connection().execute(select(func.count()).select_from(table)).scalar_one()


def test_an_inspector_sees_their_targets_and_records_a_result_that_asks_for_a_follow_up(app, session, office,
                                                                                         clock):
    draw_id, row, user_of = _drawn(session, office, clock)
    number, team = row["assignments"][0]
    me = user_of[team[0]]
    mine = {n for n, t in row["assignments"] if team[0] in t}
    with _browser_of(app, me) as browser:
        page = soup(browser.get("/inspections/tasks"))
        assert {attr(s, "data-licence") for s in page.select("section.task")} == mine
        section = one(page, f'section.task[data-licence="{number}"]')
        assert attr(one(section, "a[href^='/licences/']"), "href").startswith("/licences/")
        token = attr(one(section, "form.result input[name=csrf]"), "value")

        refused = browser.post(f"/inspections/tasks/{draw_id}/result", data={
            "licence_number": number, "outcome": "rectify", "inspected_on": office.today().isoformat(),
            "note": "两辆车未按期审验"}, follow_redirects=False)
        assert refused.status_code == 403 and _count(session, RESULTS) == 0

        done = browser.post(f"/inspections/tasks/{draw_id}/result", data={
            "csrf": token, "licence_number": number, "outcome": "rectify",
            "inspected_on": office.today().isoformat(), "note": "两辆车未按期审验"}, follow_redirects=False)
        assert done.status_code == 303
        stored = session.connection().execute(select(RESULTS)).one()
        assert stored.outcome == "rectify" and stored.rectify_by == office.today() + dt.timedelta(days=30)
        assert stored.inspectors == [user_of[c] for c in team]

        after = soup(browser.get("/inspections/tasks"))
        section = one(after, f'section.task[data-licence="{number}"]')
        assert "发现问题已责令整改" in one(section, "dd.outcome").get_text()
        follow = one(section, "form.follow-up")
        answered = browser.post(attr(follow, "action"), data={
            "csrf": token, "follow_up": "rectified", "checked_on": office.today().isoformat(), "note": "已审验"},
            follow_redirects=False)
        assert answered.status_code == 303 and _count(session, FOLLOW_UPS) == 1


def test_an_inspector_outside_the_team_is_refused_and_nothing_is_written(app, session, office, clock):
    draw_id, row, user_of = _drawn(session, office, clock)
    number, team = row["assignments"][0]
    outsider = next(u for c, u in user_of.items() if c not in team)
    with _browser_of(app, outsider) as browser:
        response = browser.post(f"/inspections/tasks/{draw_id}/result", data={
            "csrf": csrf_from(browser, "/inspections/tasks"), "licence_number": number, "outcome": "clear",
            "inspected_on": office.today().isoformat(), "note": ""})
    assert response.status_code == 403
    assert error_code(response) == "inspection-not-assigned"
    assert _count(session, RESULTS) == 0


def test_a_result_dated_in_the_future_is_refused_with_its_code(app, session, office, clock):
    draw_id, row, user_of = _drawn(session, office, clock)
    number, team = row["assignments"][0]
    with _browser_of(app, user_of[team[0]]) as browser:
        response = browser.post(f"/inspections/tasks/{draw_id}/result", data={
            "csrf": csrf_from(browser, "/inspections/tasks"), "licence_number": number, "outcome": "clear",
            "inspected_on": (office.today() + dt.timedelta(days=1)).isoformat(), "note": ""})
    assert response.status_code == 422 and error_code(response) == "inspection-result-invalid"
    assert _count(session, RESULTS) == 0


def test_an_administrator_announces_then_runs_a_draw_from_the_staff_page(app, session, office, clock):
    add_staff(session)
    add_licences(session, 41)
    add_inspectors(session, 4)
    tomorrow = (office.today() + dt.timedelta(days=1)).isoformat()
    with client_as(app, "admin") as admin:
        form = {"csrf": csrf_from(admin, "/inspections"), "item": "road-freight-operation", "period": "2026",
                "beacon_source": "上证综合指数收盘点位", "beacon_date": tomorrow, "reason": ""}
        announced = admin.post("/inspections/draws", data=form, follow_redirects=False)
        assert announced.status_code == 303
        url = announced.headers["location"]
        page = soup(admin.get(url))
        assert attr(one(page, "#status"), "data-status") == "announced"
        assert page.select_one("#run form") is None  # the public value is not out yet

        again = admin.post("/inspections/draws", data=form)
        assert again.status_code == 422 and error_code(again) == "draw-reason-required"

        clock.advance(days=1)
        run = admin.post(f"{url}/run", data={"csrf": form["csrf"], "beacon_value": "3398.17"},
                         follow_redirects=False)
        assert run.status_code == 303
        page = soup(admin.get(url))
        assert attr(one(page, "#status"), "data-status") == "drawn"
        assert len(page.select("#targets tbody tr")) == 3


def test_the_licence_page_lists_the_draws_that_picked_it(app, session, office, clock):
    draw_id, row, _ = _drawn(session, office, clock)
    number = row["assignments"][0][0]
    licence_id = row["licence_ids"][[t[0] for t in row["targets"]].index(number)]
    with client_as(app, "auditor") as auditor:
        page = soup(auditor.get(f"/licences/{licence_id}"))
    rows = page.select("#inspections tbody tr")
    assert [attr(r, "data-draw-id") for r in rows] == [str(draw_id)]
    assert "检查中" in rows[0].get_text()


def test_the_api_gives_a_licence_with_the_draws_that_picked_it_and_their_results(app, session, office, clock):
    draw_id, row, user_of = _drawn(session, office, clock)
    (checked, checked_team), (waiting, _), _ = row["assignments"]
    id_of = dict(zip((t[0] for t in row["targets"]), row["licence_ids"], strict=True))
    never = next(number for number, _ in row["targets"] if number not in {a[0] for a in row["assignments"]})
    member = Actor(user_of[checked_team[0]], frozenset({"inspector"}))
    result_id = results.record_result(session=session, office=office, items=items(), actor=member, draw_id=draw_id,
                                      licence_number=checked, outcome="rectify", inspected_on=office.today(),
                                      note="两辆车未按期审验")
    results.record_follow_up(session=session, office=office, actor=member, result_id=result_id,
                             outcome="rectified", checked_on=office.today(), note="已审验")
    admin = accounts.actor_of(session.get_one(accounts.StaffUser, STAFF.admin.username))
    token = accounts.issue_token(session=session, username=STAFF.auditor.username, label="tests", admin=admin,
                                 now=office.now())

    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as api:
        found = {number: api.get(f"/api/licences/{id_of[number]}").json()
                 for number in (checked, waiting, never)}

    assert found[checked]["inspections"] == [{
        "draw_id": draw_id, "item_code": "road-freight-operation", "item_name": row["item_name"], "period": "2026",
        "outcome": "rectify", "outcome_label": "发现问题已责令整改",
        "rectify_by": (office.today() + dt.timedelta(days=30)).isoformat(), "followed_up": True}]
    [pending] = found[waiting]["inspections"]
    assert (pending["draw_id"], pending["outcome"], pending["outcome_label"]) == (draw_id, None, "检查中")
    assert (pending["rectify_by"], pending["followed_up"]) == (None, False)
    assert found[never]["inspections"] == []
