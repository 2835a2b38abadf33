"""The intake form for the keyboard: every input named, where focus starts, what Enter does."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag

from tests.page_helpers import add_staff, attr, client_as, soup
from tests.support import FREIGHT_GAP, VEHICLES_BOUGHT, STAFF, open_complete
from tests.test_pages_intake_preview_and_confirm import form_for, submit
from workflows import cases
from workflows.catalogue import load_catalogue

FREIGHT = "road-freight-licence"
CODES = [v.code for v in load_catalogue().matters()]


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def _text_of_ids(page: BeautifulSoup, ids: str) -> str:
    found = [page.find(id=i) for i in ids.split()]
    present = [f for f in found if f is not None]
    assert len(present) == len(found), f"aria-labelledby names a missing element: {ids}"
    return "".join(f.get_text(strip=True) for f in present)


def accessible_label(page: BeautifulSoup, field: Tag) -> str:
    """The name a screen reader gives the field, from aria-label(ledby), <label for> or an enclosing <label>."""
    if field.get("aria-label"):
        return attr(field, "aria-label").strip()
    if field.get("aria-labelledby"):
        return _text_of_ids(page, attr(field, "aria-labelledby"))
    if field.get("id"):
        label = page.find("label", attrs={"for": field["id"]})
        if label is not None:
            return label.get_text(strip=True)
    enclosing = field.find_parent("label")
    return enclosing.get_text(strip=True) if enclosing else ""


def group_label(page: BeautifulSoup, radio: Tag) -> str:
    group = radio.find_parent(attrs={"role": "radiogroup"})
    if group is not None and group.get("aria-labelledby"):
        return _text_of_ids(page, attr(group, "aria-labelledby"))
    if group is not None:
        return attr(group, "aria-label") if group.has_attr("aria-label") else ""
    fieldset = radio.find_parent("fieldset")
    legend = fieldset.find("legend") if fieldset else None
    return legend.get_text(strip=True) if legend else ""


def unlabelled(page: BeautifulSoup, scope: str) -> list[str]:
    problems = []
    for field in page.select(f"{scope} input, {scope} textarea, {scope} select"):
        if field.get("type") == "hidden":
            continue
        name = field.get("name")
        if not accessible_label(page, field):
            problems.append(f"{name}: no label")
        if field.get("type") == "radio" and not group_label(page, field):
            problems.append(f"{name}: radio outside a named group")
    return problems


@pytest.mark.parametrize("code", CODES)
def test_every_input_of_the_blank_form_has_a_label(clerk, code):
    page = soup(clerk.get(f"/cases/new/{code}"))
    assert page.select("#intake input[name$='.note']"), "the problem notes are on the form"
    assert unlabelled(page, "#intake") == []


def test_the_problem_notes_are_named_after_their_material(clerk, office):
    page = soup(clerk.get(f"/cases/new/{FREIGHT}"))
    note = page.select_one("#intake input[name='materials.safety_rules.note']")
    assert accessible_label(page, note) == "安全生产管理制度文本：问题说明"
    radio = page.select_one("#intake input[name='materials.safety_rules'][value=ok]")
    assert group_label(page, radio) == "安全生产管理制度文本"


@pytest.mark.parametrize("missing", [(), ("safety_rules",), ("application_form",)])
def test_every_input_of_the_verdict_has_a_label(clerk, office, missing):
    page = soup(submit(clerk, FREIGHT, form_for(office, FREIGHT, missing=missing)))
    assert page.select_one("#verdict") is not None
    assert unlabelled(page, "#intake") == []


def test_the_refusal_verdict_is_labelled_too(clerk, office):
    page = soup(submit(clerk, "taxi-driver-qualification", form_for(office, "taxi-driver-qualification")))
    assert page.select_one("#verdict")["data-outcome"] == "refuse"
    assert unlabelled(page, "#intake") == []


def test_the_resubmit_checklist_on_the_case_page_is_labelled(clerk, session, office):
    case = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    cases.issue_correction_notice(session=session, office=office, case=case, clerk=STAFF.clerk)
    page = soup(clerk.get(f"/cases/{case.id}"))
    assert page.select("form[data-trigger^=resubmit_] input[name$='.note']")
    assert unlabelled(page, "#actions") == []


def autofocused(page: BeautifulSoup) -> list[Tag]:
    return page.select("[autofocus]")


def test_the_blank_form_starts_on_the_applicant_type(clerk):
    focused = autofocused(soup(clerk.get(f"/cases/new/{FREIGHT}")))
    assert len(focused) == 1
    assert focused[0]["name"] == "applicant_kind" and focused[0].has_attr("checked")


def test_after_preview_the_focus_is_on_the_verdicts_first_choice(clerk, office):
    for missing, data, first in (((), None, "accept"), ((FREIGHT_GAP,), VEHICLES_BOUGHT, "accept_tolerated"),
                                 (("application_form",), None, "notify")):
        page = soup(submit(clerk, FREIGHT, form_for(office, FREIGHT, missing=missing, data=data)))
        focused = autofocused(page)
        assert len(focused) == 1 and focused[0].get("data-choice") == first
        assert focused[0] is page.select_one("#confirm-buttons button")


def test_a_form_in_error_starts_on_the_first_field_to_fix(clerk, office):
    form = form_for(office, FREIGHT, applicant_phone="12345", applicant_id_no="91330400MA2B3C4D5X")
    page = soup(submit(clerk, FREIGHT, form))
    focused = autofocused(page)
    assert len(focused) == 1 and focused[0]["name"] == "applicant_id_no"
    assert focused[0]["aria-invalid"] == "true" and page.find(id=focused[0]["aria-describedby"]) is not None


def test_a_defective_material_without_a_note_takes_the_focus_to_that_note(clerk, office):
    form = form_for(office, FREIGHT) | {"materials.driver_documents": "defective"}
    focused = autofocused(soup(submit(clerk, FREIGHT, form)))
    assert [f["name"] for f in focused] == ["materials.driver_documents.note"]


def test_enter_in_a_text_field_previews_and_never_confirms(clerk, office):
    # A browser submits a form on Enter with its first submit button: that must be 预审.
    page = soup(submit(clerk, FREIGHT, form_for(office, FREIGHT)))
    buttons = [b for b in page.select("#intake button") if b.get("type", "submit") == "submit"]
    assert buttons[0]["value"] == "preview"
    assert all(b["value"].startswith("confirm:") for b in buttons[1:]) and len(buttons) > 1
    assert buttons[0]["aria-keyshortcuts"] == "Control+Enter" and "Ctrl+Enter" in buttons[0].get_text()


def test_a_pledge_left_unticked_takes_the_focus_to_the_pledge(clerk, office):
    form = form_for(office, FREIGHT, missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT, previewed="tolerate")
    response = submit(clerk, FREIGHT, form, step="confirm:accept_tolerated")
    assert response.status_code == 422
    assert [f["name"] for f in autofocused(soup(response))] == ["pledge_signed"]



def test_the_mailing_address_is_asked_only_where_the_matter_posts_results(clerk, office):
    for version in office.catalogue.matters():
        page = soup(clerk.get(f"/cases/new/{version.code}"))
        posts = any(m.value == "mail" for m in version.definition.delivery_methods)
        assert (page.select_one('input[name="delivery_address"]') is not None) == posts, version.code
