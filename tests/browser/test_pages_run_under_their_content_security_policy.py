"""Key pages load in Chromium under their Content-Security-Policy without a single violation or failed request:
the nonce'd scripts run (the matter filter narrows the list as the clerk types), nothing inline is blocked,
and Swagger UI at /docs still renders."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support import company, open_complete
from workflows import accounts
from workflows.db import session as new_session

STAFF_PAGES = ["/queue", "/queue/waiting", "/cases/new", "/cases/new/road-freight-licence", "/search?q=顺达",
               "/matters", "/matters/road-freight-licence"]
PUBLIC_PAGES = ["/public", "/public/status", "/login", "/guides/road-freight-licence",
                "/guides/road-freight-licence/checklist"]


def violations_on(page) -> list[str]:
    """CSP reports, script errors, and any resource of the page that fails to load."""
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text)
            if "Content Security Policy" in m.text or "Failed to load resource" in m.text else None)
    page.on("pageerror", lambda e: found.append(f"page error: {e}"))
    page.on("response", lambda r: found.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return found


def a_case(live_server):
    app = live_server.app
    with new_session(app.state.engine) as s:
        clerk = accounts.actor_of(s.get(accounts.StaffUser, "clerk"))
        return open_complete(s, app.state.office, "road-freight-licence", clerk=clerk,
                             applicant=company("嘉兴市顺达物流有限公司")).id


def test_staff_and_public_pages_report_no_csp_violation(desk, chromium, live_server, clock):
    clerk = desk("clerk")
    found = violations_on(clerk.page)
    for path in [*STAFF_PAGES, f"/cases/{a_case(live_server)}"]:
        clerk.page.goto(path)
        clerk.page.wait_for_load_state("load")

    clerk.page.goto("/cases/new")
    rows = clerk.page.locator("#matter-list tbody tr:not([hidden])")
    before = rows.count()
    clerk.page.get_by_label("事项名称、简称、拼音首字母或编码").fill("dlhw")
    expect(rows).not_to_have_count(before)  # the nonce'd script ran

    context = chromium.new_context(base_url=live_server.url)
    visitor = context.new_page()
    found_by_visitor = violations_on(visitor)
    for path in PUBLIC_PAGES:
        visitor.goto(path)
        visitor.wait_for_load_state("load")
    visitor.goto("/docs")
    visitor.wait_for_selector(".opblock-summary-path", timeout=15_000)
    context.close()

    assert found == [] and found_by_visitor == []
