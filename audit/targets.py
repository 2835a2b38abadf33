"""The rates the dashboard reports, each with the target it is held to.

Targets are configuration, not code: ONEVISIT_AUDIT_TARGET_ONE_VISIT_RATE=0.85
and so on. The default one-visit target is the 2017 plan's 80%.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_settings import BaseSettings, SettingsConfigDict


class Targets(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONEVISIT_AUDIT_TARGET_", extra="ignore")

    one_visit_rate: float = 0.80
    complete_one_visit_rate: float = 0.95
    zero_visit_rate: float = 0.30
    within_promised_rate: float = 0.95
    within_legal_rate: float = 1.00
    tolerance_default_rate: float = 0.05  # at most
    repeat_notice_rate: float = 0.00  # at most: a second notice is what the reform forbids
    satisfaction_rate: float = 0.95


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    numerator: str  # a counter (audit.counters), the cases the rate counts
    denominator: str  # the counter it is a share of
    higher_is_better: bool = True
    note: str = ""


MEASURES: tuple[Measure, ...] = (
    Measure("one_visit_rate", "一次办结率", "one_visit", "closed",
            note="办结件中到现场不超过 1 次的比例"),
    Measure("complete_one_visit_rate", "一次办结率（材料齐全或容缺受理）", "complete_first_one_visit", "complete_first",
            note="分母为首次提交即受理（未出具一次性告知书）的办结件"),
    Measure("zero_visit_rate", "跑零次占比", "zero_visit", "closed"),
    Measure("within_promised_rate", "承诺时限内办结率", "within_promised", "timed",
            note="以作出决定之日对照承诺办结日期"),
    Measure("within_legal_rate", "法定时限内办结率", "within_legal", "timed",
            note="以作出决定之日对照法定办结日期"),
    Measure("tolerance_default_rate", "容缺失信率", "defaulted", "tolerated", higher_is_better=False,
            note="容缺受理后逾期未补齐被终止的比例"),
    Measure("repeat_notice_rate", "重复告知率", "repeat_notices", "noticed", higher_is_better=False,
            note="出具过一次性告知书的办件中，告知超过一次的比例"),
    Measure("satisfaction_rate", "满意率（好差评）", "good_evaluations", "evaluations",
            note="评价中非差评（3 分及以上）的比例"),
)


def measure(key: str) -> Measure:
    return next(m for m in MEASURES if m.key == key)
