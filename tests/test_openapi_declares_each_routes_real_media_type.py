"""Every operation of the OpenAPI document names the media type it really answers.

Pages answer HTML, guides and papers PDF, the flow diagram SVG; only the REST API, the intake
page's two helpers and the auditor's JSON export answer JSON. Each page and download also
declares the errors it can answer.
"""

from __future__ import annotations

import pytest

JSON_OUTSIDE_THE_API = {("post", "/cases/new/{code}/applicable-materials"),
                        ("post", "/cases/new/{code}/known-applicant")}


def _operations(app):
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def _success(operation) -> dict:
    responses = operation["responses"]
    return next(responses[s] for s in ("200", "201", "204") if s in responses)


def expected(method: str, path: str) -> set[str] | None:
    if path.startswith("/api/") or (method, path) in JSON_OUTSIDE_THE_API:
        return {"application/json"}
    if path.endswith(".pdf"):
        return {"application/pdf"}
    if path.endswith(".svg"):
        return {"image/svg+xml"}
    if path == "/public/inspections/{draw_id}.{fmt}":
        return {"text/csv", "application/json"}  # the format in the path: 双随机's public download
    if path.startswith("/audit/export") or path.startswith("/audit/eventlog"):
        return None  # a format parameter chooses among CSV, XLSX, XML and JSON: tested by the audit's own tests
    return {"text/html"}


def test_every_operation_declares_the_media_type_it_answers(app):
    wrong = []
    for method, path, operation in _operations(app):
        want = expected(method, path)
        declared = set(_success(operation).get("content", {}))
        if want is not None and declared != want:
            wrong.append((method, path, sorted(declared)))
    assert not wrong


@pytest.mark.parametrize("path, status", [("/guides/{code}.pdf", "404"), ("/papers/{case_id}/{kind}.pdf", "403"),
                                          ("/cases/{case_id}", "404"), ("/queue", "303"), ("/public/status", "429")])
def test_pages_and_downloads_declare_their_errors(app, path, status):
    operation = app.openapi()["paths"][path]["get"]
    assert status in operation["responses"]
