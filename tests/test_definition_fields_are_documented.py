"""docs/definitions.md describes every field of every model of a matter definition, and no other.

Walks the pydantic models from `MatterDefinition` down through every field's
type; each model must have its own section (a heading naming it in backticks)
with a table row per field (`| \`field\` |`). The office's own facts (where
and when to come) are the office profile's, documented in docs/office-profile.md.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from workflows.definition import MatterDefinition

DOC = Path(__file__).resolve().parent.parent / "docs" / "definitions.md"


def models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation names, inside list[…], X | None and Annotated[…]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def all_models(root: type[BaseModel] = MatterDefinition) -> list[type[BaseModel]]:
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


def documented_fields(doc: str) -> dict[str, set[str]]:
    """Model name → the fields its section's table rows name."""
    sections = re.split(r"^#+ ", doc, flags=re.M)
    out: dict[str, set[str]] = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        named = re.match(r"`(\w+)`", heading)
        if named:
            out[named.group(1)] = set(re.findall(r"^\| `(\w+)` \|", body, flags=re.M))
    return out


def test_the_walk_reaches_the_nested_models():
    names = {m.__name__ for m in all_models()}
    assert {"Material", "Condition", "Comparison", "Tolerance", "AcceptanceCondition", "FeeItem"} <= names


def test_every_field_of_every_model_is_documented_and_nothing_else():
    documented = documented_fields(DOC.read_text(encoding="utf-8"))
    missing, stale = [], []
    for model in all_models():
        fields = set(model.model_fields)
        described = documented.get(model.__name__, set())
        missing += [f"{model.__name__}.{name}" for name in sorted(fields - described)]
        stale += [f"{model.__name__}.{name}" for name in sorted(described - fields)]
    assert missing == [], f"fields not described in {DOC.name}"
    assert stale == [], f"{DOC.name} describes fields the models no longer have"


def test_every_documented_model_exists():
    names = {m.__name__ for m in all_models()}
    assert set(documented_fields(DOC.read_text(encoding="utf-8"))) <= names


def test_the_readme_links_the_field_reference():
    readme = (DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/definitions.md" in readme
