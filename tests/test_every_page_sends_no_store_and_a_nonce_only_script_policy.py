"""Every page and API answer is `Cache-Control: no-store` with a Content-Security-Policy whose
script-src is 'self' and this response's nonce; every inline <script> of a page carries that nonce
and no element has an inline event handler (onclick= …), which no nonce could allow.
Swagger UI at /docs gets its inline scripts allowed by hash instead."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from tests.page_helpers import ROLES, add_staff, client_as, soup
from tests.support import open_complete
from tests.test_authorisation_matrix import PUBLIC, RULES, app_routes, concrete

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'(;|$)")
# Routes that set their own, public caching: the guides and their diagrams hold nothing personal.
CACHED_PUBLICLY = {"/guides/booklet.pdf", "/guides/{code}.pdf", "/guides/{code}/checklist.pdf",
                   "/guides/{code}/flow.svg", "/docs/assets/{path:path}"}


def directives(response) -> dict[str, str]:
    csp = response.headers["content-security-policy"]
    return {d.split()[0]: d.partition(" ")[2] for d in (p.strip() for p in csp.split(";")) if d}


def nonce_of(response) -> str:
    found = NONCE.search(response.headers["content-security-policy"])
    assert found, response.headers["content-security-policy"]
    return found.group(1)


def assert_page_follows_its_policy(response) -> None:
    nonce = nonce_of(response)
    page = soup(response)
    for script in page.find_all("script"):
        if not script.has_attr("src"):
            assert script.get("nonce") == nonce, f"inline script without this response's nonce: {script!s:.80}"
    handlers = [(el.name, a) for el in page.find_all(True) for a in el.attrs if a.lower().startswith("on")]
    assert handlers == []


def who_may(rule) -> str | None:
    if rule == PUBLIC:
        return None
    return next(role for role in ("clerk", "approver", "auditor", "admin", "inspector") if role in rule)


def get_routes(app) -> list[tuple[str, str]]:
    return sorted((m, p) for m, p in app_routes(app) & set(RULES) if m == "GET")


def test_every_get_route_sends_the_headers_and_each_page_obeys_its_nonce(app, session, office):
    add_staff(session)
    case = open_complete(session, office, "road-freight-licence")
    clients = {role: client_as(app, role) for role in (None, *ROLES)}
    pages = 0
    try:
        for _, template in get_routes(app):
            if template.startswith("/docs"):
                continue  # Swagger UI: the test below
            response = clients[who_may(RULES[("GET", template)])].get(concrete(template, case),
                                                                      follow_redirects=False)
            assert response.status_code < 500, template
            assert "'unsafe-inline'" not in directives(response)["script-src"], template
            if template not in CACHED_PUBLICLY:
                assert response.headers["cache-control"] == "no-store", template
            assert directives(response)["frame-ancestors"] == "'none'"
            if response.headers.get("content-type", "").startswith("text/html"):
                assert_page_follows_its_policy(response)
                pages += 1
    finally:
        for client in clients.values():
            client.close()
    assert pages >= 15


def test_the_intake_form_and_the_matter_filter_run_their_scripts_by_nonce(app, session):
    add_staff(session)
    with client_as(app, "clerk") as clerk:
        for path in ("/cases/new", "/cases/new/road-freight-licence"):
            response = clerk.get(path)
            scripts = [s for s in soup(response).find_all("script") if not s.has_attr("src")]
            assert scripts, path
            assert {s["nonce"] for s in scripts} == {nonce_of(response)}


def test_each_response_gets_a_nonce_of_its_own(client):
    assert nonce_of(client.get("/public")) != nonce_of(client.get("/public"))


def test_api_answers_are_not_stored(app, session, office):
    add_staff(session)
    with client_as(app, "clerk") as clerk:
        response = clerk.get("/api/matters")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect"])
def test_swagger_ui_runs_only_its_own_inline_scripts_by_hash(client, path):
    response = client.get(path)
    script_src = directives(response)["script-src"].split()
    assert "'unsafe-inline'" not in script_src and script_src[0] == "'self'"
    inline = [s.string or "" for s in soup(response).find_all("script") if not s.has_attr("src")]
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert response.headers["cache-control"] == "no-store"
