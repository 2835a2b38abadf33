"""/docs renders the API's operations in a browser that can reach nothing but this server.

Swagger UI must come from the server itself (a counter network has no Internet),
and must be a version that reads OpenAPI 3.1, which FastAPI writes; Swagger UI 4
shows "Unable to render this definition" instead.
"""

from __future__ import annotations


def test_docs_list_the_case_operations_with_no_request_leaving_the_server(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    outside = []

    def only_this_server(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = {element.inner_text().replace("\u200b", "") for element in page.query_selector_all(".opblock-summary-path")}
    assert {"/api/cases", "/api/cases/{case_id}/actions/transfer", "/api/cases/{case_id}/actions/deliver_{method}",
            "/api/queue"} <= paths
    assert "Unable to render" not in page.inner_text("body")
    assert outside == []
    context.close()
