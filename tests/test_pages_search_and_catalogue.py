"""Search by receipt number, name, ID or phone with IDs masked; the catalogue pages show each definition."""

from __future__ import annotations

import pytest

from tests.page_helpers import add_staff, attr, client_as, soup
from tests.support import CREDIT_CODE, company, open_complete, person


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def found_ids(client, q: str) -> list[int]:
    rows = soup(client.get("/search", params={"q": q})).select("table.cases tbody tr")
    return [int(attr(r, "data-case-id")) for r in rows]


def test_search_finds_a_case_by_each_key(clerk, session, office):
    firm = open_complete(session, office, "road-freight-licence",
                         applicant=company("嘉兴市顺达物流有限公司", "13900005678"))
    someone = open_complete(session, office, "taxi-driver-qualification", applicant=person("张三", "13800001234"))
    assert found_ids(clerk, firm.receipt_no.lower()) == [firm.id]
    assert found_ids(clerk, "顺达") == [firm.id]
    assert found_ids(clerk, CREDIT_CODE.lower()) == [firm.id]
    assert found_ids(clerk, "13800001234") == [someone.id]
    empty = soup(clerk.get("/search", params={"q": "没有这个人"}))
    assert empty.select("table.cases") == [] and "没有找到" in empty.select_one("p.msg.warn").get_text()


def test_search_results_mask_the_id_and_the_phone(clerk, session, office):
    case = open_complete(session, office, "road-freight-licence")
    response = clerk.get("/search", params={"q": case.receipt_no})
    cells = [td.get_text(strip=True) for td in soup(response).select("table.cases tbody tr td")]
    assert cells[3] == CREDIT_CODE[:6] + "********" + CREDIT_CODE[-4:]
    assert CREDIT_CODE not in response.text and "13900005678" not in response.text


def test_the_catalogue_lists_every_matter_and_finds_by_initials(clerk, office):
    rows = soup(clerk.get("/matters")).select("#matters tbody tr")
    assert [r["data-code"] for r in rows] == [v.code for v in office.catalogue.matters()]
    rows = soup(clerk.get("/matters", params={"q": "jdcwx"})).select("#matters tbody tr")
    assert [r["data-code"] for r in rows] == ["vehicle-repair-filing"]


def test_a_matter_page_shows_materials_transitions_and_the_diagram(clerk, office):
    version = office.catalogue.get("oversize-transport-permit")
    page = soup(clerk.get("/matters/oversize-transport-permit"))
    assert page.h1.get_text() == "超限运输车辆行驶公路许可"
    assert [r["data-material"] for r in page.select("table.materials tbody tr")] == \
        [m.id for m in version.definition.materials]
    assert len(page.select("#transitions tbody tr")) == len(version.compiled.actions)
    assert page.select_one("img")["src"] == "/guides/oversize-transport-permit/flow.svg"
    conditional = page.select_one('tr[data-material="escort_plan"]').get_text()
    assert "情形" in conditional and "4.5米" in conditional


def test_an_unknown_matter_is_a_404_page(clerk):
    response = clerk.get("/matters/no-such-matter")
    assert response.status_code == 404
    assert soup(response).select_one("[data-code]")["data-code"] == "unknown-matter"
