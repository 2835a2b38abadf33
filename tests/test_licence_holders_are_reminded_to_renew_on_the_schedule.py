"""The schedule texts each licence holder a 延续提醒 twice: the day the licence comes within 60 days of
expiry, and a week before its 延续 application is due (30 days before expiry, 行政许可法 第五十条). Through the
applicants' outbox, once per milestone however often the day is run, never to a holder who asked for
no messages; an imported licence's holder at the mobile number the import gave."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pytest
from sqlmodel import col, select

import service
from inspections import importing
from inspections.models import LICENCES
from inspections.reminders import remind_expiring
from tests.page_helpers import add_staff, client_as, soup
from tests.support import company, open_complete, run_to_close
from workflows.catalogue import load_catalogue
from workflows.notices import LIMIT, licence_expiring
from workflows.outbox import OutboxMessage
from workflows.schedule import Daily

FREIGHT = "road-freight-licence"
CATALOGUE = load_catalogue()
LICENSED = [v.code for v in CATALOGUE.matters() if v.definition.result.licence_number]


def granted(session, office, **kwargs):
    case = run_to_close(session, office, open_complete(session, office, FREIGHT, **kwargs))
    assert case.outcome == "approved"
    return case


def expiry_of(session, case) -> dt.date:
    return session.connection().execute(select(LICENCES.c.expires_on).where(LICENCES.c.case_id == case.id)).scalar_one()


def messages(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.notice == "licence_expiring")
                             .order_by(col(OutboxMessage.id))))


def test_a_holder_is_texted_at_sixty_days_and_a_week_before_the_renewal_deadline_once_each(session, office, engine):
    case = granted(session, office)
    expires = expiry_of(session, case)
    window_day, deadline = expires - dt.timedelta(days=60), expires - dt.timedelta(days=30)
    week_before = deadline - dt.timedelta(days=7)

    day_before = window_day - dt.timedelta(days=1)
    assert remind_expiring(engine=engine, office=office, day=day_before) == "写入延续提醒短信 0 条"
    assert remind_expiring(engine=engine, office=office, day=window_day) == "写入延续提醒短信 1 条"
    assert remind_expiring(engine=engine, office=office, day=window_day) == "写入延续提醒短信 0 条"  # a re-run
    assert remind_expiring(engine=engine, office=office, day=window_day + dt.timedelta(days=1)).endswith(" 0 条")
    assert remind_expiring(engine=engine, office=office, day=week_before - dt.timedelta(days=1)).endswith(" 0 条")
    assert remind_expiring(engine=engine, office=office, day=week_before).endswith(" 1 条")
    assert remind_expiring(engine=engine, office=office, day=deadline).endswith(" 0 条")  # not on the day: too late

    first, second = messages(session)
    assert (first.case_id, first.phone, first.status) == (case.id, case.applicant_phone, "pending")
    expected = (f"您的《道路运输经营许可证》将于{expires.year}年{expires.month}月{expires.day}日到期，"
                f"如需延续请于{deadline.year}年{deadline.month}月{deadline.day}日前提出申请")
    assert first.text.startswith(expected) and second.text == first.text
    assert case.applicant_name not in first.text and case.applicant_id_no not in first.text
    assert first.key != second.key


def test_an_office_with_a_ninety_day_window_texts_first_at_ninety_days_and_lists_as_much(app, client, session,
                                                                                       office, engine):
    from tests.page_helpers import add_staff, client_as, one, soup
    from workflows.profile import LicenceSettings

    for each in (office, app.state.office):  # the schedule's office and the pages'
        each.profile = each.profile.model_copy(update={"licences": LicenceSettings(expiry_window_days=90)})
    case = granted(session, office)
    expires = expiry_of(session, case)
    assert remind_expiring(engine=engine, office=office, day=expires - dt.timedelta(days=91)).endswith(" 0 条")
    assert remind_expiring(engine=engine, office=office, day=expires - dt.timedelta(days=90)).endswith(" 1 条")
    assert remind_expiring(engine=engine, office=office, day=expires - dt.timedelta(days=60)).endswith(" 0 条")

    add_staff(session)
    with client_as(app, "auditor") as reader:
        tab = one(soup(reader.get("/licences")), "#tab-expiring")
    assert tab.get_text() == "即将到期（90日内）" and tab["href"] == "/licences?expiring=90"


def test_a_holder_who_asked_for_no_messages_is_not_reminded(session, office, engine):
    case = granted(session, office, applicant=dataclasses.replace(company(), sms_opt_out=True))
    expires = expiry_of(session, case)

    remind_expiring(engine=engine, office=office, day=expires - dt.timedelta(days=60))

    assert messages(session) == []


def import_one(session, office, tmp_path, phone: str) -> None:
    path = tmp_path / "licences.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(importing.COLUMNS)
        writer.writerow(["浙嘉交运管许可货字〔2023〕第00007号", FREIGHT, "单位", "嘉兴市顺达物流有限公司",
                         "91330400MA2B3C4D56", phone, "2023-02-01", "", "", ""])
    outcome = importing.import_file(session=session, catalogue=office.catalogue, path=path, today=office.today(),
                                    now=office.now())
    assert outcome.imported == 1, outcome.problems


@pytest.mark.parametrize(("phone", "texted"), [("13900005678", True), ("0573-82101012", False)])
def test_an_imported_licence_is_reminded_at_its_mobile_number(session, office, engine, tmp_path, phone, texted):
    import_one(session, office, tmp_path, phone)  # 4 years from 2023-02-01: expires 2027-01-31

    remind_expiring(engine=engine, office=office, day=dt.date(2027, 1, 31) - dt.timedelta(days=60))

    found = messages(session)
    assert [(m.case_id, m.phone) for m in found] == ([(None, phone)] if texted else [])


@pytest.mark.parametrize("code", LICENSED)
def test_the_reminder_of_every_licensed_matter_fits_one_message(code):
    draft = licence_expiring(CATALOGUE.get(code).definition, expires=dt.date(2027, 12, 31),
                             due=dt.date(2027, 12, 1), phone="0573-82101012")
    assert len(draft.text) <= LIMIT, draft.text
    assert "《" not in draft.params["licence"][1:-1]  # one title, not a list of papers


def test_the_service_schedules_the_reminders_daily_and_an_operator_may_move_them():
    [entry] = [e for e in service.scheduled_tasks() if e.name == "licence-expiry-reminders"]
    assert entry.run is remind_expiring and entry.when == Daily(dt.time(9, 0))
    settings = service.Settings(schedule={"licence-expiry-reminders": "10:30"})
    [moved] = [e for e in settings.scheduled() if e.name == "licence-expiry-reminders"]
    assert moved.when == Daily(dt.time(10, 30))


def test_the_licence_page_lists_the_reminders_written_for_it(app, client, session, office, engine, clock):
    case = granted(session, office)
    licence_id = session.connection().execute(select(LICENCES.c.id).where(LICENCES.c.case_id == case.id)).scalar_one()
    add_staff(session)
    with client_as(app, "clerk") as browser:
        before = soup(browser.get(f"/licences/{licence_id}")).select_one("#reminders")
        assert before.select("tbody tr") == [] and "尚未发送" in before.get_text()
        remind_expiring(engine=engine, office=office, day=expiry_of(session, case) - dt.timedelta(days=60))
        [row] = soup(browser.get(f"/licences/{licence_id}")).select("#reminders tbody tr")
    assert row["data-status"] == "pending" and "如需延续请于" in row.get_text()
