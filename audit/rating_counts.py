"""好差评 in the auditor's counters: each rating and its 差评 task, as SQL predicates over the two rows.

A rating counts on its own day, matter, window and clerk (workflows/rating_models.py)
unless an appeal excluded it. The same predicates fill the counters three ways: a step
on a rating takes the rating's figures out (-1) before it and puts them back (+1) after
it (`record_rating`, an `on_evaluation` hook), a rebuild recounts them all, and the raw
baseline of the measures sums them straight from the ratings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, literal, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from audit.counter_sql import KEY, _insert, _key_day, _upsert
from audit.models import DAILY, MONTHLY
from workflows.db import core_table
from workflows.rating_models import Rating, RatingTask
from workflows.ratings import BAD_LEVELS, LEVELS

R = core_table(Rating).c
T = core_table(RatingTask).c
RATINGS = core_table(Rating)
TASKS = core_table(RatingTask)
SOURCE = RATINGS.outerjoin(TASKS, TASKS.c.rating_id == RATINGS.c.id)
BAD = R.level.in_(BAD_LEVELS)
SCORE = case(*((R.level == code, score) for code, (_, score) in LEVELS.items()), else_=0)

# counter -> the ratings (with their tasks) it counts: the dashboard sums these, the ratings list selects by them
RATING_PREDICATES: dict[str, ColumnElement[bool]] = {
    "bad_evaluations": BAD,
    "bad_revisited": T.revisit_result.is_not(None),
    "bad_unfounded": T.revisit_result == "unfounded",
    "bad_rectified": T.rectified_on.is_not(None),
    "rectified_on_time": and_(T.rectified_on.is_not(None), T.rectified_on <= T.rectify_due),
    "rectify_replied": T.reply.is_not(None),
    "rectify_satisfied": T.reply == "satisfied",
}
# counter -> how much one rating (with its task) adds to it
RATING_COUNTERS: dict[str, ColumnElement[int]] = {
    "evaluations": literal(1),
    "score_sum": SCORE,
    **{name: case((predicate, 1), else_=0) for name, predicate in RATING_PREDICATES.items()},
}
# The counters the dashboard derives from those (audit.measures.Figures), as predicates for the list.
DERIVED_PREDICATES: dict[str, ColumnElement[bool]] = {
    "evaluations": true(),
    "good_evaluations": ~BAD,
    "bad_to_rectify": and_(BAD, func.coalesce(T.revisit_result, "") != "unfounded"),
    "bad_unrectified": and_(BAD, func.coalesce(T.revisit_result, "") != "unfounded", T.rectified_on.is_(None)),
}
COUNTED = R.excluded.is_(False)  # an upheld appeal keeps the rating, out of the figures


def _key_columns(dialect: str, table) -> list[ColumnElement[Any]]:
    return [_key_day(dialect, table, R.day).label("day"), R.matter_code, R.window, R.clerk]


def summed(where: ColumnElement[bool], keys: list[ColumnElement[Any]], sign: Any = 1, source: Any = SOURCE):
    """SELECT keys, SUM(counter) * sign … over the counted ratings selected by `where`."""
    columns = [(func.sum(expr) * sign).label(name) for name, expr in RATING_COUNTERS.items()]
    query = select(*keys, *columns).select_from(source).where(COUNTED, where)
    return query.group_by(*keys) if keys else query


def _into(dialect: str, table, where: ColumnElement[bool], sign: Any):
    """INSERT … SELECT … ON CONFLICT adding the ratings' sums to `table`; its other counters get nought."""
    others = [c.name for c in table.columns if c.name not in KEY and c.name not in RATING_COUNTERS]
    rows = summed(where, _key_columns(dialect, table), sign).subquery()
    select_ = select(*[rows.c[name] for name in (*KEY, *RATING_COUNTERS)],
                     *[literal(0).label(name) for name in others]).where(true())
    return _upsert(table, _insert(dialect, table).from_select([*KEY, *RATING_COUNTERS, *others], select_))


@lru_cache(maxsize=4)
def _statements(dialect: str) -> tuple[Any, ...]:
    this = R.id == bindparam("rating_id")
    return tuple(_into(dialect, table, this, bindparam("sign", type_=Integer)) for table in (DAILY, MONTHLY))


def record_rating(*, session: Session, rating_id: int, sign: int) -> None:
    """Add (+1) or take away (-1) the rating's figures as stored now, on both grains of counters."""
    conn = session.connection()
    for stmt in _statements(conn.dialect.name):
        conn.execute(stmt, {"rating_id": rating_id, "sign": sign})


def recount_ratings(conn, table) -> None:
    """Add every counted rating to `table` (after a rebuild cleared it)."""
    conn.execute(_into(conn.dialect.name, table, true(), 1))
