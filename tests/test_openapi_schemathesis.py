"""Property tests of the REST API against its own OpenAPI document (schemathesis).

Every /api/ operation gets a handful of generated requests (bounded, so the
run stays well under a minute) sent by a caller who is both admin and clerk,
over a database holding a few cases. Each response must not be a server
error and must match the status codes, content types and schemas that the
document declares. Operations are driven one by one inside a single test:
schemathesis' pytest fixture loader does not run under pytest 9.

The "schema-valid data must be accepted" check is left out on purpose: a
well-formed request can still break a domain rule (a credit code with a wrong
check character, a material the matter does not have), and the API answers
that with 422 and the field at fault, which no JSON schema can express.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api_fixtures import tokens  # noqa: F401
from tests.support import open_complete
from workflows.db import session as new_session

MAX_EXAMPLES = 6
SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_schema(app):
    office = app.state.office
    with new_session(app.state.engine) as s:
        open_complete(s, office, "road-freight-licence")
        open_complete(s, office, "road-freight-licence", missing=("safety_rules",))
        open_complete(s, office, "oversize-transport-permit")
    return schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/api/")


def test_api_answers_generated_requests_as_its_schema_declares(api_schema, tokens):
    headers = {"Authorization": f"Bearer {tokens['integrator']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    failures = {}
    for operation in operations:
        @SETTINGS
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as exc:  # collect every operation's failure, not just the first
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]
    assert len(operations) == 16
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
