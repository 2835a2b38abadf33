"""The 证照库 pages and API: search and filter, the licence page with its case and history, 注销 and 吊销
by approvers and administrators with a reason and a CSRF token; the case page links to its licence."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections import register
from tests.api_fixtures import as_role, tokens  # noqa: F401  (fixtures)
from tests.page_helpers import add_staff, attr, client_as, csrf_from, error_code, one, soup
from tests.support import CREDIT_CODE, open_complete, person, run_to_close
from workflows.identity import mask_id


@pytest.fixture
def licences(session, office):
    """Two granted cases (a company's 道路货物运输 and a person's 出租汽车驾驶员) and a denied-nothing register."""
    freight = run_to_close(session, office, open_complete(session, office, "road-freight-licence"))
    taxi = run_to_close(session, office, open_complete(session, office, "taxi-driver-qualification",
                                                       applicant=person()))
    road = run_to_close(session, office, open_complete(session, office, "road-works-permit"))
    return {name: register.of_case(session=session, today=office.today(), case_id=c.id)
            for name, c in (("freight", freight), ("taxi", taxi), ("road", road))}


@pytest.fixture
def reader(app, session):
    add_staff(session)
    with client_as(app, "auditor") as client:
        yield client


def numbers_listed(response) -> list[str]:
    return [a.get_text() for a in soup(response).select("#licences tbody tr td:first-child a")]


def test_the_search_page_lists_and_filters_with_ids_masked(reader, licences):
    page = reader.get("/licences")
    assert page.status_code == 200
    assert set(numbers_listed(page)) == {lic.number for lic in licences.values()}
    assert CREDIT_CODE not in page.text and mask_id(CREDIT_CODE) in page.text
    assert one(soup(page), "header nav a[aria-current=page]").get_text() == "证照库"
    by_number = reader.get("/licences", params={"number": "出租从业"})
    assert numbers_listed(by_number) == [licences["taxi"].number]
    by_holder = reader.get("/licences", params={"holder": CREDIT_CODE})
    assert set(numbers_listed(by_holder)) == {licences["freight"].number, licences["road"].number}
    by_matter = reader.get("/licences", params={"matter": "road-works-permit"})
    assert numbers_listed(by_matter) == [licences["road"].number]
    road_row = one(soup(by_matter), "#licences tbody tr")
    assert "以决定书载明为准" in road_row.get_text()
    assert numbers_listed(reader.get("/licences", params={"status": "revoked"})) == []
    bad = reader.get("/licences", params={"status": "lost", "matter": "nothing"})
    assert bad.status_code == 422
    assert {attr(e, "data-error-for") for e in soup(bad).select("[data-error-for]")} == {"status", "matter"}


def test_the_expiring_tab_lists_what_expires_soon_with_the_renewal_deadline(reader, licences, clock):
    freight = licences["freight"]
    clock.set_local(freight.expires_on - dt.timedelta(days=45))
    page = reader.get("/licences", params={"expiring": "60"})
    assert numbers_listed(page) == [freight.number]
    row = one(soup(page), "#licences tbody tr").get_text()
    due = freight.expires_on - dt.timedelta(days=30)
    assert f"{due.year}年{due.month}月{due.day}日" in row
    assert "第五十条" in one(soup(page), "#art50").get_text()
    assert numbers_listed(reader.get("/licences", params={"expiring": "40"})) == []


def test_the_licence_page_shows_its_case_history_and_expiry(reader, licences, office):
    freight = licences["freight"]
    page = soup(reader.get(f"/licences/{freight.id}"))
    assert one(page, "#number").get_text() == freight.number
    assert attr(one(page, "#case a"), "href") == f"/cases/{freight.case_id}"
    expires = freight.expires_on
    assert one(page, "#expires").get_text() == f"{expires.year}年{expires.month}月{expires.day}日"
    assert [attr(tr, "data-action") for tr in page.select("#history tbody tr")] == ["issue"]
    assert page.select_one("#status-actions") is None  # an auditor reads, does not act
    assert one(page, "#reminder-rule").get_text() == (  # when the schedule will text the holder, as it does
        "尚未发送。到期前 60 日提醒一次；延续申请须于到期前 30 日提出，截止前 7 日再提醒一次"
        "（持证人留有手机号码、未选择不接收短信的）。")
    road = soup(reader.get(f"/licences/{licences['road'].id}"))
    assert "以决定书载明为准" in one(road, "#expires").get_text() and road.select_one("#renewal-due") is None
    case_page = soup(reader.get(f"/cases/{freight.case_id}"))
    assert attr(one(case_page, "#licence a"), "href") == f"/licences/{freight.id}"
    assert reader.get("/licences/999999").status_code == 404


def test_an_approver_revokes_with_a_reason_and_the_csrf_token(app, session, licences):
    add_staff(session)
    freight = licences["freight"]
    with client_as(app, "approver") as client:
        url = f"/licences/{freight.id}"
        assert one(soup(client.get(url)), "#status-actions form")
        no_token = client.post(f"{url}/status", data={"action": "revoke", "reason": "x"}, follow_redirects=False)
        assert no_token.status_code == 403 and error_code(no_token) == "csrf-failed"
        token = csrf_from(client, url)
        blank = client.post(f"{url}/status", data={"csrf": token, "action": "revoke", "reason": " "})
        assert blank.status_code == 422 and error_code(blank) == "reason-required"
        done = client.post(f"{url}/status", data={"csrf": token, "action": "revoke", "reason": "以欺骗手段取得许可"},
                           follow_redirects=False)
        assert done.status_code == 303
        page = soup(client.get(url))
        assert one(page, "#status").get_text() == "已吊销"
        [_, revoked] = page.select("#history tbody tr")
        assert "以欺骗手段取得许可" in revoked.get_text() and "钱审批" in revoked.get_text()
        again = client.post(f"{url}/status", data={"csrf": token, "action": "cancel", "reason": "申请注销"})
        assert again.status_code == 409 and error_code(again) == "licence-status-conflict"
    with client_as(app, "reviewer") as client:
        token = csrf_from(client, f"/licences/{licences['taxi'].id}")
        refused = client.post(f"/licences/{licences['taxi'].id}/status",
                              data={"csrf": token, "action": "cancel", "reason": "x"})
        assert refused.status_code == 403
    assert register.get(session=session, today=dt.date(2026, 11, 25), licence_id=licences["taxi"].id).status == "valid"


def test_the_api_reads_the_same_register(client, as_role, licences):
    headers = as_role["auditor"]
    listed = client.get("/api/licences", headers=headers, params={"limit": 2}).json()
    assert (listed["total"], len(listed["items"]), listed["limit"]) == (3, 2, 2)
    rest = client.get("/api/licences", headers=headers, params={"limit": 2, "offset": 2}).json()
    assert {i["number"] for i in listed["items"] + rest["items"]} == {lic.number for lic in licences.values()}
    taxi = client.get("/api/licences", headers=headers, params={"matter_code": "taxi-driver-qualification"}).json()
    [item] = taxi["items"]
    assert item["holder_id_masked"] == mask_id(licences["taxi"].holder_id_no) and "holder_id_no" not in item
    assert (item["status"], item["expires_on"]) == ("valid", licences["taxi"].expires_on.isoformat())
    one_licence = client.get(f"/api/licences/{item['id']}", headers=headers).json()
    assert one_licence["holder_id_no"] == licences["taxi"].holder_id_no
    assert [h["action"] for h in one_licence["history"]] == ["issue"]
    assert one_licence["case_id"] == licences["taxi"].case_id
    missing = client.get("/api/licences/999999", headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "licence-not-found")
    unknown = client.get("/api/licences", headers=headers, params={"matter_code": "no-such-matter"})
    assert unknown.status_code == 404
    expiring = client.get("/api/licences", headers=headers, params={"expiring_within": 60}).json()
    assert expiring["total"] == 0
