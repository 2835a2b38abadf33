"""Migration 0012 turns the old 1–5 scores into the five levels and back, keeping the auditor's counters.

Built at 0011 (just below 0012) with the old `evaluations` table filled by hand (a 5, a 4, a 3, a 2 and a 1),
the upgrade must give each its level (5 非常满意 … 1 非常不满意), counted on the day its case
finished, as the counters already count it; the downgrade must give back the same scores.
"""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from audit.measures import summary
from audit.scope import Scope
from tests.support import open_complete, run_to_close
from workflows.db import alembic_config, upgrade


def test_old_scores_become_levels_and_come_back(engine, session, office, clock):
    made = []
    for _ in range(5):
        case = open_complete(session, office, "vehicle-repair-filing")
        run_to_close(session, office, case)
        made.append(case.id)
        clock.advance(minutes=5)
    session.close()
    day = office.today()
    command.downgrade(alembic_config(engine), "0011")
    with engine.begin() as conn:
        for case_id, score in zip(made, (5, 4, 3, 2, 1), strict=True):
            conn.execute(text("INSERT INTO evaluations (case_id, score, comment, at) VALUES (:c, :s, '', :at)"),
                         {"c": case_id, "s": score, "at": clock()})
        # The counters as the old hook kept them: on the day the case finished.
        conn.execute(text("UPDATE audit_daily SET evaluations = 5, score_sum = 15, bad_evaluations = 2"))
        conn.execute(text("UPDATE audit_monthly SET evaluations = 5, score_sum = 15, bad_evaluations = 2"))

    upgrade(engine)
    with engine.connect() as conn:
        levels = dict(conn.execute(text("SELECT case_id, level FROM ratings WHERE visit_seq = 0")).all())
        logged = conn.execute(text("SELECT count(*) FROM rating_log WHERE step = 'rated'")).scalar_one()
        figures = summary(conn, Scope(day.replace(day=1), day))
        days = set(conn.execute(text("SELECT day FROM ratings")).scalars())
    assert [levels[c] for c in made] == ["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]
    assert logged == 5
    assert len(days) == 1 and str(next(iter(days)))[:10] == day.isoformat()
    assert (figures["evaluations"], figures["bad_evaluations"], figures["bad_revisited"]) == (5, 2, 0)

    command.downgrade(alembic_config(engine), "0011")
    with engine.connect() as conn:
        scores = dict(conn.execute(text("SELECT case_id, score FROM evaluations")).all())
    assert [scores[c] for c in made] == [5, 4, 3, 2, 1]
    upgrade(engine)
