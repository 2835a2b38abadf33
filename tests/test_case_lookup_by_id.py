"""Looking a case up by id: from the session when it holds it, not-found for any id the column cannot hold."""

import pytest

from tests.support import open_complete
from workflows import errors
from workflows.queries import MAX_ID, get_case


@pytest.mark.parametrize("case_id", [0, -1, MAX_ID + 1, 10**30])
def test_an_id_beyond_the_id_column_is_not_found_rather_than_a_database_error(session, case_id):
    with pytest.raises(errors.CaseNotFound):
        get_case(session, case_id)


def test_a_case_this_session_holds_is_the_same_object(session, office):
    case = open_complete(session, office, "road-freight-licence")
    assert get_case(session, case.id) is case
