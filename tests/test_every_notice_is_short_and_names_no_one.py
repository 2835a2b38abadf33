"""Every notice of every matter in the catalogue fits one text message (70 characters, the status link aside)
and carries the matter, the receipt number and its date, never the applicant's name, ID number or phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlmodel import select

from tests.support import PERSON_ID, STAFF, open_complete, run_to_close
from workflows import cases
from workflows.catalogue import load_catalogue
from workflows.db import session as new_session
from workflows.definition import Delivery
from workflows.notices import LIMIT, Notice, SENT_BY, correction_reminder, for_transition, gap_draft
from workflows.office import SYSTEM
from workflows.outbox import OutboxMessage
from workflows.submission import Applicant
from workflows import action_kinds as kinds

CATALOGUE = load_catalogue()
MATTERS = [v.code for v in CATALOGUE.matters()]
RECEIPT = "20261231WXYZ2345"  # the longest receipt number there is: they all have 16 characters
LINK = f"https://zwfw.example.gov.cn/public/status?receipt_no={RECEIPT}"
DUE = dt.date(2026, 12, 31)  # the longest date: 12月31日
URL = re.compile(r"https?://\S+")


def words(text: str) -> int:
    return len(URL.sub("", text))


def drafts(code: str):
    """Each notice the matter can send, with its longest inputs: every material missing at once."""
    d = CATALOGUE.get(code).definition
    all_items = [{"material": m.id, "problem": "未提交"} for m in d.materials]
    tolerable = {m.id: DUE.isoformat() for m in d.materials if m.tolerance} or {d.materials[0].id: DUE.isoformat()}
    common: dict[str, Any] = {"definition": d, "receipt_no": RECEIPT, "status_link": LINK, "phone": "0573-82101012"}
    yield for_transition(trigger=kinds.RECEIVE.trigger_for("window"), payload={}, **common)
    yield for_transition(trigger=kinds.NOTIFY.trigger, payload={"items": all_items, "due": DUE.isoformat()}, **common)
    yield for_transition(trigger=kinds.ACCEPT_TOLERATED.trigger, payload={"gaps": tolerable}, **common)
    yield for_transition(trigger=kinds.DECIDE_APPROVE.trigger, payload={}, **common)
    yield for_transition(trigger=kinds.DECIDE_DENY.trigger, payload={}, **common)
    for method in Delivery:
        for outcome in ("approved", "denied"):
            yield for_transition(trigger=kinds.DELIVER.trigger_for(method.value), outcome=outcome,
                                 payload={"tracking_no": "1180254859305"}, **common)
    yield for_transition(trigger=kinds.TERMINATE.trigger, payload={}, **common)
    yield for_transition(trigger=kinds.TERMINATE.trigger, payload={"default": {"deadline": DUE.isoformat()}}, **common)
    yield gap_draft(Notice.GAP_REMINDER, d, RECEIPT, tolerable)
    yield correction_reminder(d, RECEIPT, DUE)


@pytest.mark.parametrize("code", MATTERS)
def test_each_notice_of_the_matter_fits_one_message_and_names_the_matter_and_receipt(code):
    name = CATALOGUE.get(code).definition.name
    seen = set()
    for draft in drafts(code):
        assert draft is not None
        seen.add(draft.notice)
        assert words(draft.text) <= LIMIT, (draft.notice, len(draft.text), draft.text)
        assert name in draft.text and RECEIPT in draft.text, draft.text
        assert "$" not in draft.text and "None" not in draft.text
    # The 延续提醒 is about a licence, not an application: its own test checks it for every licensed matter
    # (tests/test_licence_holders_are_reminded_to_renew_on_the_schedule.py).
    assert seen == set(Notice) - {Notice.LICENCE_EXPIRING}


def test_each_action_that_sends_a_notice_is_declared_once():
    by_date = {Notice.GAP_REMINDER, Notice.CORRECTION_REMINDER, Notice.LICENCE_EXPIRING}
    assert set(SENT_BY.values()) | {Notice.MAILED, Notice.DEFAULTED} | by_date == set(Notice)


@pytest.mark.parametrize("code", MATTERS)
def test_the_messages_of_a_whole_case_carry_no_name_no_id_number_and_no_phone(session, office, engine, code):
    applicant = Applicant("person", "欧阳明华", PERSON_ID, "13877778888", agent_name="司马相如",
                          agent_id_no=PERSON_ID)
    case = open_complete(session, office, code, applicant=applicant)
    run_to_close(session, office, case)
    other = open_complete(session, office, code, applicant=applicant)
    cases.accept_case(session=session, office=office, case=other, clerk=STAFF.clerk)
    cases.terminate(session=session, office=office, case=other, actor=SYSTEM, reason="申请人欧阳明华未按期补正")
    with new_session(engine) as s:
        texts = [m.text for m in s.exec(select(OutboxMessage))]
    assert len(texts) >= 3
    for text in texts:
        for secret in ("欧阳", "明华", "司马", PERSON_ID, PERSON_ID[-6:], "13877778888", "77778888"):
            assert secret not in text, text


@pytest.mark.parametrize("code", MATTERS)
def test_a_shortened_material_name_closes_what_the_cut_left_open(code):
    """Every material missing at once: the first name, cut to fit, still reads as a whole title."""
    for draft in drafts(code):
        items = draft.params.get("items", "")
        if "…" not in items:
            continue
        for opener, closer in (("《", "》"), ("（", "）")):
            assert items.count(opener) == items.count(closer), items


def test_shorten_keeps_the_closing_mark_within_the_room():
    from workflows.notices import shorten

    assert shorten("《出租汽车驾驶员从业资格证申请表》", 12) == "《出租汽车驾驶员从业…》"
    assert len(shorten("《出租汽车驾驶员从业资格证申请表》", 12)) <= 12
    assert shorten("车辆彩色照片（车身前侧45度）", 11) == "车辆彩色照片（车身…）"
    assert shorten("营业执照", 10) == "营业执照"
