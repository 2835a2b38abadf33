"""Dates at the edge of the calendar (0001-01-01, 9999-12-31) on every auditor's route answer 422
date-out-of-range naming the parameter (JSON to a JSON caller, the Chinese error page to a browser),
not a 500 from a date overflow; the first and last days the figures cover still answer 200 (the last one on
the day it comes: a period that has not begun is refused, tests/test_audit_periods_are_chosen_on_the_form_…)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api_fixtures import tokens  # noqa: F401
from tests.page_helpers import add_staff, client_as, soup

ROUTES = ["/audit", "/audit/cases?counter=opened", "/audit/export/rates.csv", "/audit/export/rates.xlsx",
          "/audit/export/cases.csv?counter=opened", "/audit/export/cases.xlsx?counter=opened",
          "/audit/export/trend.json", "/audit/eventlog.csv", "/audit/eventlog.xes", "/audit/report.pdf"]
RANGE_ROUTES = [r for r in ROUTES if r != "/audit/report.pdf"]  # the report takes one day: ?on=
EDGES = ["0001-01-01", "9999-12-31"]


def _join(route: str, query: str) -> str:
    return route + ("&" if "?" in route else "?") + query


def _edge_queries(route: str):
    for day in EDGES:
        yield f"on={day}", "on"
        if route in RANGE_ROUTES:
            yield f"on={day}&period=week", "on"
            yield f"start={day}&end=2026-11-30", "start"
            yield f"start=2026-11-01&end={day}", "end"


@pytest.mark.parametrize("route", ROUTES)
def test_an_edge_date_answers_422_naming_the_parameter(client, tokens, route):
    for query, field in _edge_queries(route):
        response = client.get(_join(route, query), headers={"Authorization": f"Bearer {tokens['auditor']}",
                                                            "Accept": "application/json"})
        assert response.status_code == 422, (query, response.text[:300])
        assert (response.json()["code"], response.json()["field"]) == ("date-out-of-range", field), query


@pytest.mark.parametrize("route", ["/audit", "/audit/cases?counter=opened", "/audit/export/rates.csv",
                                   "/audit/report.pdf"])
def test_a_browser_gets_the_chinese_error_page_for_an_edge_date(app, session, route):
    add_staff(session)
    with client_as(app, "auditor") as browser:
        response = browser.get(_join(route, "on=9999-12-31"))
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    message = soup(response).select_one("p.msg.error")
    assert message["data-code"] == "date-out-of-range" and "2099-12-31" in message.get_text()


@pytest.mark.parametrize("day", ["2000-01-01", "2099-12-31"])
@pytest.mark.parametrize("route", ["/audit", "/audit/cases?counter=opened", "/audit/export/rates.csv",
                                   "/audit/eventlog.csv"])
def test_the_first_and_last_days_covered_answer(client, tokens, clock, route, day):
    if day == "2099-12-31":  # the last day can only be asked about once it has come
        clock.set_local(dt.date(2099, 12, 31), 10)
    for query in (f"on={day}", f"on={day}&period=week", f"start={day}&end={day}"):
        response = client.get(_join(route, query), headers={"Authorization": f"Bearer {tokens['auditor']}"})
        assert response.status_code == 200, (query, response.text[:300])
