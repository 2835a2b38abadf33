"""Chinese names of the counters, as the auditor reads them on screen and paper."""

from __future__ import annotations

COUNTER_LABELS = {
    "opened": "受理登记（收件）",
    "finished": "已结束办件",
    "closed": "办结",
    "one_visit": "一次办结（到现场 ≤1 次）",
    "zero_visit": "跑零次",
    "visits_1": "到现场 1 次",
    "visits_2": "到现场 2 次",
    "visits_3p": "到现场 3 次及以上",
    "multi_visit": "多次跑动（到现场 >1 次）",
    "complete_first": "首次提交即受理（材料齐全或容缺）",
    "complete_first_one_visit": "首次提交即受理且一次办结",
    "timed": "有决定日期的办结件",
    "within_promised": "承诺时限内作出决定",
    "within_legal": "法定时限内作出决定",
    "tolerated": "容缺受理",
    "defaulted": "容缺逾期未补齐被终止",
    "noticed": "出具一次性告知书",
    "repeat_notices": "重复告知（告知超过一次）",
    "refused": "不予受理",
    "withdrawn": "撤回",
    "terminated": "终止",
    "evaluations": "评价数",
    "good_evaluations": "好评（非常满意、满意、基本满意）",
    "bad_evaluations": "差评（不满意、非常不满意）",
    "bad_revisited": "差评已回访核实",
    "bad_unfounded": "差评核实不属实",
    "bad_to_rectify": "应整改的差评",
    "bad_rectified": "差评已整改",
    "bad_unrectified": "差评未整改（待回访核实或待整改）",
    "rectified_on_time": "按时整改",
    "rectify_replied": "申请人已评价整改",
    "rectify_satisfied": "申请人对整改满意",
}

STATE_LABELS = {"closed": "已办结", "refused": "不予受理", "withdrawn": "已撤回", "terminated": "已终止"}
OUTCOME_LABELS = {"approved": "准予", "denied": "不予许可", "refused": "不予受理", "withdrawn": "撤回",
                  "terminated": "终止"}
CAUSE_LABELS = {"applicant": "申请人原因", "office": "办理机关要求"}
