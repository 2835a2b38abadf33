"""A draw is reproducible from its recorded inputs: `service.py inspections verify` recomputes it and says
so (exit 0), and says it does not match (exit 1) when a stored draw was altered behind the triggers."""

from __future__ import annotations

from sqlalchemy import text

from inspections import draws, drawing
from tests.conftest import ON_POSTGRES
from tests.inspection_support import add_inspectors, add_licences, announce_and_run
from tests.support import run_cli


def test_the_same_recorded_inputs_give_the_same_teams(session, office, clock):
    add_licences(session, 41)
    add_inspectors(session, 6)
    draw_id = announce_and_run(session, office, clock)
    row = draws.record(session=session, draw_id=draw_id)

    seed, again = draws.compute(row, row["beacon_value"])

    assert seed == row["seed"] == drawing.seed_of(row["commitment"], "3412.58")
    assert again == row["assignments"] and len(again) == 3  # 5 % of 41, rounded up
    assert draws.verify(session=session, draw_id=draw_id).matches


def test_another_public_value_gives_another_seed_and_other_teams(session, office, clock):
    add_licences(session, 41)
    add_inspectors(session, 6)
    row = draws.record(session=session, draw_id=announce_and_run(session, office, clock))

    other_seed, other = draws.compute(row, "3412.59")

    assert other_seed != row["seed"]
    assert other != row["assignments"]


def test_the_commitment_covers_the_lists_so_a_changed_list_changes_it(session, office, clock):
    add_licences(session, 41)
    add_inspectors(session, 6)
    row = draws.record(session=session, draw_id=announce_and_run(session, office, clock))
    changed = dict(row, targets=row["targets"][1:])
    changed["targets_sha256"] = drawing.sha256_hex(changed["targets"])

    assert drawing.commitment(draws.committed_fields(changed)) != row["commitment"]
    assert not draws.verify_record(changed).matches


def test_verify_says_match_with_exit_0_and_list_prints_one_line_a_draw(session, office, clock, database_url):
    add_licences(session, 41)
    add_inspectors(session, 6)
    draw_id = announce_and_run(session, office, clock)

    verified = run_cli("inspections", "verify", str(draw_id), env={"DATABASE_URL": database_url})
    listed = run_cli("inspections", "list", env={"DATABASE_URL": database_url})

    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "结果与记录一致" in verified.stdout
    assert listed.returncode == 0, listed.stderr
    fields = listed.stdout.strip().split("\t")
    assert fields[:5] == [str(draw_id), "road-freight-operation", "2026", "2026-11-25", "drawn"]
    assert len(listed.stdout.strip().splitlines()) == 1


def _tamper(database_url: str, draw_id: int, assignments: str) -> None:
    """What a database administrator could do: remove the guard, then rewrite the stored teams."""
    from workflows.db import make_engine

    engine = make_engine(database_url)
    with engine.begin() as conn:
        if ON_POSTGRES:
            conn.execute(text("ALTER TABLE inspection_draw_runs DISABLE TRIGGER inspection_draw_runs_append_only"))
        else:
            conn.execute(text("DROP TRIGGER inspection_draw_runs_no_update"))
        conn.execute(text("UPDATE inspection_draw_runs SET assignments = :a WHERE draw_id = :d"),
                     {"a": assignments, "d": draw_id})
        if ON_POSTGRES:
            conn.execute(text("ALTER TABLE inspection_draw_runs ENABLE TRIGGER inspection_draw_runs_append_only"))
    engine.dispose()


def test_verify_detects_a_tampered_draw_with_exit_1(session, office, clock, database_url):
    import json

    add_licences(session, 41)
    add_inspectors(session, 6)
    draw_id = announce_and_run(session, office, clock)
    row = draws.record(session=session, draw_id=draw_id)
    outsider = next(i[0] for i in row["inspectors"] if i[0] not in row["assignments"][0][1])
    swapped = [[row["assignments"][0][0], [outsider, row["assignments"][0][1][1]]], *row["assignments"][1:]]
    session.close()
    _tamper(database_url, draw_id, json.dumps(swapped, ensure_ascii=False))

    verified = run_cli("inspections", "verify", str(draw_id), env={"DATABASE_URL": database_url})

    assert verified.returncode == 1, verified.stdout + verified.stderr
    assert "不一致\t重新抽取的检查对象和检查组与记录一致" in verified.stdout
    assert "核对不通过" in verified.stdout


def test_verify_of_a_draw_that_does_not_exist_exits_1_with_its_code(database_url):
    verified = run_cli("inspections", "verify", "999", env={"DATABASE_URL": database_url})

    assert verified.returncode == 1
    assert "[draw-not-found]" in verified.stderr
