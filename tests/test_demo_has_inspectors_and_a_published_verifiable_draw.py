"""The demo's 双随机: six inspectors in the roster with their 执法证号, and draws made as the office makes
them over the licences the history granted — one with every result published, one in progress —
each verifying against its recorded inputs."""

from __future__ import annotations

import datetime as dt

from inspections import demo, draws, roster
from tests.support import FixedClock
from workflows.bootstrap import load_office
from workflows.db import session as new_session
from workflows.demo import build_demo
from workflows.demo_users import create_demo_users
from service import office_extensions

NOW = dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)


def test_the_demo_makes_a_published_draw_and_one_in_progress_that_both_verify(engine):
    office = load_office(engine, clock=FixedClock(NOW), extensions=office_extensions())
    build_demo(engine=engine, office=office, cases=250, seed=11, months=6)
    with new_session(engine) as session:
        create_demo_users(session, NOW)

    summary = demo.build(engine=engine, office=office, seed=11)

    with new_session(engine) as session:
        assert [e.cert_no for e in roster.active_roster(session)] == [r[1] for r in demo.ROSTER]
        made = {s.item_code: s for s in draws.summaries(session=session)}
        assert made["road-freight-operation"].status == "done", summary
        assert made["road-freight-operation"].published == made["road-freight-operation"].drawn >= 1
        assert made["road-passenger-operation"].status == "drawn"
        assert 1 <= made["road-passenger-operation"].results < made["road-passenger-operation"].drawn
        assert all(draws.verify(session=session, draw_id=s.id).matches for s in made.values())
