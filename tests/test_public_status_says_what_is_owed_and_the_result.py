"""The applicant's status page: while the case waits on them, each item owed with the
reason recorded, its deadline and every way to send it, with the office's
facts; once closed, the result in words and the EMS number when mailed. No
name, ID number, phone or address; every date in one style (2026年12月3日).

Today is Wednesday 25 November 2026. A 一次性告知书 gives 10 working days
(the office profile's 补正期限): 9 December.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.page_helpers import attr, csrf_from, one, soup
from tests.support import FREIGHT_GAP, PERSON_ID, STAFF, VEHICLES_BOUGHT, actor_for, open_complete, person, run_to_close
from workflows import cases
from workflows.catalogue import load_catalogue
from workflows.definition import Channel
from workflows.demands import WAY_LABELS
from workflows.intake import required

FREIGHT = "road-freight-licence"
CATALOGUE = load_catalogue()
MATTERS = [v.code for v in CATALOGUE.matters()]
APPLICANT = person(name="张小明", phone="13812345678")
ADDRESS = "浙江省嘉兴市南湖区中山东路1号"  # the delivery address tests.support gives mailed cases
PRIVATE = ("张小明", "13812345678", PERSON_ID, ADDRESS, "中山东路")
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
ORDER = (Channel.POST, Channel.ONLINE, Channel.WINDOW)


def look_up(client, case, last4: str = "5678"):
    token = csrf_from(client, f"/public/status?receipt_no={case.receipt_no}")
    response = client.post("/public/status", data={"csrf": token, "receipt_no": case.receipt_no,
                                                   "phone_last4": last4})
    assert response.status_code == 200, response.text
    return response


def owed_items(page) -> list[tuple[str, str, str, str]]:
    """(material name, reason, deadline, ways) of each item the page says is owed."""
    return [tuple(li.select_one(f".{c}").get_text(" ", strip=True) for c in ("name", "problem", "due", "channels"))
            for li in page.select("#owed li.demand")]


def ways_shown(page) -> dict[str, str]:
    return {attr(s, "data-channel"): s.get_text(" ", strip=True) for s in page.select("#owed section.way")}


def assert_nothing_personal(response) -> None:
    for secret in PRIVATE:
        assert secret not in response.text, secret
    text = one(soup(response), "main").get_text(" ")
    assert not ISO_DATE.search(text), ISO_DATE.search(text)


def assert_ways_say_how(ways: dict[str, str], channels, office, code: str) -> None:
    """One section per allowed way, those without a visit first, each with the office's facts."""
    expected = [c.value for c in ORDER if c in set(channels)]
    assert list(ways) == expected
    profile = office.profile
    facts = {
        "post": (profile.post.address, profile.post.recipient, profile.post.postcode, profile.post.phone)
        if profile.post else (),
        "online": (profile.online.url, profile.online.how) if profile.online else (),
        "window": (profile.hall.address, profile.hall.hours, *(w.phone for w in profile.windows_for(code))),
    }
    for channel, text in ways.items():
        assert text.startswith(WAY_LABELS[Channel(channel)])
        for fact in facts[channel]:
            assert fact in text, (channel, fact)


def first_required(code: str) -> str:
    definition = CATALOGUE.get(code).definition
    data = cases.coerce_data(definition, {p.field: p.equals for p in definition.preconditions})
    return next(m.id for m in definition.materials if m.condition is None and required(m, data))


def first_tolerable(code: str) -> str | None:
    materials = [m for m in CATALOGUE.get(code).definition.materials if m.tolerance]
    return next((m.id for m in materials if m.condition is None), materials[0].id if materials else None)


def applying(code: str, material_id: str) -> dict:
    """Case data under which the material applies (its condition's first comparison made true)."""
    condition = CATALOGUE.get(code).definition.material(material_id).condition
    if condition is None:
        return {}
    first = (condition.any_of or condition.all_of)[0]
    value = first.value
    if first.op not in ("eq", "ge", "le"):  # gt or lt: a number just past the bound
        assert isinstance(value, int | float), first
        value = value + 1 if first.op == "gt" else value - 1
    return {first.field: value} | {c.field: c.value for c in condition.all_of[1:] if c.op == "eq"}


@pytest.mark.parametrize("code", MATTERS)
def test_a_notified_case_shows_each_correction_with_its_reason_deadline_and_ways(client, session, office, code):
    missing = first_required(code)
    case = open_complete(session, office, code, missing=(missing,), applicant=APPLICANT)
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk,
                                  notes={missing: "请补交加盖公章的原件"})
    response = look_up(client, case)
    page = soup(response)
    definition = office.matter_of(case).definition
    channels = definition.application_channels
    labels = "、".join(WAY_LABELS[c] for c in ORDER if c in set(channels))
    assert page.select_one("#owed")["data-kind"] == "correction"
    assert "补正" in page.select_one("#owed h3").get_text()
    assert owed_items(page) == [(definition.material(missing).name, "请补交加盖公章的原件", "2026年12月9日前", labels)]
    assert_ways_say_how(ways_shown(page), channels, office, code)
    assert page.select_one("#outstanding") is None
    assert_nothing_personal(response)


TOLERATING = [code for code in MATTERS if first_tolerable(code)]


@pytest.mark.parametrize("code", TOLERATING)
def test_a_tolerated_case_shows_each_gap_with_its_deadline_and_the_ways_it_may_be_sent(client, session, office,
                                                                                       code):
    gap = first_tolerable(code)
    definition = CATALOGUE.get(code).definition
    tolerance = definition.material(gap).tolerance
    case = open_complete(session, office, code, missing=(gap,), data=applying(code, gap), applicant=APPLICANT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    due = office.calendar.add_workdays(dt.date(2026, 11, 25), tolerance.days).due
    response = look_up(client, case)
    page = soup(response)
    labels = "、".join(WAY_LABELS[c] for c in ORDER if c in set(tolerance.channels))
    assert page.select_one("#owed")["data-kind"] == "gaps"
    assert owed_items(page) == [(definition.material(gap).name, "容缺受理，待补齐",
                                 f"{due.year}年{due.month}月{due.day}日前", labels)]
    assert_ways_say_how(ways_shown(page), tolerance.channels, office, code)
    assert_nothing_personal(response)


def test_the_freight_gap_is_due_on_monday_and_may_be_posted_to_the_named_recipient(client, session, office):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT, applicant=APPLICANT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    page = soup(look_up(client, case))
    assert owed_items(page) == [("车辆技术等级评定结论复印件", "容缺受理，待补齐", "2026年11月30日前",
                                 "邮寄提交、网上提交、到窗口提交")]
    post = ways_shown(page)["post"]
    assert "嘉兴市交通运输局驻市民服务中心窗口（补正材料收件）" in post and "314000" in post
    assert case.receipt_no in post  # the note to put in the envelope names the case


def test_a_deadline_that_has_passed_says_so(client, session, office, clock):
    clock.set_local(dt.date(2026, 11, 9))
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",), applicant=APPLICANT)
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    clock.set_local(dt.date(2026, 11, 24))  # due Monday 23 November
    assert owed_items(soup(look_up(client, case)))[0][2] == "2026年11月23日前 已过期限"


def to_deciding(session, office, case):
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case, actor=actor_for(role))
    return case


def summary(page) -> dict[str, str]:
    dl = page.select_one("#status dl.summary")
    return {dt_.get_text(strip=True): dt_.find_next_sibling("dd").get_text(" ", strip=True) for dt_ in dl.select("dt")}


def test_a_mailed_approval_shows_the_result_and_the_ems_number(client, session, office):
    case = run_to_close(session, office, open_complete(session, office, FREIGHT, applicant=APPLICANT),
                        tracking_no="EA123456789CN")
    response = look_up(client, case)
    page = soup(response)
    assert page.select_one("#result").get_text() == "准予许可"
    assert page.select_one("#tracking-no").get_text() == "EA123456789CN"
    assert summary(page)["办结日期"] == "2026年11月25日"
    assert page.select_one("#owed") is None and page.select_one("#outstanding") is None
    assert_nothing_personal(response)


def test_a_mailed_denial_shows_the_result_and_the_ems_number(client, session, office):
    case = to_deciding(session, office, open_complete(session, office, FREIGHT, applicant=APPLICANT))
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=False,
                 reason="车辆技术条件不符合要求")
    cases.deliver(session=session, office=office, case=case, clerk=STAFF.clerk, tracking_no="EA000000123CN")
    page = soup(look_up(client, case))
    assert (page.select_one("#result").get_text(), page.select_one("#tracking-no").get_text()) == (
        "不予许可", "EA000000123CN")


def test_a_filing_is_worded_as_a_filing(client, session, office):
    case = run_to_close(session, office, open_complete(session, office, "vehicle-repair-filing", applicant=APPLICANT))
    assert soup(look_up(client, case)).select_one("#result").get_text() == "予以备案"


def test_a_result_collected_at_the_window_has_no_tracking_number(client, session, office):
    case = run_to_close(session, office, open_complete(session, office, FREIGHT, delivery="window"))
    page = soup(look_up(client, case))
    assert page.select_one("#result").get_text() == "准予许可" and page.select_one("#tracking-no") is None


@pytest.mark.parametrize("end, result", [("refuse", "不予受理"), ("withdraw", "已撤回"), ("terminate", "已终止")])
def test_a_case_ended_otherwise_says_how_it_ended(client, session, office, end, result):
    case = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT, applicant=APPLICANT)
    if end == "refuse":
        cases.refuse_case(session=session, office=office, case=case, clerk=STAFF.clerk, reason="不属于本机关职权范围")
    elif end == "withdraw":
        cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
        cases.withdraw(session=session, office=office, case=case, clerk=STAFF.clerk, reason="申请人撤回申请")
    else:
        cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
        cases.terminate(session=session, office=office, case=case, actor=STAFF.approver, reason="申请人书面要求终止")
    response = look_up(client, case)
    page = soup(response)
    assert page.select_one("#result").get_text() == result
    assert page.select_one("#tracking-no") is None and page.select_one("#owed") is None
    assert_nothing_personal(response)


def test_a_case_in_hand_shows_no_result_and_nothing_owed(client, session, office):
    case = open_complete(session, office, FREIGHT, applicant=APPLICANT)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    page = soup(look_up(client, case))
    assert page.select_one("#result") is None and page.select_one("#owed") is None
    assert "材料已齐全" in page.select_one("#status").get_text()
    assert summary(page)["承诺办结日"].startswith("2026年")


def test_a_case_received_with_an_item_missing_lists_it_without_a_deadline_until_notified(client, session, office):
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",), applicant=APPLICANT)
    page = soup(look_up(client, case))
    assert page.select_one("#owed") is None
    assert [[td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("#outstanding tbody tr")] == [
        ["安全生产管理制度文本", "未提交"]]


def test_the_api_mirrors_the_owed_items_the_ways_the_result_and_the_ems_number(client, session, office):
    tolerated = open_complete(session, office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT,
                              applicant=APPLICANT)
    cases.accept_with_tolerance(session=session, office=office, case=tolerated, clerk=STAFF.clerk,
                                pledge_signed=True)
    body = client.get("/api/public/status", params={"receipt_no": tolerated.receipt_no, "phone_last4": "5678"}).json()
    assert (body["owed_kind"], body["result"], body["tracking_no"]) == ("gaps", None, None)
    assert body["owed"] == [{"material": FREIGHT_GAP, "name": "车辆技术等级评定结论复印件",
                             "problem": "容缺受理，待补齐", "due": "2026-11-30",
                             "channels": ["post", "online", "window"]}]
    assert [(w["channel"], w["visit"]) for w in body["ways"]] == [("post", False), ("online", False), ("window", True)]
    assert body["outstanding"] == [{"name": "车辆技术等级评定结论复印件", "status": "容缺待补", "due": "2026-11-30"}]

    closed = run_to_close(session, office, open_complete(session, office, FREIGHT, applicant=APPLICANT),
                          tracking_no="EA123456789CN")
    response = client.get("/api/public/status", params={"receipt_no": closed.receipt_no, "phone_last4": "5678"})
    body = response.json()
    assert (body["result"], body["tracking_no"], body["owed_kind"], body["owed"], body["ways"]) == (
        "准予许可", "EA123456789CN", None, [], [])
    for secret in PRIVATE:
        assert secret not in response.text

