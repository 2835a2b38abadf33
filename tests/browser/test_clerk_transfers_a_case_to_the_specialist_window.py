"""The 综合窗口's clerk sends a case to the 交通运输专窗 with 转办 from the case page; the specialist
clerk, who was offered nothing on it before, then finds it in their queue and may accept it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support import company, open_complete
from workflows import accounts
from workflows.db import session as new_session

APPLICANT = "嘉兴市转办物流有限公司"


def a_case_at_the_comprehensive_window(live_server):
    app = live_server.app
    with new_session(app.state.engine) as s:
        clerk = accounts.actor_of(s.get(accounts.StaffUser, "clerk"))
        case = open_complete(s, app.state.office, "road-freight-licence", clerk=clerk, applicant=company(APPLICANT))
        return case.id, case.receipt_no


def test_clerk_transfers_a_case_and_the_specialist_window_takes_it_on(desk, live_server, clock, artifacts):
    case_id, receipt_no = a_case_at_the_comprehensive_window(live_server)
    specialist = desk("clerk2")
    specialist.page.goto(f"/cases/{case_id}")
    expect(specialist.page.locator("#other-window")).to_contain_text("综合窗口（W01）")
    expect(specialist.page.locator("form.action")).to_have_count(0)
    specialist.page.locator("#actions").scroll_into_view_if_needed()
    specialist.page.screenshot(path=str(artifacts / "other-window-case-page.png"))

    clerk = desk("clerk")
    clerk.page.set_viewport_size({"width": 1366, "height": 900})
    clerk.page.goto(f"/cases/{case_id}")
    form = clerk.page.locator('form[data-trigger="transfer"]')
    form.get_by_label("转往窗口").select_option(label="交通运输专窗（W02）")
    form.get_by_label("转办理由").fill("道路货运许可由交通运输专窗办理")
    form.scroll_into_view_if_needed()
    clerk.page.screenshot(path=str(artifacts / "transfer-form-1366.png"))
    form.get_by_role("button", name="转办").click()
    expect(clerk.page.locator("#window")).to_have_text("交通运输专窗（W02）")
    expect(clerk.page.locator("#timeline")).to_contain_text("转至：交通运输专窗（W02）")

    specialist.page.set_viewport_size({"width": 1366, "height": 900})
    specialist.page.goto("/queue")
    expect(specialist.page.get_by_role("link", name=receipt_no)).to_be_visible()
    specialist.page.screenshot(path=str(artifacts / "w02-queue-after-transfer-1366.png"))
    specialist.page.get_by_role("link", name=receipt_no).click()
    expect(specialist.page.locator('form[data-trigger="accept"] button')).to_be_enabled()
