"""The materials checklist follows the 办件情况 as the clerk ticks it, and "全部标为已收取" marks what applies."""

from playwright.sync_api import expect

from tests.browser.counter import COMMITMENT, Applicant, Intake
from tests.support import CREDIT_CODE

FREIGHT = "道路货物运输经营许可"
VEHICLES_READY = "已购置拟投入运输的车辆"
BY_AGENT = "委托经办人办理"
LICENCE_COPIES = "机动车行驶证复印件"
GRADE_COPIES = "车辆技术等级评定结论复印件"
MANDATE = "经办人身份证明及授权委托书"


def test_ticking_the_case_data_shows_and_hides_the_materials_that_apply(desk, clock, artifacts):
    clerk = desk("clerk")
    clerk.start_intake("dlhw", FREIGHT)
    page = clerk.page

    def row(name: str):
        return page.locator("#materials tr[data-material]").filter(has_text=name)

    # First load: vehicles not bought, no agent. The commitment is asked for, the vehicle papers are not.
    expect(row(COMMITMENT)).to_be_visible()
    for name in (LICENCE_COPIES, GRADE_COPIES, MANDATE):
        expect(row(name)).to_be_hidden()
    expect(page.locator("#not-applicable")).to_contain_text(LICENCE_COPIES)

    page.get_by_label(VEHICLES_READY).check()
    expect(row(LICENCE_COPIES)).to_be_visible()
    expect(row(GRADE_COPIES)).to_be_visible()
    expect(row(COMMITMENT)).to_be_hidden()
    expect(row(COMMITMENT).get_by_label("已收取")).to_be_disabled()  # not posted, not counted
    expect(page.locator("#not-applicable")).to_contain_text(COMMITMENT)
    page.get_by_label(BY_AGENT).check()
    expect(row(MANDATE)).to_be_visible()
    clerk.screenshot(artifacts, "intake-checklist-vehicles-bought-by-agent.png")

    page.get_by_label(VEHICLES_READY).uncheck()
    expect(row(COMMITMENT)).to_be_visible()
    expect(row(COMMITMENT).get_by_label("已收取")).to_be_enabled()
    expect(row(LICENCE_COPIES)).to_be_hidden()
    expect(row(GRADE_COPIES)).to_be_hidden()
    expect(row(MANDATE)).to_be_visible()
    page.get_by_label(BY_AGENT).uncheck()
    expect(row(MANDATE)).to_be_hidden()


def test_mark_all_marks_the_conditional_materials_that_apply_and_the_verdict_accepts(desk, clock, artifacts):
    clerk = desk("clerk")
    clerk.start_intake("dlhw", FREIGHT)
    page = clerk.page
    page.get_by_label(VEHICLES_READY).check()
    page.get_by_label(BY_AGENT).check()
    clerk.fill_intake(Intake(Applicant(name="嘉兴市全达物流有限公司", credit_code=CREDIT_CODE)))
    rows = page.locator("#materials tr[data-material]")
    for i in range(rows.count()):
        received = rows.nth(i).get_by_label("已收取")
        if rows.nth(i).get_attribute("data-applies") == "no":
            expect(received).not_to_be_checked()  # the commitment: not asked for, not marked
        else:
            expect(received).to_be_checked()
    clerk.screenshot(artifacts, "intake-mark-all-with-conditional-items.png")
    assert clerk.preview() == "材料齐全，予以受理"
    expect(page.locator("#notice-items")).to_have_count(0)
    clerk.screenshot(artifacts, "intake-verdict-after-mark-all.png")
    receipt_no = clerk.confirm("确认收件并受理")
    expect(page.get_by_role("status")).to_contain_text(f"已受理（收件编号 {receipt_no}）")
    assert clerk.state() == "审查"
    for name in (LICENCE_COPIES, GRADE_COPIES, MANDATE):
        assert clerk.material_status(name) == "已收取"
    assert clerk.material_status(COMMITMENT) == "本案不适用"


def test_mark_all_covers_the_commitment_when_no_vehicle_is_bought(desk, clock):
    # The old page skipped conditional items, and the verdict then asked for a commitment handed in.
    clerk = desk("clerk")
    clerk.start_intake("dlhw", FREIGHT)
    clerk.fill_intake(Intake(Applicant(name="嘉兴市承诺物流有限公司", credit_code=CREDIT_CODE)))
    expect(clerk.material_row(COMMITMENT).get_by_label("已收取")).to_be_checked()
    assert clerk.preview() == "材料齐全，予以受理"
