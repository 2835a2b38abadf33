"""(b) 容缺受理: the vehicle grade copies are missing, the applicant signs the pledge, posts them later;
no second visit."""

from playwright.sync_api import expect

from tests.browser.counter import Applicant, Intake
from tests.support import CREDIT_CODE

FREIGHT = "道路货物运输经营许可"
# The lorries are bought: the 行驶证 copies come along, the 技术等级评定结论 (a supporting copy) may follow.
BOUGHT = "已购置拟投入运输的车辆"
GAP = "车辆技术等级评定结论复印件"


def test_tolerated_gap_is_supplied_by_post_and_the_result_is_mailed(desk, clock, artifacts):
    clerk = desk("clerk")
    clerk.start_intake("road-freight", FREIGHT)
    clerk.fill_intake(Intake(Applicant(name="嘉兴市安运物流有限公司", credit_code=CREDIT_CODE),
                             facts=[BOUGHT], not_handed_in=[GAP]))
    assert clerk.preview() == "可容缺受理（申请人须签署承诺书）"
    gaps = clerk.page.locator("#gaps tbody tr")
    expect(gaps).to_have_count(1)
    expect(gaps).to_contain_text(GAP)
    expect(gaps).to_contain_text("2026年11月30日")  # 3 working days after Wednesday 25 November

    clerk.page.get_by_role("button", name="确认收件并容缺受理").click()
    expect(clerk.page.get_by_role("alert")).to_be_visible()  # the pledge must be ticked first
    clerk.page.get_by_label("申请人已签署容缺受理承诺书").check()
    receipt_no = clerk.confirm("确认收件并容缺受理")
    assert clerk.state() == "审查"
    assert clerk.material_status(GAP).startswith("容缺待补")

    clock.advance(days=1)
    reviewer = desk("reviewer")
    reviewer.open_from_queue(receipt_no)
    reviewer.take("完成审查，转下一环节")
    approver = desk("approver")
    approver.open_from_queue(receipt_no)
    approver.take("作出准予许可决定")

    clerk.open_from_queue(receipt_no)
    issue_form = clerk.page.locator("form").filter(has=clerk.page.locator("h3", has_text="制证"))
    expect(issue_form.get_by_role("button")).to_be_disabled()
    expect(issue_form).to_contain_text("暂不能办理：尚有 1 项容缺材料未补齐，不能出证")

    clock.advance(days=1)  # the envelope arrives on Friday
    supplement = clerk.action("登记容缺材料补齐（邮寄）")
    supplement.get_by_label("补齐的材料").select_option(label=f"{GAP}（2026年11月30日前）")
    clerk.take("登记容缺材料补齐（邮寄）", {"备注（可不填）": "EMS 寄达，已核对"})
    assert clerk.material_status(GAP).startswith("已补齐")

    issue = next(h for h in clerk.page.locator("#actions h3").all_inner_texts() if h.startswith("制证"))
    clerk.take(issue)
    clerk.take("送达：邮寄送达（EMS）", {"邮件号（EMS）": "EA000000002CN"})

    assert clerk.state() == "已办结"
    assert clerk.visits().startswith("1")
    expect(clerk.page.locator("#visit-list tbody tr")).to_have_count(1)
    clerk.screenshot(artifacts, "b-tolerated-gap-mailed-supplement.png")
