"""The case page offers one form per action the engine allows this user now, and acts through it."""

from __future__ import annotations

import pytest

from tests.page_helpers import action_buttons, add_staff, client_as, error_code, post_action, soup
from tests.support import FREIGHT_GAP, VEHICLES_BOUGHT, company, open_complete
from workflows import cases, queries
from tests.support import STAFF

INTAKE = {"accept", "accept_tolerated", "notify", "refuse"}


@pytest.fixture
def staffed(session):
    add_staff(session)


def test_clerk_sees_the_four_intake_actions_and_only_accept_is_open_when_complete(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "clerk") as clerk:
        buttons = action_buttons(soup(clerk.get(f"/cases/{case.id}")))
    assert set(buttons) >= INTAKE
    assert buttons["accept"] and buttons["refuse"]
    assert not buttons["accept_tolerated"] and not buttons["notify"]


def test_blocked_actions_are_shown_disabled_with_the_engines_reason(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
    accept = page.select_one('form[data-trigger="accept"]')
    assert accept.find("button")["disabled"] is not None
    assert "车辆技术等级评定结论复印件" in accept.select_one(".why").get_text()
    tolerated = page.select_one('form[data-trigger="accept_tolerated"]')
    assert not tolerated.find("button").has_attr("disabled")
    assert tolerated.find("input", attrs={"name": "pledge_signed", "type": "checkbox"}) is not None


def test_reviewer_gets_no_intake_action_on_a_received_case(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "reviewer") as reviewer:
        buttons = action_buttons(soup(reviewer.get(f"/cases/{case.id}")))
    assert not INTAKE & set(buttons)
    assert set(buttons) <= {"record_visit"}  # anyone working on the matter may record a visit


def test_auditor_reads_the_case_but_has_no_action(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "auditor") as auditor:
        page = soup(auditor.get(f"/cases/{case.id}"))
    assert page.select("form.action") == []
    assert page.select_one("#no-actions") is not None


def test_issuing_is_disabled_while_a_tolerated_gap_is_open(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    cases.advance_step(session=session, office=office, case=case, actor=STAFF.reviewer)
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    assert case.state == "issuing"
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
    issue = page.select_one('form[data-trigger="issue"]')
    assert issue.find("button").has_attr("disabled")
    assert "容缺材料" in issue.select_one(".why").get_text()
    supplement = page.select_one('form[data-trigger="supplement_post"]')
    assert [o["value"] for o in supplement.select("select[name=material] option")] == [FREIGHT_GAP]


def test_materials_table_has_one_row_per_material_with_its_status(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence", missing=("safety_rules",),
                         data={"vehicles_ready": True})
    with client_as(app, "clerk") as clerk:
        rows = soup(clerk.get(f"/cases/{case.id}")).select("table.materials tbody tr")
    definition = office.catalogue.get("road-freight-licence").definition
    assert [r["data-material"] for r in rows] == [m.id for m in definition.materials]
    status = {r["data-material"]: r["data-status"] for r in rows}
    assert status["safety_rules"] == "missing"
    assert status["application_form"] == "ok"
    assert status["vehicle_commitment"] == "n/a"  # vehicles are ready: the commitment is not asked for


def test_a_script_in_the_applicant_name_is_shown_as_text(app, session, office, staffed):
    name = '<script>alert("x")</script>物流有限公司'
    case = open_complete(session, office, "road-freight-licence", applicant=company(name=name))
    with client_as(app, "clerk") as clerk:
        for url in (f"/cases/{case.id}", f"/search?q={case.receipt_no}", "/queue"):
            response = clerk.get(url)
            assert "<script>alert" not in response.text
            assert "&lt;script&gt;alert" in response.text


def test_clerk_accepts_through_the_form_and_the_page_shows_the_new_state(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "clerk") as clerk:
        response = post_action(clerk, case, "accept")
        assert response.status_code == 303 and response.headers["location"] == f"/cases/{case.id}"
        page = soup(clerk.get(f"/cases/{case.id}"))
    session.refresh(case)
    assert case.state == "step_review"
    assert page.select_one("#state")["data-state"] == "step_review"
    assert "已完成：受理" in page.select_one("p.msg.ok").get_text()
    assert case.promised_due is not None


def test_a_stale_tab_gets_a_conflict_and_the_current_state(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    stale_version = case.version
    with client_as(app, "clerk") as clerk:
        assert post_action(clerk, case, "accept").status_code == 303
        response = post_action(clerk, case, "refuse", version=stale_version, reason="重复提交")
    assert response.status_code == 409
    page = soup(response)
    assert page.select_one("#conflict")["data-code"] == "case-changed"
    assert page.select_one("#state")["data-state"] == "step_review"
    session.refresh(case)
    assert case.state == "step_review" and case.outcome is None


def test_missing_reason_re_renders_the_form_with_the_error_and_changes_nothing(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "clerk") as clerk:
        response = post_action(clerk, case, "refuse", reason="  ")
    assert response.status_code == 422
    refuse = soup(response).select_one('form[data-trigger="refuse"]')
    assert refuse.select_one("[data-code]")["data-code"] == "reason-required"
    session.refresh(case)
    assert case.state == "received"


def test_csrf_token_is_required_for_an_action(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "clerk") as clerk:
        response = post_action(clerk, case, "accept", csrf="forged")
    assert response.status_code == 403 and error_code(response) == "csrf-failed"
    session.refresh(case)
    assert case.state == "received"


def test_a_case_goes_from_acceptance_to_mailed_delivery_through_the_pages(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence", delivery="mail")
    steps = [("clerk", "accept", {}), ("reviewer", "advance", {"note": "审查通过"}),
             ("approver", "decide_approve", {}), ("clerk", "issue", {}),
             ("clerk", "deliver_mail", {"tracking_no": "EA123456789CN", "address": "嘉兴市南湖区中山东路1号"})]
    for role, trigger, fields in steps:
        with client_as(app, role) as browser:
            response = post_action(browser, case, trigger, **fields)
            assert response.status_code == 303, (trigger, error_code(response))
        session.refresh(case)
    assert case.state == "closed" and case.visits == 1
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
    assert [li["data-seq"] for li in page.select("ol.timeline li")] == [str(n) for n in range(1, 7)]
    assert page.select_one("#visits strong").get_text() == "1"
    assert page.select_one("#no-actions") is not None
    labels = [a["data-paper"] for a in page.select("#papers a[data-paper]")]
    assert labels[0] == "receipt" and "decision" in labels and "service_record" in labels


def test_the_case_page_reads_one_case_by_id_and_404s_on_unknown(app, session, office, staffed):
    with client_as(app, "clerk") as clerk:
        response = clerk.get("/cases/999999")
    assert response.status_code == 404 and error_code(response) == "case-not-found"
    assert queries.search_cases(session, "nothing") == []


def test_a_notice_then_a_second_visit_with_the_corrections_through_the_pages(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence", missing=("application_form",))
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
        notice = page.select_one('form[data-trigger="notify"]')
        assert [i["name"] for i in notice.select("input[type=text]")] == ["notes.application_form"]
        assert post_action(clerk, case, "notify", **{"notes.application_form": "须加盖公章"}).status_code == 303
        session.refresh(case)
        assert case.state == "awaiting_correction"
        resubmit = soup(clerk.get(f"/cases/{case.id}")).select_one('form[data-trigger="resubmit_window"]')
        assert "application_form" in {i["name"].split(".")[1] for i in resubmit.select("input[type=radio]")}
        response = post_action(clerk, case, "resubmit_window", **{"materials.application_form": "ok"})
        assert response.status_code == 303
        session.refresh(case)
        assert case.state == "received" and case.visits == 2
        assert post_action(clerk, case, "accept").status_code == 303
    session.refresh(case)
    assert case.state == "step_review"
    assert case.progress["notice"] == ["application_form"]


def test_a_special_procedure_is_started_and_ended_from_the_case_page(app, session, office, staffed, clock):
    case = open_complete(session, office, "oversize-transport-permit")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    legal_before = case.legal_due
    with client_as(app, "reviewer") as reviewer:
        assert post_action(reviewer, case, "start_special_route_survey", note="需勘测桥梁").status_code == 303
        session.refresh(case)
        assert case.state == "special_route_survey"
        clock.advance(days=7)  # Wed 11-25 → Wed 12-02: five working days of survey
        assert post_action(reviewer, case, "end_special_route_survey").status_code == 303
    session.refresh(case)
    assert case.state == "step_review"
    assert case.progress["paused_days"] == 5
    assert (case.legal_due - legal_before).days == 7


def test_papers_listed_are_the_ones_the_guides_say_this_case_calls_for(app, session, office, staffed):
    from guides.papers import papers_for

    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
    assert [a["data-paper"] for a in page.select("#papers a[data-paper]")] == [str(k) for k in papers_for(case)]
    links = page.select("#papers a[data-paper]")
    assert [(a["data-paper"], a.get_text(strip=True)) for a in links] == [("receipt", "收件凭证"),
                                                                           ("acceptance", "容缺受理通知书")]


def test_an_auditor_is_offered_no_paper_links_the_papers_route_would_refuse(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence")
    with client_as(app, "auditor") as auditor:
        page = soup(auditor.get(f"/cases/{case.id}"))
        assert page.select_one("#papers") is None
        assert auditor.get(f"/papers/{case.id}/receipt.pdf").status_code == 403


def test_the_tolerance_form_shows_when_each_gap_falls_due(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    with client_as(app, "clerk") as clerk:
        form = soup(clerk.get(f"/cases/{case.id}")).select_one('form[data-trigger="accept_tolerated"]')
    cells = [td.get_text(strip=True) for td in form.select("table.gaps tbody td")]
    assert cells[:2] == ["车辆技术等级评定结论复印件", "2026年11月30日"]  # Wed 11-25 + 3 working days


def test_the_delivery_chosen_at_intake_is_offered_first(app, session, office, staffed):
    case = open_complete(session, office, "road-freight-licence", delivery="electronic")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.advance_step(session=session, office=office, case=case, actor=STAFF.reviewer)
    cases.decide(session=session, office=office, case=case, approver=STAFF.approver, approve=True)
    cases.issue_result(session=session, office=office, case=case, clerk=STAFF.clerk)
    with client_as(app, "clerk") as clerk:
        triggers = list(action_buttons(soup(clerk.get(f"/cases/{case.id}"))))
    delivery = [t for t in triggers if t.startswith("deliver_")]
    assert delivery[0] == "deliver_electronic" and set(delivery) == {"deliver_electronic", "deliver_mail",
                                                                     "deliver_window"}
