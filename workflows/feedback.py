"""The applicant's own way in, for the status page and 好差评: the receipt number and the phone's last four digits."""

from __future__ import annotations

import hmac

from sqlmodel import Session

from workflows import errors
from workflows.models import Case
from workflows.queries import get_case_by_receipt


def case_for_applicant(session: Session, receipt_no: str, phone_last4: str) -> Case:
    """The case, if the last 4 digits of the applicant's phone match; the same error otherwise."""
    try:
        case = get_case_by_receipt(session, receipt_no)
    except errors.CaseNotFound:
        case = None
    expected = case.applicant_phone[-4:] if case else "----"
    # Bytes, because compare_digest refuses non-ASCII str and a typed-in "５６７８" must not be a 500.
    if not hmac.compare_digest(expected.encode(), (phone_last4 or "").strip().encode()) or case is None:
        raise errors.CaseNotFound("收件编号或手机号后四位不正确")
    return case
