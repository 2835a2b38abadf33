"""The auditor chooses the period on the form, in a real browser, without touching the address: a from–to
range with the date pickers, a month with the month picker, a quarter from the list, and the current month
to date beside the default last full month; each heading names the days covered."""

from playwright.sync_api import expect


def test_auditor_picks_a_date_range_a_month_a_quarter_and_the_month_to_date(desk, clock, artifacts):
    auditor = desk("auditor")
    page = auditor.page
    page.goto("/audit")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("效能监察 2026年10月")  # the last full month, on 2026-11-25

    form = page.locator("#period-form")
    form.get_by_label("自").fill("2026-11-02")
    form.get_by_label("至").fill("2026-11-20")
    form.get_by_role("button", name="按区间统计").click()
    expect(heading).to_have_text("效能监察 2026年11月2日 至 2026年11月20日")
    expect(page.locator("#open-work-heading")).to_contain_text("截至2026年11月20日")
    expect(form.get_by_label("自")).to_have_value("2026-11-02")
    page.screenshot(path=str(artifacts / "auditor-date-range.png"), full_page=False)

    form.get_by_label("月份").fill("2026-09")
    form.get_by_role("button", name="按月统计").click()
    expect(heading).to_have_text("效能监察 2026年9月")

    form.get_by_label("季度").select_option("2026-Q3")
    form.get_by_role("button", name="按季度统计").click()
    expect(heading).to_have_text("效能监察 2026年第三季度")
    expect(page.locator("#period-range")).to_contain_text("2026年7月1日 至 2026年9月30日")

    form.get_by_role("link", name="本月至今（11月1日至11月25日）").click()
    expect(heading).to_have_text("效能监察 2026年11月（截至11月25日）")
    expect(page.locator("#period-range")).not_to_contain_text("11月30日")
    form.get_by_role("link", name="上月（2026年10月）").click()
    expect(heading).to_have_text("效能监察 2026年10月")
