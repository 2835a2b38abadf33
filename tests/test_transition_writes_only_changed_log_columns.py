"""A transition's UPDATE leaves out log-derived columns that did not change (a speed-up
measured in bench/engine.py), and the stored row still equals the caller's object
column for column after every step of every seed matter."""

import pytest
from sqlalchemy import event

from tests.support import STAFF, open_complete, run_to_close
from workflows import cases
from workflows.catalogue import load_catalogue
from workflows.db import session as new_session
from workflows.models import Case
from workflows.queries import get_case

MATTERS = [v.code for v in load_catalogue().matters()]
COLUMNS = [c.name for c in Case.__table__.columns]


def set_clause(statements: list[str]) -> str:
    update = next(s for s in statements if s.startswith("UPDATE cases"))
    return update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]


@pytest.fixture
def sent(engine):
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    yield statements
    event.remove(engine, "before_cursor_execute", listener)


def test_accepting_does_not_rewrite_the_unchanged_progress(session, office, sent):
    case = open_complete(session, office, "road-freight-licence")
    sent.clear()
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assignments = set_clause(sent)
    assert "progress" not in assignments and "visits" not in assignments
    assert "state" in assignments and "promised_due" in assignments


def test_an_object_with_unsaved_edits_is_written_in_full(session, office, sent):
    case = open_complete(session, office, "road-freight-licence")
    case.window = "W09"  # an edit of the caller's own, not yet flushed
    sent.clear()
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    assert "progress" in set_clause(sent)


@pytest.mark.parametrize("code", MATTERS)
def test_the_stored_row_equals_the_object_after_every_step(session, office, engine, code, monkeypatch):
    case = open_complete(session, office, code)
    checked = []
    real_run = cases.run

    def run_and_compare(**kwargs):
        result = real_run(**kwargs)
        with new_session(engine) as fresh:
            row = get_case(fresh, result.id)
            assert {c: getattr(row, c) for c in COLUMNS} == {c: getattr(result, c) for c in COLUMNS}
        checked.append(result.state)
        return result

    monkeypatch.setattr(cases, "run", run_and_compare)
    run_to_close(session, office, case)
    assert case.state == "closed" and checked[-1] == "closed" and len(checked) >= 5
