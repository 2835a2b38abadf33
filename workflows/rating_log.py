"""Two things every step on a rating does: append itself to the rating's log, and keep the counters told.

The office's `on_evaluation` hooks (the auditor's counters, audit/rating_counts.py) are called
with -1 before a step changes a rating or its task and +1 after it, inside the step's
transaction, so they follow every change without this package knowing what they count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from workflows.office import Office
from workflows.rating_models import RatingLogEntry


def counted(session: Session, office: Office, rating_id: int, sign: int) -> None:
    """Tell the office's hooks to take the rating's figures out (-1) or put them in (+1), as stored now."""
    session.flush()
    for hook in office.on_evaluation:
        hook(session=session, rating_id=rating_id, sign=sign)


def log(session: Session, rating_id: int, *, now: dt.datetime, actor: str, step: str,
        detail: dict[str, Any] | None = None) -> None:
    session.add(RatingLogEntry(rating_id=rating_id, at=now, actor=actor, step=step, detail=detail or {}))
