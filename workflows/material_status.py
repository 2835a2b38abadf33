"""The statuses a material has on a case, as the clerk records them at the counter or an action sets them.

Apart from `workflows.progress` so that the action declarations (which set 容缺待补 and
已补齐) and the progress fold (which reads the declarations) can both use them.
"""

from __future__ import annotations

OK = "ok"
MISSING = "missing"
DEFECTIVE = "defective"
TOLERATED = "tolerated"
SUPPLIED = "supplied"
PRESENT = frozenset({OK, SUPPLIED})

STATUS_LABELS = {
    OK: "已收取",
    MISSING: "未提交",
    DEFECTIVE: "不符合要求",
    TOLERATED: "容缺待补",
    SUPPLIED: "已补齐",
}
