"""The auditor's pages and exports over the hand-built month: numbers link to lists of exactly
that many cases, exports mask ID numbers unless an admin asks (and it is logged), and only
auditors and administrators get in."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from audit.models import AuditExport
from guides.pdfcheck import flat_text
from tests.audit_support import CLERK_NAMES, build_month
from tests.page_helpers import _hash, login, one, password_of, soup
from tests.support import CREDIT_CODE, STAFF
from workflows import accounts
from workflows.identity import mask_id
from workflows.models import CaseEvent

NOVEMBER = "/audit?period=month&on=2026-11-15"


@pytest.fixture
def month(session, office, clock, client):
    built = build_month(session, office, clock)
    for actor in (STAFF.auditor, STAFF.admin, STAFF.reviewer):
        session.add(accounts.StaffUser(username=actor.username, display_name=actor.name, roles=sorted(actor.roles),
                                       password_hash=_hash(password_of(actor.username)), created_at=clock()))
    session.commit()
    return built


def _as(client, actor) -> None:
    assert login(client, actor.username).status_code == 303


def _rows(page, table_id: str) -> list:
    return one(soup(page), f"table#{table_id} tbody").find_all("tr")


def test_the_dashboard_shows_each_rate_against_its_target(client, month):
    _as(client, STAFF.auditor)
    page = client.get(NOVEMBER)
    assert page.status_code == 200
    rates = {row["data-measure"]: [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
             for row in _rows(page, "rates")}
    assert rates["one_visit_rate"][:6] == ["一次办结率", "50.0%", "80.0%", "未达标", "4", "8"]
    assert rates["complete_one_visit_rate"][1] == "50.0%" and rates["within_legal_rate"][3] == "达标"
    assert rates["tolerance_default_rate"][2] == "≤ 5.0%"
    html = soup(page)
    trend = html.find("figure", id="trend-chart").find("svg")
    assert trend.find("line", class_="target") is not None and len(trend.find_all("circle")) == 2  # Oct and Nov
    by_matter = html.find("table", attrs={"data-dimension": "matter"})
    port = by_matter.find("tr", attrs={"data-key": "port-operation-licence"})
    assert "主流程须跑 2 次" in port.get_text()
    by_window = html.find("table", attrs={"data-dimension": "window"})
    windows = [tr["data-key"] for tr in by_window.find("tbody").find_all("tr")]
    assert windows == ["W01", "W02"]  # 4/7 ahead of 0/1


def test_every_number_on_the_dashboard_links_to_a_list_of_that_many_cases_or_ratings(client, month):
    _as(client, STAFF.auditor)
    links = soup(client.get(NOVEMBER)).find_all("a", class_="count")
    assert len(links) > 20
    for a in links:
        shown = int(re.search(r"(\d+)$", a.get_text(strip=True)).group(1))
        listing = client.get(a["href"])
        assert listing.status_code == 200, a["href"]
        # A case counter lists its cases; a rating counter (评价数, 差评数 …) lists its ratings.
        table = soup(listing).find("table", id="cases") or soup(listing).find("table", id="ratings")
        listed = len(table.find("tbody").find_all("tr")) if table else 0
        assert listed == shown, (a["data-counter"], a["href"])


def test_multi_visit_list_names_the_cause_of_every_visit_and_links_the_timeline(client, month):
    _as(client, STAFF.auditor)
    listing = client.get("/audit/cases?counter=multi_visit&start=2026-11-01&end=2026-11-30")
    rows = {tr["data-case-id"]: tr for tr in _rows(listing, "cases")}
    c = rows[str(month.ids["C"])]
    extra = [li.get_text(" ", strip=True) for li in c.find_all("li", class_="extra")]
    assert extra == ["第 2 次：补正（申请人原因） — 《道路货物运输经营申请表》"]
    assert CLERK_NAMES["clerk1"] in c.get_text() and "clerk1" not in c.get_text()  # staff by name
    assert "领证（办理机关要求）" in rows[str(month.ids["I"])].get_text()
    assert mask_id(CREDIT_CODE) in c.get_text() and CREDIT_CODE not in listing.text
    timeline = client.get(c.find("a")["href"])
    steps = _rows(timeline, "timeline")
    assert [tr["data-seq"] for tr in steps if "visit" in (tr.get("class") or [])] == ["1", "3"]
    assert "告知：" in steps[1].get_text()


def test_case_list_exports_mask_ids_and_agree_with_the_list(client, month):
    _as(client, STAFF.auditor)
    query = "counter=multi_visit&start=2026-11-01&end=2026-11-30"
    text = client.get(f"/audit/export/cases.csv?{query}").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "收件编号" and len(rows) == 1 + 4
    assert {r[5] for r in rows[1:]} == {mask_id(CREDIT_CODE)}
    assert {r[3] for r in rows[1:]} <= set(CLERK_NAMES.values())  # staff by name, not by login
    book = load_workbook(io.BytesIO(client.get(f"/audit/export/cases.xlsx?{query}").content))
    sheet = book.worksheets[0]
    assert sheet.max_row == 5
    assert sorted(r[0].value for r in sheet.iter_rows(min_row=2)) == sorted(r[0] for r in rows[1:])
    rates = client.get("/audit/export/rates.json?period=month&on=2026-11-15").json()
    assert rates["rows"][0][:2] == ["一次办结率", 0.5]


def test_only_an_admin_may_export_full_id_numbers_and_the_request_is_logged(client, month, engine, caplog):
    query = "counter=closed&start=2026-11-01&end=2026-11-30&unmask=1"
    _as(client, STAFF.auditor)
    refused = client.get(f"/audit/export/cases.csv?{query}")
    assert refused.status_code == 403 and CREDIT_CODE not in refused.text
    assert client.get("/audit/eventlog.csv?unmask=1").status_code == 403
    client.post("/logout", data={"csrf": soup(client.get(NOVEMBER)).find("input", attrs={"name": "csrf"})["value"]})
    _as(client, STAFF.admin)
    with caplog.at_level("WARNING", logger="onevisit.audit"):
        full = client.get(f"/audit/export/cases.csv?{query}").content.decode("utf-8-sig")
    assert CREDIT_CODE in full
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["unmasked export cases.csv by admin1"]
    with engine.connect() as conn:
        log = conn.execute(select(AuditExport.username, AuditExport.export, AuditExport.unmasked)).all()
    assert ("admin1", "cases", True) in log and not any(unmasked for user, _, unmasked in log if user != "admin1")


@pytest.mark.parametrize("path", ["/audit", "/audit/cases?counter=closed", "/audit/cases/1", "/audit/export/rates.csv",
                                  "/audit/eventlog.xes", "/audit/report.pdf"])
def test_clerks_and_reviewers_are_refused_and_strangers_sent_to_login(client, month, path):
    for actor in (STAFF.clerk, STAFF.reviewer):
        _as(client, actor)
        response = client.get(path)
        assert response.status_code == 403, (actor.username, path)
        assert "一次办结率" not in response.text
        client.cookies.clear()
    anonymous = client.get(path, follow_redirects=False)
    assert anonymous.status_code in (303, 401) and "一次办结率" not in anonymous.text


def test_api_token_reads_the_json_export(client, month, session, clock):
    token = accounts.issue_token(session=session, username=STAFF.auditor.username, label="报表", admin=STAFF.admin,
                                 now=clock())
    response = client.get("/audit/export/windows.json?period=month&on=2026-11-15",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    code = response.json()["columns"].index("代码")
    assert [row[code] for row in response.json()["rows"]] == ["W01", "W02"]


def test_event_log_download_has_every_event(client, month, engine):
    _as(client, STAFF.admin)
    text = client.get("/audit/eventlog.csv").text
    with engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(CaseEvent.__table__)).scalar()
    assert len(list(csv.DictReader(io.StringIO(text)))) == events
    xes = client.get("/audit/eventlog.xes?start=2026-10-01&end=2026-10-31").text
    assert xes.count("<trace>") == 2 and month.receipts["J1"] in xes


def test_monthly_report_pdf_prints_the_months_figures(client, month):
    _as(client, STAFF.auditor)
    response = client.get("/audit/report.pdf?on=2026-11-30")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = flat_text(response.content)
    assert "2026年11月" in text and "一次办结率" in text and "50.0%" in text and "87.5%" in text
    assert "港口经营许可" in text and "事项定义主流程须到现场2次" in text  # flat_text drops spaces


def test_admin_sees_the_dashboard_and_bad_ranges_get_a_clear_error(client, month):
    _as(client, STAFF.admin)
    page = client.get("/audit?start=2026-11-16&end=2026-11-22")
    assert page.status_code == 200 and "2026年11月16日 至 2026年11月22日" in soup(page).find("h1").get_text()
    rates = {row["data-measure"]: row.find_all("td")[0].get_text(strip=True) for row in _rows(page, "rates")}
    assert rates["one_visit_rate"] == "33.3%"  # F I K closed that week; only K within one visit
    backwards = client.get("/audit?start=2026-11-30&end=2026-11-01")
    assert backwards.status_code == 422 and "结束日期不能早于开始日期" in backwards.text
    assert client.get("/audit/cases?counter=nonsense").status_code == 404
    assert client.get("/audit/export/rates.pdf").status_code == 404
