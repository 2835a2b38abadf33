"""Failures per client address are counted within their window, and older ones are deleted, not kept."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from workflows.throttle import AddressFailure, Throttle

T0 = dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC)


def test_three_failures_block_until_the_window_has_passed_and_then_leave_no_rows(session):
    throttle = Throttle("login", max_failures=3, window=dt.timedelta(minutes=15))
    for minute in range(3):
        assert not throttle.blocked(session=session, address="198.51.100.1", now=T0)
        throttle.failed(session=session, address="198.51.100.1", now=T0 + dt.timedelta(minutes=minute))
    assert throttle.blocked(session=session, address="198.51.100.1", now=T0 + dt.timedelta(minutes=3))
    assert not throttle.blocked(session=session, address="198.51.100.2", now=T0 + dt.timedelta(minutes=3))
    assert not Throttle("lookup", max_failures=3).blocked(session=session, address="198.51.100.1",
                                                          now=T0 + dt.timedelta(minutes=3))

    later = T0 + dt.timedelta(minutes=17, seconds=1)  # the last of the three is now 15 min 1 s old
    assert not throttle.blocked(session=session, address="198.51.100.1", now=later)
    throttle.failed(session=session, address="198.51.100.3", now=later)
    assert [(f.address, f.scope) for f in session.exec(select(AddressFailure))] == [("198.51.100.3", "login")]
