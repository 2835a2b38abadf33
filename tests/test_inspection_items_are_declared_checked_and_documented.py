"""The 抽查事项清单 is data: each file is validated at load (a wrong one names the file, the field and the
rule), covers matters of the catalogue, and every field is described in the committed reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.items import ITEMS_DIR, REFERENCE_FILE, InspectionItem, load_items, parse_item, reference
from tests.support import run_cli
from workflows.catalogue import DEFAULT_DIR, load_catalogue
from workflows.definition_schema import definition_models
from workflows.errors import DefinitionError

FREIGHT = (ITEMS_DIR / "road-freight-operation.yaml").read_text(encoding="utf-8")


def test_the_bundled_items_load_and_cover_matters_of_the_catalogue():
    matters = {v.code for v in load_catalogue(DEFAULT_DIR).matters()}
    items = load_items(matters=matters)
    assert set(items) == {"road-freight-operation", "road-passenger-operation"}
    assert {i.category.value for i in items.values()} == {"重点", "一般"}
    assert all(i.team_size >= 2 for i in items.values())


@pytest.mark.parametrize("change, field, rule", [
    (("ratio_percent: 5", "ratio_percent: 0"), "sampling.ratio_percent", "0"),
    (("team_size: 2", "team_size: 1"), "team_size", "2"),
    (("frequency: 每年一次", "frequency: 每月一次"), "sampling.frequency", "每年一次"),
    (("category: 一般", "category: 普通"), "category", "重点"),
    (("department: 运输管理科", "departmint: 运输管理科"), "departmint", ""),
])
def test_a_wrong_file_names_the_file_the_field_and_the_rule(change, field, rule):
    with pytest.raises(DefinitionError) as caught:
        parse_item(FREIGHT.replace(*change), "road-freight-operation.yaml")
    message = str(caught.value)
    assert f"road-freight-operation.yaml: {field}: " in message
    assert rule in message.split(f"{field}: ", 1)[1]


def test_a_matter_the_catalogue_does_not_have_is_named():
    with pytest.raises(DefinitionError) as caught:
        parse_item(FREIGHT.replace("[road-freight-licence]", "[road-freight-license]"), "road-freight-operation.yaml",
                   matters={"road-freight-licence"})
    assert "road-freight-operation.yaml: scope.matters[0]: 事项目录中没有事项 road-freight-license" in str(caught.value)


def test_the_file_name_is_the_items_code(tmp_path: Path):
    (tmp_path / "other-name.yaml").write_text(FREIGHT, encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"other-name\.yaml: code: "):
        load_items(tmp_path)


def test_every_field_of_every_item_model_is_described():
    undescribed = [f"{m.__name__}.{name}" for m in definition_models(InspectionItem)
                   for name, info in m.model_fields.items() if not (info.description or "").strip()]
    assert undescribed == []


def test_the_committed_reference_is_the_one_the_models_generate():
    assert REFERENCE_FILE.read_text(encoding="utf-8") == reference(), \
        "regenerate: service.py inspections reference > docs/inspection-item-reference.md"
    for m in definition_models(InspectionItem):
        for name in m.model_fields:
            assert f"| `{name}` |" in reference(), name


def test_the_reference_command_prints_it():
    printed = run_cli("inspections", "reference")
    assert printed.returncode == 0 and printed.stdout == reference()
