"""The sweep is run FOR a day. A scheduler that was down does every missed day when it comes
back (catch-up), and ends the same cases with the same 终止 as the on-time runs would have:
the event records the deadline and the day swept for, and when it was really carried out;
the auditor counts each default in its deadline's month either way."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from audit.models import FACTS, MONTHLY
from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete
from workflows import cases
from workflows.models import ScheduledRun
from workflows.queries import events_of, get_case
from workflows.schedule import SCHEDULE, record_run, run_due

FREIGHT = "road-freight-licence"
SWEEP = next(e for e in SCHEDULE if e.name == "gap-sweep")
# Accepted Fri 11-20 and Tue 11-24: their vehicle grade copies are due 3 working days later.
ACCEPTED = {"early": dt.date(2026, 11, 20), "later": dt.date(2026, 11, 24)}
DUE = {"early": dt.date(2026, 11, 25), "later": dt.date(2026, 11, 27)}


def tolerated_cases(session, office, clock):
    made = {}
    for name, day in ACCEPTED.items():
        clock.set_local(day)
        case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
        assert case.gap_due == DUE[name]
        made[name] = case
    record_run(session, task=SWEEP.name, day=dt.date(2026, 11, 25), summary="", at=clock())  # swept up to 11-25
    return made


def on_time(engine, office, clock):
    """The scheduler up every night: the sweep at 00:30 of each day up to 12-03."""
    for day in range(26, 34):
        clock.set_local(dt.date(2026, 11, 1) + dt.timedelta(days=day - 1), hour=0, minute=30)
        run_due(engine=engine, office=office, entry=SWEEP)


def late(engine, office, clock):
    """The scheduler down from 11-25 until 12-03 10:00, when it comes back and catches up."""
    clock.set_local(dt.date(2026, 12, 3), hour=10)
    results = run_due(engine=engine, office=office, entry=SWEEP)
    assert [r.day for r in results] == [dt.date(2026, 11, 25) + dt.timedelta(days=n) for n in range(1, 9)]


def outcome(session, engine, case):
    session.expire_all()  # the scheduler worked in sessions of its own
    case = get_case(session, case.id)
    last = events_of(session, case.id)[-1]
    with engine.connect() as conn:
        fact = conn.execute(select(FACTS).where(FACTS.c.case_id == case.id)).mappings().one()
    default = dict(last.payload["default"])
    default.pop("carried_out_at")
    return {"state": case.state, "actor": last.actor, "reason": last.payload["reason"], **default,
            "counted_on": fact["finished_on"], "defaulted": fact["defaulted"]}


@pytest.mark.parametrize("scheduler", [on_time, late])
def test_each_missed_day_ends_the_same_cases_with_the_same_record(scheduler, session, office, clock, engine):
    made = tolerated_cases(session, office, clock)

    scheduler(engine, office, clock)

    early, later = (outcome(session, engine, made[n]) for n in ("early", "later"))
    assert early == {"state": "terminated", "actor": "system",
                     "reason": "容缺材料逾期未补齐：车辆技术等级评定结论复印件（补齐期限 2026年11月25日）",
                     "deadline": "2026-11-25", "gap_deadlines": {FREIGHT_GAP: "2026-11-25"},
                     "swept_for": "2026-11-26", "counted_on": dt.date(2026, 11, 25), "defaulted": True}
    assert (later["deadline"], later["swept_for"], later["counted_on"]) == (
        "2026-11-27", "2026-11-28", dt.date(2026, 11, 27))
    days = session.exec(select(ScheduledRun.day).where(ScheduledRun.task == SWEEP.name)).all()
    assert sorted(d for (d,) in days) == [dt.date(2026, 11, 25) + dt.timedelta(days=n) for n in range(9)]
    with engine.connect() as conn:
        november = conn.execute(select(MONTHLY.c.defaulted).where(MONTHLY.c.day == dt.date(2026, 11, 1))).scalars()
        december = conn.execute(select(MONTHLY.c.defaulted).where(MONTHLY.c.day == dt.date(2026, 12, 1))).scalars()
        assert (sum(november), sum(december)) == (2, 0)


def test_the_termination_records_when_it_was_carried_out(session, office, clock, engine):
    made = tolerated_cases(session, office, clock)

    late(engine, office, clock)

    last = events_of(session, made["early"].id)[-1]
    assert office.time.local(last.at) == office.time.local(clock())  # 12-03 10:00, not the day swept for
    assert dt.datetime.fromisoformat(last.payload["default"]["carried_out_at"]) == clock()
    assert last.payload["default"]["swept_for"] == "2026-11-26"


def test_a_second_catch_up_does_nothing(session, office, clock, engine):
    made = tolerated_cases(session, office, clock)
    late(engine, office, clock)
    session.expire_all()
    versions = {n: get_case(session, c.id).version for n, c in made.items()}

    assert run_due(engine=engine, office=office, entry=SWEEP) == []
    session.expire_all()
    assert {n: get_case(session, c.id).version for n, c in made.items()} == versions
