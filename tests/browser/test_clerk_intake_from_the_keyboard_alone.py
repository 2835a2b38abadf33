"""A clerk takes in each matter of the catalogue with the keyboard alone: typing, Tab, Space,
Ctrl+Enter for 预审 and Enter to confirm. No step here clicks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.counter import ADDRESS, Desk
from workflows import identity
from workflows.catalogue import load_catalogue

CATALOGUE = load_catalogue()
FREIGHT = "road-freight-licence"


def credit_code(serial: int) -> str:
    """A valid 统一社会信用代码 of its own for each intake here, so no earlier case is offered."""
    first17 = f"91330400MA2K{serial:05d}"
    return first17 + identity.credit_code_check_char(first17)


def open_intake_by_keyboard(clerk: Desk, code: str, name: str) -> None:
    """新建办件: the search box has the focus; type the matter's code and press Enter on the one match."""
    clerk.page.goto("/cases/new")
    expect(clerk.page.get_by_label("事项名称、简称、拼音首字母或编码")).to_be_focused()
    clerk.page.keyboard.type(code)
    clerk.page.keyboard.press("Enter")
    expect(clerk.page.get_by_role("heading", level=1)).to_have_text(f"新建办件：{name}")


def fill_applicant_by_keyboard(clerk: Desk, id_no: str, name: str) -> None:
    page = clerk.page
    expect(page.get_by_label("单位", exact=True)).to_be_focused()  # the first field, 单位 already chosen
    clerk.type_into(page.get_by_label("身份证号 / 统一社会信用代码"), id_no)
    clerk.type_into(page.get_by_label("名称/姓名"), name)
    clerk.type_into(page.get_by_label("联系电话"), "13900005678")


def preview_and_confirm_by_keyboard(clerk: Desk, first_step_label: str) -> str:
    page = clerk.page
    page.keyboard.press("Control+Enter")
    expect(page.locator("#verdict")).to_have_text("材料齐全，予以受理")
    confirm = page.get_by_role("button", name="确认收件并受理")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    receipt_no = clerk.announced_number()
    expect(page.get_by_role("status")).to_contain_text(f"已受理（收件编号 {receipt_no}）")
    expect(page.locator("#state")).to_have_text(first_step_label)
    return receipt_no


def test_road_freight_from_the_keyboard_alone_to_review(desk, clock, artifacts):
    clerk = desk("clerk")
    page = clerk.page
    open_intake_by_keyboard(clerk, FREIGHT, "道路货物运输经营许可")
    fill_applicant_by_keyboard(clerk, credit_code(1), "嘉兴市键盘物流有限公司")
    # 申请方式 窗口现场 and 送达方式 邮寄 are already chosen: Tab passes them, the address is typed.
    clerk.type_into(page.get_by_label("邮寄地址（选择邮寄时必填）"), ADDRESS)
    clerk.press_on(page.get_by_label("已购置拟投入运输的车辆"), "Space")
    expect(page.get_by_label("已购置拟投入运输的车辆")).to_be_checked()
    expect(page.locator("#materials tr").filter(has_text="机动车行驶证复印件")).to_be_visible()
    clerk.press_on(page.get_by_role("button", name="全部标为已收取"), "Space")
    expect(clerk.material_row("机动车行驶证复印件").get_by_label("已收取")).to_be_checked()
    # Ctrl+Enter works from anywhere in the form: here from a material's problem note.
    clerk.tab_to(page.get_by_label("安全生产管理制度文本：问题说明"))
    clerk.screenshot(artifacts, "intake-keyboard-before-preview.png")
    preview_and_confirm_by_keyboard(clerk, "审查")
    assert page.locator("#state").get_attribute("data-state") == "step_review"


def test_enter_in_a_text_field_previews_and_does_not_confirm(desk, clock):
    clerk = desk("clerk")
    page = clerk.page
    open_intake_by_keyboard(clerk, FREIGHT, "道路货物运输经营许可")
    fill_applicant_by_keyboard(clerk, credit_code(2), "嘉兴市回车物流有限公司")
    clerk.type_into(page.get_by_label("邮寄地址（选择邮寄时必填）"), ADDRESS)
    clerk.press_on(page.get_by_role("button", name="全部标为已收取"), "Space")
    clerk.press_on(page.get_by_label("联系电话"), "Enter")
    expect(page.locator("#verdict")).to_have_text("材料齐全，予以受理")
    clerk.press_on(page.get_by_label("名称/姓名"), "Enter")  # again, with the confirm buttons on the page
    expect(page.locator("#verdict")).to_be_visible()
    assert page.url.endswith(f"/cases/new/{FREIGHT}")  # still the form: nothing was confirmed


def test_an_applicant_seen_before_is_filled_in_on_the_clerks_word(desk, clock, artifacts):
    clerk = desk("clerk")
    page = clerk.page
    known = credit_code(3)
    open_intake_by_keyboard(clerk, FREIGHT, "道路货物运输经营许可")
    fill_applicant_by_keyboard(clerk, known, "嘉兴市回头客物流有限公司")
    clerk.type_into(page.get_by_label("邮寄地址（选择邮寄时必填）"), ADDRESS)
    clerk.press_on(page.get_by_role("button", name="全部标为已收取"), "Space")
    preview_and_confirm_by_keyboard(clerk, "审查")

    clock.advance(days=7)  # a week later the same company comes for another matter
    open_intake_by_keyboard(clerk, "road-works-permit", "涉路施工许可")
    expect(page.get_by_label("单位", exact=True)).to_be_focused()
    clerk.type_into(page.get_by_label("身份证号 / 统一社会信用代码"), known)
    offer = page.locator("#known-applicant")
    expect(offer).to_contain_text("嘉兴市回头客物流有限公司")
    expect(offer).to_contain_text("139****5678")
    expect(page.get_by_label("名称/姓名")).to_have_value("")  # offered, not filled
    clerk.screenshot(artifacts, "intake-applicant-seen-before-offer.png")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="填入此申请人信息")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("名称/姓名")).to_have_value("嘉兴市回头客物流有限公司")
    expect(page.get_by_label("联系电话")).to_have_value("13900005678")
    expect(page.locator("#applicant-status")).to_contain_text("请与申请人核对")
    expect(offer).to_be_hidden()


def _first_step_label(definition) -> str:
    version = CATALOGUE.get(definition.code)
    return version.compiled.state_label(f"step_{definition.steps[0].id}")


@pytest.mark.parametrize("code", [v.code for v in CATALOGUE.matters()])
def test_every_matter_is_taken_in_from_the_keyboard_alone(desk, clock, code):
    definition = CATALOGUE.get(code).definition
    clerk = desk("clerk")
    page = clerk.page
    open_intake_by_keyboard(clerk, code, definition.name)
    serial = 100 + [v.code for v in CATALOGUE.matters()].index(code)
    fill_applicant_by_keyboard(clerk, credit_code(serial), "嘉兴市键盘申请有限公司")
    if "mail" in [m.value for m in definition.delivery_methods]:  # 邮寄 is then the default delivery
        clerk.type_into(page.get_by_label("邮寄地址（选择邮寄时必填）"), ADDRESS)
    for precondition in definition.preconditions:  # e.g. 已通过考试: ticked, or the verdict is 不予受理
        box = page.get_by_label(next(f.label for f in definition.case_fields if f.id == precondition.field))
        clerk.press_on(box, "Space")
        expect(box).to_be_checked()
    clerk.press_on(page.get_by_role("button", name="全部标为已收取"), "Space")
    preview_and_confirm_by_keyboard(clerk, _first_step_label(definition))
    assert page.locator("#state").get_attribute("data-state") == f"step_{definition.steps[0].id}"
