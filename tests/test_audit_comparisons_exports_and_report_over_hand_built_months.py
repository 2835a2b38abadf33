"""环比 and 同比 of each rate, the typed XLSX exports and the monthly report, over the hand-built November
(tests/audit_support.py) with its October (J1), one case in November 2025, and one November case still open.

October 2026: J1 closed with no visit, decided in time: one-visit 1/1, on time 1/1, no ratings.
November 2025 (Y): closed online with no visit, decided in time, rated 5: every rate it has is 100%.
November 2026: one-visit 4/8 = 50%, complete-first one-visit 3/6, zero-visit 2/8, on time 7/8, satisfaction 2/3.
O: accepted Monday 11-02 and still undecided: promised 11-09, so on 11-30 it is 15 working days past
(11-10..13, 16..20, 23..27, 30) and on its legal day (11-30) still within the law.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from audit.dashboard import build_view
from audit.scope import Scope
from audit.targets import Targets
from guides.pdfcheck import flat_text
from tests.audit_support import build_month, d
from tests.page_helpers import _hash, csrf_from, login, password_of, soup
from tests.support import STAFF, open_complete
from workflows import accounts, cases
from workflows.ratings import RatingInput, rate_case

NOVEMBER = Scope(d(11, 1), d(11, 30), kind="month")


def _one_year_earlier(session, office, clock):
    clock.set_local(dt.date(2025, 11, 10), 9)
    y = open_complete(session, office, "road-freight-licence", channel="online")
    cases.accept_case(session=session, office=office, case=y, clerk=STAFF.clerk)
    while y.state.startswith("step_"):
        cases.advance_step(session=session, office=office, case=y, actor=STAFF.reviewer)
    cases.decide(session=session, office=office, case=y, approver=STAFF.approver, approve=True)
    cases.issue_result(session=session, office=office, case=y, clerk=STAFF.clerk)
    cases.deliver(session=session, office=office, case=y, clerk=STAFF.clerk, method="mail",
                  tracking_no="EA123456789CN")
    rate_case(session=session, office=office, case=y, given=RatingInput("very_satisfied"), channel="public",
              now=clock())
    return y


@pytest.fixture
def months(session, office, clock):
    _one_year_earlier(session, office, clock)
    built = build_month(session, office, clock)
    clock.set_local(d(11, 2), 11)
    o = open_complete(session, office, "road-freight-licence")
    cases.accept_case(session=session, office=office, case=o, clerk=STAFF.clerk)
    assert (o.promised_due, o.legal_due) == (d(11, 9), d(11, 30))
    for actor in (STAFF.auditor, STAFF.admin):
        session.add(accounts.StaffUser(username=actor.username, display_name=actor.name, roles=sorted(actor.roles),
                                       password_hash=_hash(password_of(actor.username)), created_at=clock()))
    session.commit()
    clock.set_local(d(12, 3), 10)
    built.ids["O"] = o.id
    built.receipts["O"] = o.receipt_no
    return built


def test_each_rate_against_the_month_before_and_the_same_month_a_year_earlier(months, engine, office):
    with engine.connect() as conn:
        view = build_view(conn, scope=NOVEMBER, catalogue=office.catalogue, targets=Targets(),
                          calendar=office.calendar, today=d(12, 3))
    assert view.previous is not None and view.previous.label == "2026年10月"
    assert view.year_ago is not None and view.year_ago.label == "2025年11月"
    got = {r.measure.key: (r.previous, r.change, r.year_ago, r.year_change) for r in view.rates}
    assert got["one_visit_rate"] == (1.0, -50.0, 1.0, -50.0)
    assert got["within_promised_rate"] == (1.0, -12.5, 1.0, -12.5)
    assert got["zero_visit_rate"] == (1.0, -75.0, 1.0, -75.0)
    # Nothing rated in October and nothing tolerated a year earlier: no figure to compare with, not a zero.
    assert got["satisfaction_rate"][:2] == (None, None)
    assert got["satisfaction_rate"][2:] == (1.0, pytest.approx(-100 / 3))
    assert got["tolerance_default_rate"] == (None, None, None, None)
    assert view.open_work is not None and view.open_work.as_of == d(11, 30)
    assert [(c.case_id, c.promised_age, c.legal_age) for c in view.open_work.cases] == [(months.ids["O"], 15, None)]


def _as_auditor(client):
    assert login(client, STAFF.auditor.username).status_code == 303


def test_the_page_shows_each_change_in_percentage_points_or_says_there_is_no_data(months, client):
    _as_auditor(client)
    page = soup(client.get("/audit?period=month&month=2026-11"))
    def cells(key):
        row = page.select_one(f'#rates tr[data-measure="{key}"]')
        return tuple(row.select_one(f'[data-compare="{which}"]').get_text() for which in ("previous", "year-ago"))
    assert cells("one_visit_rate") == ("−50.0 个百分点", "−50.0 个百分点")
    assert cells("satisfaction_rate") == ("无数据", "−33.3 个百分点")
    assert cells("repeat_notice_rate") == ("无数据", "无数据")
    note = page.select_one('#rates tr[data-measure="within_promised_rate"] .closed-only').get_text()
    assert "只计已办结件" in note and "1 件" in note
    assert page.select_one('#open-work tr[data-limit="promised"] a').get_text() == "1"


def _sheet(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return load_workbook(io.BytesIO(response.content)).active


def _display_width(text):
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def test_xlsx_cells_carry_number_formats_wide_columns_and_a_frozen_header(months, client):
    _as_auditor(client)
    rates = _sheet(client, "/audit/export/rates.xlsx?period=month&month=2026-11")
    assert rates.freeze_panes == "A2"
    header = [c.value for c in rates[1]]
    assert header[:6] == ["指标", "数值", "目标", "是否达标", "分子", "分母"]
    first = {name: cell for name, cell in zip(header, rates[2], strict=True)}
    assert (first["数值"].value, first["数值"].number_format) == (0.5, "0.0%")
    assert (first["目标"].value, first["目标"].number_format) == (0.8, "0.0%")
    assert (first["上期数值（环比）"].value, first["上期数值（环比）"].number_format) == (1.0, "0.0%")
    assert (first["分子"].value, first["分子"].number_format, first["分母"].value) == (4, "0", 8)
    assert isinstance(first["分子"].value, int) and first["指标"].data_type == "s"
    for i, name in enumerate(header, 1):
        assert rates.column_dimensions[rates.cell(1, i).column_letter].width >= _display_width(name), name

    listed = _sheet(client, "/audit/export/cases.xlsx?period=month&month=2026-11&counter=closed")
    head = [c.value for c in listed[1]]
    received = listed.cell(2, head.index("收件日期") + 1)
    assert isinstance(received.value, dt.datetime) and received.number_format == "yyyy-mm-dd"
    visits = listed.cell(2, head.index("到现场次数") + 1)
    assert isinstance(visits.value, int) and visits.number_format == "0"
    assert listed.freeze_panes == "A2"

    overdue = _sheet(client, "/audit/export/overdue.xlsx?period=month&month=2026-11&limit=promised")
    head = [c.value for c in overdue[1]]
    row = {name: cell for name, cell in zip(head, overdue[2], strict=True)}
    assert row["收件编号"].value == months.receipts["O"] and overdue.max_row == 2
    assert (row["承诺办结日"].value.date(), row["承诺办结日"].number_format) == (d(11, 9), "yyyy-mm-dd")
    assert (row["超承诺时限（工作日）"].value, row["超承诺时限（工作日）"].number_format) == (15, "0")
    assert row["超法定时限（工作日）"].value is None and row["统计日"].value.date() == d(11, 30)


def test_the_monthly_report_prints_comparisons_open_work_causes_and_the_remedies_entered(months, client):
    _as_auditor(client)
    form_url = "/audit/remedies?month=2026-11"
    form = soup(client.get(form_url))
    assert form.select_one("#remedies-form input[name=csrf]") is not None
    text = "一、对道路货物运输经营许可申请表增设填写示例。\n二、港口经营许可推行邮寄送达。"
    assert client.post("/audit/remedies", data={"month": "2026-11", "text": text}).status_code == 403  # no token
    saved = client.post("/audit/remedies", data={"csrf": csrf_from(client, form_url), "month": "2026-11",
                                                  "text": text}, follow_redirects=False)
    assert saved.status_code == 303 and "saved=1" in saved.headers["location"]
    assert text.split("\n")[0] in soup(client.get(form_url)).select_one("#remedies-text").get_text()

    response = client.get("/audit/report.pdf?on=2026-11-01")
    assert response.status_code == 200
    pdf = flat_text(response.content)
    assert "2026年11月" in pdf and "环比" in pdf and "同比" in pdf and "−50.0个百分点" in pdf
    assert "在办超期（截至2026年11月30日）" in pdf and months.receipts["O"] in pdf and "15个工作日" in pdf
    assert "超过承诺时限1件，超过法定时限0件" in pdf
    section = pdf[pdf.index("未达标的事项与窗口及主要原因"):pdf.index("一次办结率月度趋势")]
    assert "道路货物运输经营许可" in section and "港口经营许可" in section and "领证" in section
    assert "补正" in section
    assert "对道路货物运输经营许可申请表增设填写示例" in pdf[pdf.index("整改措施"):]
    assert "差评整改率" in pdf and "实名差评回访率" in pdf  # the 好差评 measures are among the rates


def test_only_an_auditor_writes_the_remedies(months, client):
    assert login(client, STAFF.admin.username).status_code == 303
    page = soup(client.get("/audit/remedies?month=2026-11"))
    assert page.select_one("#remedies-form") is None
    token = csrf_from(client, "/audit?period=month&month=2026-11")
    refused = client.post("/audit/remedies", data={"csrf": token, "month": "2026-11", "text": "x"})
    assert refused.status_code == 403


@pytest.mark.parametrize("paragraphs", [0, 12, 41])  # none yet; and lengths that left the seal alone (11–13, 40–42)
def test_the_seal_shares_its_page_with_the_last_of_the_remedies(months, engine, office, app, paragraphs):
    """A page holding only 盖章 and a date reads as a report signed over nothing: the seal is printed on the
    page of the 整改措施' last paragraph (or of the line saying none were entered), however long they run."""
    from audit.remedies import Remedies
    from audit.report import report_pdf
    from guides.pdfcheck import page_texts

    with engine.connect() as conn:
        view = build_view(conn, scope=NOVEMBER, catalogue=office.catalogue, targets=Targets(),
                          calendar=office.calendar, today=d(12, 3))
    text = "\n".join(f"{i + 1}、对窗口人员进行服务规范培训并在窗口张贴示例。" for i in range(paragraphs))
    written = Remedies(d(11, 1), text, STAFF.auditor.username, dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC))
    pdf = report_pdf(app.state.templates, view, office_name="嘉兴市交通运输局",
                     generated_at=dt.datetime(2026, 12, 3, 10), remedies=written if paragraphs else None)

    pages = page_texts(pdf)
    sealed = [t for t in pages if "（盖章）" in t]
    assert len(sealed) == 1 and sealed[0] is pages[-1]
    last = f"{paragraphs}、对窗口人员" if paragraphs else "本月整改措施尚未填写"
    assert last in sealed[0]
