"""A case's progress (materials, notice, tolerated gaps, special procedures) as a
pure fold over event payloads.

The service layer computes the new progress with `evolve` before it writes an
event, and `replay` folds the stored events with the same function, so the
stored progress and the log cannot drift apart.
"""

from __future__ import annotations

import copy
from typing import Any

Progress = dict[str, Any]

# Material statuses, as the clerk records them at the counter.
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


def empty() -> Progress:
    return {"materials": {}, "notice": None, "notices": 0, "gaps": {}, "specials": {}, "paused_days": 0}


def evolve(progress: Progress, action: str, payload: dict[str, Any]) -> Progress:
    """The progress after one event. Never mutates its argument."""
    new = copy.deepcopy(progress)
    if "materials" in payload:
        for material_id, entry in payload["materials"].items():
            new["materials"][material_id] = dict(entry)
    if action == "notify":
        items = [item["material"] for item in payload["items"]]
        if new["notice"] is None:
            new["notice"] = items
        new["notices"] += 1
        if "due" in payload:  # notices from before 补正期限 were recorded carry none
            new["correction"] = {"items": [dict(i) for i in payload["items"]], "due": payload["due"]}
    elif action.startswith("resubmit_"):
        new.pop("correction", None)  # handed in: the clerk checks it now, nothing is awaited
    elif action == "accept_tolerated":
        for material_id, due in payload["gaps"].items():
            new["gaps"][material_id] = due
            new["materials"][material_id] = {"status": TOLERATED, "note": new["materials"].get(material_id, {}).get("note", "")}
    elif action.startswith("supplement_"):
        material_id = payload["material"]
        new["gaps"].pop(material_id, None)
        new["materials"][material_id] = {"status": SUPPLIED, "note": payload.get("note", "")}
    elif action.startswith("start_special_"):
        new["specials"][payload["procedure"]] = {"started": payload["on"], "ended": None}
    elif action.startswith("end_special_"):
        new["specials"][payload["procedure"]]["ended"] = payload["on"]
        new["paused_days"] += payload["paused_days"]
    return new


def status_of(progress: Progress, material_id: str) -> str:
    return progress["materials"].get(material_id, {}).get("status", MISSING)


def is_present(progress: Progress, material_id: str) -> bool:
    return status_of(progress, material_id) in PRESENT
