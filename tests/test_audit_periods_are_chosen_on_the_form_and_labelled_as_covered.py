"""The auditor's period: a month, a quarter, a year or a from–to range, chosen on the form; by default the last
full month, with the current month to date offered beside it. The heading names the days really covered: a
period in progress is cut at today and says so (never "至 12-31" on December 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.scope import previous_scope, scope_from, year_ago_scope
from tests.page_helpers import add_staff, client_as, one, soup
from workflows import errors
from workflows.localtime import OfficeTime

D = dt.date
DEC_3 = D(2026, 12, 3)


def scope(params, today=DEC_3):
    return scope_from(params, today, time=OfficeTime.named())


def test_the_default_is_the_last_full_month():
    s = scope({})
    assert (s.start, s.end, s.until, s.label) == (D(2026, 11, 1), D(2026, 11, 30), None, "2026年11月")
    january = scope({}, today=D(2027, 1, 5))
    assert (january.start, january.end, january.label) == (D(2026, 12, 1), D(2026, 12, 31), "2026年12月")


@pytest.mark.parametrize("params, start, end, label", [
    ({"period": "month", "month": "2026-12"}, D(2026, 12, 1), DEC_3, "2026年12月（截至12月3日）"),
    ({"period": "quarter", "quarter": "2026-Q4"}, D(2026, 10, 1), DEC_3, "2026年第四季度（截至12月3日）"),
    ({"period": "year", "year": "2026"}, D(2026, 1, 1), DEC_3, "2026年（截至12月3日）"),
    ({"period": "range", "start": "2026-11-20", "end": "2026-12-31"}, D(2026, 11, 20), DEC_3,
     "2026年11月20日 至 2026年12月3日（截至今日）"),
    ({"period": "quarter", "quarter": "2026-Q3"}, D(2026, 7, 1), D(2026, 9, 30), "2026年第三季度"),
    ({"period": "month", "month": "2026-02"}, D(2026, 2, 1), D(2026, 2, 28), "2026年2月"),
    ({"period": "year", "year": "2025"}, D(2025, 1, 1), D(2025, 12, 31), "2025年"),
    ({"period": "range", "start": "2026-11-16", "end": "2026-11-22"}, D(2026, 11, 16), D(2026, 11, 22),
     "2026年11月16日 至 2026年11月22日"),
    ({"period": "month", "on": "2026-12-02"}, D(2026, 12, 1), DEC_3, "2026年12月（截至12月3日）"),
])
def test_each_kind_of_period_covers_and_names_its_days(params, start, end, label):
    s = scope(params)
    assert (s.start, s.end, s.label) == (start, end, label)
    if end == DEC_3:  # in progress: named up to today, never up to the period's nominal end
        assert s.until == DEC_3 and "12月31日" not in s.label + s.range_label
        assert s.range_label.endswith("2026年12月3日")


def test_a_link_carries_the_period_and_reads_back_the_same():
    for params in ({"period": "month", "month": "2026-12"}, {"period": "quarter", "quarter": "2026-Q3"},
                   {"period": "range", "start": "2026-11-16", "end": "2026-11-22"}, {}):
        s = scope(params)
        again = scope(s.params())
        assert (again.start, again.end, again.label) == (s.start, s.end, s.label)


@pytest.mark.parametrize("params, field, error", [
    ({"period": "month", "month": "2026-13"}, "month", errors.BadInput),
    ({"period": "month", "month": "26-1"}, "month", errors.BadInput),
    ({"period": "quarter", "quarter": "2026-Q5"}, "quarter", errors.BadInput),
    ({"period": "year", "year": "二〇二六"}, "year", errors.BadInput),
    ({"period": "month", "month": "9999-12"}, "month", errors.DateOutOfRange),
    ({"period": "year", "year": "1999"}, "year", errors.DateOutOfRange),
    ({"period": "range", "start": "2026-11-30"}, "end", errors.BadInput),
    ({"period": "range", "start": "2026-11-30", "end": "2026-11-01"}, "end", errors.BadInput),
])
def test_a_bad_period_is_refused_naming_its_field(params, field, error):
    with pytest.raises(error) as raised:
        scope(params)
    assert raised.value.field == field


def test_the_periods_compared_with():
    month_so_far = scope({"period": "month", "month": "2026-12"})
    before, year_ago = previous_scope(month_so_far), year_ago_scope(month_so_far)
    assert before is not None and year_ago is not None
    assert (before.start, before.end) == (D(2026, 11, 1), D(2026, 11, 3))
    assert before.label == "2026年11月1日 至 2026年11月3日"
    assert (year_ago.start, year_ago.end) == (D(2025, 12, 1), D(2025, 12, 3))
    november = scope({})
    before, year_ago = previous_scope(november), year_ago_scope(november)
    assert before is not None and year_ago is not None
    assert (before.start, before.end, before.label) == (D(2026, 10, 1), D(2026, 10, 31), "2026年10月")
    assert (year_ago.start, year_ago.end, year_ago.label) == (D(2025, 11, 1), D(2025, 11, 30), "2025年11月")
    q1 = previous_scope(scope({"period": "quarter", "quarter": "2026-Q1"}))
    assert q1 is not None and (q1.start, q1.end, q1.label) == (D(2025, 10, 1), D(2025, 12, 31), "2025年第四季度")
    march = previous_scope(scope({"period": "month", "month": "2026-03"}, today=D(2026, 3, 30)))
    assert march is not None and (march.start, march.end, march.label) == (D(2026, 2, 1), D(2026, 2, 28), "2026年2月")
    week = previous_scope(scope({"period": "range", "start": "2026-11-16", "end": "2026-11-22"}))
    assert week is not None and (week.start, week.end) == (D(2026, 11, 9), D(2026, 11, 15))
    leap = year_ago_scope(scope({"period": "range", "start": "2024-02-29", "end": "2024-02-29"}))
    assert leap is not None and leap.start == D(2023, 2, 28)
    assert previous_scope(scope({"period": "month", "month": "2000-01"})) is None


def test_the_page_offers_the_periods_on_the_form_and_heads_with_the_days_covered(app, session, clock):
    clock.set_local(DEC_3, 10)
    add_staff(session)
    with client_as(app, "auditor") as browser:
        page = soup(browser.get("/audit"))
        assert one(page, "h1").get_text(" ", strip=True) == "效能监察 2026年11月"
        form = one(page, "#period-form")
        assert form["method"] == "get" and form["action"] == "/audit"
        assert {b["value"] for b in form.select("button[name=period]")} == {"month", "quarter", "year", "range"}
        assert [i["type"] for i in form.select("input[name=start], input[name=end]")] == ["date", "date"]
        assert one(form, "input[name=month]")["type"] == "month"
        assert "2026-Q4" in [o["value"] for o in form.select("select[name=quarter] option")]
        shortcuts = {a.get_text(): a["href"] for a in form.select(".shortcuts a")}
        assert shortcuts == {"上月（2026年11月）": "/audit?period=month&month=2026-11",
                             "本月至今（12月1日至12月3日）": "/audit?period=month&month=2026-12"}
        current = soup(browser.get(shortcuts["本月至今（12月1日至12月3日）"]))
        heading = one(current, "h1").get_text(" ", strip=True)
        assert heading == "效能监察 2026年12月（截至12月3日）"
        covered = one(current, "#period-range").get_text()
        assert "2026年12月1日 至 2026年12月3日" in covered and "12月31日" not in covered
        assert one(current, "input[name=end]")["value"] == "2026-12-03"
        bad = browser.get("/audit?period=month&month=9999-12", headers={"Accept": "application/json"})
        assert bad.status_code == 422 and (bad.json()["code"], bad.json()["field"]) == ("date-out-of-range", "month")
        assert browser.get("/audit?period=quarter&quarter=2026-Q9").status_code == 422


@pytest.mark.parametrize("params, field, named", [
    ({"period": "month", "month": "2027-01"}, "month", "2027年1月"),
    ({"period": "quarter", "quarter": "2027-Q1"}, "quarter", "2027年第一季度"),
    ({"period": "year", "year": "2027"}, "year", "2027年"),
    ({"period": "month", "start": "2027-01-01"}, "start", "2027年1月"),  # as the page's own links carry it
    ({"period": "range", "start": "2026-12-04", "end": "2026-12-31"}, "start", "2026年12月4日 至 2026年12月31日"),
    ({"period": "day", "on": "2026-12-04"}, "on", "2026年12月4日"),
])
def test_a_period_that_begins_after_today_is_refused_naming_it(params, field, named):
    with pytest.raises(errors.PeriodNotStarted) as raised:
        scope(params)
    assert raised.value.field == field
    assert f"所选统计期间{named}尚未开始（今天是2026年12月3日）" in str(raised.value.message)


def test_a_period_that_begins_today_covers_today_alone():
    s = scope({"period": "range", "start": "2026-12-03", "end": "2027-01-31"})
    assert (s.start, s.end, s.until, s.range_label) == (DEC_3, DEC_3, DEC_3, "2026年12月3日")


def test_the_page_refuses_a_month_to_come_and_its_pickers_stop_at_today(app, session, clock):
    clock.set_local(DEC_3, 10)
    add_staff(session)
    with client_as(app, "auditor") as browser:
        for route in ("/audit", "/ratings", "/audit/export/rates.csv"):
            answer = browser.get(f"{route}?period=month&month=2027-01", headers={"Accept": "application/json"})
            assert answer.status_code == 422, route
            assert (answer.json()["code"], answer.json()["field"]) == ("period-not-started", "month"), route
        refused = browser.get("/audit?period=month&month=2027-01")
        assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
        message = one(soup(refused), "p.msg.error")
        assert message["data-code"] == "period-not-started"
        assert "2027年1月尚未开始" in message.get_text() and "2027年1月31日" not in refused.text
        form = one(soup(browser.get("/audit")), "#period-form")
        assert one(form, "input[name=month]")["max"] == "2026-12"
        assert one(form, "input[name=start]")["max"] == "2026-12-03"
