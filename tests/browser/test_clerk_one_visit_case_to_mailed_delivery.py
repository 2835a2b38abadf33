"""(a) A complete application at the window, result by EMS: one visit, as the promise says."""

from playwright.sync_api import expect

from tests.browser.counter import Applicant, Intake
from tests.support import CREDIT_CODE

FREIGHT = "道路货物运输经营许可"


def test_one_visit_case_from_the_counter_to_mailed_delivery(desk, clock, artifacts):
    clerk = desk("clerk")
    clerk.start_intake("dlhw", FREIGHT)
    clerk.fill_intake(Intake(Applicant(credit_code=CREDIT_CODE)))
    assert clerk.preview() == "材料齐全，予以受理"
    receipt_no = clerk.confirm("确认收件并受理")
    assert clerk.state() == "审查"
    assert clerk.visits().startswith("1")

    clock.advance(days=1)
    reviewer = desk("reviewer")
    reviewer.open_from_queue(receipt_no)
    reviewer.take("完成审查，转下一环节", {"备注（可不填）": "材料齐全，符合许可条件"})
    assert reviewer.state() == "待决定"

    clock.advance(days=1)
    approver = desk("approver")
    approver.open_from_queue(receipt_no)
    approver.take("作出准予许可决定")
    assert approver.state() == "待制证"

    clock.advance(hours=2)
    clerk.open_from_queue(receipt_no)
    issue = next(h for h in clerk.page.locator("#actions h3").all_inner_texts() if h.startswith("制证"))
    clerk.take(issue)
    assert clerk.state() == "待送达"
    delivery = clerk.action("送达：邮寄送达（EMS）")
    expect(delivery.get_by_label("收件地址")).to_have_value("浙江省嘉兴市南湖区中山东路1号")
    clerk.take("送达：邮寄送达（EMS）", {"邮件号（EMS）": "EA123456789CN"})

    assert clerk.state() == "已办结"
    assert clerk.visits().startswith("1")
    expect(clerk.page.locator("#visit-list tbody tr")).to_have_count(1)
    expect(clerk.page.locator("#timeline")).to_contain_text("EA123456789CN")
    expect(clerk.page.locator("#no-actions")).to_have_text("办件已结束。")
    clerk.screenshot(artifacts, "a-one-visit-mailed-delivery.png")
