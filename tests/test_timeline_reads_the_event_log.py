"""The timeline both the case page and the auditor read: labels, visits with their cause, notice items."""

from tests.support import STAFF, ok, open_complete
from workflows import accounts, cases
from workflows.queries import events_of
from workflows.timeline import timeline


def test_a_notice_and_a_second_visit_read_as_people_say_them(session, office, clock):
    accounts.add_user(session=session, username=STAFF.clerk.username, password="x" * 12, roles=["clerk"],
                      display_name="王晓燕", window="W01", now=clock())
    case = open_complete(session, office, "road-freight-licence", missing=("safety_rules",))
    definition = office.matter_of(case).definition
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="window",
                   materials=ok("safety_rules"))

    events = events_of(session, case.id)
    entries = timeline(office.matter_of(case), events, time=office.time,
                       names=accounts.staff_names(session, [e.actor for e in events]))

    assert [e.label for e in entries] == ["收件（窗口现场）", "出具一次性告知书", "收取补正材料（窗口现场）"]
    assert [e.visit for e in entries] == ["递交（申请人原因）", None, "补正（申请人原因）"]
    due = office.calendar.add_workdays(office.today(), office.profile.correction_days).due
    assert entries[1].detail == (f"告知：{definition.material('safety_rules').name}；"
                                 f"补正期限：{due.year}年{due.month}月{due.day}日")
    assert (entries[1].from_label, entries[1].to_label) == ("已收件", "待补正（已一次性告知）")
    assert entries[0].at.utcoffset().total_seconds() == 8 * 3600
    assert {e.actor for e in entries} == {"王晓燕"}  # staff by name, not by login
