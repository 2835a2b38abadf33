"""A case keeps the definition version it started under. Editing a definition file
makes a new version; cases already running finish on the old one, even after the
office restarts with only the edited file on disk."""

import shutil

import pytest
import yaml
from sqlmodel import select

from tests.support import STAFF, open_complete, run_to_close, stored
from workflows import cases
from workflows.bootstrap import load_office
from workflows.catalogue import DEFAULT_DIR
from workflows.db import session as new_session
from workflows.models import DefinitionVersion
from workflows.queries import events_of, get_case
from workflows.replay import replay

FREIGHT = "road-freight-licence"


@pytest.fixture
def definitions(tmp_path):
    directory = tmp_path / "definitions"
    shutil.copytree(DEFAULT_DIR, directory)
    return directory


def edit(definitions, change) -> None:
    path = definitions / f"{FREIGHT}.yaml"
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(d)
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")


def split_review(d):
    """Version 2026.2: 审查 renamed 'examine', and a 现场核查 step added after it."""
    d["version"] = "2026.2"
    d["steps"][0]["id"] = "examine"
    d["steps"].append({"id": "site_check", "name": "现场核查", "role": "reviewer", "budget_days": 1})


def stored_versions(engine, code):
    with new_session(engine) as s:
        return {row.key for row in s.exec(select(DefinitionVersion).where(DefinitionVersion.matter_code == code))}


def test_an_edit_makes_a_new_version_and_the_running_case_keeps_its_own(engine, clock, definitions):
    first = load_office(engine, definitions, clock=clock)
    old_key = first.catalogue.get(FREIGHT).key
    with new_session(engine) as s:
        running = open_complete(s, first, FREIGHT)
        cases.accept_case(session=s, office=first, case=running, clerk=STAFF.clerk)
        assert running.state == "step_review"

    edit(definitions, split_review)
    second = load_office(engine, definitions, clock=clock)  # the restart after the edit

    new_key = second.catalogue.get(FREIGHT).key
    assert new_key != old_key and new_key.startswith("2026.2+")
    assert stored_versions(engine, FREIGHT) == {old_key, new_key}
    with new_session(engine) as s:
        running = get_case(s, running.id)
        assert running.definition_version == old_key
        run_to_close(s, second, running)  # 'step_review' exists only in the old version
        events = events_of(s, running.id)
        assert {e.definition_version for e in events} == {old_key}
        assert "step_site_check" not in {e.to_state for e in events}
        assert replay(second.matter_of(running).compiled, events).state == "closed"

        fresh = open_complete(s, second, FREIGHT)
        run_to_close(s, second, fresh)
        assert fresh.definition_version == new_key
        assert [e.to_state for e in events_of(s, fresh.id)][1:3] == ["step_examine", "step_site_check"]
    assert stored(engine, running.id).state == "closed"


def test_any_change_to_the_text_is_a_new_version_even_with_the_same_version_label(engine, clock, definitions):
    old_key = load_office(engine, definitions, clock=clock).catalogue.get(FREIGHT).key

    edit(definitions, lambda d: d["materials"][0].update(note="申请表须由法定代表人签字。"))
    new_key = load_office(engine, definitions, clock=clock).catalogue.get(FREIGHT).key

    assert new_key != old_key
    assert new_key.split("+")[0] == old_key.split("+")[0]  # same declared version, different content


def test_reloading_unchanged_files_adds_no_version(engine, clock, definitions):
    keys = {v.code: v.key for v in load_office(engine, definitions, clock=clock).catalogue.matters()}
    again = {v.code: v.key for v in load_office(engine, definitions, clock=clock).catalogue.matters()}
    assert again == keys
    assert stored_versions(engine, FREIGHT) == {keys[FREIGHT]}


def test_cases_from_two_older_versions_both_finish(engine, clock, definitions):
    office = load_office(engine, definitions, clock=clock)
    with new_session(engine) as s:
        oldest = open_complete(s, office, FREIGHT)
    edit(definitions, split_review)
    office = load_office(engine, definitions, clock=clock)
    with new_session(engine) as s:
        middle = open_complete(s, office, FREIGHT)
    edit(definitions, lambda d: d["limits"].update(promised_days=4))
    office = load_office(engine, definitions, clock=clock)

    assert len(stored_versions(engine, FREIGHT)) == 3
    with new_session(engine) as s:
        for case_id in (oldest.id, middle.id):
            case = get_case(s, case_id)
            run_to_close(s, office, case)
            assert case.state == "closed"
        assert get_case(s, oldest.id).definition_version != get_case(s, middle.id).definition_version
