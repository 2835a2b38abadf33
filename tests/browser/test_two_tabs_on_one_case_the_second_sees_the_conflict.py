"""Two tabs on one case: the second click gets the conflict message and the current state;
and an applicant name with <script> is shown as text, never run."""

from playwright.sync_api import expect

from tests.browser.counter import Applicant, Intake
from tests.support import CREDIT_CODE

HOSTILE = "<script>alert('x')</script>物流"


def test_second_tab_acting_on_an_old_page_gets_the_conflict_and_the_case_is_done_once(desk, clock, artifacts):
    clerk = desk("clerk")
    dialogs = []
    clerk.page.context.on("page", lambda p: p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    clerk.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    clerk.start_intake("dlhw", "道路货物运输经营许可")
    clerk.fill_intake(Intake(Applicant(name=HOSTILE, credit_code=CREDIT_CODE)))
    verdict = clerk.preview()
    assert verdict == "材料齐全，予以受理", clerk.page.locator("#preview").inner_text()
    receipt_no = clerk.confirm("确认收件并受理")
    expect(clerk.page.locator("#applicant")).to_contain_text(HOSTILE)

    reviewer = desk("reviewer")
    reviewer.open_from_queue(receipt_no)
    second_tab = reviewer.page.context.new_page()
    second_tab.goto(reviewer.page.url)
    reviewer.take("完成审查，转下一环节")

    second_tab.get_by_role("button", name="完成审查，转下一环节").click()
    conflict = second_tab.get_by_role("alert")
    expect(conflict).to_contain_text("该办件刚被其他人员处理过")
    expect(second_tab.locator("#state")).to_have_text("待决定")  # the page now shows the current state
    expect(second_tab.get_by_role("button", name="完成审查，转下一环节")).to_have_count(0)
    expect(second_tab.locator("#timeline li").filter(has_text="完成审查")).to_have_count(1)
    second_tab.screenshot(path=str(artifacts / "d-second-tab-conflict.png"), full_page=True)
    assert dialogs == []
