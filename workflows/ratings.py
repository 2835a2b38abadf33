"""好差评 to GB/T 39734-2020 and 国办发〔2019〕51号: five levels, 一次一评 and 一事一评, once each.

An applicant rates each counter visit (the window and the member of staff who served
them; the visits are the case's events that brought them to the window) and, once the
case is closed, the whole case. Each takes one rating: a second is refused
(`already-evaluated`, 409), by the unique key whatever races it. A 差评 (不满意,
非常不满意) must say what was wrong, by the categories below and/or in words, and opens
a task for the window's 负责人 (workflows/rating_tasks.py) in the same transaction.

Every step on a rating is appended to `rating_log`. The office's `on_evaluation` hooks
keep the auditor's counters (audit/rating_counts.py): each step calls them with -1 for
the rating's figures before it and +1 after it, so the counters follow every change
without this module knowing what they count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from workflows import errors
from workflows.accounts import StaffUser
from workflows.machine import FINAL_STATES
from workflows.models import Case, CaseEvent
from workflows.office import Office
from workflows.rating_log import counted, log
from workflows.rating_models import WHOLE_CASE, Rating, RatingLogEntry
from workflows.rating_tasks import open_task

# The five levels, best first: code -> (label, score). The score is what 平均评分 averages.
LEVELS: dict[str, tuple[str, int]] = {
    "very_satisfied": ("非常满意", 5),
    "satisfied": ("满意", 4),
    "basic": ("基本满意", 3),
    "dissatisfied": ("不满意", 2),
    "very_dissatisfied": ("非常不满意", 1),
}
BAD_LEVELS = ("dissatisfied", "very_dissatisfied")  # 差评
GOOD_LEVELS = tuple(code for code in LEVELS if code not in BAD_LEVELS)  # 好评 (基本满意 and better)
SCORE_LEVEL = {score: code for code, (_, score) in LEVELS.items()}  # the old 1–5 scores, as migration 0012 maps them

# What a 差评 may say was wrong, after the 差评 reasons the national 好差评 system offers applicants
# (服务态度, 办事指南, 材料, 时限, 跑动, 收费, 办事环境 and 系统).
BAD_CATEGORIES: dict[str, str] = {
    "guide": "办事指南不清晰、不准确",
    "materials": "材料要求反复、重复提交",
    "trips": "多次跑动、来回跑",
    "slow": "办理时间长、超时办理",
    "attitude": "服务态度差",
    "explanation": "一次性告知不到位、解释不清",
    "fees": "乱收费、多收费",
    "rules": "不按规定办理、推诿扯皮",
    "facilities": "办事环境、系统不便利",
}
CHANNELS = {"public": "网上（收件编号查询）", "kiosk": "窗口评价器", "api": "接口", "migrated": "原 1—5 分评价"}
APPLICANT = "applicant"  # the log's actor for what the applicant did

STEP_LABELS = {
    "rated": "评价", "task_opened": "生成差评整改任务", "revisited": "回访核实", "rectified": "整改",
    "replied": "申请人对整改的评价", "reminded": "超期提醒", "appealed": "申诉", "appeal_upheld": "申诉成立",
    "appeal_rejected": "申诉不成立",
}


def level_given(*, level: str | None, score: int | None) -> str:
    """The level a client asked for: `level`, or the old 1–5 `score` (deprecated) mapped as migration 0012
    maps it (5 非常满意 … 1 非常不满意). Exactly one of the two: else LevelOrScore (422)."""
    if (level is None) == (score is None):
        raise errors.LevelOrScore(field="level")
    if score is None:
        assert level is not None
        return level
    if score not in SCORE_LEVEL:
        raise errors.BadInput("score 须为 1 至 5 的整数（已弃用，请改用 level）", field="score")
    return SCORE_LEVEL[score]


def level_label(code: str) -> str:
    return LEVELS[code][0]


def is_bad(code: str) -> bool:
    return code in BAD_LEVELS


@dataclass(frozen=True)
class Visit:
    """One counter visit of a case, as its event recorded it."""

    seq: int
    at: dt.datetime
    purpose: str
    clerk: str
    window: str


def visits_of(*, session: Session, case: Case) -> list[Visit]:
    """The case's counter visits, oldest first, each with the window and member of staff who served it.

    The window is the clerk's (the counter they sit at); a visit recorded by someone without a
    window counts under the case's window.
    """
    events = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id, col(CaseEvent.visit).is_(True))
                          .order_by(col(CaseEvent.seq))).all()
    windows = _windows_of(session, {e.actor for e in events})
    return [Visit(e.seq, e.at, e.visit_purpose or "", e.actor, windows.get(e.actor) or case.window or "")
            for e in events]


def _windows_of(session: Session, usernames: Iterable[str]) -> dict[str, str | None]:
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    rows = session.exec(select(StaffUser.username, StaffUser.window).where(col(StaffUser.username).in_(wanted))).all()
    return {username: window for username, window in rows}


def ratings_of(*, session: Session, case_id: int) -> dict[int, Rating]:
    """The case's ratings by visit_seq (0: the whole case)."""
    rows = session.exec(select(Rating).where(Rating.case_id == case_id)).all()
    return {r.visit_seq: r for r in rows}


@dataclass(frozen=True)
class RatingInput:
    """What the applicant chose on a rating form."""

    level: str
    categories: Sequence[str] = ()
    comment: str = ""


def checked(given: RatingInput) -> RatingInput:
    """The input as stored, or BadInput naming the field: a 差评 says what was wrong."""
    if given.level not in LEVELS:
        raise errors.BadInput("请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）", field="level")
    comment = (given.comment or "").strip()
    if len(comment) > 500:
        raise errors.BadInput("意见不能超过 500 字", field="comment")
    categories = list(dict.fromkeys(given.categories))
    unknown = [c for c in categories if c not in BAD_CATEGORIES]
    if unknown:
        raise errors.BadInput("差评原因不在可选范围内", field="categories")
    if not is_bad(given.level):
        return RatingInput(given.level, (), comment)
    if not categories and not comment:
        raise errors.BadBadRating()
    return RatingInput(given.level, tuple(categories), comment)


def rate_visit(*, session: Session, office: Office, case: Case, visit_seq: int, given: RatingInput, channel: str,
               now: dt.datetime) -> Rating:
    """一次一评: the applicant's rating of one counter visit of `case`."""
    visit = next((v for v in visits_of(session=session, case=case) if v.seq == visit_seq), None)
    if visit is None:
        raise errors.VisitNotFound()
    rating = Rating(case_id=_id(case), visit_seq=visit.seq, channel=channel, at=now, day=office.time.date(now),
                    matter_code=case.matter_code, window=visit.window, clerk=visit.clerk, level="")
    return _store(session, office, rating, given, now)


def rate_case(*, session: Session, office: Office, case: Case, given: RatingInput, channel: str,
              now: dt.datetime) -> Rating:
    """一事一评: the applicant's rating of the whole case, once it is closed."""
    if case.state not in FINAL_STATES:
        raise errors.CaseNotClosed()
    rating = Rating(case_id=_id(case), visit_seq=WHOLE_CASE, channel=channel, at=now, day=office.time.date(now),
                    matter_code=case.matter_code, window=case.window or "", clerk=case.clerk, level="")
    return _store(session, office, rating, given, now)


def _id(case: Case) -> int:
    assert case.id is not None, "a case the applicant found has been stored"
    return case.id


def _store(session: Session, office: Office, rating: Rating, given: RatingInput, now: dt.datetime) -> Rating:
    given = checked(given)
    rating.level, rating.categories, rating.comment = given.level, list(given.categories), given.comment
    if session.exec(select(Rating.id).where(Rating.case_id == rating.case_id,
                                            Rating.visit_seq == rating.visit_seq)).first() is not None:
        raise errors.AlreadyEvaluated(_already(rating))
    try:
        session.add(rating)
        session.flush()  # the unique key (case, visit): a rating that raced this one is refused here
    except IntegrityError:
        session.rollback()
        raise errors.AlreadyEvaluated(_already(rating)) from None
    assert rating.id is not None
    try:
        log(session, rating.id, now=now, actor=APPLICANT, step="rated",
            detail={"level": rating.level, "categories": rating.categories, "channel": rating.channel})
        if is_bad(rating.level):
            open_task(session=session, office=office, rating=rating, now=now)
        counted(session, office, rating.id, +1)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return rating


def _already(rating: Rating) -> str:
    return "这次到窗口办事已评价过，每次只能评价一次" if rating.of_visit else "该办件已评价过，每件只能评价一次"


def log_of(*, session: Session, rating_id: int) -> list[RatingLogEntry]:
    return list(session.exec(select(RatingLogEntry).where(RatingLogEntry.rating_id == rating_id)
                             .order_by(col(RatingLogEntry.at), col(RatingLogEntry.id))).all())


@dataclass(frozen=True)
class Rateable:
    """What the applicant may still rate on a case: its visits and, once closed, the case."""

    visits: list[tuple[Visit, Rating | None]]
    case_open: bool  # the whole case may not be rated yet
    case_rating: Rating | None


def rateable(*, session: Session, case: Case) -> Rateable:
    given = ratings_of(session=session, case_id=_id(case))
    visits = [(v, given.get(v.seq)) for v in visits_of(session=session, case=case)]
    return Rateable(visits, case.state not in FINAL_STATES, given.get(WHOLE_CASE))
