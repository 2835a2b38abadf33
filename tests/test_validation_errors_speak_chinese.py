"""A request that does not fit the API's schema is answered in Chinese, naming the field and the rule, never
with pydantic's English."""

from __future__ import annotations

import re

import pytest

from tests.api_fixtures import tokens  # noqa: F401

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"\b(?:Input|should|valid|field|required|Field)\b")


@pytest.mark.parametrize("url, field, says", [
    ("/api/cases/abc", "case_id", "须为整数"),
    ("/api/cases?limit=99999", "limit", "须不大于"),
    ("/api/search?q=", "q", "不能为空"),
    ("/audit?period=xyz", "period", "须为以下之一"),
    ("/audit?on=2026-13-45", "on", "YYYY-MM-DD"),
])
def test_a_query_or_path_that_breaks_the_schema_is_told_in_chinese(client, tokens, url, field, says):
    who = "auditor" if url.startswith("/audit") else "clerk"
    response = client.get(url, headers={"Authorization": f"Bearer {tokens[who]}", "Accept": "application/json"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == field and says in body["message"]
    assert HAN.search(body["message"]) and not LATIN_WORD.search(body["message"]), body["message"]


def test_a_body_missing_a_field_is_told_which(client, tokens):
    response = client.post("/api/cases", json={"matter_code": "road-freight-licence"},
                           headers={"Authorization": f"Bearer {tokens['clerk']}"})
    assert response.status_code == 422
    assert response.json()["message"] == "输入有误：缺少此项" and response.json()["field"]
