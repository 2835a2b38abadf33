"""The demo's register holds licences granted before the system, imported on its first day through the
import's checks, some of them within 60 days of expiry; the 延续提醒 of every day since has run, as the
scheduler runs it, with each reminder sent at 09:00 of its day and the day noted in the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from inspections.demo_stock import STOCK, build_stock
from inspections.models import LICENCE_EVENTS, LICENCES
from inspections.register import LicenceFilter, search
from inspections.reminders import SCHEDULED
from workflows.models import Case
from workflows.outbox import OutboxMessage, mobile_of
from workflows.models import ScheduledRun
from workflows.sms import FileGateway

TODAY = dt.date(2026, 11, 25)
FIRST = TODAY - dt.timedelta(days=180)


@pytest.fixture
def stock(engine, office, session, tmp_path):
    gateway = FileGateway(tmp_path / "sms.jsonl")
    summary = build_stock(engine=engine, office=office, seed=7, first=FIRST, today=TODAY, gateway=gateway)
    session.expire_all()
    rows = list(session.connection().execute(select(LICENCES).order_by(LICENCES.c.id)).mappings())
    return summary, rows, gateway


def test_every_earlier_licence_comes_in_through_the_import_on_the_first_day(stock, session, office):
    summary, rows, _ = stock
    assert summary.imported == len(rows) == sum(STOCK.values())
    events = list(session.connection().execute(select(LICENCE_EVENTS)).mappings())
    assert {e["action"] for e in events} == {"import"} and len(events) == len(rows)
    assert {office.time.date(office.time.local(e["at"])) for e in events} == {FIRST}
    assert all(r["source"] == "import" and r["case_id"] is None and r["issued_on"] < FIRST for r in rows)


def test_some_expire_within_sixty_days_and_the_register_lists_them(stock, session):
    summary, rows, _ = stock
    soon = [r for r in rows if TODAY <= r["expires_on"] < TODAY + dt.timedelta(days=60)]
    assert soon and summary.expiring == len(soon)
    listed, _ = search(session=session, today=TODAY, filters=LicenceFilter(expiring_within=59), limit=500)
    assert {lic.number for lic in listed} == {r["number"] for r in soon}
    assert summary.expired == sum(FIRST <= r["expires_on"] < TODAY for r in rows) > 0


def test_each_holder_with_a_mobile_got_the_reminders_whose_day_has_passed_and_no_others(stock, session, office):
    _, rows, gateway = stock
    expected = set()
    for r in rows:
        if mobile_of(r["holder_phone"] or "") is None:
            continue
        for milestone, before in (("window", 60), ("due", 37)):
            if FIRST <= r["expires_on"] - dt.timedelta(days=before) < TODAY:
                expected.add(f"L{r['id']}-{milestone}-{r['expires_on']:%Y%m%d}")
    sent = list(session.exec(select(OutboxMessage).where(OutboxMessage.notice == "licence_expiring")))
    assert expected and {m.key for m in sent} == expected
    assert all(m.status == "sent" for m in sent)
    # Sent at 09:00 office time on the reminder's own day, not when the demo was built.
    for m in sent:
        local = office.time.local(m.sent_at)
        assert (local.hour, local.minute) == (9, 0)
    assert len(gateway.path.read_text(encoding="utf-8").splitlines()) == len(sent)


def test_the_ledger_holds_every_day_before_today_so_the_served_scheduler_goes_on_from_today(stock, session):
    entry = next(e for e in SCHEDULED if e.name == "licence-expiry-reminders")
    days = sorted(session.exec(select(ScheduledRun.day).where(ScheduledRun.task == entry.name)))
    assert days[0] == FIRST and days[-1] == TODAY - dt.timedelta(days=1) and len(days) == (TODAY - FIRST).days


def test_no_earlier_holder_shares_a_name_or_id_with_an_applicant(engine, office, session, tmp_path):
    from tests.support import open_complete

    case = open_complete(session, office, "road-freight-licence")
    build_stock(engine=engine, office=office, seed=7, first=FIRST, today=TODAY, gateway=None)
    names_ids = set(session.exec(select(Case.applicant_name)).all()) | set(session.exec(select(Case.applicant_id_no)))
    holders = list(session.connection().execute(select(LICENCES.c.holder_name, LICENCES.c.holder_id_no)))
    assert case.applicant_name in names_ids
    assert not {n for h in holders for n in h} & names_ids
