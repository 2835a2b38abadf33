"""收件 inserts the case as its first transition leaves it, and hands back an object
that is that row: every column equal to a fresh load, held clean by the caller's
session, so the next action in the same session writes only its own change."""

from sqlalchemy import event, inspect

from tests.support import STAFF, open_complete
from workflows import cases
from workflows.db import session as new_session
from workflows.models import Case
from workflows.queries import get_case

FREIGHT = "road-freight-licence"
COLUMNS = [c.key for c in Case.__table__.columns]


def test_the_returned_case_equals_its_stored_row(session, office, engine):
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    with new_session(engine) as fresh:
        row = get_case(fresh, case.id)
        assert {name: getattr(case, name) for name in COLUMNS} == {name: getattr(row, name) for name in COLUMNS}
    assert case.state == "received" and case.version == 1 and case.visits == 1
    assert case.progress["materials"]["safety_rules"]["status"] == "missing"


def test_the_returned_case_is_held_clean_by_the_session(session, office):
    case = open_complete(session, office, FREIGHT)
    state = inspect(case)
    assert state.persistent and not state.modified
    assert get_case(session, case.id) is case  # the identity map holds it: no second object


def _statements(engine, act) -> list[str]:
    sent = []
    listener = lambda conn, cursor, statement, *_: sent.append(" ".join(statement.split()[:3]).upper())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        act()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return sent


def test_the_next_action_in_the_same_session_sends_one_update_and_one_insert(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    sent = _statements(engine, lambda: cases.record_materials(session=session, office=office, case=case,
                                                               clerk=STAFF.clerk, materials={}))
    assert [s.split()[0] for s in sent] == ["UPDATE", "INSERT"]
    assert case.state == "received" and case.version == 2


def test_an_action_that_issues_a_paper_also_takes_its_number_and_nothing_else(session, office, engine):
    case = open_complete(session, office, FREIGHT)
    sent = _statements(engine, lambda: cases.accept_case(session=session, office=office, case=case,
                                                         clerk=STAFF.clerk))
    assert sent == ["UPDATE CASES SET", "INSERT INTO CASE_EVENTS", "INSERT INTO DOCUMENT_SERIALS",
                    "INSERT INTO CASE_DOCUMENTS"]
    assert case.state == "step_review" and case.version == 2
