"""A member of staff who mistypes an address gets the 404 page with a way back to their work and the
退出 button, not the public header's 工作人员登录 (which read as if they had been signed out)."""

from __future__ import annotations

import pytest

from tests.page_helpers import add_staff, attr, client_as, one, soup


@pytest.fixture
def staff(session):
    add_staff(session)


@pytest.mark.parametrize("role", ["clerk", "auditor"])
def test_a_signed_in_member_of_staff_sees_the_way_back_and_the_logout(app, staff, role):
    with client_as(app, role) as browser:
        response = browser.get("/no-such-page")
        page = soup(response)
        header = one(page, "header.top")

        assert response.status_code == 404
        assert attr(one(page, "[data-code]"), "data-code") == "no-such-path"
        assert [(attr(a, "href"), a.get_text()) for a in header.select("nav a")] == [("/", "返回工作台")]
        logout = one(header, "form[action='/logout']")
        assert attr(one(logout, "input[name=csrf]"), "value")
        assert "工作人员登录" not in header.get_text()
        # The way back leads to the member's own start page.
        assert browser.get("/", follow_redirects=False).status_code == 303


def test_a_visitor_who_is_not_signed_in_sees_the_public_header(app, staff):
    with client_as(app, None) as browser:
        header = one(soup(browser.get("/no-such-page")), "header.top")

        assert [a.get_text() for a in header.select("nav a")] == ["办事服务", "办件进度查询", "工作人员登录"]
        assert header.select_one("form[action='/logout']") is None
