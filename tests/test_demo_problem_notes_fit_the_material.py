"""The demo's 不符合要求 notes are ones a clerk could write about that paper.

A 管理制度文本 cannot have "expired", and a form handed in as an original cannot be "a blurred copy".
"""

from __future__ import annotations

import pytest

from workflows.catalogue import load_catalogue
from workflows.demo_plans import defect_of

MATERIALS = [(v.code, m) for v in load_catalogue().matters() for m in v.definition.materials]


@pytest.mark.parametrize("material", [m for _, m in MATERIALS], ids=[f"{c}:{m.id}" for c, m in MATERIALS])
def test_each_problem_note_fits_the_kind_of_paper(material):
    notes = defect_of(material)
    assert notes
    for note in notes:
        if "过有效期" in note:
            assert any(w in material.name for w in ("证", "执照", "资格", "合格")), (material.name, note)
        if "复印件" in note and material.originals > 0:
            assert material.copies > 0 or "表" not in material.name, (material.name, note)
        if "申请表" in note:
            assert "表" in material.name, (material.name, note)
    if material.copies == 0 and material.originals > 0:
        assert not any(n.startswith("复印件") for n in notes if "申请表" not in material.name), material.name
