"""GET /papers/{case_id}/{kind}.pdf: counter staff get the PDF; the auditor, strangers and
unknown or uncalled-for papers get the error the shared mapping gives."""

from __future__ import annotations

import pytest

from guides.pdfcheck import flat_text
from tests.api_fixtures import as_role, tokens  # noqa: F401  (fixtures)
from tests.support import STAFF, open_complete
from workflows import cases
from workflows.db import session as new_session


@pytest.fixture
def noticed_case(app):
    office = app.state.office
    with new_session(app.state.engine) as s:
        case = open_complete(s, office, "road-freight-licence", missing=("safety_rules", "driver_documents"))
        cases.issue_correction_notice(session=s, office=office, case=case, clerk=STAFF.clerk)
        return case.id, case.receipt_no


@pytest.mark.parametrize("role", ["clerk", "reviewer", "approver", "admin"])
def test_counter_roles_get_the_notice_pdf(client, as_role, noticed_case, role):
    case_id, receipt_no = noticed_case
    response = client.get(f"/papers/{case_id}/notice.pdf", headers=as_role[role])
    assert response.status_code == 200, response.text[:200]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = flat_text(response.content)
    assert "一次性告知书" in text and receipt_no in text and "安全生产管理制度文本" in text


def test_the_auditor_is_forbidden(client, as_role, noticed_case):
    case_id, _ = noticed_case
    response = client.get(f"/papers/{case_id}/notice.pdf", headers={**as_role["auditor"], "Accept": "application/json"})
    assert response.status_code == 403 and response.json()["code"] == "role-forbidden"


def test_without_login_no_paper_is_served(client, noticed_case):
    case_id, _ = noticed_case
    response = client.get(f"/papers/{case_id}/notice.pdf", headers={"Accept": "application/json"})
    assert response.status_code != 200 and response.json()["code"] == "login-required"


def test_unknown_case_kind_and_uncalled_for_paper(client, as_role, noticed_case):
    case_id, _ = noticed_case
    headers = {**as_role["clerk"], "Accept": "application/json"}
    assert client.get("/papers/999999/receipt.pdf", headers=headers).status_code == 404
    unknown = client.get(f"/papers/{case_id}/licence.pdf", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == "paper-unknown"
    early = client.get(f"/papers/{case_id}/decision.pdf", headers=headers)
    assert early.status_code == 409 and early.json()["code"] == "paper-not-called-for"
