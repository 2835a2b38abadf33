"""Malformed input anywhere on the pages gets a clear answer, never a 500, and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.page_helpers import add_staff, client_as, csrf_from, error_code, post_action, soup
from tests.support import open_complete
from workflows.models import Case

NUL = "\x00"


@pytest.fixture
def clerk(app, session):
    add_staff(session)
    with client_as(app, "clerk") as browser:
        yield browser


def test_nul_bytes_in_forms_and_queries_are_dropped(clerk, session, office):
    case = open_complete(session, office, "road-freight-licence")
    assert clerk.get("/search", params={"q": f"张{NUL}三"}).status_code == 200
    response = post_action(clerk, case, "refuse", reason=f"不属于{NUL}本机关职权")
    assert response.status_code == 303
    session.refresh(case)
    assert case.state == "refused"
    token = csrf_from(clerk, "/cases/new/road-freight-licence")
    response = clerk.post("/cases/new/road-freight-licence",
                          data={"csrf": token, "step": "preview", "applicant_name": f"顺达{NUL}", "data.by_agent": NUL})
    assert response.status_code == 422 and soup(response).select_one("#form-errors") is not None


def test_an_unknown_or_empty_trigger_is_reported_on_the_page(clerk, session, office):
    case = open_complete(session, office, "road-freight-licence")
    for trigger in ("", "drop_table", "receive_window", "accept" * 20):
        response = post_action(clerk, case, trigger)
        assert response.status_code in (409, 422), trigger
        assert soup(response).select_one("main > p.msg.error[data-code]") is not None, trigger
    session.refresh(case)
    assert case.state == "received" and case.version == 1


def test_a_garbled_version_is_a_conflict_not_an_error(clerk, session, office):
    case = open_complete(session, office, "road-freight-licence")
    for version in ("", "abc", "99999999999999999999"):
        assert post_action(clerk, case, "accept", version=version).status_code == 409
    session.refresh(case)
    assert case.state == "received"


def test_bad_material_statuses_come_back_on_the_form(clerk, session, office):
    case = open_complete(session, office, "road-freight-licence")
    response = post_action(clerk, case, "record_materials", **{"materials.application_form": "maybe",
                                                             "materials.no_such_item": "ok"})
    assert response.status_code == 422
    form = soup(response).select_one('form[data-trigger="record_materials"]')
    assert form.select_one("[data-code]")["data-code"] == "invalid-input"
    session.refresh(case)
    assert case.version == 1


def test_unknown_paths_and_ids_are_404_pages(clerk):
    for url in ("/cases/0", "/cases/2147483648", "/cases/new/nope", "/matters/%00"):
        response = clerk.get(url)
        assert response.status_code == 404, url
        assert error_code(response) in ("case-not-found", "unknown-matter", None)


def test_a_field_name_flood_is_ignored(clerk, session, office):
    token = csrf_from(clerk, "/cases/new/road-freight-licence")
    junk = {f"x{i}": "y" * 100 for i in range(500)}
    response = clerk.post("/cases/new/road-freight-licence", data={"csrf": token, "step": "preview", **junk})
    assert response.status_code == 422
    assert session.exec(select(Case)).all() == []


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e400", "4,5"])
def test_a_number_field_that_is_no_finite_number_is_a_field_error(clerk, session, office, value):
    token = csrf_from(clerk, "/cases/new/oversize-transport-permit")
    response = clerk.post("/cases/new/oversize-transport-permit",
                          data={"csrf": token, "step": "preview", "data.height_m": value})
    assert response.status_code == 422
    assert soup(response).select_one('[data-error-for="data.height_m"]') is not None
    assert session.exec(select(Case)).all() == []
