"""A failure after the state change and before the commit leaves the case and its
events exactly as they were, in the database and in the caller's object; the
same session can then take the action for real.

`transitions` has no rollback of its own, so each injection point is tried:
a hook inside the transaction, a callback on the machine itself, and a
database connection that dies just before COMMIT.
"""

import pytest
from sqlalchemy import text

from tests.conftest import ON_POSTGRES
from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, Staff, case_count, in_memory, open_complete, stored
from workflows import cases, errors
from workflows.db import make_engine

FREIGHT = "road-freight-licence"


class Injected(RuntimeError):
    pass


def raise_injected(**_):
    raise Injected("injected before commit")


def supplied_and_decided(session, office):
    """A case in 待制证 whose tolerated gap was filled: the next step is 制证."""
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    cases.record_supplement(session=session, office=office, case=case, clerk=STAFF.clerk,
                            material_id=FREIGHT_GAP, channel="post")
    cases.advance_step(session=session, office=office, case=case, actor=STAFF.reviewer)
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    return case


# Each: (how to reach the state before the action, the action); the action changes state, visits or progress.
ACTIONS = {
    "accept": (lambda s, o: open_complete(s, o, FREIGHT),
               lambda s, o, c: cases.accept_case(session=s, office=o, case=c, clerk=STAFF.clerk)),
    "tolerate": (lambda s, o: open_complete(s, o, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT),
                 lambda s, o, c: cases.accept_with_tolerance(session=s, office=o, case=c, clerk=STAFF.clerk,
                                                             pledge_signed=True)),
    "supplement-in-person": (
        lambda s, o: _tolerated(s, o),
        lambda s, o, c: cases.record_supplement(session=s, office=o, case=c, clerk=STAFF.clerk,
                                                material_id=FREIGHT_GAP, channel="window")),
    "issue": (supplied_and_decided,
              lambda s, o, c: cases.issue_result(session=s, office=o, case=c, clerk=STAFF.clerk)),
}


def _tolerated(session, office):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    return case


def assert_untouched_then_retry(session, office, engine, case, act, before, memory):
    assert stored(engine, case.id) == before
    assert in_memory(case) == memory
    act(session, office, case)  # nothing stuck: no lock held, no half-written row
    after = stored(engine, case.id)
    assert after.version == before.version + 1 and len(after.events) == len(before.events) + 1


# ---- (a) a raising hook inside the transaction --------------------------------------

@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_raising_before_commit_hook_rolls_the_step_back(session, office, engine, action):
    reach, act = ACTIONS[action]
    case = reach(session, office)
    before, memory = stored(engine, case.id), in_memory(case)

    office.before_commit.append(raise_injected)
    with pytest.raises(Injected):
        act(session, office, case)
    office.before_commit.remove(raise_injected)

    assert_untouched_then_retry(session, office, engine, case, act, before, memory)


def test_a_raising_hook_at_intake_stores_no_case(session, office, engine):
    office.before_commit.append(raise_injected)
    with pytest.raises(Injected):
        open_complete(session, office, FREIGHT)
    office.before_commit.remove(raise_injected)
    session.commit()  # whatever the caller does next, no half-opened case appears
    assert case_count(engine) == 0


# ---- (b) a raising callback on the transitions machine --------------------------------

@pytest.fixture
def machine_callback(office):
    """Attach a raising after_state_change callback to a matter's shared machine; always detach it."""
    attached = []

    def attach(code, when="after_state_change"):
        machine = office.catalogue.get(code).compiled.machine
        if when == "after_state_change":
            machine.after_state_change = [*machine.after_state_change, raise_injected_event]
            attached.append(lambda: setattr(machine, "after_state_change",
                                            [c for c in machine.after_state_change if c is not raise_injected_event]))
        else:  # on_enter_<state>
            state = machine.get_state(when)
            state.add_callback("enter", raise_injected_event)
            attached.append(lambda: state.on_enter.remove(raise_injected_event))

    yield attach
    for detach in attached:
        detach()


def raise_injected_event(event):
    # The state has changed on the proxy by now (an internal transition keeps its source state).
    assert event.model.state == (event.transition.dest or event.transition.source)
    raise Injected("injected by a machine callback")


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_raising_machine_callback_changes_nothing(session, office, engine, machine_callback, action):
    reach, act = ACTIONS[action]
    case = reach(session, office)
    before, memory = stored(engine, case.id), in_memory(case)

    machine_callback(FREIGHT)
    with pytest.raises(Injected):
        act(session, office, case)
    office.catalogue.get(FREIGHT).compiled.machine.after_state_change = []

    assert_untouched_then_retry(session, office, engine, case, act, before, memory)


def test_a_raising_on_enter_callback_changes_nothing(session, office, engine, machine_callback):
    case = open_complete(session, office, FREIGHT)
    before, memory = stored(engine, case.id), in_memory(case)
    machine_callback(FREIGHT, "step_review")

    with pytest.raises(Injected):
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)

    assert stored(engine, case.id) == before and in_memory(case) == memory


def test_a_raising_machine_callback_at_intake_stores_no_case(session, office, engine, machine_callback):
    machine_callback(FREIGHT, "received")
    with pytest.raises(Injected):
        open_complete(session, office, FREIGHT)
    session.commit()  # the caller carries on with the same session
    assert case_count(engine) == 0


# ---- (c) the connection dies just before COMMIT ------------------------------------------

def close_dbapi_connection(*, session, **_):
    session.connection().connection.dbapi_connection.close()


def terminate_backend(*, session, **_):
    """Have the server itself kill this session's backend, as a DBA or a failover would."""
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = make_engine(session.get_bind().url.render_as_string(hide_password=False))
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


KILLS = [pytest.param(close_dbapi_connection, id="dbapi-close")]
if ON_POSTGRES:
    KILLS.append(pytest.param(terminate_backend, id="pg-terminate-backend"))


@pytest.mark.parametrize("kill", KILLS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_killed_connection_leaves_the_case_as_it_was(session, office, engine, action, kill):
    reach, act = ACTIONS[action]
    case = reach(session, office)
    before, memory = stored(engine, case.id), in_memory(case)

    office.before_commit.append(kill)
    with pytest.raises(errors.TransactionLost):
        act(session, office, case)
    office.before_commit.remove(kill)

    assert_untouched_then_retry(session, office, engine, case, act, before, memory)


def test_a_killed_connection_at_intake_stores_no_case(session, office, engine):
    office.before_commit.append(close_dbapi_connection)
    with pytest.raises(errors.TransactionLost):
        open_complete(session, office, FREIGHT)
    office.before_commit.remove(close_dbapi_connection)
    assert case_count(engine) == 0
    case = open_complete(session, office, FREIGHT)
    assert stored(engine, case.id).version == 1


# ---- a refused action is no failure of the machinery, and changes nothing either --------------

def test_a_broken_rule_and_a_wrong_role_leave_no_trace(session, office, engine):
    case = open_complete(session, office, FREIGHT, missing=("driver_documents",))
    before, memory = stored(engine, case.id), in_memory(case)
    staff: Staff = STAFF
    for attempt in (lambda: cases.accept_case(session=session, office=office, case=case, clerk=staff.clerk),
                    lambda: cases.accept_case(session=session, office=office, case=case, clerk=staff.reviewer)):
        with pytest.raises(errors.DomainError):
            attempt()
        assert stored(engine, case.id) == before and in_memory(case) == memory
