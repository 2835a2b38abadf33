"""Each rating count on the dashboard links to the list of the ratings it counted, and the two agree."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.page_helpers import client_as, error_code, one, soup
from tests.rating_support import build_rating_month

OCTOBER = "/audit?period=month&month=2026-10"


def _rows(client, href: str) -> list:
    return soup(client.get(href)).select("#ratings tbody tr")


def test_the_dashboards_counts_equal_the_rows_of_the_lists_they_link_to(app, session, office, clock):
    month = build_rating_month(session, office, clock)
    with client_as(app, "auditor") as auditor:
        page = soup(auditor.get(OCTOBER))
        for counter, expected in (("evaluations", 4), ("bad_evaluations", 1)):
            link = one(page, f"#counts a[data-counter={counter}]")
            assert int(link.get_text()) == expected
            href = str(link["href"])
            assert urlsplit(href).path == "/ratings"
            assert parse_qs(urlsplit(href).query)["counter"] == [counter]
            assert len(_rows(auditor, href)) == expected
        # The 差评 row links its case and its task; the excluded rating is listed apart, never counted.
        bad = one(soup(auditor.get(str(one(page, "#counts a[data-counter=bad_evaluations]")["href"]))),
                  "#ratings tbody tr")
        assert bad["data-rating"] == str(month.ratings["P-visit"])
        assert one(bad, "a.case")["href"] == f"/audit/cases/{month.cases['P'].id}"
        assert str(one(bad, "a.task")["href"]).startswith("/ratings/tasks/")
        listed = soup(auditor.get(str(one(page, "#counts a[data-counter=evaluations]")["href"])))
        assert {tr["data-rating"] for tr in listed.select("#ratings tbody tr")} == {
            str(month.ratings[k]) for k in ("P-visit", "P-case", "R-visit", "R-case")}
        assert [tr["data-rating"] for tr in listed.select("#excluded-ratings tbody tr")] == [
            str(month.ratings["Q-visit"])]
        # A window's row in the ranking links its own ratings, with the same period.
        for key, expected in (("W01", 2), ("W02", 2)):
            row = one(page, f"table.ranking[data-dimension=window] tr[data-key={key}]")
            cell = one(row, "a[data-counter=evaluations]")
            assert int(cell.get_text()) == expected
            rows = _rows(auditor, str(cell["href"]))
            assert len(rows) == expected
        # The numerator and denominator of each 好差评 rate link to lists of as many ratings.
        for tr in page.select("#rates tbody tr"):
            for a in tr.select("a.count[href^='/ratings']"):
                assert len(_rows(auditor, str(a["href"]))) == int(a.get_text()), (tr["data-measure"], a["href"])


def test_the_ratings_list_is_for_auditors_and_refuses_an_unknown_counter(app, session, office, clock):
    build_rating_month(session, office, clock)
    with client_as(app, "clerk") as clerk:
        assert clerk.get("/ratings?period=month&month=2026-10").status_code == 403
    with client_as(app, "auditor") as auditor:
        unknown = auditor.get("/ratings?period=month&month=2026-10&counter=closed")
        assert unknown.status_code == 404 and error_code(unknown) is not None
        level = soup(auditor.get("/ratings?period=month&month=2026-10&level=satisfied"))
        assert [tr["data-level"] for tr in level.select("#ratings tbody tr")] == ["satisfied", "satisfied"]
        bad_level = auditor.get("/ratings?period=month&month=2026-10&level=great")
        assert bad_level.status_code == 422 and error_code(bad_level) is not None
