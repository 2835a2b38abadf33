"""After 补正, a material received shows no old problem as current; the 办理记录 keeps the old note."""

from __future__ import annotations

import pytest
from bs4 import Tag

from tests.page_helpers import add_staff, attr, client_as, soup
from tests.support import STAFF, company, complete_data
from workflows import cases, queries
from workflows.cases import MaterialCheck
from workflows.intake import required

FREIGHT = "road-freight-licence"
EXPIRED = "从业资格证已过期"


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def noticed_case(session, office):
    """Taken in with the drivers' papers defective and the safety rules missing; 一次性告知 issued."""
    definition = office.catalogue.get(FREIGHT).definition
    data = complete_data(office, FREIGHT) | {"vehicles_ready": False, "by_agent": False}
    materials = {m.id: MaterialCheck("ok") for m in definition.materials if required(m, data)}
    materials |= {"driver_documents": MaterialCheck("defective", EXPIRED), "safety_rules": MaterialCheck("missing")}
    case = cases.open_case(session=session, office=office, matter_code=FREIGHT, applicant=company(), channel="window",
                           clerk=STAFF.clerk, delivery_method="mail", delivery_address="浙江省嘉兴市南湖区中山东路1号",
                           data=data, materials=materials)
    return cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)


def as_the_browser_posts(form: Tag) -> dict[str, str]:
    """What submitting this form posts: text and hidden fields, the checked radio of each group."""
    posted: dict[str, str] = {}
    for field in form.select("input, textarea, select"):
        kind = field.get("type", "text")
        if field.has_attr("disabled") or not field.get("name"):
            continue
        name = attr(field, "name")
        if kind in ("radio", "checkbox"):
            if field.has_attr("checked"):
                posted[name] = attr(field, "value") if field.has_attr("value") else "on"
        elif field.name == "textarea":
            posted[name] = field.get_text()
        else:
            posted[name] = attr(field, "value") if field.has_attr("value") else ""
    return posted


def material_cell(page, material_id: str) -> Tag:
    return page.select_one(f'#materials tr[data-material="{material_id}"] td.status')


def test_the_resubmit_form_shows_the_old_note_but_does_not_post_it_again(clerk, session, office):
    case = noticed_case(session, office)
    page = soup(clerk.get(f"/cases/{case.id}"))
    form = page.select_one("form[data-trigger=resubmit_window]")
    note = form.select_one("input[name='materials.driver_documents.note']")
    assert note.get("value", "") == ""
    row = note.find_parent("tr")
    assert row.select_one(".earlier-note").get_text() == f"上次记录：{EXPIRED}"

    posted = as_the_browser_posts(form) | {"materials.driver_documents": "ok", "materials.safety_rules": "ok"}
    response = clerk.post(f"/cases/{case.id}/act", data=posted, follow_redirects=False)
    assert response.status_code == 303, response.text
    session.refresh(case)
    assert case.progress["materials"]["driver_documents"] == {"status": "ok", "note": ""}

    page = soup(clerk.get(f"/cases/{case.id}"))
    assert material_cell(page, "driver_documents").get_text(strip=True) == "已收取"
    # The history still says what was wrong at the first visit.
    assert EXPIRED in page.select_one("#timeline").get_text()


def test_a_still_defective_material_keeps_its_note_as_current(clerk, session, office):
    case = noticed_case(session, office)
    cell = material_cell(soup(clerk.get(f"/cases/{case.id}")), "driver_documents")
    assert cell.get_text(" ", strip=True) == f"不符合要求 {EXPIRED}"


def test_a_note_carried_over_from_the_problem_is_not_shown_as_current(session, office):
    # A form of before this fix (or an integration) posted the old note along with 已收取.
    case = noticed_case(session, office)
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="window",
                   materials={"driver_documents": MaterialCheck("ok", EXPIRED), "safety_rules": MaterialCheck("ok")})
    view = queries.case_view(session=session, office=office, case=case, actor=STAFF.clerk)
    row = next(r for r in view.materials if r.material.id == "driver_documents")
    assert (row.status, row.note) == ("ok", "")


def test_a_remark_written_with_the_received_material_is_shown(session, office):
    case = noticed_case(session, office)
    cases.resubmit(session=session, office=office, case=case, clerk=STAFF.clerk, channel="window",
                   materials={"driver_documents": MaterialCheck("ok", "已换发新证，原件已核验"),
                              "safety_rules": MaterialCheck("ok")})
    view = queries.case_view(session=session, office=office, case=case, actor=STAFF.clerk)
    row = next(r for r in view.materials if r.material.id == "driver_documents")
    assert (row.status, row.note) == ("ok", "已换发新证，原件已核验")


def test_the_timeline_reads_the_problem_noted_at_intake(session, office):
    from workflows.timeline import timeline

    case = noticed_case(session, office)
    entries = timeline(office.matter_of(case), queries.events_of(session, case.id), time=office.time, names={})
    name = office.catalogue.get(FREIGHT).definition.material("driver_documents").name
    assert f"{name}（不符合要求）：{EXPIRED}" in entries[0].detail
