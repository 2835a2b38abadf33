"""A case's event log as people read it: office times, staff by name, Chinese labels,
each visit with its cause, and what each step carried (notice items, gaps, reasons).

The staff case page and the auditor's timeline both show this, so both read it here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable, Mapping
from typing import Any

from workflows.catalogue import MatterVersion
from workflows.definition import MatterDefinition
from workflows.localtime import OfficeTime, cn_day
from workflows.models import CaseEvent
from workflows.progress import STATUS_LABELS
from workflows.action_kinds import VISIT_CAUSES


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: dt.datetime  # office time
    actor: str  # the member of staff's name (系统 for the system)
    label: str
    from_label: str
    to_label: str
    visit: str | None  # "递交（申请人原因）" when the event was a visit
    detail: str


def timeline(matter: MatterVersion, events: Iterable[CaseEvent], *, time: OfficeTime,
             names: Mapping[str, str]) -> list[TimelineEntry]:
    """`names`: display names by username (workflows.accounts.staff_names)."""
    compiled = matter.compiled
    entries = []
    for e in events:
        action = compiled.action(e.action, e.from_state)
        visit = f"{e.visit_purpose}（{VISIT_CAUSES.get(e.visit_cause or '', '')}）" if e.visit else None
        entries.append(TimelineEntry(
            e.seq, time.local(e.at), names.get(e.actor, e.actor), action.label if action else e.action,
            compiled.state_label(e.from_state), compiled.state_label(e.to_state), visit,
            detail(matter.definition, e.payload or {}),
        ))
    return entries


def detail(definition: MatterDefinition, payload: dict[str, Any]) -> str:
    """The part of an event's payload a reader needs: notice items, gaps, supplied material, reasons."""
    parts = []
    if payload.get("items"):
        parts.append("告知：" + "、".join(_material(definition, i["material"]) for i in payload["items"]))
    if payload.get("due"):
        parts.append("补正期限：" + cn_day(dt.date.fromisoformat(payload["due"])))
    if payload.get("gaps"):
        parts.append("容缺：" + "、".join(_material(definition, m) for m in payload["gaps"]))
    if payload.get("material"):
        parts.append("补齐：" + _material(definition, payload["material"]))
    parts += _material_notes(definition, payload.get("materials") or {})
    if payload.get("window_name"):  # 转办
        parts.append(f"转至：{payload['window_name']}（{payload['window']}）")
    for key, label in (("reason", "理由"), ("tracking_no", "邮件号"), ("note", "备注")):
        if payload.get(key):
            parts.append(f"{label}：{payload[key]}")
    return "；".join(parts)


def _material_notes(definition: MatterDefinition, entries: dict[str, Any]) -> list[str]:
    # What the clerk wrote about a material at this step; the case page shows only the latest,
    # so an earlier problem (e.g. before a 补正) is read here.
    return [f"{_material(definition, material_id)}（{STATUS_LABELS.get(entry.get('status'), '')}）：{entry['note']}"
            for material_id, entry in entries.items() if entry.get("note")]


def _material(definition: MatterDefinition, material_id: str) -> str:
    try:
        return definition.material(material_id).name
    except KeyError:
        return material_id
