"""Two actions on one case at once: one wins, the other gets ConcurrentChange
(code case-changed) and the case has exactly one new event. Runs on SQLite and,
with TEST_DATABASE_URL, on PostgreSQL: the optimistic version column holds
across sessions, connections and threads."""

import threading

import pytest

from tests.support import STAFF, open_complete, stored
from workflows import cases, errors
from workflows.db import session as new_session
from workflows.queries import get_case

FREIGHT = "road-freight-licence"


def accept(session, office, case):
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)


def notify(session, office, case):
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk2)


def withdraw(session, office, case):
    cases.withdraw(session=session, office=office, case=case, clerk=STAFF.clerk2, reason="申请人撤回")


# Taken in at W02, so both clerks may act on it: clerk2 at its own window, clerk1 at the 综合窗口.
@pytest.fixture
def received(session, office):
    return open_complete(session, office, FREIGHT, clerk=STAFF.clerk2)


def test_the_second_of_two_sessions_gets_a_conflict(engine, office, received):
    before = stored(engine, received.id)
    with new_session(engine) as first, new_session(engine) as second:
        mine, theirs = get_case(first, received.id), get_case(second, received.id)

        accept(first, office, mine)
        with pytest.raises(errors.ConcurrentChange) as err:
            withdraw(second, office, theirs)

        assert err.value.code == "case-changed"
        # The failed transaction was rolled back, so the loser's object now reads the case as it is.
        assert (theirs.state, theirs.version) == ("step_review", before.version + 1)

    after = stored(engine, received.id)
    assert after.state == "step_review"
    assert after.version == before.version + 1
    assert after.events[:-1] == before.events and after.events[-1][1] == "accept"


def test_the_loser_can_then_act_on_the_new_state(engine, office, received):
    with new_session(engine) as first, new_session(engine) as second:
        mine, theirs = get_case(first, received.id), get_case(second, received.id)
        accept(first, office, mine)
        with pytest.raises(errors.ConcurrentChange):
            withdraw(second, office, theirs)
        withdraw(second, office, theirs)
    assert stored(engine, received.id).state == "withdrawn"


def test_the_same_action_twice_applies_once(engine, office, received):
    with new_session(engine) as first, new_session(engine) as second:
        mine, theirs = get_case(first, received.id), get_case(second, received.id)
        accept(first, office, mine)
        with pytest.raises(errors.ConcurrentChange):
            accept(second, office, theirs)
    assert [e[1] for e in stored(engine, received.id).events].count("accept") == 1


def test_truly_simultaneous_actions_from_two_threads(engine, office, session):
    """Both threads load the case, meet at a barrier, then act at the same instant."""
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",), clerk=STAFF.clerk2)
    before = stored(engine, case.id)
    barrier = threading.Barrier(2, timeout=30)
    outcomes: dict[str, object] = {}

    def clerk(name, act):
        with new_session(engine) as s:
            mine = get_case(s, case.id)
            barrier.wait()
            try:
                act(s, office, mine)
                outcomes[name] = "won"
            except errors.ConcurrentChange as exc:
                outcomes[name] = exc.code
            except BaseException as exc:  # noqa: BLE001  (reported below, never swallowed)
                outcomes[name] = exc

    threads = [threading.Thread(target=clerk, args=("notify", notify)),
               threading.Thread(target=clerk, args=("withdraw", withdraw))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert sorted(map(str, outcomes.values())) == ["case-changed", "won"], outcomes
    winner = next(name for name, result in outcomes.items() if result == "won")
    after = stored(engine, case.id)
    assert after.version == before.version + 1 and len(after.events) == len(before.events) + 1
    assert after.events[-1][1] == winner
    assert after.state == {"notify": "awaiting_correction", "withdraw": "withdrawn"}[winner]


@pytest.mark.parametrize("round_", range(3))
def test_many_threads_racing_leave_one_event_per_winner(engine, office, session, round_):
    """Eight clerks record a visit on the same case at once: versions and events stay in step."""
    case = open_complete(session, office, FREIGHT)
    before = stored(engine, case.id)
    barrier = threading.Barrier(8, timeout=30)
    results: list[object] = []
    lock = threading.Lock()

    def visit():
        with new_session(engine) as s:
            mine = get_case(s, case.id)
            barrier.wait()
            try:
                cases.record_visit(session=s, office=office, case=mine, actor=STAFF.clerk, purpose="核验原件",
                                   cause="applicant")
                outcome = "won"
            except errors.ConcurrentChange:
                outcome = "lost"
            except BaseException as exc:  # noqa: BLE001  (kept as the thread's result and asserted on)
                outcome = exc
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert results.count("won") == 1 and results.count("lost") == 7, results
    after = stored(engine, case.id)
    assert (after.version, after.visits) == (before.version + 1, before.visits + 1)
    assert [e[0] for e in after.events] == list(range(1, after.version + 1))
