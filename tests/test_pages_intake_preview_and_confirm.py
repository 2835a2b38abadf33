"""New case at the counter: find the matter, fill the form, see the engine's verdict, confirm."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tests.page_helpers import add_staff, client_as, csrf_from, soup
from tests.support import CREDIT_CODE, FREIGHT_GAP, VEHICLES_BOUGHT
from workflows.catalogue import load_catalogue
from workflows.intake import required
from workflows.models import Case


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def form_for(office, code: str, *, missing=(), data=None, **fields) -> dict[str, str]:
    """What a clerk posts: an applicant company, window channel, mailed result, every required item received."""
    definition = office.catalogue.get(code).definition
    # An unticked box posts nothing and reads as "no", as in a browser.
    typed = {f.id: False for f in definition.case_fields if f.type == "bool"} | (data or {})
    form = {"applicant_kind": "company", "applicant_name": "嘉兴市顺达物流有限公司", "applicant_id_no": CREDIT_CODE,
            "applicant_phone": "13900005678", "channel": "window", "delivery_method": "mail",
            "delivery_address": "浙江省嘉兴市南湖区中山东路1号"}
    form |= {f"data.{k}": ("on" if v is True else str(v)) for k, v in typed.items() if v is not False}
    form |= {f"materials.{m.id}": ("missing" if m.id in missing else "ok")
             for m in definition.materials if required(m, typed) or m.id in missing}
    return form | fields


def submit(client, code: str, form: dict, step: str = "preview"):
    token = csrf_from(client, f"/cases/new/{code}")
    return client.post(f"/cases/new/{code}", data={"csrf": token, "step": step, **form}, follow_redirects=False)


def case_count(session) -> int:
    return len(session.exec(select(Case)).all())


@pytest.mark.parametrize("query", ["dlhw", "道路货物", "road-freight", "DLHW"])
def test_the_matter_is_found_by_initials_name_or_code(clerk, query):
    rows = soup(clerk.get("/cases/new", params={"q": query})).select("#matter-list tbody tr:not([hidden])")
    assert [r["data-code"] for r in rows] == ["road-freight-licence"]


def test_preview_shows_tolerance_with_the_gap_deadline_and_writes_nothing(clerk, office, session):
    form = form_for(office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT)
    response = submit(clerk, "road-freight-licence", form)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("#verdict")["data-outcome"] == "tolerate"
    gap = [td.get_text(strip=True) for td in page.select("#gaps tbody tr td")]
    # Accepted on Wednesday 2026-11-25, 3 working days: Thu 26, Fri 27, Mon 30.
    assert gap[0] == "车辆技术等级评定结论复印件" and gap[1] == "2026年11月30日"
    choices = [b["data-choice"] for b in page.select("#confirm-buttons button")]
    assert choices == ["accept_tolerated", "notify", "refuse"]
    assert case_count(session) == 0


def test_tolerated_intake_needs_the_signed_pledge_before_anything_is_written(clerk, office, session):
    form = form_for(office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT, previewed="tolerate")
    response = submit(clerk, "road-freight-licence", form, step="confirm:accept_tolerated")
    assert response.status_code == 422
    assert soup(response).select_one('[data-error-for="pledge_signed"]') is not None
    assert case_count(session) == 0
    response = submit(clerk, "road-freight-licence", form | {"pledge_signed": "on"}, step="confirm:accept_tolerated")
    assert response.status_code == 303
    case = session.exec(select(Case)).one()
    assert response.headers["location"] == f"/cases/{case.id}"
    assert case.state == "step_review" and case.progress["gaps"] == {FREIGHT_GAP: "2026-11-30"}


def test_complete_materials_are_accepted_on_confirmation(clerk, office, session):
    form = form_for(office, "road-freight-licence", previewed="accept")
    assert soup(submit(clerk, "road-freight-licence", form)).select_one("#verdict")["data-outcome"] == "accept"
    response = submit(clerk, "road-freight-licence", form, step="confirm:accept")
    assert response.status_code == 303
    case = session.exec(select(Case)).one()
    assert (case.state, case.accepted_on, case.delivery_method) == ("step_review", dt.date(2026, 11, 25), "mail")
    page = soup(clerk.get(response.headers["location"]))
    assert case.receipt_no in page.select_one("p.msg.ok").get_text()


def test_a_notice_lists_every_missing_item(clerk, office, session):
    form = form_for(office, "road-freight-licence", missing=("application_form", "safety_rules"))
    form["materials.driver_documents"] = "defective"
    form["materials.driver_documents.note"] = "从业资格证已过期"
    page = soup(submit(clerk, "road-freight-licence", form))
    assert page.select_one("#verdict")["data-outcome"] == "notify"
    items = [li["data-material"] for li in page.select("#notice-items li")]
    assert items == ["application_form", "driver_documents", "safety_rules"]
    response = submit(clerk, "road-freight-licence", form | {"previewed": "notify"}, step="confirm:notify")
    assert response.status_code == 303
    case = session.exec(select(Case)).one()
    assert case.state == "awaiting_correction" and case.progress["notice"] == items


def test_unmet_precondition_offers_only_refusal_with_the_reason_filled_in(clerk, office, session):
    form = form_for(office, "taxi-driver-qualification")  # exam_passed left unticked
    page = soup(submit(clerk, "taxi-driver-qualification", form))
    assert page.select_one("#verdict")["data-outcome"] == "refuse"
    assert [b["data-choice"] for b in page.select("#confirm-buttons button")] == ["refuse"]
    reason = page.select_one("textarea[name=reason]").get_text()
    assert "从业资格考试" in reason
    response = submit(clerk, "taxi-driver-qualification", form | {"previewed": "refuse", "reason": reason},
                      step="confirm:refuse")
    assert response.status_code == 303
    assert session.exec(select(Case)).one().state == "refused"


def test_a_conditional_material_applies_only_when_its_condition_holds(clerk, office):
    small = soup(submit(clerk, "oversize-transport-permit", form_for(office, "oversize-transport-permit",
                                                                      data={"height_m": 4.2})))
    assert small.select_one('tr[data-material="outline_drawing"]')["data-applies"] == "no"
    assert small.select_one("#verdict")["data-outcome"] == "accept"
    # The load turns out taller than 4.5 m; the clerk has not received the two extra items yet.
    taller = form_for(office, "oversize-transport-permit", data={"height_m": 4.2}) | {"data.height_m": "4.8"}
    tall = soup(submit(clerk, "oversize-transport-permit", taller))
    assert not tall.select_one('tr[data-material="outline_drawing"]').has_attr("data-applies")
    assert tall.select_one("#verdict")["data-outcome"] == "notify"
    assert [li["data-material"] for li in tall.select("#notice-items li")] == ["outline_drawing", "escort_plan"]


def test_invalid_input_re_renders_every_field_error_and_keeps_what_was_typed(clerk, office, session):
    form = form_for(office, "oversize-transport-permit", applicant_id_no="91330400MA2B3C4D5X",
                    applicant_phone="12345", delivery_address="", data={"height_m": "高"})
    form["applicant_name"] = "<b>顺达</b>"
    response = submit(clerk, "oversize-transport-permit", form)
    assert response.status_code == 422
    page = soup(response)
    errors = {e["data-error-for"] for e in page.select("[data-error-for]")}
    assert errors == {"applicant_id_no", "applicant_phone", "delivery_address", "data.height_m"}
    assert page.select_one("input[name=applicant_name]")["value"] == "<b>顺达</b>"
    assert page.select_one("input[name='data.height_m']")["value"] == "高"
    assert page.select_one("#preview") is None
    assert case_count(session) == 0


def test_a_changed_form_after_preview_asks_to_look_again(clerk, office, session):
    form = form_for(office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT, previewed="accept")
    response = submit(clerk, "road-freight-licence", form, step="confirm:accept")
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one('[data-error-for="intake_action"]') is not None
    assert page.select_one("#verdict")["data-outcome"] == "tolerate"
    assert case_count(session) == 0


def test_only_clerks_may_open_cases(app, session):
    add_staff(session)
    with client_as(app, "reviewer") as reviewer:
        assert reviewer.get("/cases/new").status_code == 403


def test_an_unticked_box_means_no_for_the_conditions_that_test_it(clerk, office):
    # Vehicles not yet bought: the 拟投入运输车辆承诺书 is asked for, the vehicle papers are not.
    form = form_for(office, "road-freight-licence", missing=("vehicle_commitment",))
    page = soup(submit(clerk, "road-freight-licence", form))
    assert not page.select_one('tr[data-material="vehicle_commitment"]').has_attr("data-applies")
    assert page.select_one('tr[data-material="vehicle_licence_copies"]')["data-applies"] == "no"
    assert [li["data-material"] for li in page.select("#notice-items li")] == ["vehicle_commitment"]


@pytest.mark.parametrize("code", [v.code for v in load_catalogue().matters()])
def test_every_matter_is_taken_in_and_accepted_at_the_counter(clerk, office, session, code):
    definition = office.catalogue.get(code).definition
    preconditions = {p.field: p.equals for p in definition.preconditions}
    channel = "window"
    offered = [m.value for m in definition.delivery_methods]
    delivery = "mail" if "mail" in offered else offered[0]
    form = form_for(office, code, data=preconditions, delivery_method=delivery, channel=channel)
    assert soup(submit(clerk, code, form)).select_one("#verdict")["data-outcome"] == "accept"
    response = submit(clerk, code, form | {"previewed": "accept"}, step="confirm:accept")
    assert response.status_code == 303
    case = session.exec(select(Case)).one()
    assert case.state == f"step_{definition.steps[0].id}"
    assert soup(clerk.get(response.headers["location"])).select_one("#state")["data-state"] == case.state


def test_a_special_window_sees_its_own_matters_first(app, session):
    from tests.page_helpers import login

    add_staff(session)  # W02 takes road-freight-licence
    with client_as(app, None) as special:
        assert login(special, "clerk2").status_code == 303
        rows = soup(special.get("/cases/new")).select("#matter-list tbody tr")
    assert rows[0]["data-code"] == "road-freight-licence" and rows[0].select_one(".tag").get_text() == "本窗口"
    assert len(rows) == len(app.state.office.catalogue.matters())
    assert all(r.select_one(".tag") is None for r in rows[1:])
