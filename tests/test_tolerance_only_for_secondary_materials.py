"""容缺受理 is a legal promise: only materials that prove no 受理条件 may follow later.

The loader refuses a tolerance on a material a condition names in `proven_by`
(tests/test_definition_rules.py breaks a file that way); these tests hold the
catalogue itself to it, matter by matter, and check 容缺 still exists in it.
"""

import pytest

from workflows.catalogue import load_catalogue
from workflows.definition import Necessity, rule_violations

CATALOGUE = load_catalogue()
CODES = [v.code for v in CATALOGUE.matters()]


@pytest.mark.parametrize("code", CODES)
def test_every_definition_passes_every_rule(code):
    assert rule_violations(CATALOGUE.get(code).definition) == []


@pytest.mark.parametrize("code", CODES)
def test_no_tolerable_material_proves_a_condition(code):
    d = CATALOGUE.get(code).definition
    proving = {mid for c in d.acceptance_conditions for mid in c.proven_by}
    assert [m.id for m in d.materials if m.tolerance and m.id in proving] == []


@pytest.mark.parametrize("code", CODES)
def test_every_condition_names_only_materials_of_its_matter(code):
    d = CATALOGUE.get(code).definition
    ids = {m.id for m in d.materials}
    assert {mid for c in d.acceptance_conditions for mid in c.proven_by} <= ids


def test_the_catalogue_still_offers_tolerance_on_secondary_materials():
    tolerable = {(v.code, m.id) for v in CATALOGUE.matters() for m in v.definition.materials if m.tolerance}
    assert tolerable == {
        ("road-freight-licence", "vehicle_grade_copies"),
        ("road-passenger-licence", "articles_of_association"),
        ("port-operation-licence", "business_licence"),
        ("ride-hailing-vehicle-permit", "vehicle_photos"),
        ("dangerous-goods-road-transport-licence", "articles_of_association"),
    }
    for code, material_id in tolerable:
        assert CATALOGUE.get(code).definition.material(material_id).necessity is not Necessity.OPTIONAL


@pytest.mark.parametrize("code, material_id, condition_words", [
    ("road-freight-licence", "safety_rules", "安全生产管理制度"),
    ("road-passenger-licence", "safety_rules", "安全生产管理制度"),
    ("waterway-transport-licence", "safety_rules", "安全管理制度"),
    ("port-operation-licence", "staff_qualifications", "专业技术人员和管理人员"),
    ("dangerous-goods-road-transport-licence", "safety_rules", "安全生产管理制度"),
    ("dangerous-goods-road-transport-licence", "parking_proof", "停车场地"),
])
def test_a_material_that_proves_a_condition_is_tied_to_it_and_not_tolerable(code, material_id, condition_words):
    d = CATALOGUE.get(code).definition
    [condition] = [c for c in d.acceptance_conditions if material_id in c.proven_by]
    assert condition_words in condition.text
    assert d.material(material_id).tolerance is None
