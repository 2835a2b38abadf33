"""Refusals made before any handler runs (a body that is not JSON, too deep to read, an unknown path, a
method the path does not take) carry the project's {code, message, field} body under /api, the Chinese
error page elsewhere; OPTIONS and 405 list every method of the path."""

from __future__ import annotations

import pytest

from tests.api_fixtures import tokens  # noqa: F401
from tests.page_helpers import soup

BROKEN_BODIES = [b"{not json", b'{"applicant": ', "[" * 100_000, b"\xff\xfe{}"]


@pytest.mark.parametrize("body", BROKEN_BODIES, ids=["malformed", "truncated", "too-deep", "not-utf8"])
def test_a_body_that_cannot_be_read_answers_400_malformed_body(client, tokens, body):
    response = client.post("/api/cases", content=body, headers={"Authorization": f"Bearer {tokens['clerk']}",
                                                                "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == "malformed-body" and "JSON" in response.json()["message"]
    assert set(response.json()) == {"code", "message", "field"}


def test_an_unknown_api_path_answers_404_with_the_coded_body(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"code": "no-such-path", "message": "没有这个地址", "field": None}


def test_an_unknown_page_answers_the_chinese_error_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert soup(response).select_one("p.msg.error")["data-code"] == "no-such-path"


def _methods(response) -> set[str]:
    return {m.strip() for m in response.headers["allow"].split(",")}


def test_a_method_the_path_does_not_take_answers_405_listing_every_method_of_the_path(client, tokens):
    response = client.put("/api/admin/tokens", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert response.status_code == 405 and response.json()["code"] == "method-not-allowed"
    assert {"GET", "POST"} <= _methods(response) and "PUT" not in _methods(response)


def test_options_lists_every_method_of_a_path_with_two(client):
    for path in ("/api/admin/tokens", "/api/cases"):
        response = client.options(path)
        assert response.status_code == 204
        assert {"GET", "POST"} <= _methods(response) and "DELETE" not in _methods(response), path
    assert {"DELETE"} <= _methods(client.options("/api/admin/tokens/1"))


@pytest.mark.parametrize("path", ["/public", "/api/cases", "/api/admin/tokens", "/queue"])
def test_allow_offers_only_methods_the_path_answers(client, path):
    offered = _methods(client.options(path))
    for method in offered - {"OPTIONS"}:
        assert client.request(method, path).status_code != 405, (path, method)
