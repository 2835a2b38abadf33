"""The sweep: end (终止) every case whose tolerated gap is past its deadline.

Idempotent: a terminated case is no longer open, so a second run finds nothing.
A case a clerk is changing at the same moment is left for the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from workflows import errors
from workflows.cases import terminate
from workflows.machine import FINAL_STATES
from workflows.localtime import cn_day
from workflows.models import Case
from workflows.office import SYSTEM, Office


@dataclass
class SweepReport:
    terminated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def overdue_gap_cases(session: Session, office: Office) -> list[Case]:
    query = (
        select(Case)
        .where(col(Case.gap_due).is_not(None), col(Case.gap_due) < office.today())
        .where(col(Case.state).not_in(sorted(FINAL_STATES)))
        .order_by(col(Case.gap_due))
        # Read the rows as they are now, not as this session last saw them: a
        # stale case in the identity map would fail its version check and be skipped
        # although nobody else is changing it.
        .execution_options(populate_existing=True)
    )
    return list(session.exec(query))


def sweep_overdue_gaps(*, session: Session, office: Office) -> SweepReport:
    report = SweepReport()
    for case in overdue_gap_cases(session, office):
        definition = office.matter_of(case).definition
        gaps = case.progress["gaps"]
        overdue = "；".join(f"{definition.material(m).name}（补齐期限 {cn_day(dt.date.fromisoformat(gaps[m]))}）"
                           for m in sorted(gaps, key=lambda m: (gaps[m], m)))
        reason = f"容缺材料逾期未补齐：{overdue}"
        try:
            terminate(session=session, office=office, case=case, actor=SYSTEM, reason=reason)
        except errors.ConcurrentChange:
            report.skipped.append(case.receipt_no)
            continue
        report.terminated.append(case.receipt_no)
    return report
