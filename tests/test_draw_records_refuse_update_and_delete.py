"""A draw, once stored, is never changed: the database itself refuses UPDATE and DELETE on every
append-only table, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from inspections.draw_tables import APPEND_ONLY
from tests.inspection_support import add_inspectors, add_licences, announce_and_run


@pytest.mark.parametrize("statement", [
    "UPDATE inspection_draws SET period = '2027'",
    "DELETE FROM inspection_draws",
    "UPDATE inspection_draw_runs SET seed = 'x'",
    "DELETE FROM inspection_draw_runs",
])
def test_a_stored_draw_and_its_run_cannot_be_changed_or_removed(session, office, clock, engine, statement):
    add_licences(session, 10)
    add_inspectors(session, 2)
    announce_and_run(session, office, clock)
    session.close()

    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT period FROM inspection_draws")).scalar_one() == "2026"
        assert conn.execute(text("SELECT count(*) FROM inspection_draw_runs")).scalar_one() == 1


def guarded_events(engine) -> dict[str, set[str]]:
    """table → the statements a trigger of the schema refuses on it."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(text("SELECT event_object_table, event_manipulation FROM information_schema.triggers "
                                     "WHERE action_statement LIKE '%inspection_append_only%'")).all()
        else:
            rows = [(table, "UPDATE" if " UPDATE " in sql.upper() else "DELETE") for table, sql in conn.execute(
                text("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%append-only%'"))]
    out: dict[str, set[str]] = {}
    for table, event in rows:
        out.setdefault(table, set()).add(event)
    return out


def test_every_append_only_table_has_a_guard_on_update_and_delete(engine):
    assert guarded_events(engine) == {table: {"UPDATE", "DELETE"} for table in APPEND_ONLY}
