"""Deadlines of a case, from its acceptance day, its pauses and the working-day calendar.

Both the transitions and the calendar's refresh compute them here, so a deadline
computed without official 调休 data is marked provisional wherever it comes from,
and loading the official arrangement recomputes every one of them.

The time boxes of 特别程序 are not stored: the case view computes them on each read
from the start and end dates in the progress, so they follow the calendar as it is now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from workflows import progress as pg
from workflows.definition import MatterDefinition
from workflows.office import Office
from workflows.workdays import WorkCalendar


def tolerance_days(definition: MatterDefinition, material_id: str) -> int:
    """The working days a tolerated (容缺) material may follow; only such a material leaves a gap."""
    tolerance = definition.material(material_id).tolerance
    assert tolerance is not None, f"{definition.code}: {material_id} is not tolerated, so it cannot be a gap"
    return tolerance.days


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
        assert accepted_on is not None, "a gap is opened only by accepting the case"
        counted = office.calendar.add_workdays(accepted_on, tolerance_days(definition, material_id))
        provisional = provisional or counted.provisional
        dues.append(max(dt.date.fromisoformat(printed), counted.due))
    return (min(dues) if dues else None), provisional


def all_dues(office: Office, definition: MatterDefinition, accepted_on: dt.date, paused_days: int,
             progress: pg.Progress) -> dict[str, Any]:
    values = limit_dues(office, definition, accepted_on, paused_days)
    due, provisional = gap_due(office, definition, accepted_on, progress)
    return {**values, "gap_due": due, "due_provisional": values["due_provisional"] or provisional}


# ---- 特别程序: off the case's clock, each within its own time box -----------------

@dataclass(frozen=True)
class SpecialTimeBox:
    """A started special procedure and its own limit (`max_days` working days from its start)."""

    procedure: str  # the procedure's id in the definition
    name: str
    max_days: int
    started: dt.date
    due: dt.date
    provisional: bool  # the due date rests on a year without official 调休 data
    ended: dt.date | None
    days_left: int | None  # working days from today to `due`, negative when overdue; None once it stopped
    overran: bool  # ended after `due`, or still running after it
    overdue_days: int  # working days past `due` (when it ended, or as of today); 0 when not overdue


def special_time_boxes(*, calendar: WorkCalendar, definition: MatterDefinition, progress: pg.Progress,
                       today: dt.date, closed_on: dt.date | None = None) -> list[SpecialTimeBox]:
    """The time box of every special procedure the case started, in the order they started.

    The due date counts like the case's own limits (`limit_dues`): working days from
    the day after the start. A case that closed with a procedure never ended (撤回,
    终止 during it) is judged as of `closed_on`, so it does not keep falling further
    behind for ever.
    """
    started = progress["specials"]
    boxes = [_time_box(calendar, proc.id, proc.name, proc.max_days, started[proc.id], today, closed_on)
             for proc in definition.special_procedures if proc.id in started]
    return sorted(boxes, key=lambda box: box.started)  # stable: same-day starts keep the definition's order


def _time_box(calendar: WorkCalendar, procedure: str, name: str, max_days: int, dates: dict[str, str | None],
              today: dt.date, closed_on: dt.date | None) -> SpecialTimeBox:
    started_on = dates["started"]
    assert started_on is not None, "a special procedure's time box is kept only once it has started"
    started = dt.date.fromisoformat(started_on)
    ended = dt.date.fromisoformat(dates["ended"]) if dates["ended"] else None
    deadline = calendar.add_workdays(started, max_days)
    stopped_on = ended or closed_on
    as_of = stopped_on or today
    left = None if stopped_on else calendar.workdays_between(today, deadline.due)
    overdue = max(0, calendar.workdays_between(deadline.due, as_of))
    return SpecialTimeBox(procedure, name, max_days, started, deadline.due, deadline.provisional, ended, left,
                          overran=as_of > deadline.due, overdue_days=overdue)
