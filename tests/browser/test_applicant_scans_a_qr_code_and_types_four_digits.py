"""The applicant's side, on a phone: the QR code of the 一次性告知书 opens the status lookup
with the receipt number filled in; four digits and Enter show what is owed, by
when, and how to send it."""

from playwright.sync_api import expect

from guides.qr import status_url
from tests.support import open_complete, person
from workflows import accounts, cases
from workflows.db import session as new_session

FREIGHT = "road-freight-licence"
PHONE = (390, 844)


def notified_case(app) -> str:
    """A freight application missing two items, with the 一次性告知书 issued by the demo clerk."""
    office = app.state.office
    with new_session(app.state.engine) as s:
        clerk = accounts.actor_of(s.get_one(accounts.StaffUser, "clerk"))
        case = open_complete(s, office, FREIGHT, clerk=clerk, missing=("application_form", "safety_rules"),
                             applicant=person(name="陈小平", phone="13955551234"))
        cases.issue_correction_notice(session=s, office=office, case=case, clerk=clerk,
                                      notes={"safety_rules": "须加盖单位公章"})
        return case.receipt_no


def test_applicant_scans_the_notice_and_types_only_the_four_digits(chromium, live_server, clock, artifacts):
    receipt_no = notified_case(live_server.app)
    context = chromium.new_context(locale="zh-CN", viewport={"width": PHONE[0], "height": PHONE[1]})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(status_url(live_server.url, receipt_no))  # what the camera opens
        expect(page.get_by_label("收件编号")).to_have_value(receipt_no)
        expect(page.get_by_label("申请时所留手机号码后四位")).to_be_focused()

        page.keyboard.type("1234")
        page.keyboard.press("Enter")

        expect(page.locator("#state")).to_have_text("待补正（已一次性告知）")
        items = page.locator("#owed li.demand")
        expect(items).to_have_count(2)
        expect(items.nth(0)).to_contain_text("《道路货物运输经营申请表》")
        expect(items.nth(1)).to_contain_text("须加盖单位公章")
        expect(items.nth(1).locator(".due")).to_have_text("2026年12月9日前")
        expect(page.locator("#owed section.way h4")).to_have_text(["网上提交", "到窗口提交（需到现场）"])
        expect(page.locator("body")).not_to_contain_text("陈小平")
        page.screenshot(path=str(artifacts / "applicant-status-from-qr-390.png"), full_page=True)
    finally:
        context.close()
