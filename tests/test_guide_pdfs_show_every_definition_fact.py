"""Every guide in the catalogue, as a PDF: the facts of its definition are in the printed text,
on A4 pages, in embedded Noto CJK subsets, with no glyph WeasyPrint could not draw."""

from __future__ import annotations

import pytest

from guides.context import fee_text
from guides.pdfcheck import (A4_MM, embedded_fonts, flat, flat_text, page_sizes_mm, page_texts,
                             weasyprint_warnings)
from guides.render import CHECKLIST, GUIDE, GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment
from workflows.catalogue import DEFAULT_DIR, load_catalogue
from workflows.office import demo_profile

BASE_URL = "https://ban.example.gov.cn"
CATALOGUE = load_catalogue()
CODES = [v.code for v in CATALOGUE.matters()]


@pytest.fixture(scope="module")
def renderer():
    return GuideRenderer(build_environment([GUIDES_TEMPLATES]), BASE_URL, demo_profile())


@pytest.fixture(scope="module")
def rendered(renderer):
    """code → (guide PDF, checklist PDF, WeasyPrint warnings while rendering them)."""
    out = {}
    for version in CATALOGUE.matters():
        with weasyprint_warnings() as warnings:
            guide = renderer.pdf_bytes(version, GUIDE)
            checklist = renderer.pdf_bytes(version, CHECKLIST)
        out[version.code] = (guide, checklist, list(warnings))
    return out


@pytest.mark.parametrize("code", CODES)
def test_guide_text_has_every_material_both_limits_fee_and_visits(rendered, code):
    d = CATALOGUE.get(code).definition
    visits = CATALOGUE.get(code).visits
    text = flat_text(rendered[code][0])
    for material in d.materials:
        assert flat(material.name) in text, material.name
    assert f"法定办结时限{d.limits.legal_days}个工作日" in text
    promised = "即办（当场办结）" if d.case_kind.value == "即办件" else f"{d.limits.promised_days}个工作日"
    assert f"承诺办结时限{promised}" in text
    assert flat(fee_text(d.fees)) in text
    assert f"到办事现场次数：{visits.visits}次" in text
    assert flat(visits.advice()) in text
    office = demo_profile()
    for fact in (office.hall.address, office.hall.hours, office.consult_phone, office.complaint_phone):
        assert flat(fact) in text, fact
    for window in office.windows_for(code):  # every window that takes the matter, where it is and its line
        assert flat(f"{window.name}：{window.location}，电话{window.phone}") in text
    assert flat(f"定义版本：{CATALOGUE.get(code).key}") in text


@pytest.mark.parametrize("code", CODES)
def test_guide_text_has_codes_bases_specials_and_tolerance(rendered, code):
    d = CATALOGUE.get(code).definition
    text = flat_text(rendered[code][0])
    for fact in (d.matter_type.value, d.authority, d.case_kind.value):
        assert flat(fact) in text
    for label, code_value in (("基本编码", d.basic_code), ("实施编码", d.implementation_code)):
        # a code is printed once it is checked against the provincial catalogue, and never a blank row before
        assert (flat(f"{label}{code_value}") in text) if code_value else (label not in text)
    for basis in d.legal_bases:
        assert flat(basis.law) in text and flat(basis.article) in text
    for condition in d.acceptance_conditions:
        assert flat(condition.text) in text
    for proc in d.special_procedures:
        assert flat(proc.name) in text and f"{proc.max_days}个工作日" in text
    for m in d.materials:
        if m.tolerance:
            assert f"受理后{m.tolerance.days}个工作日内补齐" in text
    never_tolerable = [m for m in d.materials if m.necessity.value != "optional" and m.tolerance is None]
    assert text.count("缺一不可") >= len(never_tolerable)


@pytest.mark.parametrize("code", CODES)
def test_checklist_is_one_page_listing_every_material(rendered, code):
    d = CATALOGUE.get(code).definition
    checklist = rendered[code][1]
    assert len(page_sizes_mm(checklist)) == 1
    text = flat_text(checklist)
    assert all(flat(m.name) in text for m in d.materials)
    assert f"到办事现场次数：{CATALOGUE.get(code).visits.visits}次" in text


@pytest.mark.parametrize("code", CODES)
def test_pages_are_a4_with_numbers_and_fonts_embedded(rendered, code):
    guide, _checklist, warnings = rendered[code]
    sizes = page_sizes_mm(guide)
    assert all(abs(w - A4_MM[0]) < 0.5 and abs(h - A4_MM[1]) < 0.5 for w, h in sizes)
    assert f"第1页共{len(sizes)}页" in flat_text(guide)
    fonts = embedded_fonts(guide)
    assert fonts and all(f.embedded and f.subset for f in fonts)
    # Only the GB 2312 cuts of Noto CJK SC (guides/fonts.py): every character of a guide is in them.
    assert all("Noto-Sans-CJK-SC-GB2312" in f.name or "Noto-Serif-CJK-SC-GB2312" in f.name for f in fonts)
    assert any(f.name.endswith("Bold") for f in fonts), "headings must use the bold face"
    assert not [w for w in warnings if ".notdef" in w or "glyph" in w], warnings
    assert not warnings, warnings  # no substituted font, no slow fontTools fallback either



@pytest.mark.parametrize("code", CODES)
def test_pages_after_the_first_carry_the_matter_and_version_as_a_running_header(rendered, code):
    version = CATALOGUE.get(code)
    pages = [flat(text) for text in page_texts(rendered[code][0])]
    title, marker = flat(f"{version.definition.name} 办事指南"), flat(f"定义版本 {version.key}")
    assert len(pages) > 1
    assert marker not in pages[0]  # the first page has its own title block instead
    for number, text in enumerate(pages[1:], start=2):
        assert title in text and marker in text, f"page {number}"

def test_text_extracts_as_the_right_chinese_characters(rendered):
    text = flat_text(rendered["road-freight-licence"][0])
    assert "道路货物运输经营许可" in text
    assert "《道路运输经营许可证》" in flat_text(rendered["oversize-transport-permit"][0])
    assert "办事指南" in text and "一、到办事现场次数" in text and "十、设定依据与实施依据" in text


def test_a_checked_code_is_printed_in_the_guide(tmp_path):
    from guides.render import GuideRenderer
    from guides.templating import GUIDES_TEMPLATES, build_environment
    from workflows.catalogue import build_version

    source = (DEFAULT_DIR / "road-works-permit.yaml").read_text(encoding="utf-8")
    source = source.replace("name: 涉路施工许可", 'name: 涉路施工许可\nbasic_code: "000117099000"', 1)
    version = build_version(source, "road-works-permit.yaml")
    renderer = GuideRenderer(build_environment([GUIDES_TEMPLATES]), BASE_URL, demo_profile())
    assert "基本编码000117099000" in flat_text(renderer.pdf_bytes(version))
