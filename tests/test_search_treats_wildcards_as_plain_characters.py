"""A % or _ typed into the search box is a character of the name, not a LIKE wildcard that matches every case."""

from __future__ import annotations

import pytest

from tests.api_fixtures import tokens  # noqa: F401
from tests.page_helpers import add_staff, client_as, soup
from tests.support import company, open_complete, person


@pytest.fixture
def plain_cases(session, office):
    firm = open_complete(session, office, "road-freight-licence",
                         applicant=company("嘉兴市顺达物流有限公司", "13900005678"))
    someone = open_complete(session, office, "taxi-driver-qualification", applicant=person("张三", "13800001234"))
    return firm, someone


def _api_ids(client, token: str, q: str) -> list[int]:
    response = client.get("/api/search", params={"q": q}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return [r["id"] for r in response.json()]


@pytest.mark.parametrize("q", ["%", "_", "%%", "张_", "%顺达%"])
def test_api_search_for_a_wildcard_matches_no_case_without_that_character(client, tokens, plain_cases, q):
    assert _api_ids(client, tokens["auditor"], q) == []


def test_api_search_finds_a_name_holding_a_literal_percent_or_underscore(client, tokens, session, office, plain_cases):
    percent = open_complete(session, office, "road-freight-licence",
                            applicant=company("百分百%物流有限公司", "13900001111"))
    underscore = open_complete(session, office, "road-freight-licence",
                               applicant=company("下划线_物流有限公司", "13900002222"))
    assert _api_ids(client, tokens["auditor"], "%") == [percent.id]
    assert _api_ids(client, tokens["auditor"], "_") == [underscore.id]
    assert _api_ids(client, tokens["auditor"], "百分百%") == [percent.id]


def test_search_page_for_a_wildcard_lists_no_case(app, session, office, plain_cases):
    add_staff(session)
    with client_as(app, "clerk") as clerk:
        for q in ("%", "_"):
            page = soup(clerk.get("/search", params={"q": q}))
            assert page.select("table.cases tbody tr") == [], q
