"""A version kept in the database before 受理条件 named their materials still loads.

Its conditions were bare sentences; cases started under it must finish under it,
so the office reads them as conditions that name no material, keeps the text
(and so the version key) as stored, and keeps that version's own 容缺 rules.
A definition file on disk must use the current shape (tests/test_definition_rules.py).
"""

import datetime as dt

import pytest
import yaml

from workflows.bootstrap import load_office
from workflows.catalogue import DEFAULT_DIR, parse_definition, version_key
from workflows.db import session as new_session
from workflows.errors import DefinitionError
from workflows.models import DefinitionVersion

FREIGHT = "road-freight-licence"


def old_shape_text() -> str:
    """道路货物运输经营许可 as stored before: bare-sentence conditions, 安全生产管理制度 still tolerable."""
    d = yaml.safe_load((DEFAULT_DIR / f"{FREIGHT}.yaml").read_text(encoding="utf-8"))
    d["acceptance_conditions"] = [c["text"] for c in d["acceptance_conditions"]]
    safety = next(m for m in d["materials"] if m["id"] == "safety_rules")
    safety["tolerance"] = {"days": 3, "channels": ["post", "online", "window"]}
    return yaml.safe_dump(d, allow_unicode=True, sort_keys=False)


def test_a_file_in_the_old_shape_is_refused_but_its_archived_copy_is_read():
    text = old_shape_text()
    with pytest.raises(DefinitionError):
        parse_definition(text, "road-freight-licence.yaml")
    archived = parse_definition(text, "数据库存档", archived=True)
    assert [c.proven_by for c in archived.acceptance_conditions] == [[]] * 6
    assert archived.material("safety_rules").tolerance.days == 3


def test_the_office_starts_with_an_archived_version_in_the_old_shape(engine, clock):
    text = old_shape_text()
    key = version_key(parse_definition(text, "x", archived=True), text)
    with new_session(engine) as s:
        s.add(DefinitionVersion(matter_code=FREIGHT, key=key, version="2026.1", effective_date=dt.date(2026, 1, 1),
                                file=f"{FREIGHT}.yaml", source_text=text, registered_at=clock()))
        s.commit()

    office = load_office(engine, clock=clock)

    old = office.catalogue.get(FREIGHT, key)
    assert old.key == key and old.source_text == text
    assert old.definition.acceptance_conditions[4].text.startswith("有健全的安全生产管理制度")
    assert old.definition.material("safety_rules").tolerance is not None  # its own rules, as when cases began
    assert office.catalogue.get(FREIGHT).definition.material("safety_rules").tolerance is None
