"""A guide reads in the order an applicant needs it: how often to come and what to bring first,
codes and legal bases last; on the web it sits inside the public site's header with a way back
to the catalogue, and none of that web chrome reaches the PDF."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from guides.pdfcheck import flat, flat_text
from guides.render import CHECKLIST, GUIDE
from tests.page_helpers import attr
from tests.guide_papers import CATALOGUE, CODES, SECTIONS, guide_pdf, renderer


def _page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def _nav(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(attr(a, "href"), a.get_text(strip=True)) for a in soup.select("header.top nav a")]


@pytest.mark.parametrize("path", ["/guides/{code}", "/guides/{code}/checklist"])
@pytest.mark.parametrize("code", CODES)
def test_guide_pages_have_the_public_sites_header_and_a_way_back_to_the_catalogue(client, code, path):
    public = _page(client, "/public")
    page = _page(client, path.format(code=code))
    assert _nav(page) == _nav(public)
    assert ("/public", "办事服务") in _nav(page) and ("/public/status", "办件进度查询") in _nav(page)
    assert page.select_one("header.top .brand").get_text() == public.select_one("header.top .brand").get_text()
    back = page.find("a", string=lambda s: s and "返回事项目录" in s)
    assert back is not None and back["href"] == "/public"
    assert page.select_one("footer").get_text(strip=True) == public.select_one("footer").get_text(strip=True)


@pytest.mark.parametrize("code", CODES)
def test_the_guide_page_puts_visits_and_materials_first_and_codes_last(client, code):
    d = CATALOGUE.get(code).definition
    page = _page(client, f"/guides/{code}")
    assert [h.get_text(strip=True) for h in page.select("main h2")] == SECTIONS
    text = page.select_one("main").get_text()
    basic = text.index("九、基本信息")
    assert text.index(d.materials[-1].name) < basic < text.index(d.authority, basic)


@pytest.mark.parametrize("code", CODES)
def test_the_guide_pdf_reads_in_the_same_order(code):
    d = CATALOGUE.get(code).definition
    text = flat_text(guide_pdf(code))
    positions = [text.index(flat(section)) for section in SECTIONS]
    assert positions == sorted(positions)
    basics = text.index(flat("九、基本信息"))
    assert text.index(flat(d.materials[-1].name)) < basics < text.index(flat(d.authority), basics)


@pytest.mark.parametrize("kind", [GUIDE, CHECKLIST])
def test_the_pdf_carries_no_web_chrome(kind):
    version = CATALOGUE.get("road-freight-licence")
    html = BeautifulSoup(renderer().html(version, kind, print_css_apart=True), "html.parser")
    assert html.select("header, nav, footer") == []
    assert "返回事项目录" not in html.get_text() and "工作人员登录" not in html.get_text()
    served = BeautifulSoup(renderer().html(version, kind, screen=True), "html.parser")
    assert served.select_one("header.top") and served.select_one("nav.screen-links")
    # The stylesheet for the screen (header, phone cards) is the served page's alone.
    assert "header.top" not in renderer().print_css() and "header.top" in str(served.style)


def test_the_materials_carry_a_label_for_each_fact_for_their_phone_cards(client):
    d = CATALOGUE.get("road-freight-licence").definition
    rows = _page(client, "/guides/road-freight-licence").select("table.materials tr.material")
    assert len(rows) == len(d.materials)
    for row in rows:
        labels = [td["data-label"] for td in row.select("td[data-label]")]
        assert labels == ["份数", "形式", "必要性", "来源", "容缺受理"]
        name = row.select_one("td.name")
        assert name.find("strong") and "依据：" in name.get_text()
