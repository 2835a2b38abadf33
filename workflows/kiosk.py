"""The window's rating kiosk (窗口评价器): 一次一评 on a screen the applicant uses at the counter.

The clerk opens it from the case page for the visit just served. The kiosk is not logged in and
must not carry the clerk's powers, so what it holds is a short-lived signed token (itsdangerous,
signed with the app's secret) naming one case and one visit and the moment it was issued: it
rates that visit and nothing else, for `KIOSK_MINUTES`, once (the visit takes one rating, so the
token is spent when it is used). A token tampered with is `kiosk-link-invalid`, an old one
`kiosk-link-expired`, a spent one `kiosk-link-used`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, select

from workflows import errors
from workflows.models import Case
from workflows.office import Actor, Office
from workflows.rating_models import Rating
from workflows.ratings import RatingInput, rate_visit, visits_of

KIOSK_MINUTES = 10
SALT = "onevisit-kiosk-rating"  # keeps these tokens apart from anything else the secret signs


@dataclass(frozen=True)
class KioskVisit:
    """What a valid token opens: the case and the visit it may rate."""

    case: Case
    visit_seq: int
    issued_at: dt.datetime

    def expires_at(self) -> dt.datetime:
        return self.issued_at + dt.timedelta(minutes=KIOSK_MINUTES)


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def may_open(actor: Actor) -> bool:
    """Who may hand the kiosk to the applicant: the clerks at the counter."""
    return actor.has("clerk")


def issue(*, session: Session, office: Office, secret: str, case: Case, visit_seq: int, actor: Actor) -> str:
    """A token for rating one visit of `case`, refused for a visit not recorded or already rated."""
    if not may_open(actor):
        raise errors.Forbidden("只有窗口收件人员可以打开窗口评价器")
    if all(v.seq != visit_seq for v in visits_of(session=session, case=case)):
        raise errors.VisitNotFound()
    if _rated(session, case, visit_seq):
        raise errors.KioskLinkUsed("这次到窗口办事已评价过")
    payload = {"case": case.id, "visit": visit_seq, "at": office.now().astimezone(dt.UTC).isoformat()}
    return str(_serializer(secret).dumps(payload))


def _rated(session: Session, case: Case, visit_seq: int) -> bool:
    return session.exec(select(Rating.id).where(Rating.case_id == case.id, Rating.visit_seq == visit_seq)).first() \
        is not None


def opened(*, session: Session, office: Office, secret: str, token: str) -> KioskVisit:
    """The visit the token opens, or the coded reason it opens nothing."""
    try:
        payload = _serializer(secret).loads(token)
        case_id, visit_seq = int(payload["case"]), int(payload["visit"])
        issued_at = dt.datetime.fromisoformat(payload["at"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise errors.KioskLinkInvalid() from None
    now = office.now()
    if not issued_at <= now <= issued_at + dt.timedelta(minutes=KIOSK_MINUTES):
        raise errors.KioskLinkExpired()
    case = session.get(Case, case_id)
    if case is None:
        raise errors.KioskLinkInvalid()
    if _rated(session, case, visit_seq):
        raise errors.KioskLinkUsed()
    return KioskVisit(case, visit_seq, issued_at)


def rate(*, session: Session, office: Office, secret: str, token: str, given: RatingInput) -> Rating:
    """The applicant's rating of the token's visit, taken at the counter (channel kiosk)."""
    visit = opened(session=session, office=office, secret=secret, token=token)
    try:
        return rate_visit(session=session, office=office, case=visit.case, visit_seq=visit.visit_seq, given=given,
                          channel="kiosk", now=office.now())
    except errors.AlreadyEvaluated:
        raise errors.KioskLinkUsed() from None  # a second kiosk for the same visit lost the race
