"""Property tests of the REST API and the auditor's routes against their own OpenAPI document (schemathesis).

Every /api/ and /audit operation gets a handful of generated requests (bounded,
so the run stays well under two minutes), /api/ ones sent by a caller who is
both admin and clerk, /audit ones by an auditor, over a database holding a few
cases. Every check schemathesis has runs (none is excluded): no server error,
status codes, content types, headers and schemas as the document declares, data
the schema forbids rejected, data it allows accepted. Operations are driven one
by one inside a single test: schemathesis' pytest fixture loader does not run
under pytest 9.

Random ids rarely name a case, so most requests on /api/cases/{case_id}...
are pointed at the seeded cases and, for actions (one operation per declared
action), at the case's current version: the generated bodies then reach the
service layer instead of stopping at "not found" or "changed".

"Schema-valid data must be accepted" (positive_data_acceptance) meets the
domain rules: a well-formed request can still break one (a credit code with a
wrong check character, a material the matter does not have, a date outside
2000..2099), and the API answers that with 422 and the field at fault, which no
JSON schema can express. The document says so: such an operation's 422 carries
`x-domain-rule: true` (windows.openapi_responses). Schemathesis 4 configures
checks per operation, selected by a JSON pointer into the operation
(`include-by`), so exactly the operations whose document declares a domain-rule
422 count 422 as an acceptable answer to valid data; any other status outside
the check's defaults still fails it, and the 422 body must still match ErrorOut.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES

from tests.api_fixtures import tokens  # noqa: F401
from tests.support import open_complete
from workflows.db import session as new_session
from workflows.models import Case
from workflows import action_kinds as kinds

EXAMPLES = 6  # per operation; each declared action is an operation of its own


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


DOMAIN_RULE_422 = {
    "include-by": "/responses/422/x-domain-rule == true",
    "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "422"]}},
}


@pytest.fixture
def api_schema(app, seeded):
    config = SchemathesisConfig.from_dict({"operations": [DOMAIN_RULE_422]})
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


def _aim_at_seeded_cases(case, app, ids: list[int], pick: int) -> None:
    params = case.path_parameters or {}
    if "case_id" not in params or pick >= len(ids):
        return  # leave the generated (usually unknown) id: 404 must be answered properly too
    params["case_id"] = ids[pick]
    if isinstance(case.body, dict) and "expected_version" in case.body:
        with new_session(app.state.engine) as s:
            case.body["expected_version"] = s.get_one(Case, ids[pick]).version


def test_api_and_audit_answer_generated_requests_as_their_schema_declares(app, api_schema, seeded, tokens):
    callers = {"api": {"Authorization": f"Bearer {tokens['integrator']}"},
               "audit": {"Authorization": f"Bearer {tokens['auditor']}"}}
    operations = [op for op in (result.ok() for result in api_schema.get_all_operations())
                  if op.path.split("/")[1] in callers]
    failures = {}
    for operation in operations:
        on_cases = "{case_id}" in operation.path and operation.path.startswith("/api/")
        headers = callers[operation.path.split("/")[1]]

        @_settings(EXAMPLES)
        @given(case=operation.as_strategy(), pick=st.integers(0, len(seeded)))
        def check(case, pick):  # run below, within this iteration, so the loop's values are the right ones
            if on_cases:  # noqa: B023
                _aim_at_seeded_cases(case, app, seeded, pick)
            case.call_and_validate(headers=headers)  # noqa: B023

        try:
            check()
        except Exception as exc:  # noqa: BLE001  (collect every operation's failure, not just the first)
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]
    # 18 API operations besides the actions (2 of them the 证照库's), one per action declared on a case,
    # and 9 of the audit (dashboard, 在办超期, drill-down, timeline, exports, event log, report, and the
    # 整改措施 form and its post)
    assert len(operations) == 18 + len([kind for kind in kinds.KINDS if kind.on_case]) + 9
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
