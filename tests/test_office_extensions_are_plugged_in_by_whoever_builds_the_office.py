"""workflows/ names no extension: the auditor's counters follow an office only where its builder plugs them in.

The app factory, the command line and the test fixtures name them (`service.office_extensions`);
an evaluation's hooks run in its own transaction, so a hook that fails leaves no evaluation behind.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from audit.models import DAILY
from service import office_extensions
from tests.support import open_complete, run_to_close
from workflows import ratings
from workflows.bootstrap import load_office
from workflows.db import session as new_session

FREIGHT = "road-freight-licence"
BAD = ratings.RatingInput("dissatisfied", categories=("slow",))


def counted(engine, column: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.sum(DAILY.c[column]), 0))).scalar_one()


def test_an_office_built_without_extensions_keeps_no_auditor_counters(engine, clock):
    bare = load_office(engine, clock=clock)
    with new_session(engine) as s:
        open_complete(s, bare, FREIGHT)
    assert counted(engine, "opened") == 0

    plugged = load_office(engine, clock=clock, extensions=office_extensions())
    with new_session(engine) as s:
        open_complete(s, plugged, FREIGHT)
    assert counted(engine, "opened") == 1


def test_the_evaluation_hooks_run_in_the_evaluations_transaction(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    run_to_close(session, office, case)

    def refuse(**_):
        raise RuntimeError("hook failed")

    office.on_evaluation.append(refuse)
    with pytest.raises(RuntimeError):
        ratings.rate_case(session=session, office=office, case=case, given=BAD, channel="public", now=office.now())
    office.on_evaluation.remove(refuse)
    assert ratings.ratings_of(session=session, case_id=case.id) == {}
    assert counted(engine, "evaluations") == 0

    ratings.rate_case(session=session, office=office, case=case, given=BAD, channel="public", now=office.now())
    assert (counted(engine, "evaluations"), counted(engine, "bad_evaluations")) == (1, 1)
