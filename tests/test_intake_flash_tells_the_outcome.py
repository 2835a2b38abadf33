"""After the clerk confirms an intake, the message says what happened: 受理, 容缺受理, 一次性告知 or 不予受理.

The number is the 收件编号 every paper prints, accepted or not; only an accepted case says 受理.
"""

from __future__ import annotations

from tests.support import FREIGHT_GAP, VEHICLES_BOUGHT

import pytest
from sqlmodel import select

from tests.page_helpers import add_staff, client_as, one, soup
from tests.test_pages_intake_preview_and_confirm import form_for, submit
from workflows.models import Case

FREIGHT = "road-freight-licence"
TAXI = "taxi-driver-qualification"


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def confirmed(clerk, session, office, code: str, choice: str, **form):
    """Confirm the intake; the flash message and heading on the case page it lands on, and the case."""
    response = submit(clerk, code, form_for(office, code, **form), step=f"confirm:{choice}")
    assert response.status_code == 303, response.text
    page = soup(clerk.get(response.headers["location"]))
    return page.select_one("p.msg[role=status]"), one(page, "h1").get_text(" ", strip=True), \
        session.exec(select(Case)).one()


def test_an_accepted_case_is_announced_with_its_acceptance_number(clerk, session, office):
    flash, heading, case = confirmed(clerk, session, office, FREIGHT, "accept", previewed="accept")
    assert flash["class"] == ["msg", "ok"]
    assert flash.get_text().startswith(f"已受理（收件编号 {case.receipt_no}）")
    assert f"收件编号 {case.receipt_no}" in heading


def test_a_tolerated_case_is_announced_as_accepted_with_tolerance(clerk, session, office):
    flash, _, case = confirmed(clerk, session, office, FREIGHT, "accept_tolerated", missing=(FREIGHT_GAP,),
                               data=VEHICLES_BOUGHT, previewed="tolerate", pledge_signed="on")
    assert flash.get_text().startswith(f"已容缺受理（收件编号 {case.receipt_no}）")
    assert case.state == "step_review"


def test_a_notice_is_not_called_an_acceptance(clerk, session, office):
    flash, heading, case = confirmed(clerk, session, office, FREIGHT, "notify", missing=("application_form",),
                                     previewed="notify")
    text = flash.get_text()
    assert text.startswith(f"已收件（收件编号 {case.receipt_no}），已出具一次性告知书")
    assert "受理" not in text.replace("不予受理", "") and "受理编号" not in heading
    assert f"收件编号 {case.receipt_no}" in heading and case.state == "awaiting_correction"


def test_a_refusal_is_announced_as_a_decision_not_to_accept(clerk, session, office):
    reason = "未通过出租汽车驾驶员从业资格考试"
    flash, heading, case = confirmed(clerk, session, office, TAXI, "refuse", previewed="refuse", reason=reason)
    text = flash.get_text()
    assert text.startswith("已收件并作出不予受理决定") and case.receipt_no in text
    assert "受理编号" not in text and f"收件编号 {case.receipt_no}" in heading
    assert case.state == "refused"


def test_an_intake_whose_action_failed_says_the_case_was_only_received():
    from windows.intake_flow import done_message
    from workflows import errors

    message = done_message("accept", "20261125ABCDEFGH", errors.Conflict("材料不齐"))
    assert message == "已收件（收件编号 20261125ABCDEFGH），但受理未完成：材料不齐"
