"""Every table of the dashboard (and any drill-down list) as plain rows, for CSV, XLSX and JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from collections.abc import Iterable

from audit.dashboard import Dashboard, SliceRow
from audit.drill import CaseLine
from audit.openwork import OpenWork
from audit.ranking import standings
from audit.targets import RATING_MEASURES, measure

RATE_KEYS = ("one_visit_rate", "complete_one_visit_rate", "zero_visit_rate", "within_promised_rate",
             "within_legal_rate", *RATING_MEASURES)
RATE_LABELS = {"one_visit_rate": "一次办结率", "complete_one_visit_rate": "一次办结率（材料齐全或容缺）",
               "zero_visit_rate": "跑零次占比", "within_promised_rate": "承诺时限内办结率",
               "within_legal_rate": "法定时限内办结率", **{k: measure(k).label for k in RATING_MEASURES}}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: Iterable[tuple[Any, ...]]
    # What each column holds, for the XLSX number formats: text, count, rate (a fraction), number, date.
    kinds: tuple[str, ...] = ()

    def kind(self, index: int) -> str:
        return self.kinds[index] if index < len(self.kinds) else "text"


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# 哪个窗口（事项、人员）差评最多，整改了没有: the counts beside the rates, as the ranking on the page shows them.
BAD_COUNTS = (("bad_evaluations", "差评数"), ("bad_rectified", "差评已整改"), ("bad_unrectified", "差评未整改"),
              ("bad_unfounded", "差评核实不属实"))


def _slice_table(name: str, title: str, head: str, rows: list[SliceRow]) -> Table:
    columns = (head, "代码", "受理登记", "办结", "一次办结", *[RATE_LABELS[k] for k in RATE_KEYS], "平均用时（工作日）",
               "评价数", "平均评分", *[label for _, label in BAD_COUNTS])
    body = [(r.label, r.key, r.figures["opened"], r.figures["closed"], r.figures["one_visit"],
             *[_rate(r.figures.rates[k]) for k in RATE_KEYS], _rate(r.figures.average_workdays),
             r.figures["evaluations"], _rate(r.figures.average_score), *[r.figures[k] for k, _ in BAD_COUNTS])
            for r in rows]
    kinds = ("text", "text", "count", "count", "count", *["rate"] * len(RATE_KEYS), "number", "count", "number",
             *["count"] * len(BAD_COUNTS))
    return Table(name, title, columns, body, kinds)


def _ranking_table(d: Dashboard) -> Table:
    """The 最美窗口 ranking: each window's place first and the reason for it last (audit/ranking.py)."""
    t = _slice_table("windows", "窗口排名", "窗口", d.windows)
    body = [(s.place, *row, s.reason) for s, row in zip(standings(d.windows), t.rows, strict=True)]
    return Table(t.name, t.title, ("名次", *t.columns, "排名依据（与下一名相比）"), body,
                 ("count", *t.kinds, "text"))


def dashboard_tables(d: Dashboard) -> dict[str, Table]:
    f = d.figures
    tables = [
        Table("rates", "指标与目标", ("指标", "数值", "目标", "是否达标", "分子", "分母", "上期数值（环比）",
                                     "去年同期数值（同比）", "口径"),
              [(r.measure.label, _rate(r.value), r.target, {True: "达标", False: "未达标", None: "无数据"}[r.met],
                r.numerator, r.denominator, _rate(r.previous), _rate(r.year_ago), r.measure.note) for r in d.rates],
              ("text", "rate", "rate", "text", "count", "count", "rate", "rate", "text")),
        Table("counts", "办件量", ("项目", "件数"), [
            ("受理登记", f["opened"]), ("办结（含不予许可）", f["closed"]), ("不予受理", f["refused"]),
            ("撤回", f["withdrawn"]), ("终止", f["terminated"]), ("容缺受理", f["tolerated"]),
            ("容缺逾期终止", f["defaulted"]), ("出具一次性告知书的办件", f["noticed"]),
            ("一次性告知书份数", f["notices"]),
            ("重复告知的办件", f["repeat_notices"]), ("评价数", f["evaluations"]), ("差评数", f["bad_evaluations"]),
            *_open_counts(d)], ("text", "count")),
        Table("visits", "到现场次数分布（办结件）", ("到现场次数", "件数"),
              [("0 次", f["zero_visit"]), ("1 次", f["visits_1"]), ("2 次", f["visits_2"]),
               ("3 次及以上", f["visits_3p"])], ("text", "count")),
        Table("trend", "月度趋势", ("月份", "办结", "一次办结", "一次办结率", "承诺时限内办结率", "好评率"),
              [(m.key, m["closed"], m["one_visit"], _rate(m.rates["one_visit_rate"]),
                _rate(m.rates["within_promised_rate"]), _rate(m.rates["satisfaction_rate"])) for m in d.trend],
              ("text", "count", "count", "rate", "rate", "rate")),
        _slice_table("matters", "分事项", "事项", d.matters),
        _ranking_table(d),
        _slice_table("clerks", "工作人员排名", "工作人员", d.clerks),
        _slice_table("departments", "分科室", "科室", d.departments),
        Table("refusals", "不予受理理由", ("理由", "件数"), d.refusals, ("text", "count")),
        Table("materials", "导致多次跑动的材料", ("事项", "材料", "涉及办件", "补正到现场次数"),
              [(matter, material, m.cases, m.visits) for matter, material, m in d.materials],
              ("text", "text", "count", "count")),
    ]
    return {t.name: t for t in tables}


TABLE_NAMES = ("rates", "counts", "visits", "trend", "matters", "windows", "clerks", "departments", "refusals",
               "materials")  # the dashboard's tables, in the order of dashboard_tables


CASE_COLUMNS = ("收件编号", "事项", "窗口", "工作人员", "申请人", "证件号码", "收件日期", "办结日期", "状态", "结果",
                "到现场次数", "告知次数", "用时（工作日）", "理由")


def case_table(title: str, lines: Iterable[CaseLine], matter_names: dict[str, str],
               clerk_names: dict[str, str]) -> Table:
    rows = ((line.receipt_no, matter_names.get(line.matter_code, line.matter_code), line.window,
             clerk_names.get(line.clerk, line.clerk), line.applicant_name,
             line.applicant_id, line.received_on, line.finished_on, line.state, line.outcome, line.visits,
             line.notices, line.working_days, line.reason) for line in lines)
    return Table("cases", title, CASE_COLUMNS, rows, CASE_KINDS)


CASE_KINDS = ("text",) * 6 + ("date", "date", "text", "text", "count", "count", "count", "text")
OVERDUE_COLUMNS = ("收件编号", "事项", "窗口", "工作人员", "申请人", "证件号码", "收件日期", "受理日期", "承诺办结日",
                   "超承诺时限（工作日）", "法定办结日", "超法定时限（工作日）", "统计日")
OVERDUE_KINDS = ("text",) * 6 + ("date", "date", "date", "count", "date", "count", "date")


def overdue_table(title: str, work: OpenWork, limit: str, matter_names: dict[str, str],
                  clerk_names: dict[str, str]) -> Table:
    rows = [(c.receipt_no, matter_names.get(c.matter_code, c.matter_code), c.window, clerk_names.get(c.clerk, c.clerk),
             c.applicant_name, c.applicant_id, c.received_on, c.accepted_on, c.promised_due, c.promised_age,
             c.legal_due, c.legal_age, work.as_of) for c in work.past(limit)]
    return Table("overdue", title, OVERDUE_COLUMNS, rows, OVERDUE_KINDS)


def _open_counts(d: Dashboard) -> list[tuple[str, int]]:
    w = d.open_work
    if w is None:
        return []
    day = f"{w.as_of:%Y-%m-%d}"
    return [(f"在办超承诺时限（截至 {day}）", w.promised), (f"在办超法定时限（截至 {day}）", w.legal)]


def cell(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
