"""Admin token endpoints: issued once, listed without the secret, revoked for good."""

from tests.api_fixtures import as_role, tokens  # noqa: F401


def test_issued_token_works_is_listed_without_secret_and_stops_working_once_revoked(client, as_role):
    issued = client.post("/api/admin/tokens", json={"username": "reviewer1", "label": "省审批平台对接"},
                         headers=as_role["admin"])
    assert issued.status_code == 201
    body = issued.json()
    assert body["token"].startswith("ov_") and body["username"] == "reviewer1" and body["revoked_at"] is None
    new = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/queue", headers=new).status_code == 200

    listed = client.get("/api/admin/tokens", headers=as_role["admin"]).json()
    row = next(t for t in listed if t["id"] == body["id"])
    assert row == {k: v for k, v in body.items() if k != "token"}
    assert all("token" not in t for t in listed)
    assert body["token"] not in client.get("/api/admin/tokens", headers=as_role["admin"]).text

    revoked = client.delete(f"/api/admin/tokens/{body['id']}", headers=as_role["admin"])
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None

    refused = client.get("/api/queue", headers=new)
    assert refused.status_code == 401
    assert refused.json() == {"code": "login-required", "message": "接口令牌无效或已吊销", "field": None}
    again = next(t for t in client.get("/api/admin/tokens", headers=as_role["admin"]).json() if t["id"] == body["id"])
    assert again["revoked_at"] == revoked.json()["revoked_at"]


def test_only_admins_issue_list_or_revoke_tokens(client, as_role, tokens):
    listed = client.get("/api/admin/tokens", headers=as_role["admin"]).json()
    some_id = listed[0]["id"]
    for role in ("clerk", "reviewer", "approver", "auditor"):
        headers = as_role[role]
        assert client.post("/api/admin/tokens", json={"username": "clerk1", "label": "x"},
                           headers=headers).status_code == 403
        assert client.get("/api/admin/tokens", headers=headers).status_code == 403
        assert client.delete(f"/api/admin/tokens/{some_id}", headers=headers).status_code == 403
    assert all(t["revoked_at"] is None for t in client.get("/api/admin/tokens", headers=as_role["admin"]).json())


def test_token_for_unknown_user_is_404_and_revoking_unknown_token_is_404(client, as_role):
    response = client.post("/api/admin/tokens", json={"username": "nobody", "label": "x"}, headers=as_role["admin"])
    assert response.status_code == 404
    assert client.delete("/api/admin/tokens/424242", headers=as_role["admin"]).status_code == 404


def test_a_disabled_users_token_stops_working(client, app, as_role):
    from workflows import accounts
    from workflows.db import session as new_session

    assert client.get("/api/queue", headers=as_role["clerk"]).status_code == 200
    with new_session(app.state.engine) as s:
        accounts.set_active(session=s, username="clerk1", active=False)
    assert client.get("/api/queue", headers=as_role["clerk"]).status_code == 401


def test_admin_lists_staff_without_password_hashes(client, as_role):
    response = client.get("/api/admin/users", headers=as_role["admin"])
    assert response.status_code == 200
    users = {u["username"]: u for u in response.json()}
    assert users["clerk1"] == {"username": "clerk1", "display_name": "clerk1", "roles": ["clerk"], "window": "W01",
                               "active": True}
    assert "argon2" not in response.text
