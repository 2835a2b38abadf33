"""Every error code is a class of the one hierarchy in workflows/errors.py, and the API documents it.

The classes are collected from the hierarchy itself (after importing every module, so that a class
defined anywhere is found): a new error is checked without being listed here.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from windows.errors import answerable_errors, status_of_class
from workflows import errors

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def import_everything() -> None:
    """Every module of the four packages, so that every subclass anywhere is defined."""
    for package in ("workflows", "windows", "guides", "audit"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue  # Alembic's scripts run inside a migration, not on import
            importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))


@pytest.fixture(scope="module")
def hierarchy() -> list[type[errors.DomainError]]:
    import_everything()
    return errors.every_error()


def test_the_hierarchy_holds_the_errors_of_every_layer(hierarchy):
    codes = {cls.code for cls in hierarchy}
    # one from each layer, as a check that the collection reaches them
    assert {"case-changed", "login-required", "paper-not-called-for", "date-out-of-range", "no-such-path",
            "promised-exceeds-legal"} <= codes


def test_every_error_class_says_its_own_code_and_a_chinese_message(hierarchy):
    for cls in hierarchy:
        assert "code" in vars(cls) and CODE.match(cls.code), cls
        assert "message" in vars(cls) and CJK.search(cls.message), cls


def test_no_two_error_classes_share_a_code(hierarchy):
    seen: dict[str, type] = {}
    for cls in hierarchy:
        assert cls.code not in seen, (cls, seen.get(cls.code))
        seen[cls.code] = cls


def test_every_error_class_is_defined_in_workflows_errors(hierarchy):
    assert [cls for cls in hierarchy if cls.__module__ != "workflows.errors"] == []


def test_every_code_a_request_can_meet_is_in_the_openapi_error_schema_with_its_status(app, hierarchy):
    schema = app.openapi()["components"]["schemas"]["ErrorOut"]["properties"]["code"]
    answerable = answerable_errors()
    assert set(answerable) == {cls for cls in hierarchy if not issubclass(cls, errors.LoadError)}
    assert sorted(schema["enum"]) == sorted(cls.code for cls in answerable)
    rows = schema["description"].splitlines()
    for cls in answerable:
        status = "原状态" if cls is errors.RequestRefused else str(status_of_class(cls))
        assert f"| `{cls.code}` | {status} | {cls.message} |" in rows, cls


def test_load_time_rules_are_not_offered_as_api_answers(app):
    documented = set(app.openapi()["components"]["schemas"]["ErrorOut"]["properties"]["code"]["enum"])
    load_time = {cls.code for cls in errors.every_error(errors.LoadError)}
    assert "promised-exceeds-legal" in load_time and not documented & load_time
