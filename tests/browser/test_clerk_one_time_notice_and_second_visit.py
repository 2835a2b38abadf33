"""(c) 一次性告知: the application form is missing (not tolerable); the applicant comes back once with it."""

from playwright.sync_api import expect

from tests.browser.counter import Applicant, Intake
from tests.support import CREDIT_CODE

FREIGHT = "道路货物运输经营许可"
FORM = "《道路货物运输经营申请表》"
RULES = "安全生产管理制度文本"


def test_one_time_notice_then_the_corrections_at_a_second_visit(desk, clock, artifacts):
    clerk = desk("clerk")
    clerk.start_intake("道路货物", FREIGHT)
    clerk.fill_intake(Intake(Applicant(name="嘉兴市禾运物流有限公司", credit_code=CREDIT_CODE),
                             not_handed_in=[FORM, RULES]))
    assert clerk.preview() == "材料不齐，出具一次性告知书"
    notice = clerk.page.locator("#notice-items li")
    expect(notice).to_have_count(2)  # every item at once, the tolerable one too
    expect(notice.nth(0)).to_have_text(f"{FORM}：未提交")
    expect(notice.nth(1)).to_have_text(f"{RULES}：未提交")
    receipt_no = clerk.confirm("确认收件并出具一次性告知书")
    assert clerk.state() == "待补正（已一次性告知）"
    expect(clerk.page.get_by_role("link", name="一次性告知书")).to_be_visible()

    clock.advance(days=2)  # Friday: the applicant is back at the window with both items
    clerk.open_from_queue_or_search(receipt_no)
    correction = clerk.action("收取补正材料（窗口现场）")
    for name in (FORM, RULES):
        clerk.material_row(name, within=correction).get_by_label("已收取").check()
    clerk.take("收取补正材料（窗口现场）")
    assert clerk.state() == "已收件"
    assert clerk.visits().startswith("2")
    expect(clerk.page.locator("#visits")).to_contain_text("超过一次")
    clerk.take("受理")
    assert clerk.state() == "审查"

    clock.advance(days=3)  # Monday: the reviewer picks it up
    reviewer = desk("reviewer")
    reviewer.open_from_queue(receipt_no)
    reviewer.take("完成审查，转下一环节")
    approver = desk("approver")
    approver.open_from_queue(receipt_no)
    approver.take("作出准予许可决定")
    clerk.open_from_queue(receipt_no)
    issue = next(h for h in clerk.page.locator("#actions h3").all_inner_texts() if h.startswith("制证"))
    clerk.take(issue)
    clerk.take("送达：邮寄送达（EMS）", {"邮件号（EMS）": "EA000000003CN"})

    assert clerk.state() == "已办结"
    visits = clerk.page.locator("#visit-list tbody tr")
    expect(visits).to_have_count(2)
    expect(visits.nth(0)).to_contain_text("递交")
    expect(visits.nth(1)).to_contain_text("补正")
    clerk.screenshot(artifacts, "c-one-time-notice-second-visit.png")
