"""The 最美窗口 ranking follows its declared rule and says why; the exports and the report carry the 好差评 measures.

The hand-built October of tests/rating_support.py: W01 and W02 tie on 一次办结率 (2/2 each) and
承诺时限内办结率 decides (W01 2/2, W02 1/2). Here two steps are added to it:
P's 差评 (W01, 10-09) is found 属实 on 10-12, put right on 10-20 (due 10-15: late), the applicant 不满意;
T, a 差评 of W02 given on 10-20, is left alone: on 10-31 its 回访 (due 10-21) and 整改 (due 10-27) are late.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from audit.dashboard import SliceRow
from audit.measures import COUNTERS, Figures
from audit.ranking import RANKING_RULE, ranking, standings
from audit.targets import measure
from guides.pdfcheck import flat_text
from tests.page_helpers import client_as, one, soup
from tests.rating_support import FREIGHT, LEAD, D, build_rating_month
from tests.support import STAFF, open_complete
from workflows import rating_tasks, ratings
from workflows.rating_models import RatingTask

OCTOBER = "period=month&month=2026-10"


@pytest.fixture
def october(session, office, clock):
    month = build_rating_month(session, office, clock)
    task = session.exec(select(RatingTask).where(RatingTask.rating_id == month.ratings["P-visit"])).one()
    clock.set_local(D(2026, 10, 12), 11)
    task = rating_tasks.record_revisit(session=session, office=office, task=task, actor=LEAD, result="founded",
                                       note="调取录像，窗口人员语气生硬属实", version=task.version)
    clock.set_local(D(2026, 10, 20), 11)
    task = rating_tasks.record_rectification(session=session, office=office, task=task, actor=LEAD,
                                             action="约谈当事人员并组织服务规范培训", done_on=D(2026, 10, 20),
                                             version=task.version)
    rating_tasks.record_reply(session=session, office=office, task=task, actor=LEAD, reply="dissatisfied",
                              note="认为整改不够及时", version=task.version)
    clock.set_local(D(2026, 10, 20), 9)
    month.cases["T"] = t = open_complete(session, office, FREIGHT, clerk=STAFF.clerk2)
    clock.set_local(D(2026, 10, 20), 10)
    seq = ratings.visits_of(session=session, case=t)[0].seq
    ratings.rate_visit(session=session, office=office, case=t, visit_seq=seq, channel="kiosk", now=clock(),
                       given=ratings.RatingInput("dissatisfied", categories=("slow",), comment="排队一个小时"))
    clock.set_local(D(2026, 11, 25), 9)  # October is over
    return month


def test_the_rule_is_declared_once_with_the_measures_own_directions():
    assert [key for key, _ in RANKING_RULE][:2] == ["one_visit_rate", "within_promised_rate"]
    for key, direction in RANKING_RULE:
        assert (direction == "higher") == measure(key).higher_is_better, key


def _row(key: str, **counts: int) -> SliceRow:
    return SliceRow(key, key, Figures({name: 0 for name in COUNTERS} | counts, key=key))


def test_equal_on_every_measure_the_code_decides_and_no_value_comes_last():
    a = _row("W02", closed=2, one_visit=2, timed=2, within_promised=2)
    b = _row("W01", closed=2, one_visit=2, timed=2, within_promised=2)
    c = _row("W03")  # nothing closed: no value for any measure
    d = _row("W04", closed=2, one_visit=1, timed=2, within_promised=2, evaluations=4, bad_evaluations=2)
    ranked = ranking([c, a, d, b])
    assert [r.key for r in ranked] == ["W01", "W02", "W04", "W03"]
    first, second, third, last = standings(ranked)
    assert first.decided_by is None and first.reason.startswith("与W02各项指标均相同")
    assert second.decided_by is not None and second.decided_by.key == "one_visit_rate"
    assert (second.own, second.next_value) == (1.0, 0.5)
    assert third.decided_by is not None and third.decided_by.key == "one_visit_rate" and third.next_value is None
    assert "W03 无数据" in third.reason and last.reason == "末位"


def test_the_page_ranks_the_tie_on_one_visit_by_the_promised_limit_and_says_so(app, october):
    with client_as(app, "auditor") as auditor:
        page = soup(auditor.get(f"/audit?{OCTOBER}"))
    rule = one(page, "#ranking-rule").get_text()
    labels = [measure(key).label for key, _ in RANKING_RULE]
    assert [rule.index(label) for label in labels] == sorted(rule.index(label) for label in labels)
    rows = page.select("#window-ranking tbody tr")
    assert [(tr["data-key"], tr["data-place"]) for tr in rows] == [("W01", "1"), ("W02", "2")]
    w01, w02 = rows
    assert w01["data-decided-by"] == "within_promised_rate"
    assert one(w01, "td.decided")["data-measure"] == "within_promised_rate"
    reason = one(w01, "td.reason").get_text()
    assert "一次办结率相同" in reason and "承诺时限内办结率 100.0%" in reason and "50.0%" in reason
    for row in (w01, w02):
        assert one(row, "td[data-measure=one_visit_rate]").get_text() == "100.0%"
    assert one(w01, "td[data-measure=satisfaction_rate]").get_text() == "50.0%"  # P's 差评, P's 非常满意
    assert one(w02, "td.reason").get_text() == "末位"


def test_the_window_table_exports_the_rating_rates_as_percentages(app, october):
    with client_as(app, "auditor") as auditor:
        response = auditor.get(f"/audit/export/windows.xlsx?{OCTOBER}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    head = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, head.index("代码") + 1).value: {h: sheet.cell(r, i + 1) for i, h in enumerate(head)}
            for r in range(2, sheet.max_row + 1)}
    w01, w02 = rows["W01"], rows["W02"]
    assert (w01["名次"].value, w02["名次"].value) == (1, 2)
    expected = {"好评率": (0.5, 0.6667), "差评率": (0.5, 0.3333), "实名差评回访率": (1.0, 0.0),
                "差评整改率": (1.0, 0.0), "整改按时率": (0.0, None), "整改满意率": (0.0, None)}
    for name, (one_value, two_value) in expected.items():
        assert (w01[name].value, w02[name].value) == (one_value, two_value), name
        assert w01[name].number_format == "0.0%", name
    assert "承诺时限内办结率" in w01["排名依据（与下一名相比）"].value


def test_the_monthly_report_lists_the_periods_bad_ratings_and_their_rectification(app, october):
    with client_as(app, "auditor") as auditor:
        response = auditor.get("/audit/report.pdf?on=2026-10-01")
    assert response.status_code == 200
    text = flat_text(response.content)
    section = text[text.index("十、差评及整改情况"):text.index("十一、整改措施")]
    assert "本期差评2条" in section and "截至2026年10月31日超期未办1条" in section
    # The rows are the records as the report is printed, the overdue flags as of the period's end: it says so.
    assert "记录及状态为报告生成时" in section and "超期按统计期末判断" in section
    p, t = october.cases["P"].receipt_no, october.cases["T"].receipt_no
    assert section.index(p) < section.index(t)  # oldest first
    p_row = section[section.index(p):section.index(t)]
    assert "属实：调取录像，窗口人员语气生硬属实" in p_row
    assert "约谈当事人员并组织服务规范培训（2026年10月20日，超过期限2026年10月15日）" in p_row
    assert "不满意：认为整改不够及时" in p_row
    t_row = section[section.index(t):]
    assert "未回访（期限2026年10月21日）" in t_row and "回访、整改超期" in t_row and "排队一个小时" in t_row
    assert october.cases["Q"].receipt_no not in section  # the appeal upheld: not a counted 差评 (and not one)
    assert "排名依据" in text and "承诺时限内办结率100.0%" in text



def test_the_reports_window_ranking_counts_each_windows_bad_ratings_as_the_page_does(app, october):
    """W01: P's 差评 put right (Q's upheld appeal not counted); W02: T's 差评 neither revisited nor put right."""
    with client_as(app, "auditor") as auditor:
        response = auditor.get("/audit/report.pdf?on=2026-10-01")
        page = soup(auditor.get(f"/audit?{OCTOBER}"))
    text = flat_text(response.content)
    section = text[text.index("七、窗口与工作人员排名"):text.index("工作人员按同一规则排名")]
    assert "差评已整改未整改排名依据" in section
    # Each row reads on from its last rate (实名差评回访率, W01 100.0%, W02 0.0%) to 差评, 已整改, 未整改, 排名依据.
    w01, w02 = section.index("1综合窗口"), section.index("2交通运输专窗")
    assert section[w01:w02].endswith("100.0%110承诺时限内办结率100.0%，交通运输专窗50.0%")
    assert section[w02:].startswith("2交通运输专窗2100.0%50.0%66.7%33.3%0.0%——0.0%101末位")
    assert "已整改与未整改只计应整改的差评" in section
    for tr in page.select("#window-ranking tbody tr"):  # the dashboard's table says the same
        counts = [one(tr, f"a[data-counter={key}]").get_text() for key in ("bad_evaluations", "bad_rectified",
                                                                           "bad_unrectified")]
        assert counts == {"W01": ["1", "1", "0"], "W02": ["1", "0", "1"]}[tr["data-key"]]
