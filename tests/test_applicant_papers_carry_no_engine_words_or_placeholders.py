"""What an applicant reads (every guide and 简版, as PDF and as a page, and the public catalogue)
speaks their language: no engine words, no unchecked facts (待核实, 示意), one date style."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from guides.pdfcheck import flat, flat_text
from tests.guide_papers import CATALOGUE, CODES, checklist_pdf, guide_pdf
from workflows.localtime import cn_day
from workflows.profile import UNVERIFIED_MARKS

ENGINE_WORDS = ("状态机", "引擎", "transitions", "trigger")
FORBIDDEN = (*ENGINE_WORDS, *UNVERIFIED_MARKS)
OTHER_DATE_STYLES = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{4}")


def _forbidden(text: str) -> list[str]:
    return [word for word in FORBIDDEN if word in text]


def _page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser").get_text()


@pytest.mark.parametrize("code", CODES)
def test_guide_and_checklist_pdfs_say_nothing_an_applicant_cannot_use(code):
    effective = flat(cn_day(CATALOGUE.get(code).definition.effective_date))
    for pdf in (guide_pdf(code), checklist_pdf(code)):
        text = flat_text(pdf)
        assert _forbidden(text) == []
        assert OTHER_DATE_STYLES.findall(text) == []
        assert f"自{effective}起施行" in text  # 2026年1月1日, the one date style


@pytest.mark.parametrize("code", CODES)
def test_guide_and_checklist_pages_say_nothing_an_applicant_cannot_use(client, code):
    for url in (f"/guides/{code}", f"/guides/{code}/checklist"):
        text = _page_text(client, url)
        assert _forbidden(text) == [], url
        assert OTHER_DATE_STYLES.findall(text) == [], url


def test_the_public_catalogue_says_nothing_an_applicant_cannot_use(client):
    text = _page_text(client, "/public")
    assert _forbidden(text) == []


def test_the_flow_legend_explains_the_diagram_in_the_applicants_words():
    text = flat_text(guide_pdf("road-freight-licence"))
    assert "流程图按本事项的办理规则绘制" in text
    assert "以上次数按材料齐全、一次带齐计算" in text
