"""POST /api/public/evaluations takes `level`, or the old 1–5 `score` (deprecated) mapped as migration 0012 maps it."""

import pytest

from tests.api_fixtures import act_ok, as_role, open_case, tokens  # noqa: F401
from workflows.ratings import SCORE_LEVEL


def _body(case, **given):
    return {"receipt_no": case["receipt_no"], "phone_last4": "5678", **given}


@pytest.mark.parametrize(("score", "level", "label"), [(5, "very_satisfied", "非常满意"), (4, "satisfied", "满意"),
                                                       (1, "very_dissatisfied", "非常不满意")])
def test_an_old_score_is_taken_as_its_level(client, app, as_role, score, level, label):
    case = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], app.state.office), "withdraw",
                  reason="申请人撤回")
    extra = {"comment": "等候太久"} if score <= 2 else {}
    response = client.post("/api/public/evaluations", json=_body(case, score=score, **extra))
    assert response.status_code == 201, response.text
    assert (response.json()["level"], response.json()["level_label"]) == (level, label)
    assert SCORE_LEVEL[score] == level  # the migration's own mapping


def test_exactly_one_of_level_and_score_is_given_else_a_coded_422(client, app, as_role):
    case = act_ok(client, as_role["clerk"], open_case(client, as_role["clerk"], app.state.office), "withdraw",
                  reason="申请人撤回")
    for given in ({}, {"level": "satisfied", "score": 4}):
        response = client.post("/api/public/evaluations", json=_body(case, **given))
        assert response.status_code == 422 and response.json()["code"] == "level-or-score", given
    for score in (0, 6):
        assert client.post("/api/public/evaluations", json=_body(case, score=score)).status_code == 422
    # Nothing was stored by the refusals: the case still takes its one rating.
    taken = client.post("/api/public/evaluations", json=_body(case, level="satisfied"))
    assert taken.status_code == 201


def test_the_api_description_marks_score_deprecated(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["EvaluationIn"]["properties"]
    assert schema["score"]["deprecated"] is True and "已弃用" in schema["score"]["description"]
    assert "deprecated" not in schema["level"]
