"""Deadlines of a case, from its acceptance day, its pauses and the working-day calendar.

Both the transitions and the calendar's refresh compute them here, so a deadline
computed without official 调休 data is marked provisional wherever it comes from,
and loading the official arrangement recomputes every one of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workflows import progress as pg
from workflows.definition import MatterDefinition
from workflows.office import Office


def limit_dues(office: Office, definition: MatterDefinition, accepted_on: dt.date, paused_days: int) -> dict[str, Any]:
    """承诺 and 法定 due dates: working days after acceptance, pushed back by 特别程序 days."""
    promised = office.calendar.add_workdays(accepted_on, definition.limits.promised_days + paused_days)
    legal = office.calendar.add_workdays(accepted_on, definition.limits.legal_days + paused_days)
    return {"promised_due": promised.due, "legal_due": legal.due,
            "due_provisional": promised.provisional or legal.provisional}


def gap_due(office: Office, definition: MatterDefinition, accepted_on: dt.date | None,
            progress: pg.Progress) -> tuple[dt.date | None, bool]:
    """When the first open tolerated gap falls due, and whether that rests on provisional data.

    Never earlier than the date the 容缺受理通知书 gave the applicant (stored in the
    log), even if the official calendar later counts fewer days to it.
    """
    dues, provisional = [], False
    for material_id, printed in progress["gaps"].items():
        counted = office.calendar.add_workdays(accepted_on, definition.material(material_id).tolerance.days)
        provisional = provisional or counted.provisional
        dues.append(max(dt.date.fromisoformat(printed), counted.due))
    return (min(dues) if dues else None), provisional


def all_dues(office: Office, definition: MatterDefinition, accepted_on: dt.date, paused_days: int,
             progress: pg.Progress) -> dict[str, Any]:
    values = limit_dues(office, definition, accepted_on, paused_days)
    due, provisional = gap_due(office, definition, accepted_on, progress)
    return {**values, "gap_due": due, "due_provisional": values["due_provisional"] or provisional}
