"""Every conditional material carries a short heading (`condition.when`) naming the question
that decides it, so a checklist can group "已购置车辆的 / 尚未购置车辆的"; materials one
question decides share one heading."""

import pytest

from workflows.catalogue import load_catalogue
from workflows.definition import Necessity

CATALOGUE = load_catalogue()
CONDITIONAL = [(v.code, m.id) for v in CATALOGUE.matters() for m in v.definition.materials
               if m.necessity is Necessity.CONDITIONAL]


def when_of(code: str, material_id: str) -> str | None:
    condition = CATALOGUE.get(code).definition.material(material_id).condition
    assert condition is not None, f"{material_id} is not a conditional material"
    return condition.when


@pytest.mark.parametrize("code, material_id", CONDITIONAL, ids=[f"{c}-{m}" for c, m in CONDITIONAL])
def test_each_conditional_material_has_a_short_heading(code, material_id):
    condition = CATALOGUE.get(code).definition.material(material_id).condition
    assert condition.when and len(condition.when) <= 30  # a heading, not the sentence in `text`
    assert condition.when.endswith("的")  # it reads as "who this is for": 已购置车辆的 …


def test_one_question_gives_one_heading_and_its_answers_differ():
    assert when_of("road-freight-licence", "vehicle_licence_copies") == "已购置车辆的"
    assert when_of("road-freight-licence", "vehicle_grade_copies") == "已购置车辆的"
    assert when_of("road-freight-licence", "vehicle_commitment") == "尚未购置车辆的"
    assert when_of("road-freight-licence", "agent_id_and_mandate") == "委托他人代为办理的"
    assert when_of("oversize-transport-permit", "outline_drawing") == when_of("oversize-transport-permit",
                                                                             "escort_plan")


@pytest.mark.parametrize("version", CATALOGUE.matters(), ids=lambda v: v.code)
def test_materials_under_one_heading_are_decided_by_the_same_test(version):
    """Two materials under one heading ask the same thing of the case data."""
    tests_by_heading: dict[str, set] = {}
    for m in version.definition.materials:
        if m.condition is not None:
            test = (tuple(m.condition.any_of), tuple(m.condition.all_of))
            tests_by_heading.setdefault(m.condition.when, set()).add(test)
    assert all(len(tests) == 1 for tests in tests_by_heading.values()), tests_by_heading
