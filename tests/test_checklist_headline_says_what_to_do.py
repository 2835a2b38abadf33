"""The 简版's headline tells the reader what to do, from the visit analysis of the matter: which way
of applying and receiving needs no visit, or how many visits there are and what for."""

from __future__ import annotations

import pytest
import yaml
from bs4 import BeautifulSoup

from guides.context import headline
from guides.pdfcheck import flat, flat_text
from guides.render import CHECKLIST
from tests.guide_papers import CATALOGUE, CODES, checklist_pdf, renderer
from workflows.catalogue import MatterVersion, build_version
from workflows.definition import CaseKind

EXPECTED = {
    # online or mailed in, mailed back or an electronic licence: no visit
    "road-freight-licence": "网上申请、邮寄送达或领取电子证照可一次不跑；到窗口办理请带齐以下材料",
    "ride-hailing-vehicle-permit": "网上申请、邮寄送达可一次不跑；到窗口办理请带齐以下材料",
    # 即办件: the counter decides on the spot
    "vehicle-repair-filing": "网上申请、领取电子证照可一次不跑；到窗口办理请带齐以下材料，当场办结",
    # window only, collected at the window
    "port-operation-licence": "本事项需到现场 2 次（递交、领证）；递交时请带齐以下材料",
}


def _headline(version: MatterVersion) -> str:
    return headline(version.visits, immediate=version.definition.case_kind is CaseKind.IMMEDIATE)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_headline_of_each_kind_of_matter(code):
    assert _headline(CATALOGUE.get(code)) == EXPECTED[code]


def _variant(code: str, **changes) -> MatterVersion:
    raw = yaml.safe_load(CATALOGUE.get(code).source_text) | changes
    return build_version(yaml.safe_dump(raw, allow_unicode=True), f"{code}.yaml")


def test_one_visit_is_said_as_one():
    version = _variant("road-freight-licence", application_channels=["window"], delivery_methods=["mail"])
    assert version.visits.visits == 1
    assert _headline(version) == "到窗口申请、邮寄送达只需跑一次；到窗口请带齐以下材料"


@pytest.mark.parametrize("code", CODES)
def test_the_headline_agrees_with_the_visit_count_and_heads_the_checklist(code):
    version = CATALOGUE.get(code)
    line = _headline(version)
    visits = version.visits.visits
    assert ("可一次不跑" in line) == (visits == 0)
    assert ("只需跑一次" in line) == (visits == 1)
    assert (f"需到现场 {visits} 次" in line) == (visits > 1)
    sheet = BeautifulSoup(renderer().html(version, CHECKLIST), "html.parser")
    assert sheet.select_one("p.headline").get_text() == line
    text = flat_text(checklist_pdf(code))
    assert text.index(flat(line)) < text.index(flat(version.definition.materials[0].name))
