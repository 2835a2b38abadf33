"""The 简版 checklist lists what everyone brings, each with its box, then groups the conditional
materials under the question that decides them, one box per answer. Two materials that can never
both apply are never listed side by side as 缺一不可: each sits under its own answer, and a question
whose answers exclude each other says only one applies."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from guides.context import Checklist, branch_heading, checklist, material_row
from guides.pdfcheck import flat, flat_text
from guides.render import CHECKLIST
from tests.guide_papers import CATALOGUE, CODES, checklist_pdf, renderer
from workflows.definition import CaseField, Comparison, Condition, MatterDefinition, Necessity

ONLY_ONE = "以下情形只适用其一"


def _checklist(d: MatterDefinition) -> Checklist:
    return checklist(d, tuple(material_row(i, m) for i, m in enumerate(d.materials, start=1)))


def _headed(condition: Condition | None, when: str) -> Condition:
    assert condition is not None, "only a conditional material gets a `when` heading"
    return condition.model_copy(update={"when": when})


def _with_when(d: MatterDefinition, headings: dict[str, str]) -> MatterDefinition:
    """The definition with the short `when` headings given per material id."""
    materials = [m.model_copy(update={"condition": _headed(m.condition, headings[m.id])})
                 if m.id in headings else m for m in d.materials]
    return d.model_copy(update={"materials": materials})


def _conditional(d: MatterDefinition, fields: list[CaseField], conditions: dict[str, Condition]) -> MatterDefinition:
    """The definition's materials, the first few made conditional on hand-written conditions."""
    ids = iter(conditions)
    materials = []
    for m in d.materials:
        mid = next(ids, None)
        if mid is None:
            materials.append(m.model_copy(update={"condition": None, "necessity": Necessity.REQUIRED}))
        else:
            materials.append(m.model_copy(update={"id": mid, "necessity": Necessity.CONDITIONAL,
                                                  "condition": conditions[mid]}))
    return d.model_copy(update={"case_fields": fields, "materials": materials})


def test_road_freight_groups_by_agent_and_by_vehicles_bought_or_not():
    d = _with_when(CATALOGUE.get("road-freight-licence").definition,
                   {"agent_id_and_mandate": "委托他人代为办理的", "vehicle_licence_copies": "已购置车辆的",
                    "vehicle_grade_copies": "已购置车辆的", "vehicle_commitment": "尚未购置车辆的"})
    c = _checklist(d)
    assert [m.name for m in c.unconditional] == [m.name for m in d.materials if m.condition is None]
    agent, vehicles = c.groups
    assert (agent.question, agent.fields, agent.exclusive, agent.exhaustive) == (
        "是否委托经办人办理", ("by_agent",), True, False)
    assert [(b.when, [m.name for m in b.materials]) for b in agent.branches] == [
        ("委托他人代为办理的", ["经办人身份证明及授权委托书"])]
    assert (vehicles.question, vehicles.fields, vehicles.exclusive, vehicles.exhaustive) == (
        "是否已购置拟投入运输的车辆", ("vehicles_ready",), True, True)
    assert [(b.when, [m.name for m in b.materials]) for b in vehicles.branches] == [
        ("已购置车辆的", ["机动车行驶证复印件", "车辆技术等级评定结论复印件"]),
        ("尚未购置车辆的", ["拟投入运输车辆承诺书"])]


def test_without_a_short_heading_a_branch_is_headed_by_the_conditions_lead_clause():
    condition = Condition(any_of=[Comparison(field="by_agent", op="eq", value=True)],
                          text="委托他人代为办理的，提交经办人身份证明和授权委托书原件。")
    assert branch_heading(condition) == "委托他人代为办理的"
    assert branch_heading(condition.model_copy(update={"when": "委托办理的"})) == "委托办理的"
    plain = Condition(any_of=[Comparison(field="by_agent", op="eq", value=True)], text="经办人代为办理")
    assert branch_heading(plain) == "经办人代为办理"


def _coverage(fields: list[CaseField], *conditions: Condition) -> tuple[bool, bool]:
    base = CATALOGUE.get("road-freight-licence").definition
    d = _conditional(base, fields, {f"m{i}": c for i, c in enumerate(conditions)})
    (group,) = _checklist(d).groups
    assert len(group.branches) == len(conditions)
    return group.exclusive, group.exhaustive


def _cond(*comparisons: tuple[str, str, object], all_of: bool = False) -> Condition:
    cs = [Comparison(field=f, op=op, value=v) for f, op, v in comparisons]
    return Condition(all_of=cs, text="情形") if all_of else Condition(any_of=cs, text="情形")


def test_exclusive_and_exhaustive_are_found_from_the_comparisons():
    height = [CaseField(id="height_m", label="车货总高度", type="number", unit="米")]
    assert _coverage(height, _cond(("height_m", "gt", 4.5)), _cond(("height_m", "le", 4.5))) == (True, True)
    assert _coverage(height, _cond(("height_m", "gt", 4.5)), _cond(("height_m", "gt", 3))) == (False, False)
    assert _coverage(height, _cond(("height_m", "gt", 4.5)), _cond(("height_m", "lt", 4.5))) == (True, False)
    # Between two thresholds: 4.2 is neither at least 4.5 nor below 4; and both above 4 and below 4.5.
    assert _coverage(height, _cond(("height_m", "ge", 4.5)), _cond(("height_m", "lt", 4))) == (True, False)
    assert _coverage(height, _cond(("height_m", "gt", 4)), _cond(("height_m", "lt", 4.5))) == (False, True)
    kind = [CaseField(id="kind", label="申请人类型", type="text")]
    assert _coverage(kind, _cond(("kind", "eq", "企业")), _cond(("kind", "eq", "个人"))) == (True, False)
    assert _coverage(kind, _cond(("kind", "eq", "企业")), _cond(("kind", "ne", "企业"))) == (True, True)
    agent = [CaseField(id="by_agent", label="委托经办人办理", type="bool")]
    assert _coverage(agent, _cond(("by_agent", "eq", True)), _cond(("by_agent", "ne", True))) == (True, True)
    two = [CaseField(id="a", label="甲", type="bool"), CaseField(id="b", label="乙", type="bool")]
    assert _coverage(two, _cond(("a", "eq", True), ("b", "eq", True), all_of=True),
                     _cond(("a", "eq", False), ("b", "eq", True))) == (False, False)


@pytest.mark.parametrize("code", CODES)
def test_every_material_is_listed_once_either_for_everyone_or_under_one_answer(code):
    d = CATALOGUE.get(code).definition
    c = _checklist(d)
    listed = [m.name for m in c.unconditional] + [m.name for g in c.groups for b in g.branches for m in b.materials]
    assert sorted(listed) == sorted(m.name for m in d.materials)
    by_name = {m.name: m for m in d.materials}
    assert all(by_name[m.name].condition is None for m in c.unconditional)
    for group in c.groups:
        for branch in group.branches:
            for row in branch.materials:
                condition = by_name[row.name].condition
                assert {x.field for x in (*condition.any_of, *condition.all_of)} == set(group.fields)


def _sheet(code: str) -> BeautifulSoup:
    return BeautifulSoup(renderer().html(CATALOGUE.get(code), CHECKLIST, screen=True), "html.parser")


@pytest.mark.parametrize("code", CODES)
def test_the_checklist_page_has_one_box_per_everyones_material_and_per_answer(code):
    d, c = CATALOGUE.get(code).definition, _checklist(CATALOGUE.get(code).definition)
    sheet = _sheet(code)
    everyone = sheet.select("table.checklist tbody.everyone tr.material")
    assert [r.find("strong").get_text(strip=True) for r in everyone] == [m.name for m in c.unconditional]
    assert all(len(r.select("span.tick")) == 1 for r in everyone)
    conditional = {m.name for m in d.materials if m.condition is not None}
    assert not conditional & {r.find("strong").get_text(strip=True) for r in everyone}
    for n, group in enumerate(c.groups, start=1):
        (question,) = sheet.select(f'tbody.question[data-group="{n}"]')
        assert group.question in question.get_text()
        branches = sheet.select(f'tbody.branch[data-group="{n}"]')
        assert len(branches) == len(group.branches)
        for element, branch in zip(branches, group.branches, strict=True):
            assert len(element.select("span.tick")) == 1
            assert element.select_one(".when").get_text(strip=True) == f"{branch.when}："
            names = [s.get_text(strip=True) for s in element.select("tr.material strong")]
            assert names == [m.name for m in branch.materials]
        if len(group.branches) > 1 and group.exclusive:
            assert ONLY_ONE in question.get_text()  # never two 缺一不可 answers without saying only one applies


@pytest.mark.parametrize("code", CODES)
def test_the_checklist_pdf_puts_each_answers_materials_under_its_question_and_heading(code):
    c = _checklist(CATALOGUE.get(code).definition)
    text = flat_text(checklist_pdf(code))
    at = 0
    for group in c.groups:
        at = text.index(flat(group.question), at)
        if len(group.branches) > 1 and group.exclusive:
            assert text.index(ONLY_ONE, at) < text.index(flat(group.branches[0].when), at)
        for branch in group.branches:
            at = text.index(flat(f"{branch.when}："), at)
            for row in branch.materials:
                at = text.index(flat(row.name), at)


def test_a_question_reads_as_the_definition_asks_it_where_it_says_how():
    from guides.context import checklist, material_row
    from workflows.catalogue import load_catalogue

    d = load_catalogue().get("ride-hailing-vehicle-permit").definition
    rows = tuple(material_row(i, m) for i, m in enumerate(d.materials, start=1))
    questions = [g.question for g in checklist(d, rows).groups]
    assert "车辆所有人是否为个人" in questions and "是否车辆所有人为个人" not in questions
