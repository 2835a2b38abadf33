"""A case's progress (materials, notice, tolerated gaps, special procedures) as a
pure fold over event payloads.

The service layer computes the new progress with `evolve` before it writes an
event, and `replay` folds the stored events with the same function, so the
stored progress and the log cannot drift apart.
"""

from __future__ import annotations

import copy
from typing import Any

from workflows.action_kinds import Progress, kind_of
from workflows.material_status import DEFECTIVE, MISSING, OK, PRESENT, STATUS_LABELS, SUPPLIED, TOLERATED

__all__ = ["DEFECTIVE", "MISSING", "OK", "PRESENT", "STATUS_LABELS", "SUPPLIED", "TOLERATED", "Progress", "empty",
           "evolve", "is_present", "status_of"]


def empty() -> Progress:
    return {"materials": {}, "notice": None, "notices": 0, "gaps": {}, "specials": {}, "paused_days": 0}


def evolve(progress: Progress, action: str, payload: dict[str, Any]) -> Progress:
    """The progress after one event. Never mutates its argument."""
    new = copy.deepcopy(progress)
    if "materials" in payload:
        for material_id, entry in payload["materials"].items():
            new["materials"][material_id] = dict(entry)
    kind = kind_of(action)
    if kind is not None and kind.effect is not None:
        kind.effect(new, payload)  # each action's effect is declared with it (workflows.action_kinds)
    return new


def status_of(progress: Progress, material_id: str) -> str:
    status: str = progress["materials"].get(material_id, {}).get("status", MISSING)
    return status


def is_present(progress: Progress, material_id: str) -> bool:
    return status_of(progress, material_id) in PRESENT
