"""_print.css reaches a guide PDF already parsed: the renderer parses it once and every document reuses it,
while the same page served to a browser still carries the stylesheet inline."""

from __future__ import annotations

import weasyprint

from guides.pdf import PdfRenderer
from guides.pdfcheck import flat, page_sizes_mm, page_texts
from guides.render import CHECKLIST, GUIDE, GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment
from workflows.catalogue import load_catalogue
from workflows.office import demo_profile

BASE_URL = "https://ban.example.gov.cn"
CATALOGUE = load_catalogue()


def _renderer() -> GuideRenderer:
    return GuideRenderer(build_environment([GUIDES_TEMPLATES]), BASE_URL, demo_profile(), pdf=PdfRenderer())


def test_browser_html_has_the_stylesheet_inline_and_pdf_html_leaves_it_to_the_renderer():
    renderer, version = _renderer(), CATALOGUE.get("road-freight-licence")
    assert "@page" in renderer.html(version, GUIDE, screen=True)
    assert "@page" in renderer.html(version, GUIDE)  # the default: a self-contained page
    assert "@page" not in renderer.html(version, GUIDE, print_css_apart=True)
    assert "@page" in renderer.print_css() and "{%" not in renderer.print_css()


def test_the_stylesheet_is_parsed_once_for_many_documents(monkeypatch):
    renderer = _renderer()
    parsed = []
    real_css = weasyprint.CSS
    monkeypatch.setattr(weasyprint, "CSS", lambda *a, **kw: parsed.append(1) or real_css(*a, **kw))
    for version in CATALOGUE.matters()[:2]:
        renderer.pdf_bytes(version, GUIDE)
        renderer.pdf_bytes(version, CHECKLIST)
    assert len(parsed) == 1


def test_pdf_pages_still_carry_what_the_stylesheet_sets():
    renderer, version = _renderer(), CATALOGUE.get("road-freight-licence")
    pdf = renderer.pdf_bytes(version, GUIDE)
    texts = [flat(t) for t in page_texts(pdf)]
    assert all(abs(w - 210) < 0.5 and abs(h - 297) < 0.5 for w, h in page_sizes_mm(pdf))  # @page size: A4
    assert [f"第{i}页共{len(texts)}页" in text for i, text in enumerate(texts, start=1)] == [True] * len(texts)
    # No section heading ends a page: each shares its page with the start of what it heads.
    for heading, start in (("二、申请材料", "材料名称及要求"), ("四、办理时限", "法定办结时限"),
                           ("六、办理地点、时间与咨询", "办理窗口"), ("八、办理流程", "承办岗位"),
                           ("九、基本信息", "事项名称"), ("十、设定依据与实施依据", "法律法规名称")):
        page = next(text for text in texts if heading in text)
        assert start in page[page.index(heading):], heading
