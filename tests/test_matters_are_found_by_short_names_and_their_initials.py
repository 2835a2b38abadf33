"""At the counter a matter is found by the short names people use (货运, 网约车, 危货 …),
by the pinyin initials of those names as well as of the full name, and by its codes."""

from __future__ import annotations

import pytest

from tests.api_fixtures import as_role, tokens  # noqa: F401
from tests.page_helpers import add_staff, client_as, soup
from windows.matter_index import MatterIndex, initials_of
from workflows.catalogue import load_catalogue

INDEX = MatterIndex(load_catalogue())
FREIGHT, PASSENGER = "road-freight-licence", "road-passenger-licence"
DANGEROUS = "dangerous-goods-road-transport-licence"

# query → the matters it finds, the one it names first
FOUND = [
    ("货运", FREIGHT),
    ("普货", FREIGHT),
    ("网约车", "ride-hailing-vehicle-permit"),
    ("危货", DANGEROUS),
    ("危险品运输", DANGEROUS),
    ("出租车", "taxi-driver-qualification"),
    ("驾驶员", "taxi-driver-qualification"),
    ("维修", "vehicle-repair-filing"),
    ("大件", "oversize-transport-permit"),
    ("超限", "oversize-transport-permit"),
    ("涉路", "road-works-permit"),
    ("水运", "waterway-transport-licence"),
    ("港口", "port-operation-licence"),
    ("码头", "port-operation-licence"),
    ("dlhw", FREIGHT),  # 道路货物…: the name's initials
    ("wyc", "ride-hailing-vehicle-permit"),  # 网约车: a keyword's initials
    ("wh", DANGEROUS),  # 危货
    ("dlwxhw", DANGEROUS),  # 道路危险货物…
    ("jdcwx", "vehicle-repair-filing"),
    ("DLHW", FREIGHT),
    ("危 货", DANGEROUS),  # spaces are ignored
]


def codes(query: str) -> list[str]:
    return [e.code for e in INDEX.search(query)]


@pytest.mark.parametrize("query, first", FOUND, ids=[q for q, _ in FOUND])
def test_a_short_name_or_its_initials_finds_the_matter_first(query, first):
    assert codes(query)[0] == first


def test_the_name_initials_of_one_matter_find_only_it():
    assert codes("dlhw") == [FREIGHT]
    assert codes("dlwxhw") == [DANGEROUS]
    assert codes("危货") == [DANGEROUS]


def test_a_name_shared_by_several_matters_finds_them_all():
    # 道路运输 is what all three road transport licences are called on the counter's forms.
    assert set(codes("道路运输")) == {FREIGHT, PASSENGER, DANGEROUS}
    assert set(codes("dlys")) == {FREIGHT, PASSENGER, DANGEROUS}


def test_a_matter_named_outright_comes_before_one_that_only_contains_the_query():
    # 货运 is a keyword of the freight licence; 危货运输 and 水路货运 merely contain it.
    found = codes("货运")
    assert found[0] == FREIGHT and DANGEROUS in found and "waterway-transport-licence" in found


def test_nothing_is_found_for_an_unknown_word_and_everything_for_an_empty_query():
    assert codes("潜水艇") == []
    assert codes("  ") == [e.code for e in INDEX.entries]


def test_every_keyword_and_its_initials_are_search_keys():
    for version in load_catalogue().matters():
        entry = next(e for e in INDEX.entries if e.code == version.code)
        for keyword in version.definition.keywords:
            assert INDEX.search(keyword) and entry in INDEX.search(keyword)
            assert entry in INDEX.search(initials_of(keyword))


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def test_the_intake_page_filters_on_the_same_keys_as_the_server(clerk):
    """The script hides rows whose data-search lacks the query; the server's search agrees."""
    page = soup(clerk.get("/cases/new"))
    rows = page.select("#matter-list tbody tr")
    for query, _first in FOUND:
        needle = "".join(query.split()).lower()
        shown = {r["data-code"] for r in rows if needle in r["data-search"]}
        assert shown == set(codes(query)), query
    searched = soup(clerk.get("/cases/new", params={"q": "危货"})).select("#matter-list tbody tr:not([hidden])")
    assert [r["data-code"] for r in searched] == [DANGEROUS]


def test_the_catalogue_page_finds_by_keyword(clerk):
    rows = soup(clerk.get("/matters", params={"q": "网约车"})).select("#matters tbody tr")
    assert rows[0]["data-code"] == "ride-hailing-vehicle-permit"


def test_the_api_finds_by_keyword_and_keyword_initials(client, as_role):
    for q, first in (("货运", FREIGHT), ("wyc", "ride-hailing-vehicle-permit"), ("危货", DANGEROUS)):
        found = client.get("/api/matters", params={"q": q}, headers=as_role["clerk"]).json()
        assert found[0]["code"] == first, q
