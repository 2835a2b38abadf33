"""/docs is complete: every /api operation names its bearer auth, its answer and its error shape."""

from tests.api_fixtures import as_role, tokens  # noqa: F401
from tests.page_helpers import soup
from workflows import action_kinds as kinds

ERROR_REF = "#/components/schemas/ErrorOut"


def _operations(spec):
    for path, item in spec["paths"].items():
        if path.startswith("/api/"):
            for method, operation in item.items():
                yield f"{method.upper()} {path}", operation


def test_every_api_operation_documents_auth_success_and_errors(client):
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "接口令牌，由系统管理员签发"}
    operations = dict(_operations(spec))
    # 18 besides the actions (2 of them the 证照库's), and one operation per action declared on a case
    # (workflows.action_kinds)
    assert len(operations) == 18 + len([kind for kind in kinds.KINDS if kind.on_case])
    for name, operation in operations.items():
        responses = operation["responses"]
        success = next(code for code in responses if code.startswith("2"))
        assert "$ref" in str(responses[success]["content"]["application/json"]["schema"]), name
        for code in ("404", "409", "422"):
            assert responses[code]["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, (name, code)
        if "/api/public/" in name:
            assert "security" not in operation and "429" in responses, name
        else:
            assert operation["security"] == [{"HTTPBearer": []}], name
            assert responses["401"]["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, name


def test_docs_page_is_served_with_every_file_from_this_server(client):
    response = client.get("/docs")
    assert response.status_code == 200 and "/openapi.json" in response.text
    page = soup(response)
    assets = [s["src"] for s in page.select("script[src]")] + [link["href"] for link in page.select("link[href]")]
    assert assets and all(url.startswith("/docs/assets/") for url in assets), assets  # no CDN: works offline
    assert "https://" not in response.text and "http://" not in response.text
    for url in assets:
        served = client.get(url)
        assert served.status_code == 200 and len(served.content) > 500, url
    assert "javascript" in client.get("/docs/assets/swagger-ui-bundle.js").headers["content-type"]
