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
    bad_rate: float = 0.02  # at most
    revisit_rate: float = 1.00  # 国办发〔2019〕51号: every 实名差评 is called back and verified
    rectify_rate: float = 1.00  # … and put right
    rectify_on_time_rate: float = 1.00
    rectify_satisfied_rate: float = 0.90


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
    Measure("satisfaction_rate", "好评率", "good_evaluations", "evaluations",
            note="评价（一次一评和一事一评）中非常满意、满意、基本满意的比例；申诉成立的评价不计"),
    Measure("bad_rate", "差评率", "bad_evaluations", "evaluations", higher_is_better=False,
            note="评价中不满意、非常不满意的比例"),
    Measure("revisit_rate", "实名差评回访率", "bad_revisited", "bad_evaluations",
            note="差评中已回访核实的比例；凭收件编号和手机号评价，差评均为实名"),
    Measure("rectify_rate", "差评整改率", "bad_rectified", "bad_to_rectify",
            note="差评（除回访核实不属实的）中已整改的比例"),
    Measure("rectify_on_time_rate", "整改按时率", "rectified_on_time", "bad_rectified",
            note="已整改的差评中在整改期限内完成的比例"),
    Measure("rectify_satisfied_rate", "整改满意率", "rectify_satisfied", "rectify_replied",
            note="申请人对整改作出评价的差评中表示满意的比例"),
)
RATING_MEASURES = ("satisfaction_rate", "bad_rate", "revisit_rate", "rectify_rate", "rectify_on_time_rate",
                   "rectify_satisfied_rate")


def measure(key: str) -> Measure:
    return next(m for m in MEASURES if m.key == key)
