"""Every seed matter can be taken from 收件 to 办结 on its main path by the roles it names."""

import pytest

from tests.support import open_complete, run_to_close
from workflows.catalogue import load_catalogue
from workflows.definition import Channel, Delivery
from workflows.visits import cheapest_path
from workflows.queries import events_of
from workflows.replay import replay

MATTERS = [v.code for v in load_catalogue().matters()]


@pytest.mark.parametrize("code", MATTERS)
def test_happy_path_closes_with_the_computed_visits(session, office, code):
    case = open_complete(session, office, code)
    run_to_close(session, office, case)
    assert case.state == "closed"
    assert case.outcome == "approved"
    matter = office.matter_of(case)
    expected = cheapest_path(matter.compiled, Delivery(case.delivery_method), Channel(case.channel))
    assert case.visits == expected.visits
    replayed = replay(matter.compiled, events_of(session, case.id))
    assert (replayed.state, replayed.visits, replayed.progress) == (case.state, case.visits, case.progress)
