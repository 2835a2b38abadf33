"""Property tests of the REST API against its own OpenAPI document (schemathesis).

Every /api/ operation gets a handful of generated requests (bounded, so the
run stays well under a minute) sent by a caller who is both admin and clerk,
over a database holding a few cases. Each response must not be a server
error and must match the status codes, content types and schemas that the
document declares. Operations are driven one by one inside a single test:
schemathesis' pytest fixture loader does not run under pytest 9.

Random ids rarely name a case, so most requests on /api/cases/{case_id}...
are pointed at the seeded cases, with the triggers the engine really has and,
for actions, the case's current version: the generated bodies then reach the
service layer instead of stopping at "not found" or "changed".

The "schema-valid data must be accepted" check is left out on purpose: a
well-formed request can still break a domain rule (a credit code with a wrong
check character, a material the matter does not have), and the API answers
that with 422 and the field at fault, which no JSON schema can express.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api_fixtures import tokens  # noqa: F401
from tests.support import open_complete
from workflows.db import session as new_session
from workflows.models import Case

EXAMPLES = 6
EXAMPLES_ON_CASES = 25  # the actions endpoint: most of the engine sits behind it


def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def seeded(app):
    """Three cases in different states; returns their ids."""
    office = app.state.office
    with new_session(app.state.engine) as s:
        cases = [open_complete(s, office, "road-freight-licence"),
                 open_complete(s, office, "road-freight-licence", missing=("safety_rules",)),
                 open_complete(s, office, "oversize-transport-permit")]
        return [c.id for c in cases]


@pytest.fixture
def api_schema(app, seeded):
    return schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/api/")


def _triggers(app) -> list[str]:
    return sorted({a.trigger for m in app.state.office.catalogue.matters() for a in m.compiled.actions.values()})


def _aim_at_seeded_cases(case, app, ids: list[int], pick: int, trigger: str) -> None:
    params = case.path_parameters or {}
    if "case_id" not in params or pick >= len(ids):
        return  # leave the generated (usually unknown) id: 404 must be answered properly too
    params["case_id"] = ids[pick]
    if "trigger" in params:
        params["trigger"] = trigger
    if isinstance(case.body, dict) and "expected_version" in case.body:
        with new_session(app.state.engine) as s:
            case.body["expected_version"] = s.get(Case, ids[pick]).version


def test_api_answers_generated_requests_as_its_schema_declares(app, api_schema, seeded, tokens):
    headers = {"Authorization": f"Bearer {tokens['integrator']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    triggers = _triggers(app)
    failures = {}
    for operation in operations:
        on_cases = "{case_id}" in operation.path

        @_settings(EXAMPLES_ON_CASES if "{trigger}" in operation.path else EXAMPLES)
        @given(case=operation.as_strategy(), pick=st.integers(0, len(seeded)), trigger=st.sampled_from(triggers))
        def check(case, pick, trigger):
            if on_cases:
                _aim_at_seeded_cases(case, app, seeded, pick, trigger)
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as exc:  # collect every operation's failure, not just the first
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]
    assert len(operations) == 17
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
