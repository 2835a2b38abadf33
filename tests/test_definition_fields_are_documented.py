"""The definition schema documents itself, and its committed documents cannot drift from the models.

Every field of every model of a matter definition (walked from `MatterDefinition`
down) carries a description, and an example from the catalogue wherever the
catalogue fills it. docs/definition-reference.md and
docs/matter-definition.schema.json are generated from the models and must equal a
fresh generation; docs/definitions.md keeps the narrative and no field table of its
own. Every catalogue file names the schema in its editor modeline, which changes
neither the definition nor its version key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from pydantic import BaseModel

from tests.support import run_cli
from workflows.catalogue import DEFAULT_DIR, MODELINE, load_catalogue, parse_definition, version_key
from workflows.definition import MatterDefinition
from workflows.definition_schema import (
    REFERENCE_FILE, SCHEMA_FILE, definition_models, json_schema, json_schema_text, markdown_reference, models_in,
)
from workflows.errors import DefinitionError

DOCS = REFERENCE_FILE.parent
README = DOCS.parent / "README.md"
CATALOGUE_FILES = sorted(DEFAULT_DIR.glob("*.yaml"))
REGENERATE = "regenerate with `make docs`"


def is_model_field(model: type[BaseModel], name: str) -> bool:
    """A field whose value is a nested model (or a list of them): its own model documents the examples."""
    return bool(models_in(model.model_fields[name].annotation))


def catalogue_values() -> dict[tuple[str, str], list[Any]]:
    """(model, field) → every value the catalogue's definitions give that field, in JSON form."""
    values: dict[tuple[str, str], list[Any]] = defaultdict(list)

    def walk(obj: Any) -> None:
        if isinstance(obj, list):
            for item in obj:
                walk(item)
        if not isinstance(obj, BaseModel):
            return
        dumped = obj.model_dump(mode="json")
        for name in type(obj).model_fields:
            if not is_model_field(type(obj), name):
                values[(type(obj).__name__, name)].append(dumped[name])
            walk(getattr(obj, name))

    for version in load_catalogue(DEFAULT_DIR).matters():
        walk(version.definition)
    return values


def used_by_the_catalogue(example: Any, used: list[Any]) -> bool:
    """A list example may be any selection of the items the catalogue uses; any other example, a value it uses."""
    if isinstance(example, list):
        items = [item for value in used if isinstance(value, list) for item in value]
        return all(item in items for item in example)
    return example in used


def test_the_walk_reaches_the_nested_models():
    names = {m.__name__ for m in definition_models()}
    assert {"Material", "Condition", "Comparison", "Tolerance", "AcceptanceCondition", "FeeItem"} <= names


def test_every_field_of_every_definition_model_has_a_description():
    undescribed = [f"{model.__name__}.{name}" for model in definition_models()
                   for name, info in model.model_fields.items() if not (info.description or "").strip()]
    assert undescribed == []


def test_every_definition_model_says_what_it_is():
    assert [m.__name__ for m in definition_models() if not (m.__doc__ or "").strip()] == []


def test_every_example_is_a_value_some_matter_of_the_catalogue_gives_that_field():
    used = catalogue_values()
    invented = [f"{model.__name__}.{name}: {example!r}" for model in definition_models()
                for name, info in model.model_fields.items() for example in info.examples or []
                if not used_by_the_catalogue(example, used[(model.__name__, name)])]
    assert invented == []


def test_every_field_the_catalogue_fills_has_an_example():
    used = catalogue_values()
    missing = [f"{model.__name__}.{name}" for model in definition_models()
               for name, info in model.model_fields.items()
               if not is_model_field(model, name) and not info.examples
               and any(value not in (None, []) for value in used[(model.__name__, name)])]
    assert missing == []


def test_the_committed_field_reference_is_the_one_the_models_generate():
    committed = REFERENCE_FILE.read_text(encoding="utf-8")
    assert committed == markdown_reference(), f"{REFERENCE_FILE.name} is stale: {REGENERATE}"


def test_the_committed_json_schema_is_the_one_the_models_generate():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json_schema_text(), f"{SCHEMA_FILE.name} is stale: {REGENERATE}"


def test_the_reference_has_a_row_for_every_field_of_every_model_with_its_description():
    sections = re.split(r"^## ", markdown_reference(), flags=re.M)[1:]
    rows = {section.partition("\n")[0].strip("`"): dict(re.findall(r"^\| `(\w+)` \|(.*)$", section, flags=re.M))
            for section in sections}
    for model in definition_models():
        assert set(rows[model.__name__]) == set(model.model_fields), model.__name__
        for name, info in model.model_fields.items():
            assert (info.description or "").split(". ")[0].replace("|", "\\|") in rows[model.__name__][name]


def test_the_narrative_page_has_no_field_table_and_points_to_the_reference():
    narrative = (DOCS / "definitions.md").read_text(encoding="utf-8")
    assert re.findall(r"^\| `\w+` \|", narrative, flags=re.M) == []
    assert "(definition-reference.md)" in narrative


def test_the_readme_links_the_field_reference():
    assert "docs/definition-reference.md" in README.read_text(encoding="utf-8")


# ---- the schema the editor checks against -------------------------------------

def as_json(value: Any) -> Any:
    """A parsed YAML document as the editor's language server sees it (dates as text)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else v))


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=lambda p: p.stem)
def test_every_catalogue_file_names_the_committed_schema_in_its_first_line(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE)
    assert (path.parent / first.removeprefix(MODELINE)).resolve() == SCHEMA_FILE


def test_the_json_schema_accepts_every_catalogue_file():
    validator = jsonschema_rs.validator_for(json_schema())
    problems = {p.name: [e.message for e in validator.iter_errors(as_json(yaml.safe_load(p.read_text("utf-8"))))]
                for p in CATALOGUE_FILES}
    assert problems == {p.name: [] for p in CATALOGUE_FILES}


def test_the_json_schema_refuses_a_misspelt_field_and_a_value_out_of_bounds():
    validator = jsonschema_rs.validator_for(json_schema())
    d = as_json(yaml.safe_load(CATALOGUE_FILES[0].read_text("utf-8")))
    misspelt = {**d, "case_kinds": d["case_kind"]}
    too_long = {**d, "limits": {**d["limits"], "legal_days": 400}}
    assert not validator.is_valid(misspelt)
    assert not validator.is_valid(too_long)


def test_the_modeline_changes_neither_the_definition_nor_its_version_key():
    text = (DEFAULT_DIR / "road-freight-licence.yaml").read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if not line.startswith(MODELINE)) + "\n"
    assert without != text
    with_line, without_line = parse_definition(text, "a.yaml"), parse_definition(without, "b.yaml")
    assert with_line == without_line
    assert version_key(with_line, text) == version_key(without_line, without)
    assert version_key(with_line, text) != version_key(with_line, text.replace("2026.1", "2026.2", 1))


def test_a_bad_file_with_the_modeline_still_names_the_file_the_field_and_the_rule():
    text = (DEFAULT_DIR / "road-freight-licence.yaml").read_text(encoding="utf-8")
    broken = re.sub(r"promised_days: \d+", "promised_days: 300", text, count=1)
    with pytest.raises(DefinitionError) as caught:
        parse_definition(broken, "road-freight-licence.yaml")
    assert "road-freight-licence.yaml: limits.promised_days: 承诺办结时限不得超过法定办结时限" in str(caught.value)


def test_the_schema_command_writes_the_json_schema_to_a_file_and_the_reference_to_stdout(tmp_path):
    out = tmp_path / "schema.json"

    written = run_cli("schema", "--output", str(out))
    printed = run_cli("schema", "--markdown")

    assert written.returncode == 0 and printed.returncode == 0, written.stderr + printed.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == json_schema()
    assert json_schema()["title"] == MatterDefinition.__name__
    assert printed.stdout == markdown_reference()
