"""The definition models as a JSON Schema and as a field reference, both generated from `definition.py`.

`service.py schema` writes them; the committed copies (docs/matter-definition.schema.json, which
the YAML files name in their `yaml-language-server` modeline so an editor checks them as they are
typed, and docs/definition-reference.md) are compared with a fresh generation by the tests, so
neither can drift from the models.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from workflows.definition import MatterDefinition

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "matter-definition.schema.json"
REFERENCE_FILE = ROOT / "docs" / "definition-reference.md"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation names, inside list[…], X | None and Annotated[…]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in models_in(arg)]


def definition_models(root: type[BaseModel] = MatterDefinition) -> list[type[BaseModel]]:
    """Every model a definition is made of, from `root` down, each once, in the order first reached."""
    seen: list[type[BaseModel]] = []
    pending = [root]
    while pending:
        model = pending.pop(0)
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            pending += models_in(info.annotation)
    return seen


def json_schema() -> dict[str, Any]:
    """The JSON Schema a matter definition file must satisfy (the cross-field rules are the loader's)."""
    schema = MatterDefinition.model_json_schema(mode="validation")
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


# ---- the field reference ------------------------------------------------------

def markdown_reference() -> str:
    """docs/definition-reference.md: one section per model, one table row per field."""
    schema = json_schema()
    defs: dict[str, dict[str, Any]] = schema.get("$defs", {})
    lines = [
        "<!-- Generated from workflows/definition.py by `service.py schema --markdown`; do not edit by hand. -->",
        "",
        "# Matter definition field reference",
        "",
        "Every field of a matter definition (`workflows/definitions/*.yaml`), generated from the models'",
        "descriptions and examples. What the files are and the conventions they follow:",
        "[definitions.md](definitions.md). Cross-field rules (承诺时限 ≤ 法定时限, no 容缺 on a material",
        "that proves a 受理条件, …) are checked at load and named in the descriptions; the JSON Schema",
        "([matter-definition.schema.json](matter-definition.schema.json)) checks the rest as the file is typed.",
    ]
    for model in definition_models():
        lines += _model_section(model, schema if model is MatterDefinition else defs[model.__name__], defs)
    return "\n".join(lines) + "\n"


def reference_sections(root: type[BaseModel]) -> list[str]:
    """One field table per model reached from `root`: the same reference for other declared files
    (inspections/items/*.yaml's `docs/inspection-item-reference.md`)."""
    schema = root.model_json_schema(mode="validation")
    defs: dict[str, dict[str, Any]] = schema.get("$defs", {})
    lines: list[str] = []
    for model in definition_models(root):
        lines += _model_section(model, schema if model is root else defs[model.__name__], defs)
    return lines


def _model_section(model: type[BaseModel], model_schema: dict[str, Any],
                   defs: dict[str, dict[str, Any]]) -> list[str]:
    out = ["", f"## `{model.__name__}`", "", model_schema.get("description", ""), "",
           "| field | type | required / default | meaning | examples |", "|---|---|---|---|---|"]
    for field, prop in model_schema["properties"].items():
        info = model.model_fields[field]
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        presence = "required" if info.is_required() else f"default {_default(default)}"
        examples = "; ".join(f"`{_example(e)}`" for e in prop.get("examples", []))
        out.append(f"| `{field}` | {_type(prop, defs)} | {presence} | {_cell(prop.get('description', ''))} "
                   f"| {examples} |")
    return out


def _type(prop: dict[str, Any], defs: dict[str, dict[str, Any]]) -> str:
    if "$ref" in prop:
        target = prop["$ref"].rsplit("/", 1)[-1]
        if "enum" in defs[target]:
            return _one_of(defs[target]["enum"])
        return f"[`{target}`](#{target.lower()})"
    if "anyOf" in prop:
        kinds = [option for option in prop["anyOf"] if option.get("type") != "null"]
        text = " or ".join(_type(option, defs) for option in kinds)
        return text + (", optional" if len(kinds) < len(prop["anyOf"]) else "")
    if "enum" in prop:
        return _one_of(prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        item = _type(prop["items"], defs)
        text = f"list, each {item}" if item.startswith("one of") else f"list of {item}"
        return text + (f", at least {prop['minItems']}" if "minItems" in prop else "")
    if kind == "integer":
        low, high = prop.get("minimum"), prop.get("maximum")
        if low is not None and high is not None:
            return f"integer {low}–{high}"
        return "integer" + (f" ≥ {low}" if low is not None else "")
    if kind == "string":
        if "pattern" in prop:
            return f"text matching `{prop['pattern']}`"
        if prop.get("format") == "date":
            return "date (YYYY-MM-DD)"
        return "text, not blank" if prop.get("minLength") else "text"
    return {"number": "number", "boolean": "bool"}.get(kind or "", str(kind))


def _one_of(values: list[Any]) -> str:
    return "one of " + ", ".join(f"`{v}`" for v in values)


def _default(value: Any) -> str:
    if value is None:
        return "none"
    if value == []:
        return "empty"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k} `{v}`" for k, v in value.model_dump(mode="json").items())
    return f"`{_example(value)}`"


def _example(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|")


def _cell(text: str) -> str:
    """Text inside a table cell: no pipes, no line breaks."""
    return text.replace("|", "\\|").replace("\n\n", "<br>").replace("\n", " ")
