"""Beyond the official data (chinesecalendar covers to 2026) deadlines are computed
on weekends plus statutory holidays and marked provisional; loading the year's
arrangement (`service.py calendar load FILE`) makes them final, moving them
where the arrangement differs."""

import datetime as dt
from pathlib import Path

import pytest

from tests.support import FREIGHT_GAP, STAFF, VEHICLES_BOUGHT, open_complete, run_cli, run_to_close, stored
from workflows import cases, errors
from workflows.bootstrap import load_office
from workflows.calendar_admin import load_arrangement_file
from workflows.db import session as new_session
from workflows.queries import case_view, get_case

D = dt.date
ARRANGEMENT_2027 = Path(__file__).parent / "fixtures" / "calendar" / "2027-arrangement.yaml"


def accepted(session, office, clock, day, code):
    clock.set_local(day)
    case = open_complete(session, office, code)
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    return case


@pytest.fixture
def reaching_2027(session, office, clock):
    """国内水路运输经营许可 (30 working days) accepted Wednesday 2026-11-25: its legal limit ends in January."""
    return accepted(session, office, clock, D(2026, 11, 25), "waterway-transport-licence")


@pytest.fixture
def across_spring_festival(session, office, clock):
    """道路货物运输经营许可 accepted Monday 2027-02-01, before the 2027 arrangement is known."""
    return accepted(session, office, clock, D(2027, 2, 1), "road-freight-licence")


def test_a_deadline_in_a_year_without_official_data_is_provisional(session, office, reaching_2027):
    case = reaching_2027
    assert case.promised_due == D(2026, 12, 9)  # within 2026: official
    assert case.legal_due == D(2027, 1, 7)  # 2027-01-01 off as a statutory holiday
    assert case.due_provisional is True
    assert case_view(session=session, office=office, case=case, actor=STAFF.clerk).deadlines.provisional
    assert "临时" in office.calendar.source_of(2027)


def test_a_case_wholly_inside_covered_years_is_final(session, office, clock):
    case = accepted(session, office, clock, D(2026, 11, 25), "road-freight-licence")
    assert (case.legal_due, case.due_provisional) == (D(2026, 12, 23), False)


def test_provisional_dates_skip_only_the_statutory_spring_festival_days(across_spring_festival):
    # `holidays` knows 2027-02-05 and 02-08..10 off but no 调休: 02-02, 03, 04, 11, 12.
    assert across_spring_festival.promised_due == D(2027, 2, 12)
    assert across_spring_festival.due_provisional is True


def test_loading_the_arrangement_makes_the_affected_deadlines_final(session, office, engine, clock,
                                                                    reaching_2027, across_spring_festival):
    closed = run_to_close(session, office, accepted(session, office, clock, D(2027, 2, 1), "road-freight-licence"))

    arrangement, changed = load_arrangement_file(session=session, office=office, path=ARRANGEMENT_2027,
                                                 loaded_by="admin1")

    assert (arrangement.year, changed) == (2027, 2)
    january = stored(engine, reaching_2027.id)
    assert (january.legal_due, january.due_provisional) == (D(2027, 1, 7), False)
    february = stored(engine, across_spring_festival.id)
    # With 02-05..12 off and Sunday 02-14 worked: 02-02, 03, 04, 14, 15.
    assert (february.promised_due, february.legal_due, february.due_provisional) == (D(2027, 2, 15), D(2027, 3, 5),
                                                                                      False)
    # A closed case keeps the dates it was closed with.
    assert stored(engine, closed.id).due_provisional is True
    assert office.calendar.source_of(2027) == f"管理员导入：{arrangement.doc_no}"


def test_a_restarted_office_keeps_the_loaded_arrangement(session, office, engine, clock):
    load_arrangement_file(session=session, office=office, path=ARRANGEMENT_2027, loaded_by="admin1")

    restarted = load_office(engine, clock=clock).calendar

    assert restarted.is_official(2027)
    assert restarted.is_workday(D(2027, 2, 14)) and restarted.is_workday(D(2027, 2, 20))  # weekend, worked
    assert not restarted.is_workday(D(2027, 2, 11))  # a Thursday inside the Spring Festival break
    deadline = restarted.add_workdays(D(2027, 2, 1), 5)
    assert (deadline.due, deadline.provisional) == (D(2027, 2, 15), False)


def test_loading_the_same_arrangement_again_changes_nothing(session, office, engine, across_spring_festival):
    load_arrangement_file(session=session, office=office, path=ARRANGEMENT_2027, loaded_by="admin1")
    before = stored(engine, across_spring_festival.id)
    _, changed = load_arrangement_file(session=session, office=office, path=ARRANGEMENT_2027, loaded_by="admin1")
    assert changed == 0 and stored(engine, across_spring_festival.id) == before


def test_a_bad_arrangement_file_is_refused_and_nothing_changes(session, office, engine, tmp_path,
                                                               across_spring_festival):
    bad = tmp_path / "2027-bad.yaml"
    bad.write_text("year: 2027\ndoc_no: 测试\nholidays:\n  - {name: 春节, start: 2027-02-12, end: 2027-02-05}\n",
                   encoding="utf-8")
    with pytest.raises(errors.BadInput) as err:
        load_arrangement_file(session=session, office=office, path=bad, loaded_by="admin1")
    assert str(bad) in err.value.message and "春节" in err.value.message
    assert stored(engine, across_spring_festival.id).due_provisional is True
    assert not load_office(engine).calendar.is_official(2027)


def test_the_command_line_loads_the_arrangement(database_url, engine, across_spring_festival):
    result = run_cli("calendar", "load", str(ARRANGEMENT_2027), env={"DATABASE_URL": database_url})

    assert result.returncode == 0, result.stderr
    assert "2027" in result.stdout and "1 件" in result.stdout
    after = stored(engine, across_spring_festival.id)
    assert (after.promised_due, after.due_provisional) == (D(2027, 2, 15), False)


def test_a_corrected_arrangement_moves_deadlines_already_made_final(session, office, engine, tmp_path,
                                                                   across_spring_festival):
    load_arrangement_file(session=session, office=office, path=ARRANGEMENT_2027, loaded_by="admin1")
    assert stored(engine, across_spring_festival.id).promised_due == D(2027, 2, 15)
    corrected = tmp_path / "2027-corrected.yaml"
    text = ARRANGEMENT_2027.read_text(encoding="utf-8")
    corrected.write_text(text.replace("end: 2027-02-12", "end: 2027-02-10").replace("  - 2027-02-20\n", ""),
                         encoding="utf-8")

    _, made_final = load_arrangement_file(session=session, office=office, path=corrected, loaded_by="admin1")

    # Now 02-11 and 02-12 are worked: 02-02, 03, 04, 11, 12.
    after = stored(engine, across_spring_festival.id)
    assert (after.promised_due, after.due_provisional, made_final) == (D(2027, 2, 12), False, 0)


def test_the_refresh_uses_the_pause_as_it_is_now_not_as_this_session_last_saw_it(session, office, engine, clock):
    clock.set_local(D(2026, 12, 14))  # Monday; 涉路施工's legal 20 days run into 2027
    case = open_complete(session, office, "road-works-permit")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.start_special(session=session, office=office, case=case, actor=STAFF.reviewer, procedure_id="expert_review")
    clock.set_local(D(2026, 12, 21))  # another reviewer ends the review: 12-15..18, 12-21 paused
    with new_session(engine) as other:
        cases.end_special(session=other, office=office, case=get_case(other, case.id), actor=STAFF.reviewer)
    assert stored(engine, case.id).due_provisional is True

    load_arrangement_file(session=session, office=office, path=ARRANGEMENT_2027, loaded_by="admin1")

    after = stored(engine, case.id)
    # 10 + 5 and 20 + 5 working days after 12-14, 元旦 2027-01-01..03 off.
    assert (after.promised_due, after.legal_due, after.due_provisional) == (D(2027, 1, 5), D(2027, 1, 19), False)


@pytest.mark.parametrize("holidays, workdays, field, words", [
    ("  - {name: 春节, start: 2027-02-05, end: 2027-02-12}\n", "[2027-02-06]", "workdays", "2027-02-06 同时列在“春节”"),
    ("  - {name: 中秋节, start: 2027-09-15, end: 2027-09-17}\n  - {name: 国庆节, start: 2027-09-17, end: 2027-10-07}\n",
     "[]", "holidays", "2027-09-17 同时列在“中秋节”和“国庆节”中"),
    ("  - {name: 元旦, start: 2027-01-01, end: 2027-01-03}\n", "[2026-12-27]", "workdays", "不在 2027 年内"),
    ("  - {name: 元旦, start: 2027-01-01, end: 2027-01-03}\n", "[2027-01-09, 2027-01-09]", "workdays", "同时列在"),
], ids=["worked-day-inside-a-holiday", "overlapping-holidays", "worked-day-in-another-year", "worked-day-twice"])
def test_an_arrangement_listing_a_day_twice_is_refused_with_a_clear_error(session, office, engine, tmp_path,
                                                                          holidays, workdays, field, words):
    bad = tmp_path / "2027-bad.yaml"
    bad.write_text(f"year: 2027\ndoc_no: 测试\nholidays:\n{holidays}workdays: {workdays}\n", encoding="utf-8")

    with pytest.raises(errors.BadInput) as err:
        load_arrangement_file(session=session, office=office, path=bad, loaded_by="admin1")

    assert err.value.field == field and words in err.value.message and str(bad) in err.value.message
    assert not load_office(engine).calendar.is_official(2027)


def test_a_missing_arrangement_file_is_a_clear_error(session, office, tmp_path):
    missing = tmp_path / "2027.yaml"
    with pytest.raises(errors.BadInput) as err:
        load_arrangement_file(session=session, office=office, path=missing, loaded_by="admin1")
    assert str(missing) in err.value.message and "无法读取" in err.value.message


def test_a_tolerated_gap_due_beyond_official_data_is_provisional_and_moves_when_the_year_is_loaded(
        session, office, clock, engine):
    # Accepted Wednesday 2027-02-03 with 车辆技术等级评定结论复印件 missing (3 working days to supply).
    # Provisional count (statutory days only): 02-04, 02-11, 02-12. The arrangement adds
    # 02-11/12 to the festival and makes Sunday 02-14 a working day: 02-04, 02-14, 02-15.
    clock.set_local(D(2027, 2, 3))
    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    assert (case.gap_due, case.due_provisional) == (D(2027, 2, 12), True)

    load_arrangement_file(session=session, office=office, path=ARRANGEMENT_2027, loaded_by="admin1")

    after = stored(engine, case.id)
    assert (after.gap_due, after.due_provisional) == (D(2027, 2, 15), False)
    # The notice the applicant holds keeps its date; the sweep counts from the later one.
    assert after.progress["gaps"] == {FREIGHT_GAP: "2027-02-12"}
