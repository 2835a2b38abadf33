"""The printable monthly report (月度效能报告): the dashboard of one month as an A4 PDF.

Rendered from audit's own template (audit/templates, which the app factory adds to
the shared Jinja environment for its filters) and turned into PDF by
guides.pdf.render_pdf, the same machinery (and CJK fonts) as the service guides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from jinja2 import Environment
from markupsafe import Markup

from audit.charts import Point, bar_chart, rate_bars, trend_chart
from audit.dashboard import Dashboard
from audit.ranking import rule_measures, rule_text
from audit.remedies import Remedies
from workflows import rating_tasks, ratings

# How the report names a rating's level, its 差评 categories and its task's steps.
RATING_LABELS = SimpleNamespace(levels={k: v[0] for k, v in ratings.LEVELS.items()}, categories=ratings.BAD_CATEGORIES,
                                results=rating_tasks.REVISIT_RESULTS, replies=rating_tasks.REPLIES)
AUDIT_TEMPLATES = Path(__file__).parent / "templates"
REPORT_TEMPLATE = "audit/monthly_report.html"  # under audit/templates, named apart from windows' and guides'


@dataclass(frozen=True)
class Charts:
    trend: Markup
    visits: Markup
    windows: Markup
    clerks: Markup


def _month_label(key: str | None) -> str:
    assert key is not None, "a trend figure is keyed by its month"
    return key[2:].replace("-", "/")


def charts_of(d: Dashboard) -> Charts:
    f, target = d.figures, d.targets.one_visit_rate
    return Charts(
        trend=trend_chart([Point(_month_label(m.key), m.rates["one_visit_rate"]) for m in d.trend], target,
                          "一次办结率月度趋势"),
        visits=bar_chart([("0 次", f["zero_visit"]), ("1 次", f["visits_1"]), ("2 次", f["visits_2"]),
                          ("3 次及以上", f["visits_3p"])], "办结件到现场次数分布"),
        windows=rate_bars([Point(r.label, r.figures.rates["one_visit_rate"]) for r in d.windows], target,
                          "各窗口一次办结率"),
        clerks=rate_bars([Point(r.label, r.figures.rates["one_visit_rate"]) for r in d.clerks], target,
                         "各工作人员一次办结率"),
    )


@dataclass(frozen=True)
class ReportContext:
    dashboard: Dashboard
    charts: Charts
    office_name: str
    generated_at: dt.datetime
    month_label: str
    remedies: Remedies | None  # the office's written 整改措施 for the month, None until an auditor enters them


def points(change: float | None) -> str:
    """A change in percentage points, as the report prints it; 无数据 where either period counted nothing."""
    if change is None:
        return "无数据"
    if round(change, 1) == 0:
        return "持平"
    return f"{'+' if change > 0 else '−'}{abs(change):.1f} 个百分点"


def report_html(env: Environment, d: Dashboard, *, office_name: str, generated_at: dt.datetime,
                remedies: Remedies | None = None) -> str:
    context = ReportContext(d, charts_of(d), office_name, generated_at, d.scope.label, remedies)
    return env.get_template(REPORT_TEMPLATE).render(report=context, d=d, points=points, labels=RATING_LABELS,
                                                    rule=rule_measures(), rule_text=rule_text())


def report_pdf(env: Environment, d: Dashboard, *, office_name: str, generated_at: dt.datetime,
               remedies: Remedies | None = None) -> bytes:
    from guides.pdf import render_pdf

    return render_pdf(report_html(env, d, office_name=office_name, generated_at=generated_at, remedies=remedies))
