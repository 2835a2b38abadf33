"""Every route of the app × every staff role and the anonymous visitor.

The table below is the access policy. A route added without a line here fails
`test_every_route_has_a_rule`; a route that lets the wrong people in, or keeps
the right ones out, fails `test_every_route_answers_each_role_as_the_table_says`.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.page_helpers import ROLES, add_staff, login_as, soup
from tests.support import open_complete
from windows.auth import ROLE_DENIED
from windows.routes import flat_routes
from workflows import action_kinds as kinds

PUBLIC = "public"
STAFF = frozenset(ROLES)
READERS = frozenset({"clerk", "reviewer", "approver", "auditor"})
WORKERS = frozenset({"clerk", "reviewer", "approver"})
CLERK = frozenset({"clerk"})
AUDIT = frozenset({"auditor", "admin"})
ADMIN = frozenset({"admin"})
PAPERS = frozenset({"clerk", "reviewer", "approver", "admin"})
INSPECTOR = frozenset({"inspector"})
LICENCE_READERS = READERS | ADMIN | INSPECTOR  # inspectors read the licences of the targets they are drawn for
LICENCE_ACTORS = frozenset({"approver", "admin"})

RULES: dict[tuple[str, str], frozenset[str] | str] = {
    # FastAPI's own: the API description is public, as the issue asks for /docs.
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/docs/assets/{path:path}"): PUBLIC,  # Swagger UI's own files, served locally
    # guides (public) and counter papers (staff who hand them out)
    ("GET", "/guides/booklet.pdf"): PUBLIC,
    ("GET", "/guides/{code}.pdf"): PUBLIC,
    ("GET", "/guides/{code}/checklist.pdf"): PUBLIC,
    ("GET", "/guides/{code}/flow.svg"): PUBLIC,
    ("GET", "/guides/{code}/checklist"): PUBLIC,
    ("GET", "/guides/{code}"): PUBLIC,
    ("GET", "/papers/{case_id}/{kind}.pdf"): PAPERS,
    # public pages
    ("GET", "/public"): PUBLIC,
    ("GET", "/public/status"): PUBLIC,
    ("POST", "/public/status"): PUBLIC,
    ("POST", "/public/evaluate"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    # counter pages
    ("GET", "/queue"): WORKERS,
    ("GET", "/queue/waiting"): WORKERS,
    ("GET", "/search"): READERS,
    ("GET", "/cases/{case_id:int}"): READERS,
    ("POST", "/cases/{case_id:int}/act"): WORKERS,
    ("GET", "/cases/new"): CLERK,
    ("GET", "/cases/new/{code}"): CLERK,
    ("POST", "/cases/new/{code}"): CLERK,
    ("POST", "/cases/new/{code}/applicable-materials"): CLERK,
    ("POST", "/cases/new/{code}/known-applicant"): CLERK,
    ("GET", "/matters"): STAFF,
    ("GET", "/matters/{code}"): STAFF,
    # 效能监察
    ("GET", "/audit"): AUDIT,
    ("GET", "/audit/cases"): AUDIT,
    ("GET", "/audit/cases/{case_id:int}"): AUDIT,
    ("GET", "/audit/export/{name}.{fmt}"): AUDIT,
    ("GET", "/audit/eventlog.{fmt}"): AUDIT,
    ("GET", "/audit/report.pdf"): AUDIT,
    ("GET", "/audit/overdue"): AUDIT,
    ("GET", "/audit/remedies"): AUDIT,
    ("POST", "/audit/remedies"): frozenset({"auditor"}),  # the office's 整改措施 are the auditor's to write
    # 证照库: read by the case readers and the administrator; 注销 and 吊销 by approvers and administrators
    ("GET", "/licences"): LICENCE_READERS,
    ("GET", "/licences/{licence_id:int}"): LICENCE_READERS,
    ("POST", "/licences/{licence_id:int}/status"): LICENCE_ACTORS,
    ("GET", "/api/licences"): LICENCE_READERS,
    ("GET", "/api/licences/{licence_id}"): LICENCE_READERS,
    # 双随机: the draws read by administrators and auditors, announced, run and published by administrators;
    # an inspector's 抽查任务 and results are theirs; 一公开 is public
    ("GET", "/inspections"): AUDIT,
    ("POST", "/inspections/draws"): ADMIN,
    ("GET", "/inspections/draws/{draw_id:int}"): AUDIT,
    ("POST", "/inspections/draws/{draw_id:int}/run"): ADMIN,
    ("POST", "/inspections/draws/{draw_id:int}/publish"): ADMIN,
    ("GET", "/inspections/tasks"): INSPECTOR,
    ("POST", "/inspections/tasks/{draw_id:int}/result"): INSPECTOR,
    ("POST", "/inspections/results/{result_id:int}/follow-up"): INSPECTOR,
    ("GET", "/public/inspections"): PUBLIC,
    ("GET", "/public/inspections/{draw_id:int}"): PUBLIC,
    ("GET", "/public/inspections/{draw_id:int}.{fmt}"): PUBLIC,
    # 好差评: tasks for their owners (the rules refuse others on each task), appeals decided by auditors
    ("GET", "/ratings/tasks"): STAFF,
    ("GET", "/ratings/tasks/{task_id:int}"): STAFF,
    ("POST", "/ratings/tasks/{task_id:int}/step"): STAFF,
    ("POST", "/ratings/{rating_id:int}/appeal"): STAFF,
    ("GET", "/ratings/appeals"): AUDIT,
    ("GET", "/ratings"): AUDIT,
    ("POST", "/cases/{case_id:int}/kiosk"): CLERK,
    ("GET", "/kiosk"): PUBLIC,
    ("GET", "/kiosk/{token}"): PUBLIC,
    ("POST", "/kiosk/{token}"): PUBLIC,
    ("POST", "/ratings/appeals/{appeal_id:int}/decision"): frozenset({"auditor"}),
    # REST API
    ("GET", "/api/matters"): STAFF,
    ("GET", "/api/matters/{code}"): STAFF,
    ("POST", "/api/intake/preview"): CLERK,
    ("POST", "/api/cases"): CLERK,
    ("GET", "/api/cases"): READERS,
    ("GET", "/api/cases/by-receipt/{receipt_no}"): READERS,
    ("GET", "/api/cases/{case_id}"): READERS,
    # one operation per declared action (workflows.action_kinds): /actions/accept, /actions/deliver_{method} …
    **{("POST", "/api/cases/{case_id}/actions/" + kind.prefix + (f"{{{kind.parameter.argument}}}" if kind.parameter
                                                                 else "")): WORKERS
       for kind in kinds.KINDS if kind.on_case},
    ("GET", "/api/queue"): WORKERS,
    ("GET", "/api/queue/waiting"): WORKERS,
    ("GET", "/api/search"): READERS,
    ("GET", "/api/public/status"): PUBLIC,
    ("POST", "/api/public/evaluations"): PUBLIC,
    ("POST", "/api/admin/tokens"): ADMIN,
    ("GET", "/api/admin/tokens"): ADMIN,
    ("DELETE", "/api/admin/tokens/{token_id}"): ADMIN,
    ("GET", "/api/admin/users"): ADMIN,
}


def app_routes(app) -> set[tuple[str, str]]:
    return {(method, r.path) for r in flat_routes(app.routes) for method in r.methods}


def test_every_route_has_a_rule(app):
    routes = app_routes(app)
    assert sorted(routes - set(RULES)) == [], "routes without an access rule in this test"
    assert sorted(set(RULES) - routes) == [], "rules for routes that no longer exist"


def concrete(path: str, case) -> str:
    values = {"{case_id}": str(case.id), "{case_id:int}": str(case.id), "{code}": "road-freight-licence",
              "{kind}": "receipt", "{receipt_no}": case.receipt_no, "{channel}": "window", "{method}": "mail",
              "{procedure_id}": "expert_review", "{licence_id}": "1", "{licence_id:int}": "1",
              "{token_id}": "999999", "{name}": "matters", "{fmt}": "csv",
              "{path:path}": "swagger-ui.css", "{draw_id:int}": "1", "{result_id:int}": "1",
              "{task_id:int}": "1", "{rating_id:int}": "1", "{appeal_id:int}": "1",
              "{token}": "not-a-kiosk-token"}
    for key, value in values.items():
        path = path.replace(key, value)
    assert "{" not in path, f"no sample value for a parameter of {path}"
    return path


def request(client: TestClient, method: str, path: str):
    if method == "GET":
        return client.get(path, follow_redirects=False)
    if path.startswith("/api/"):
        return client.request(method, path, json={}, follow_redirects=False)
    return client.request(method, path, data={}, follow_redirects=False)  # no CSRF token: nothing is changed


def outcome(response) -> str:
    """login | denied | served, as the visitor experiences it."""
    status = response.status_code
    if status == 401 or (status == 303 and response.headers["location"].startswith("/login")):
        return "login"
    if status == 403:
        if response.headers.get("content-type", "").startswith("application/json"):
            message = response.json().get("message")
        else:
            found = soup(response).select_one("p.msg.error")
            message = found.get_text() if found else ""
        if message == ROLE_DENIED:
            return "denied"
    return "served" if status < 500 else f"error {status}"


def expected(rule, who: str | None) -> str:
    if rule == PUBLIC:
        return "served"
    if who is None:
        return "login"
    return "served" if who in rule else "denied"


@pytest.fixture
def browsers(app, session):
    add_staff(session)
    clients = {None: TestClient(app)}
    for role in ROLES:
        clients[role] = TestClient(app)
        login_as(clients[role], role)
    yield clients
    for client in clients.values():
        client.close()


def test_every_route_answers_each_role_as_the_table_says(app, session, office, browsers):
    case = open_complete(session, office, "road-freight-licence")
    wrong = []
    for method, template in sorted(app_routes(app) & set(RULES)):
        path = concrete(template, case)
        for who, client in browsers.items():
            got = outcome(request(client, method, path))
            want = expected(RULES[(method, template)], who)
            if got != want:
                wrong.append(f"{method} {template} as {who or 'anonymous'}: {got}, expected {want}")
    assert wrong == []


# ---- the window a case belongs to -------------------------------------------------------
# Who may take an action on a case of each window, over the case page's form and over the API:
# the clerk of the case's window, a clerk at the 综合窗口 (W01, comprehensive in the office profile),
# and reviewers and approvers by their role whatever the window. A clerk of another window is
# refused with `other-window` and the case is left as it was.

WINDOW_RULES = [
    # (case taken in by, acting as, action, state it is taken in, expected)
    ("clerk", "clerk2", "accept", "received", "other-window"),
    ("clerk", "clerk2", "transfer", "received", "other-window"),
    ("clerk", "clerk", "accept", "received", "served"),
    ("clerk2", "clerk2", "accept", "received", "served"),
    ("clerk2", "clerk", "accept", "received", "served"),  # from the 综合窗口
    ("clerk", "reviewer", "advance", "step_review", "served"),
    ("clerk2", "reviewer", "advance", "step_review", "served"),
]


def _case_at(session, office, taken_by: str, state: str):
    from tests.page_helpers import USER_OF_ROLE
    from workflows import cases

    clerk = USER_OF_ROLE[taken_by]
    case = open_complete(session, office, "road-freight-licence", clerk=clerk)
    if state == "step_review":
        cases.accept_case(session=session, office=office, case=case, clerk=clerk)
    assert case.state == state
    return case


def _fields(trigger: str) -> dict:
    return {"window": "W02", "reason": "交通运输专窗办理"} if trigger == "transfer" else {}


def _by_page(client, case, trigger):
    from tests.page_helpers import post_action
    return post_action(client, case, trigger, **_fields(trigger))


def _by_api(client, case, trigger):
    from tests.page_helpers import csrf_from
    # A logged-in browser calling the API: its cookie, and the session's CSRF token in the header.
    return client.post(f"/api/cases/{case.id}/actions/{trigger}",
                       json={"expected_version": case.version, **_fields(trigger)},
                       headers={"X-CSRF-Token": csrf_from(client, "/queue")})


def _window_outcome(response) -> str:
    from tests.page_helpers import error_code
    if response.status_code in (200, 303):
        return "served"
    return error_code(response) or f"status {response.status_code}"


@pytest.mark.parametrize("over", [_by_page, _by_api], ids=["page", "api"])
@pytest.mark.parametrize("taken_by, who, trigger, state, want", WINDOW_RULES,
                         ids=[f"{r[0]}-case-{r[2]}-by-{r[1]}" for r in WINDOW_RULES])
def test_actions_on_a_case_follow_the_window_it_belongs_to(app, session, office, engine, over, taken_by, who,
                                                           trigger, state, want):
    from tests.page_helpers import client_as
    from tests.support import stored

    add_staff(session)
    case = _case_at(session, office, taken_by, state)
    before = stored(engine, case.id)
    with client_as(app, who) as client:
        got = _window_outcome(over(client, case, trigger))
    assert got == want
    if want != "served":
        assert stored(engine, case.id) == before
