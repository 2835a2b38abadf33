"""The sweep: end (终止) every case whose tolerated gap is past its deadline.

The sweep is run FOR a day: it ends the open cases whose earliest open gap fell due
before that day, whenever it is carried out. Run late (the scheduler was down) for a
past day, it ends the same cases with the same 终止 event as on time: the event's
payload records the deadline (`deadline`, with each gap's own date in
`gap_deadlines`) and the day swept for (`swept_for`); the event's `at` and
`carried_out_at` record when it was actually done. The auditor counts a default in
the period of its deadline (audit/facts.py), so a late sweep moves no figure.

Idempotent: a terminated case is no longer open, so a second run finds nothing.
A case a clerk is changing at the same moment is left for the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from workflows import errors
from workflows.cases import terminate
from workflows.db import session as new_session
from workflows.localtime import cn_day
from workflows.machine import FINAL_STATES
from workflows.models import Case
from workflows.office import SYSTEM, Office


@dataclass
class SweepReport:
    terminated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"终止 {len(self.terminated)} 件：{' '.join(self.terminated) or '无'}"
        return text + (f"；正在被他人处理、留待下次：{' '.join(self.skipped)}" if self.skipped else "")


def overdue_gap_cases(session: Session, office: Office, day: dt.date | None = None) -> list[Case]:
    """Open cases whose earliest open gap fell due before `day` (default: the office's today)."""
    query = (
        select(Case)
        .where(col(Case.gap_due).is_not(None), col(Case.gap_due) < (day or office.today()))
        .where(col(Case.state).not_in(sorted(FINAL_STATES)))
        .order_by(col(Case.gap_due), col(Case.id))
        # Read the rows as they are now, not as this session last saw them: a
        # stale case in the identity map would fail its version check and be skipped
        # although nobody else is changing it.
        .execution_options(populate_existing=True)
    )
    return list(session.exec(query))


def sweep_overdue_gaps(*, session: Session, office: Office, day: dt.date | None = None) -> SweepReport:
    """End the cases overdue on `day` (default: today), each in its own transaction."""
    day = day or office.today()
    report = SweepReport()
    for case in overdue_gap_cases(session, office, day):
        definition = office.matter_of(case).definition
        gaps = case.progress["gaps"]
        ordered = sorted(gaps, key=lambda m: (gaps[m], m))
        overdue = "；".join(f"{definition.material(m).name}（补齐期限 {cn_day(dt.date.fromisoformat(gaps[m]))}）"
                           for m in ordered)
        assert case.gap_due is not None, "the query selects cases with a gap due"
        default = {"deadline": case.gap_due.isoformat(), "gap_deadlines": {m: gaps[m] for m in ordered},
                   "swept_for": day.isoformat(), "carried_out_at": office.now().isoformat()}
        try:
            terminate(session=session, office=office, case=case, actor=SYSTEM,
                      reason=f"容缺材料逾期未补齐：{overdue}", default=default)
        except errors.ConcurrentChange:
            report.skipped.append(case.receipt_no)
            continue
        report.terminated.append(case.receipt_no)
    return report


def sweep_day(*, engine: Engine, office: Office, day: dt.date) -> str:
    """The scheduled task (workflows/schedule.py): the sweep for `day`, in a session of its own."""
    with new_session(engine) as session:
        return sweep_overdue_gaps(session=session, office=office, day=day).summary()
