"""The public guide pages: headings, materials rows and links, served without login; PDFs cached."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from guides.pdfcheck import flat_text
from tests.guide_papers import CATALOGUE, SECTIONS


def _page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize("code", ["road-freight-licence", "oversize-transport-permit", "vehicle-repair-filing"])
def test_guide_page_has_every_section_and_one_row_per_material(client, code):
    d = CATALOGUE.get(code).definition
    soup = _page(client, f"/guides/{code}")
    assert soup.h1.get_text(strip=True) == d.name
    assert [h.get_text(strip=True) for h in soup.find_all("h2")] == SECTIONS
    rows = soup.select("table.materials tbody tr.material")
    assert [r.find("strong").get_text(strip=True) for r in rows] == [m.name for m in d.materials]
    for row, material in zip(rows, d.materials, strict=True):
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td", recursive=False)]
        marked = "缺一不可" in cells[1]
        assert marked == (material.necessity.value != "optional" and material.tolerance is None)
        assert (row.select_one(".ok-tag") is not None) == (material.tolerance is not None)
    assert soup.select_one(".flow img")["src"] == f"/guides/{code}/flow.svg"
    links = {a["href"] for a in soup.select("nav.screen-links a")}
    assert {f"/guides/{code}.pdf", f"/guides/{code}/checklist"} <= links


def test_checklist_page_has_a_tick_box_per_material_asked_of_everyone_and_per_answer(client):
    d = CATALOGUE.get("road-passenger-licence").definition
    soup = _page(client, "/guides/road-passenger-licence/checklist")
    rows = soup.select("table.checklist tbody tr.material")
    assert len(rows) == len(d.materials)
    everyone = soup.select("table.checklist tbody.everyone tr.material")
    assert [r.find("strong").get_text(strip=True) for r in everyone] == [m.name for m in d.materials if not m.condition]
    assert all(len(r.select("span.tick")) == 1 for r in everyone)
    branches = soup.select("table.checklist tbody.branch")
    assert len(branches) == 1 and len(branches[0].select("span.tick")) == 1  # 委托他人代为办理的
    assert branches[0].find("strong").get_text(strip=True) == "经办人身份证明及授权委托书"


def test_flow_svg_is_drawn_from_the_state_machine_in_a_cjk_font(client):
    version = CATALOGUE.get("oversize-transport-permit")
    response = client.get("/guides/oversize-transport-permit/flow.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert "Times" not in svg and 'font-family="Noto Sans CJK SC' in svg
    for state in ("received", "awaiting_correction", "deciding", "issuing", "delivering", "closed", "refused"):
        assert version.compiled.states[state].label.replace("（", "").split("（")[0][:3] in svg
    for proc in version.definition.special_procedures:
        assert f"<title>special_{proc.id}</title>" in svg
    assert "<title>withdrawn</title>" not in svg  # side exits are a note under the diagram


def test_unknown_matter_is_404(client):
    assert client.get("/guides/no-such-matter").status_code == 404
    assert client.get("/guides/no-such-matter.pdf").status_code == 404


def test_guide_pdf_is_served_publicly_and_cached_by_content_hash(client, app):
    response = client.get("/guides/taxi-driver-qualification.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "出租汽车驾驶员" in flat_text(response.content)
    etag = response.headers["etag"]
    cached = list(app.state.settings.guide_cache_dir.glob("taxi-driver-qualification-guide.*.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == response.content
    again = client.get("/guides/taxi-driver-qualification.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304
    checklist = client.get("/guides/taxi-driver-qualification/checklist.pdf")
    assert checklist.status_code == 200 and checklist.headers["etag"] != etag
