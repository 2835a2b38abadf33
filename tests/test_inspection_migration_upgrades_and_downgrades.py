"""Migration 0011 goes down to 0010 (its tables and guards gone) and up again (both back), on the test database."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from inspections.draw_tables import APPEND_ONLY
from tests.test_draw_records_refuse_update_and_delete import guarded_events
from workflows.db import alembic_config, current_revision

TABLES = {"inspectors", "inspector_conflicts", *APPEND_ONLY}


def test_0011_downgrades_to_0010_and_upgrades_again(engine):
    assert set(inspect(engine).get_table_names()) >= TABLES

    command.downgrade(alembic_config(engine), "0010")
    assert current_revision(engine) == "0010"
    assert not TABLES & set(inspect(engine).get_table_names())
    assert guarded_events(engine) == {}

    command.upgrade(alembic_config(engine), "0011")
    assert current_revision(engine) == "0011"
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert guarded_events(engine) == {table: {"UPDATE", "DELETE"} for table in APPEND_ONLY}
    # The database is shared with later tests (on PostgreSQL): it goes back to the head, whatever follows 0011.
    command.upgrade(alembic_config(engine), "head")
