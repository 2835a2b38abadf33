"""The licence register (证照库): every 准予 decision records one licence in its own transaction.

A refused case records none; a hook run twice still records one; each matter numbers from its own
scheme; the expiry date follows the definition's term; 已过期 comes with the calendar, unwritten;
延续 marks the older licence; 注销 and 吊销 are events with who and why.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from inspections import register
from inspections.models import LICENCE_EVENTS, LICENCES
from tests.support import STAFF, open_complete, person, run_to_close
from workflows import cases, errors, identity
from workflows.catalogue import load_catalogue
from workflows.db import session as new_session
from workflows.definition import TermKind
from workflows.submission import Applicant
from workflows.sweep import sweep_overdue_gaps

MATTERS = [v.code for v in load_catalogue().matters()]


def licences_of(session, case_id=None):
    query = select(LICENCES)
    if case_id is not None:
        query = query.where(LICENCES.c.case_id == case_id)
    return session.connection().execute(query).mappings().all()


def granted(session, office, code="road-freight-licence", applicant=None):
    case = open_complete(session, office, code, applicant=applicant)
    return run_to_close(session, office, case)


@pytest.mark.parametrize("code", MATTERS)
def test_a_granted_case_of_every_matter_records_one_licence_numbered_by_its_scheme(session, office, code):
    case = granted(session, office, code)
    [licence] = licences_of(session, case.id)
    result = office.catalogue.get(code).definition.result
    issued = office.today()  # the fixture clock does not move while the case runs
    assert licence["number"] == result.licence_number.format(year=issued.year, seq=1)
    assert licence["issued_on"] == issued
    assert (licence["holder_name"], licence["holder_id_no"]) == (case.applicant_name, case.applicant_id_no)
    assert licence["validity"] == result.validity
    assert licence["expires_on"] == register.expiry_of(result.term, issued)
    if result.term.kind in (TermKind.YEARS, TermKind.MONTHS):
        years = result.term.length if result.term.kind is TermKind.YEARS else 0
        assert licence["expires_on"] == dt.date(issued.year + years, issued.month, issued.day) - dt.timedelta(1)
    else:
        assert licence["expires_on"] is None
    row = register.get(session=session, today=office.today(), licence_id=licence["id"])
    assert row.status_label == "有效"
    assert row.expiry_note == ("" if row.expires_on else {"long_term": "长期有效",
                                                          "per_decision": "以决定书载明为准"}[row.term_kind])


def test_the_licence_is_written_by_the_decision_itself(session, office):
    case = open_complete(session, office, "port-operation-licence")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case,
                           actor={"reviewer": STAFF.reviewer, "approver": STAFF.approver, "clerk": STAFF.clerk}[role])
    assert licences_of(session, case.id) == []
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    [licence] = licences_of(session, case.id)
    [event] = session.connection().execute(select(LICENCE_EVENTS).where(
        LICENCE_EVENTS.c.licence_id == licence["id"])).mappings().all()
    assert (event["action"], event["to_status"], event["actor"]) == ("issue", "valid", STAFF.approver.username)


def test_a_denied_case_records_no_licence(session, office):
    case = open_complete(session, office, "road-freight-licence")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case,
                           actor={"reviewer": STAFF.reviewer, "approver": STAFF.approver, "clerk": STAFF.clerk}[role])
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=False,
                 reason="车辆技术等级不符合要求")
    assert case.outcome == "denied"
    assert licences_of(session) == []


def test_hooks_run_twice_still_record_one_licence(session, office):
    register.install(office)  # installing again adds nothing
    assert sum(getattr(h, "func", None) is register.record_decision for h in office.before_commit) == 1
    office.before_commit.append(office.before_commit[-1])  # and a hook that does run twice writes once
    case = granted(session, office)
    assert len(licences_of(session, case.id)) == 1


def test_a_decision_that_rolls_back_leaves_no_licence_and_takes_no_number(session, office):
    def fail(**_):
        raise RuntimeError("the step fails after the register's hook")

    case = open_complete(session, office, "road-freight-licence")
    office.before_commit.append(fail)
    with pytest.raises(RuntimeError):
        run_to_close(session, office, case)
    office.before_commit.remove(fail)
    assert licences_of(session) == []
    other = granted(session, office, applicant=person())
    [licence] = licences_of(session, other.id)
    assert licence["number"].endswith("第00001号")


def test_two_matters_and_two_cases_number_apart(session, office):
    first = granted(session, office)
    second = granted(session, office, applicant=person())
    port = granted(session, office, "port-operation-licence")
    numbers = [licences_of(session, c.id)[0]["number"] for c in (first, second, port)]
    assert numbers == ["浙嘉交运管许可货字〔2026〕第00001号", "浙嘉交运管许可货字〔2026〕第00002号",
                       "（浙嘉）港经证（2026）第0001号"]


def test_a_licence_is_expired_the_day_after_its_expiry_date_without_any_write(session, office, clock):
    case = granted(session, office)
    [licence] = licences_of(session, case.id)
    expires = licence["expires_on"]
    clock.set_local(expires, 17)
    assert register.get(session=session, today=office.today(), licence_id=licence["id"]).status == "valid"
    assert register.search(session=session, today=office.today(),
                           filters=register.LicenceFilter(status="valid"))[1] == 1
    clock.set_local(expires + dt.timedelta(days=1), 8)
    today = office.today()
    assert register.get(session=session, today=today, licence_id=licence["id"]).status_label == "已过期"
    assert register.search(session=session, today=today, filters=register.LicenceFilter(status="valid"))[1] == 0
    assert register.search(session=session, today=today, filters=register.LicenceFilter(status="expired"))[1] == 1
    assert register.status_counts(session=session, today=today) == {"expired": 1}
    assert licences_of(session, case.id)[0]["status"] == "valid"  # nothing was written
    row = register.get(session=session, today=today, licence_id=licence["id"])
    last = register.history(session=session, office=office, licence=row)[-1]
    assert (last.action, last.day) == ("expire", expires + dt.timedelta(days=1))
    assert last.reason == f"有效期至{expires.year}年{expires.month}月{expires.day}日届满，未办理延续"


def test_the_filters_a_draw_will_use_pick_valid_licences_issued_before_a_day(session, office, clock):
    first = granted(session, office)
    clock.advance(days=3)
    granted(session, office, applicant=person())
    issued = licences_of(session, first.id)[0]["issued_on"]
    picked, total = register.search(session=session, today=office.today(), filters=register.LicenceFilter(
        status="valid", matter="road-freight-licence", issued_before=issued + dt.timedelta(days=1)))
    assert (total, [r.case_id for r in picked]) == (1, [first.id])


def test_a_new_grant_near_expiry_continues_the_old_licence(session, office, clock):
    first = granted(session, office)
    [old] = licences_of(session, first.id)
    clock.set_local(old["expires_on"] - dt.timedelta(days=register.RENEWAL_WINDOW_DAYS + 1))
    too_early = granted(session, office)  # a second licence, not a 延续: the old one has long to run
    assert licences_of(session, first.id)[0]["status"] == "valid"
    clock.set_local(old["expires_on"] - dt.timedelta(days=40))
    renewal = granted(session, office)
    [new] = licences_of(session, renewal.id)
    assert licences_of(session, first.id)[0]["status"] == "renewed"
    assert licences_of(session, too_early.id)[0]["status"] == "valid"  # it runs for years yet
    row = register.get(session=session, today=office.today(), licence_id=old["id"])
    [*_, line] = register.history(session=session, office=office, licence=row)
    assert (line.action_label, line.status_label) == ("延续（换发新证）", "已延续")
    assert new["number"] in line.reason and line.payload == {"successor_id": new["id"]}


def test_another_holders_grant_continues_nothing(session, office, clock):
    first = granted(session, office)
    [old] = licences_of(session, first.id)
    clock.set_local(old["expires_on"] - dt.timedelta(days=10))
    other = "91330400MA2B3C4D6" + identity.credit_code_check_char("91330400MA2B3C4D6")
    granted(session, office, applicant=Applicant("company", "嘉兴市另一物流有限公司", other, "13900001111"))
    assert licences_of(session, first.id)[0]["status"] == "valid"


def test_cancel_and_revoke_are_events_with_who_and_why(session, office, staff):
    case = granted(session, office)
    [licence] = licences_of(session, case.id)
    with pytest.raises(errors.Forbidden):
        register.change_status(session=session, office=office, licence_id=licence["id"], actor=staff.clerk,
                               action="revoke", reason="违法经营")
    with pytest.raises(errors.ReasonRequired):
        register.change_status(session=session, office=office, licence_id=licence["id"], actor=staff.approver,
                               action="revoke", reason="  ")
    with pytest.raises(errors.LicenceActionUnknown):
        register.change_status(session=session, office=office, licence_id=licence["id"], actor=staff.approver,
                               action="suspend", reason="x")
    assert register.change_status(session=session, office=office, licence_id=licence["id"], actor=staff.approver,
                                  action="revoke", reason="以欺骗手段取得许可") == "revoked"
    with pytest.raises(errors.LicenceStatusConflict) as refused:
        register.change_status(session=session, office=office, licence_id=licence["id"], actor=staff.admin,
                               action="cancel", reason="申请人申请注销")
    assert "已吊销" in refused.value.message
    with new_session(session.get_bind()) as fresh:
        row = register.get(session=fresh, today=office.today(), licence_id=licence["id"])
        lines = register.history(session=fresh, office=office, licence=row)
    assert [(x.action, x.actor, x.reason) for x in lines] == [
        ("issue", STAFF.approver.username, ""), ("revoke", STAFF.approver.username, "以欺骗手段取得许可")]
    assert row.status_label == "已吊销"


def test_an_expired_licence_may_be_cancelled_not_revoked(session, office, clock, staff):
    case = granted(session, office)
    [licence] = licences_of(session, case.id)
    clock.set_local(licence["expires_on"] + dt.timedelta(days=3))
    with pytest.raises(errors.LicenceStatusConflict):
        register.change_status(session=session, office=office, licence_id=licence["id"], actor=staff.admin,
                               action="revoke", reason="违法")
    register.change_status(session=session, office=office, licence_id=licence["id"], actor=staff.admin,
                           action="cancel", reason="有效期届满未延续")
    lines = register.history(session=session, office=office,
                             licence=register.get(session=session, today=office.today(), licence_id=licence["id"]))
    assert [(x.action, x.to_status) for x in lines] == [("issue", "valid"), ("cancel", "cancelled")]
    events = session.connection().execute(select(func.count()).select_from(LICENCE_EVENTS)).scalar_one()
    assert events == 2


def test_expiring_licences_and_the_reminders_due_on_a_day(session, office, clock):
    case = granted(session, office)
    [licence] = licences_of(session, case.id)
    expires = licence["expires_on"]
    today = expires - dt.timedelta(days=61)
    assert register.search(session=session, today=today,
                           filters=register.LicenceFilter(expiring_within=60))[1] == 0
    today = expires - dt.timedelta(days=60)
    [row], _ = register.search(session=session, today=today, filters=register.LicenceFilter(expiring_within=60))
    assert row.renewal_due == expires - dt.timedelta(days=30)
    [window] = register.reminders_due(session=session, on=today, window_days=60)
    assert (window.milestone, window.holder_phone, window.renewal_due) == ("window", case.applicant_phone,
                                                                           expires - dt.timedelta(days=30))
    assert register.reminders_due(session=session, on=today + dt.timedelta(days=1), window_days=60) == []
    [due] = register.reminders_due(session=session, on=expires - dt.timedelta(days=37),
                                     window_days=60)  # a week before the deadline
    assert due.milestone == "due"
    assert register.reminders_due(session=session, on=expires - dt.timedelta(days=30), window_days=60) == []
    assert register.reminders_due(session=session, on=expires + dt.timedelta(days=1), window_days=60) == []


def test_a_granted_case_ended_before_its_result_is_issued_has_its_licence_cancelled(session, office, clock):
    """准予, but the 容缺 material never came: the sweep 终止 the case, and the licence it never issued is 注销."""
    case = open_complete(session, office, "road-freight-licence", missing=("vehicle_grade_copies",),
                         data={"vehicles_ready": True})
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    while case.state.startswith("step_"):
        role = office.matter_of(case).compiled.states[case.state].role
        cases.advance_step(session=session, office=office, case=case,
                           actor={"reviewer": STAFF.reviewer, "approver": STAFF.approver, "clerk": STAFF.clerk}[role])
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    [licence] = licences_of(session, case.id)
    assert licence["status"] == "valid"
    clock.set_local(case.gap_due + dt.timedelta(days=1), 8)
    sweep_overdue_gaps(session=session, office=office)
    session.refresh(case)
    assert case.state == "terminated"
    row = register.get(session=session, today=office.today(), licence_id=licence["id"])
    assert row.status_label == "已注销"
    [_, cancelled] = register.history(session=session, office=office, licence=row)
    assert (cancelled.action, cancelled.actor) == ("cancel", "system")
    assert cancelled.reason.startswith("办件终止办理，证照未制发：容缺材料逾期未补齐")


def test_two_decisions_at_the_same_instant_get_two_numbers(engine, office, session):
    """Two approvers decide two cases of one matter in two threads that meet at a barrier."""
    from threading import Barrier, Thread

    from workflows.queries import get_case

    ready = []
    for applicant in (None, person()):
        case = open_complete(session, office, "road-freight-licence", applicant=applicant)
        cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
        while case.state.startswith("step_"):
            role = office.matter_of(case).compiled.states[case.state].role
            cases.advance_step(session=session, office=office, case=case,
                               actor={"reviewer": STAFF.reviewer, "approver": STAFF.approver}[role])
        ready.append(case.id)
    barrier = Barrier(2, timeout=30)
    failures: list[BaseException] = []

    def approve(case_id):
        with new_session(engine) as s:
            mine = get_case(s, case_id)
            barrier.wait()
            try:
                cases.decide(session=s, office=office, case=mine, approver=STAFF.approver, approve=True)
            except BaseException as exc:  # noqa: BLE001  (reported below)
                failures.append(exc)

    threads = [Thread(target=approve, args=(case_id,)) for case_id in ready]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    numbers = sorted(licences_of(session, case_id)[0]["number"] for case_id in ready)
    assert numbers == ["浙嘉交运管许可货字〔2026〕第00001号", "浙嘉交运管许可货字〔2026〕第00002号"]
