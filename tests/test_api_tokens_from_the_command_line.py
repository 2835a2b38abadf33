"""`service.py token issue|list|revoke`: the operator's way to the first API token."""

import service
from tests.api_fixtures import tokens  # noqa: F401


def test_cli_token_is_accepted_by_the_api_listed_and_then_revoked(app, client, tokens, database_url, monkeypatch,
                                                                  capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert service.main(["token", "issue", "reviewer1", "--label", "省审批平台"]) == 0
    token = capsys.readouterr().out.strip()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/queue", headers=bearer).status_code == 200

    assert service.main(["token", "list"]) == 0
    row = next(line.split("\t") for line in capsys.readouterr().out.splitlines() if "省审批平台" in line)
    assert row[1:4] == ["reviewer1", "省审批平台", "cli"] and row[5] == "有效"
    assert token not in " ".join(row)

    assert service.main(["token", "revoke", row[0]]) == 0
    assert client.get("/api/queue", headers=bearer).status_code == 401


def test_cli_refuses_a_token_for_an_unknown_user(app, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert service.main(["token", "issue", "nobody", "--label", "x"]) == 1
    assert "用户 nobody 不存在" in capsys.readouterr().err
