"""A 即办件 is done on the spot: every page and paper says 即办, never "承诺办结时限 0 个工作日";
a 承诺件 says its promised working days."""

from __future__ import annotations

import re

import pytest

from guides.pdfcheck import flat, flat_text
from tests.guide_papers import CATALOGUE, CODES, IMMEDIATE_CODES, checklist_pdf, guide_pdf
from tests.page_helpers import add_staff, client_as, soup

ZERO_DAYS = re.compile(r"(?<!\d)0\s*个工作日")
ON_THE_SPOT = "即办（当场办结）"


def test_the_catalogue_has_a_matter_done_on_the_spot():
    assert "vehicle-repair-filing" in IMMEDIATE_CODES  # so the tests below are never vacuous


@pytest.mark.parametrize("code", IMMEDIATE_CODES)
def test_guide_and_checklist_pdfs_say_done_on_the_spot(code):
    guide, checklist = flat_text(guide_pdf(code)), flat_text(checklist_pdf(code))
    assert f"承诺办结时限{ON_THE_SPOT}" in guide and f"承诺办结时限{ON_THE_SPOT}" in checklist
    assert ZERO_DAYS.findall(guide) == [] and ZERO_DAYS.findall(checklist) == []
    assert "决定、制证、送达" in guide and "承诺时限内" not in guide  # decided on the spot as well


@pytest.mark.parametrize("code", IMMEDIATE_CODES)
def test_guide_and_checklist_pages_say_done_on_the_spot(client, code):
    for url in (f"/guides/{code}", f"/guides/{code}/checklist"):
        text = soup(client.get(url)).select_one("main").get_text()
        assert ON_THE_SPOT in text and ZERO_DAYS.findall(text) == [], url


@pytest.mark.parametrize("code", [c for c in CODES if c not in IMMEDIATE_CODES])
def test_a_promised_matter_prints_its_working_days(code):
    days = CATALOGUE.get(code).definition.limits.promised_days
    assert f"承诺办结时限{days}个工作日" in flat_text(guide_pdf(code))
    assert flat(f"{days} 个工作日（法定办结时限") in flat_text(checklist_pdf(code))


def test_the_public_catalogue_says_done_on_the_spot_or_the_working_days(client):
    rows = {r["data-code"]: [td.get_text(strip=True) for td in r.find_all("td")]
            for r in soup(client.get("/public")).select("#public-matters tbody tr")}
    assert set(rows) == set(CODES)
    for code, cells in rows.items():
        d = CATALOGUE.get(code).definition
        assert cells[2] == (ON_THE_SPOT if code in IMMEDIATE_CODES else f"{d.limits.promised_days} 个工作日")


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


@pytest.mark.parametrize("url, table", [("/matters", "#matters"), ("/cases/new", "#matter-list")])
def test_the_counters_lists_say_done_on_the_spot_instead_of_a_bare_zero(clerk, url, table):
    rows = {r["data-code"]: [td.get_text(strip=True) for td in r.find_all("td")]
            for r in soup(clerk.get(url)).select(f"{table} tbody tr")}
    for code in CODES:
        d = CATALOGUE.get(code).definition
        promised = "即办" if code in IMMEDIATE_CODES else str(d.limits.promised_days)
        assert rows[code][3] == f"{promised} / {d.limits.legal_days}"


@pytest.mark.parametrize("code", IMMEDIATE_CODES)
def test_the_acceptance_notice_of_a_matter_done_on_the_spot_says_so(session, office, code):
    from guides.papers import PaperKind, render_paper
    from guides.templating import GUIDES_TEMPLATES, build_environment
    from tests.support import STAFF, open_complete
    from workflows import cases

    case = open_complete(session, office, code)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    templates = build_environment([GUIDES_TEMPLATES], time=office.time)
    pdf = render_paper(session=session, office=office, case=case, kind=PaperKind.ACCEPTANCE, templates=templates,
                       base_url="https://ban.example.gov.cn")
    text = flat_text(pdf)
    assert "本事项为即办件" in text and "承诺办结时限：即办" in text
    assert ZERO_DAYS.findall(text) == [] and "承诺于" not in text
