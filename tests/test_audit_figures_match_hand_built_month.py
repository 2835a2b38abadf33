"""The auditor's figures against a month of cases whose counts were worked out by hand (tests/audit_support.py)."""

from __future__ import annotations


import pytest
from sqlalchemy import String, select, update

from audit import facts
from audit.drill import DRILLABLE, drill_cases, drill_count
from audit.measures import DAILY, FACTS, EMPTY, NO_DEPARTMENT, STAFF, Source, breakdown, second_visit_materials, \
    summary, trend, visit_causes_of, workdays_p90
from audit.scope import Scope, scope_from
from tests.audit_support import FREIGHT, PORT, build_month, d
from workflows.localtime import OfficeTime

NOVEMBER = Scope(d(11, 1), d(11, 30))


@pytest.fixture
def month(session, office, clock):
    return build_month(session, office, clock)


def test_november_counts_every_measure_as_worked_out_by_hand(month, engine):
    with engine.connect() as conn:
        f = summary(conn, NOVEMBER)
        p90 = workdays_p90(conn, NOVEMBER)
    assert dict(f.counts) == {
        "opened": 11, "finished": 11, "closed": 8, "one_visit": 4, "zero_visit": 2, "visits_1": 2, "visits_2": 4,
        "visits_3p": 0, "complete_first": 6, "complete_first_one_visit": 3, "timed": 8, "within_promised": 7,
        "within_legal": 8, "workdays_sum": 16, "tolerated": 2, "defaulted": 1, "noticed": 2, "notices": 3,
        "repeat_notices": 1, "refused": 1, "withdrawn": 1, "terminated": 1, "evaluations": 3, "score_sum": 11,
        "bad_evaluations": 1, "bad_revisited": 0, "bad_unfounded": 0, "bad_rectified": 0, "rectified_on_time": 0,
        "rectify_replied": 0, "rectify_satisfied": 0,
    }
    assert f.rates == {
        "one_visit_rate": 0.5,  # A B K J2 of A B C D F I K J2
        "complete_one_visit_rate": 0.5,  # A B J2 of A B D F I J2: C and K had a notice, D's 容缺 counts as complete
        "zero_visit_rate": 0.25,
        "within_promised_rate": 0.875,  # F decided 11-18, promised 11-16
        "within_legal_rate": 1.0,
        "tolerance_default_rate": 0.5,  # E of D E
        "repeat_notice_rate": 0.5,  # K of C K
        "satisfaction_rate": pytest.approx(2 / 3),
        "bad_rate": pytest.approx(1 / 3),  # C's 不满意
        "revisit_rate": 0.0, "rectify_rate": 0.0,  # its task is open, neither called back nor put right
        "rectify_on_time_rate": None, "rectify_satisfied_rate": None,
    }
    assert f.average_workdays == 2.0 and f.average_score == pytest.approx(11 / 3)
    assert p90 == 7  # working days sorted 0 0 0 1 1 3 4 7: the 8th of 8 is the nearest rank of 90%


def test_p90_from_the_monthly_histogram_and_from_the_facts_of_a_week(month, engine):
    with engine.connect() as conn:
        week = workdays_p90(conn, Scope(d(11, 16), d(11, 22)))  # F 7, I 4, K 0: the 3rd of 3
        port_month = workdays_p90(conn, NOVEMBER.narrowed(department="港航管理科"))  # I alone
        early = workdays_p90(conn, Scope(d(11, 1), d(11, 3)))  # J2 0, B 0, A 1: the 3rd of 3
    assert (week, port_month, early) == (7, 4, 1)


def test_local_midnight_splits_october_from_november(month, engine):
    with engine.connect() as conn:
        october = summary(conn, Scope(d(10, 1), d(10, 31)))
        first = summary(conn, Scope(d(11, 1), d(11, 1)))
        last_day_of_october = drill_cases(conn, Scope(d(10, 31), d(10, 31)), "closed", limit=None)
    assert (october["opened"], october["finished"], october["closed"], october["zero_visit"]) == (2, 1, 1, 0 + 1)
    assert (first["finished"], first["closed"], first["opened"]) == (1, 1, 0)
    assert [line.receipt_no for line in last_day_of_october] == [month.receipts["J1"]]


def test_a_week_and_an_empty_month(month, engine):
    with engine.connect() as conn:
        week = summary(conn, scope_from({"period": "week", "on": "2026-11-18"}, d(11, 29), time=OfficeTime.named()))
        december = summary(conn, Scope(d(12, 1), d(12, 31)))
        december_p90 = workdays_p90(conn, Scope(d(12, 1), d(12, 31)))
        december_list = drill_cases(conn, Scope(d(12, 1), d(12, 31)), "closed")
    assert (week["finished"], week["closed"], week["one_visit"], week["opened"]) == (3, 3, 1, 3)  # F I K; I K L opened
    assert december == EMPTY and december_p90 is None and december_list == []
    assert all(rate is None for rate in december.rates.values())


def test_cuts_by_window_clerk_department_and_matter(month, engine):
    with engine.connect() as conn:
        by_window = {f.key: f for f in breakdown(conn, NOVEMBER, "window")}
        by_clerk = {f.key: f for f in breakdown(conn, NOVEMBER, "clerk")}
        by_department = {f.key: f for f in breakdown(conn, NOVEMBER, "department")}
        by_matter = {f.key: f for f in breakdown(conn, NOVEMBER, "matter")}
        port_dept = summary(conn, NOVEMBER.narrowed(department="港航管理科"))
    assert set(by_window) == {"W01", "W02"} and set(by_clerk) == {"clerk1", "clerk2"}
    assert (by_window["W01"]["closed"], by_window["W01"]["one_visit"]) == (7, 4)
    assert (by_clerk["clerk2"]["closed"], by_clerk["clerk2"]["one_visit"], by_clerk["clerk2"]["visits_2"]) == (1, 0, 1)
    assert by_department["运输管理科"].counts == by_clerk["clerk1"].counts
    assert port_dept.counts == by_matter[PORT].counts and by_matter[FREIGHT]["closed"] == 7
    assert by_clerk["clerk2"]["evaluations"] == 1 and by_clerk["clerk2"]["score_sum"] == 4


def test_withdrawn_refused_and_terminated_cases_stay_out_of_the_one_visit_denominator(month, engine):
    with engine.connect() as conn:
        withdrawn = drill_cases(conn, NOVEMBER, "withdrawn")
        closed = {line.receipt_no for line in drill_cases(conn, NOVEMBER, "closed", limit=None)}
        refused = drill_cases(conn, NOVEMBER, "refused")
        defaulted = drill_cases(conn, NOVEMBER, "defaulted")
    assert [(w.receipt_no, w.reason) for w in withdrawn] == [(month.receipts["H"], "申请人主动撤回")]
    assert [(r.receipt_no, r.reason) for r in refused] == [(month.receipts["G"], "不属于本机关职权范围")]
    assert [x.receipt_no for x in defaulted] == [month.receipts["E"]]
    assert not closed & {month.receipts[n] for n in "EGH"}


@pytest.mark.parametrize("scope", [NOVEMBER, Scope(d(10, 1), d(11, 30)), NOVEMBER.narrowed(window="W01"),
                                   NOVEMBER.narrowed(department="港航管理科"), Scope(d(11, 16), d(11, 22))])
def test_every_drill_down_list_has_as_many_cases_as_its_number(month, engine, scope):
    with engine.connect() as conn:
        figures = summary(conn, scope)
        for counter in sorted(DRILLABLE - {"multi_visit"}):
            listed = drill_cases(conn, scope, counter, limit=None)
            assert len(listed) == drill_count(conn, scope, counter) == figures[counter], counter
        multi = drill_cases(conn, scope, "multi_visit", limit=None)
        assert len(multi) == figures["closed"] - figures["one_visit"]


def test_the_right_cases_behind_the_rates(month, engine):
    with engine.connect() as conn:
        def names(counter):
            ids = {line.case_id for line in drill_cases(conn, NOVEMBER, counter, limit=None)}
            return {name for name, case_id in month.ids.items() if case_id in ids}
        assert names("multi_visit") == set("CDFI")
        assert names("complete_first") == {"A", "B", "D", "F", "I", "J2"}
        assert names("repeat_notices") == {"K"}
        assert names("opened") == set("ABCDEFGHIKL")


def test_every_extra_visit_is_listed_with_its_cause_and_the_material_that_caused_it(month, engine):
    with engine.connect() as conn:
        multi = drill_cases(conn, NOVEMBER, "multi_visit", limit=None)
        causes = visit_causes_of(conn, [line.case_id for line in multi])
        materials = second_visit_materials(conn, NOVEMBER)
        by_clerk1 = second_visit_materials(conn, NOVEMBER.narrowed(clerk="clerk1", department="运输管理科"))
        at_w02 = second_visit_materials(conn, NOVEMBER.narrowed(window="W02"))
        first_week = second_visit_materials(conn, Scope(d(11, 1), d(11, 7)))
    extra = {case_id: [(c["purpose"], c["cause"], c["material_id"]) for c in rows if c["extra"]]
             for case_id, rows in causes.items()}
    ids = month.ids
    assert extra[ids["C"]] == [("补正", "applicant", "application_form")]
    assert extra[ids["D"]] == [("补正", "applicant", "vehicle_grade_copies")]
    assert extra[ids["F"]] == [("领证", "applicant", None)]  # mail was offered: picking up was the applicant's choice
    assert extra[ids["I"]] == [("领证", "office", None)]  # the port licence is only handed out at the window
    assert [(m.matter_code, m.material_id, m.cases) for m in materials] == [
        (FREIGHT, "application_form", 1), (FREIGHT, "vehicle_grade_copies", 1)]
    assert by_clerk1 == materials and at_w02 == []
    assert [(m.material_id, m.cases) for m in first_week] == [("application_form", 1)]  # C finished 11-06, D 11-10


def test_monthly_trend_has_every_month_and_the_months_own_counts(month, engine):
    with engine.connect() as conn:
        months = trend(conn, NOVEMBER, months=3)
    assert [(m.key, m["closed"], m["one_visit"]) for m in months] == [("2026-09", 0, 0), ("2026-10", 1, 1),
                                                                       ("2026-11", 8, 4)]


def test_rebuild_from_stored_cases_gives_the_same_counters_and_facts(month, engine, office):
    from audit.measures import MONTHLY, WORKDAYS

    def snapshot(conn):
        return [sorted(tuple(r) for r in conn.execute(select(t))) for t in (DAILY, MONTHLY, WORKDAYS, FACTS)]
    with engine.begin() as conn:
        before = snapshot(conn)
        assert facts.rebuild(conn, calendar=office.calendar, time=office.time) == 12
        after = snapshot(conn)
    assert after == before and all(before)


def test_the_raw_fact_baseline_computes_the_same_figures(month, engine):
    with engine.connect() as conn:
        product = summary(conn, NOVEMBER)
        raw = summary(conn, Scope(d(11, 1), d(11, 30)), Source(raw=True))
        raw_october = summary(conn, Scope(d(10, 1), d(10, 31)), Source(raw=True))
        product_october = summary(conn, Scope(d(10, 1), d(10, 31)))
    # The baseline sees finished cases only: L (still open) is missing from its opened count.
    assert {k: v for k, v in raw.counts.items() if k != "opened"} == \
        {k: v for k, v in product.counts.items() if k != "opened"}
    assert raw["opened"] == product["opened"] - 1
    # J2, received in October and finished on 1 November, counts in November only.
    assert raw_october["closed"] == product_october["closed"] == 1


def test_a_transition_whose_audit_write_fails_is_rolled_back_whole(session, office, clock, engine):
    from sqlalchemy import func
    from tests.support import open_complete
    from workflows.models import Case, CaseEvent

    def broken(**_):
        raise RuntimeError("disk full")
    office.before_commit.append(broken)
    with pytest.raises(RuntimeError):
        open_complete(session, office, FREIGHT)
    office.before_commit.remove(broken)
    with engine.connect() as conn:
        counts = [conn.execute(select(func.count()).select_from(t)).scalar() for t in
                  (Case.__table__, CaseEvent.__table__, DAILY)]
    assert counts == [0, 0, 0]


def test_monthly_counters_are_the_sums_of_the_daily_ones(month, engine):
    from audit.measures import MONTHLY, COUNTERS
    from sqlalchemy import func as f

    month_key = (f.strftime("%Y-%m", DAILY.c.day) if engine.dialect.name == "sqlite"
                 else f.to_char(DAILY.c.day, "YYYY-MM"))
    keys = (DAILY.c.matter_code, DAILY.c.window, DAILY.c.clerk)
    with engine.connect() as conn:
        daily = sorted(tuple(r) for r in conn.execute(
            select(month_key, *keys, *[f.sum(DAILY.c[n]) for n in COUNTERS]).group_by(month_key, *keys)))
        monthly = sorted(tuple(r) for r in conn.execute(
            select(f.substr(f.cast(MONTHLY.c.day, String), 1, 7), MONTHLY.c.matter_code, MONTHLY.c.window,
                   MONTHLY.c.clerk, *[MONTHLY.c[n] for n in COUNTERS])))
        whole = summary(conn, NOVEMBER)  # read from the monthly counters
        spanning = summary(conn, Scope(d(10, 31), d(11, 30)))  # read from the daily counters
        october_31 = summary(conn, Scope(d(10, 31), d(10, 31)))
    assert daily == monthly and len(daily) == 3
    assert {n: spanning[n] - october_31[n] for n in COUNTERS} == {n: whole[n] for n in COUNTERS}


def test_staff_without_a_department_get_a_row_whose_link_lists_their_own_cases(month, engine):
    with engine.begin() as conn:
        conn.execute(update(STAFF).where(STAFF.c.username == "clerk2").values(department=""))
    with engine.connect() as conn:
        by_department = {f.key: f for f in breakdown(conn, NOVEMBER, "department")}
        by_clerk = {f.key: f for f in breakdown(conn, NOVEMBER, "clerk")}
        scope = scope_from(NOVEMBER.narrowed(department=NO_DEPARTMENT).params(), d(11, 30), time=OfficeTime.named())
        listed = drill_cases(conn, scope, "closed", limit=None)
    assert by_department[NO_DEPARTMENT].counts == by_clerk["clerk2"].counts
    assert len(listed) == by_clerk["clerk2"]["closed"] == 1
