"""The catalogue booklet (汇编): every guide, a table of contents whose page numbers are
right, and PDF bookmarks per matter with its sections beneath."""

from __future__ import annotations

import re

import pytest

from guides.build import BOOKLET_TITLE
from guides.pdfcheck import embedded_fonts, flat, page_texts, reader, weasyprint_warnings
from guides.render import GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment
from tests.guide_papers import SECTIONS
from workflows.catalogue import load_catalogue
from workflows.office import demo_profile
from workflows.profile import UNVERIFIED_MARKS

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def texts(booklet) -> list[str]:
    return page_texts(booklet)


@pytest.fixture(scope="module")
def booklet() -> bytes:
    renderer = GuideRenderer(build_environment([GUIDES_TEMPLATES]), "https://ban.example.gov.cn", demo_profile())
    with weasyprint_warnings() as warnings:
        pdf = renderer.booklet_pdf(CATALOGUE.matters(), title=BOOKLET_TITLE)
    assert not warnings, warnings
    return pdf


def test_bookmarks_name_every_matter_with_its_sections(booklet):
    pdf = reader(booklet)
    outline = pdf.outline
    top = [entry for entry in outline if not isinstance(entry, list)]
    assert [e.title for e in top] == ["目录"] + [v.definition.name for v in CATALOGUE.matters()]
    children = [entry for entry in outline if isinstance(entry, list)]
    assert len(children) == len(CATALOGUE.matters())
    assert all([c.title for c in group] == SECTIONS for group in children)


def test_contents_page_numbers_match_where_each_guide_starts(booklet, texts):
    pdf = reader(booklet)
    starts = {e.title: pdf.get_destination_page_number(e) + 1 for e in pdf.outline if not isinstance(e, list)}
    contents = texts[starts["目录"] - 1]
    for i, version in enumerate(CATALOGUE.matters(), start=1):
        name = version.definition.name
        match = re.search(rf"{i}\.\s*{re.escape(name)}\s*\.+\s*(\d+)", contents)
        assert match, f"{name} missing from the contents"
        assert int(match.group(1)) == starts[name]
        assert flat(name) in flat(texts[starts[name] - 1])  # the guide begins on that page


def test_every_guide_is_in_the_booklet_with_its_materials(booklet, texts):
    text = flat("".join(texts))
    for version in CATALOGUE.matters():
        assert all(flat(m.name) in text for m in version.definition.materials)
    assert f"第1页共{len(texts)}页" not in text  # the cover carries no page number
    assert "第2页共" in text
    assert all(f.embedded and f.subset for f in embedded_fonts(booklet))


def test_the_booklet_prints_no_engine_word_or_unchecked_fact(texts):
    text = flat("".join(texts))
    assert [w for w in ("状态机", "引擎", *UNVERIFIED_MARKS) if w in text] == []
