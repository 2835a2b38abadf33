"""What a member of staff does at the counter, in words of the screen: labels, buttons, links.

Nothing here posts a form by hand or reads an id the person could not see;
every step is a click or a keystroke on what the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from workflows.demo_users import DEMO_USERS

PASSWORDS = {u.username: u.password for u in DEMO_USERS}
ADDRESS = "浙江省嘉兴市南湖区中山东路1号"
# The freight applicants in these tests have not bought their lorries yet, so they bring the commitment.
COMMITMENT = "拟投入运输车辆承诺书"
RECEIPT_NO = re.compile(r"[0-9]{8}[0-9A-Z]{8}")


@dataclass
class Applicant:
    name: str = "嘉兴市顺达物流有限公司"
    credit_code: str = ""
    phone: str = "13900005678"


@dataclass
class Intake:
    """What the clerk fills in for one submission."""

    applicant: Applicant
    delivery: str = "邮寄送达（EMS）"
    not_handed_in: list[str] = field(default_factory=list)  # material names the applicant did not bring
    facts: list[str] = field(default_factory=list)  # 办件情况 boxes the clerk ticks, by their label


@dataclass
class Desk:
    page: Page
    username: str

    @classmethod
    def log_in(cls, page: Page, username: str) -> Desk:
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORDS[username])
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("button", name="退出")).to_be_visible()
        return cls(page, username)

    # ---- intake -------------------------------------------------------------------

    def start_intake(self, search: str, matter_name: str) -> None:
        self.page.get_by_role("link", name="新建办件").first.click()
        self.page.get_by_label("事项名称、简称、拼音首字母或编码").fill(search)
        self.page.get_by_role("link", name=matter_name, exact=True).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(f"新建办件：{matter_name}")

    def fill_intake(self, intake: Intake) -> None:
        page = self.page
        page.get_by_label("单位", exact=True).check()
        page.get_by_label("名称/姓名").fill(intake.applicant.name)
        page.get_by_label("身份证号 / 统一社会信用代码").fill(intake.applicant.credit_code)
        page.get_by_label("联系电话").fill(intake.applicant.phone)
        page.get_by_label("窗口现场").check()
        page.get_by_label(intake.delivery).check()
        if "邮寄" in intake.delivery:
            page.get_by_label("邮寄地址（选择邮寄时必填）").fill(ADDRESS)
        for fact in intake.facts:
            page.get_by_label(fact).check()
        page.get_by_role("button", name="全部标为已收取").click()  # conditional items that apply included
        for name in intake.not_handed_in:
            self.material_row(name).get_by_label("未提交").check()

    # ---- the keyboard alone ------------------------------------------------------------

    def tab_to(self, target: Locator, limit: int = 80) -> None:
        """Press Tab, and no other key, until `target` has the focus."""
        for _ in range(limit):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{limit} presses of Tab never reached {target}")

    def type_into(self, target: Locator, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.type(text)

    def press_on(self, target: Locator, key: str) -> None:
        """Tab to `target` and press `key` there (Space ticks a box or presses a button)."""
        self.tab_to(target)
        self.page.keyboard.press(key)

    def material_row(self, name: str, within: Page | Locator | None = None) -> Locator:
        return (within or self.page).get_by_role("row").filter(has_text=name)

    def preview(self) -> str:
        self.page.get_by_role("button", name="预审（不保存）").click()
        expect(self.page.get_by_role("heading", name="预审结论")).to_be_visible()
        return self.page.locator("#verdict").inner_text()

    def confirm(self, button: str) -> str:
        """Confirm the intake; returns the receipt number the flash message announces."""
        self.page.get_by_role("button", name=button).click()
        return self.announced_number()

    def announced_number(self) -> str:
        """The receipt number in the message the case page opens with."""
        status = self.page.get_by_role("status")
        expect(status).to_contain_text(RECEIPT_NO)
        found = RECEIPT_NO.search(status.inner_text())
        assert found is not None, "the status message names the receipt number"
        return found.group(0)

    # ---- the case page --------------------------------------------------------------

    def open_from_queue(self, receipt_no: str) -> None:
        self.page.get_by_role("link", name="我的待办", exact=True).click()  # the menu, not the tab "我的待办（n）"
        self.page.get_by_role("link", name=receipt_no).click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(receipt_no)

    def open_from_queue_or_search(self, receipt_no: str) -> None:
        """A case waiting for the applicant is not in 我的待办 (it is on the 等待申请人 tab): the clerk
        searches its number."""
        self.page.get_by_role("link", name="查询", exact=True).click()
        self.page.get_by_role("searchbox").fill(receipt_no)
        self.page.get_by_role("searchbox").press("Enter")
        self.page.get_by_role("link", name=receipt_no).click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(receipt_no)

    def action(self, label: str) -> Locator:
        """The form of one action on the case page, found by its heading."""
        return self.page.locator("form").filter(has=self.page.get_by_role("heading", name=label, exact=True))

    def take(self, label: str, fill: dict[str, str] | None = None) -> None:
        """Fill an action's fields by their labels and press its button; expect the done message."""
        form = self.action(label)
        for field_label, value in (fill or {}).items():
            form.get_by_label(field_label).fill(value)
        form.get_by_role("button", name=label).click()
        expect(self.page.get_by_role("status")).to_have_text(f"已完成：{label}")

    def state(self) -> str:
        return self.page.locator("#state").inner_text()

    def visits(self) -> str:
        return self.page.locator("#visits").inner_text()

    def material_status(self, name: str) -> str:
        row = self.page.locator("#materials").get_by_role("row").filter(has_text=name)
        return row.locator("td.status").inner_text()

    def screenshot(self, folder: Path, name: str) -> Path:
        path = folder / name
        self.page.screenshot(path=str(path), full_page=True)
        return path
