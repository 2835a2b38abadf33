"""On a 390 px phone a guide and its 简版 fit the screen: nothing is clipped or needs sideways
scrolling, and the materials are one card each; on a desktop they stay a table."""

from __future__ import annotations

import itertools

import pytest

from workflows.catalogue import load_catalogue

CATALOGUE = load_catalogue()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PAGES = ["/guides/road-freight-licence", "/guides/vehicle-repair-filing", "/guides/oversize-transport-permit",
         "/guides/road-freight-licence/checklist", "/guides/waterway-transport-licence/checklist"]

# Every visible element whose box reaches past either side of the window: clipped or scrolled sideways.
OUTSIDE = """() => [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
}).map(e => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 30)}`)"""


@pytest.fixture
def open_page(chromium, live_server):
    contexts = []

    def open_at(path: str, viewport: dict):
        context = chromium.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_at
    for context in contexts:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_wider_than_a_phone(open_page, path):
    page = open_page(path, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(OUTSIDE) == []


@pytest.mark.parametrize("code", ["road-freight-licence", "vehicle-repair-filing"])
def test_on_a_phone_each_material_is_a_card_with_its_facts_one_under_another(open_page, code):
    d = CATALOGUE.get(code).definition
    page = open_page(f"/guides/{code}", PHONE)
    assert page.eval_on_selector("table.materials thead", "e => getComputedStyle(e).display") == "none"
    cards = page.query_selector_all("table.materials tr.material")
    assert len(cards) == len(d.materials)
    boxes = [card.bounding_box() for card in cards]
    table = page.query_selector("table.materials").bounding_box()
    for box in boxes:  # the full width of the page, not a column of it
        assert box["width"] >= table["width"] - 1
    for upper, lower in itertools.pairwise(boxes):
        assert lower["y"] >= upper["y"] + upper["height"] - 0.5
    first = cards[0]
    labels = first.eval_on_selector_all("td[data-label]",
                                        "tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert labels == ['"份数："', '"形式："', '"必要性："', '"来源："', '"容缺受理："']
    facts = [cell.bounding_box() for cell in first.query_selector_all("td[data-label]")]
    assert len({round(f["x"]) for f in facts}) == 1  # one under another, not side by side
    assert all(lower["y"] > upper["y"] for upper, lower in itertools.pairwise(facts))


def test_on_a_desktop_the_materials_stay_a_table(open_page):
    page = open_page("/guides/road-freight-licence", DESKTOP)
    assert page.eval_on_selector("table.materials thead", "e => getComputedStyle(e).display") == "table-header-group"
    assert page.eval_on_selector("table.materials tr.material", "e => getComputedStyle(e).display") == "table-row"
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert page.evaluate(OUTSIDE) == []


def test_on_a_phone_the_checklist_keeps_one_box_per_answer_beside_its_heading(open_page):
    page = open_page("/guides/road-freight-licence/checklist", PHONE)
    for branch in page.query_selector_all("tbody.branch"):
        tick, heading = branch.query_selector("span.tick").bounding_box(), branch.query_selector(".when").bounding_box()
        assert tick["x"] + tick["width"] <= heading["x"] and abs(tick["y"] - heading["y"]) < heading["height"]
