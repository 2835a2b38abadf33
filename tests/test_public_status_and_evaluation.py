"""Public pages: catalogue, status by receipt number + phone digits (no personal data), 好差评 once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.page_helpers import csrf_from, error_code, soup
from tests.support import FREIGHT_GAP, PERSON_ID, STAFF, VEHICLES_BOUGHT, open_complete, person, run_to_close
from workflows import cases, feedback


def lookup(client, receipt_no: str, last4: str):
    token = csrf_from(client, "/public/status")
    return client.post("/public/status", data={"csrf": token, "receipt_no": receipt_no, "phone_last4": last4})


def evaluate(client, receipt_no: str, last4: str, score: str = "5", comment: str = ""):
    token = csrf_from(client, "/public/status")
    return client.post("/public/evaluate", data={"csrf": token, "receipt_no": receipt_no, "phone_last4": last4,
                                                 "score": score, "comment": comment})


def test_the_public_catalogue_links_every_matter_to_its_guide(client, office):
    rows = soup(client.get("/public")).select("#public-matters tbody tr")
    assert [r["data-code"] for r in rows] == [v.code for v in office.catalogue.matters()]
    assert all(r.find("a")["href"] == f"/guides/{r['data-code']}" for r in rows)


def test_status_shows_state_dates_and_what_is_missing_and_no_personal_data(client, session, office):
    applicant = person(name="张小明", phone="13812345678")
    case = open_complete(session, office, "road-freight-licence", missing=(FREIGHT_GAP,), data=VEHICLES_BOUGHT,
                         applicant=applicant)
    cases.accept_with_tolerance(session=session, office=office, case=case, clerk=STAFF.clerk, pledge_signed=True)
    response = lookup(client, case.receipt_no.lower(), "5678")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("#state").get_text() == "审查"
    owed = [(li.select_one(".name").get_text(strip=True), li.select_one(".due").get_text(strip=True))
            for li in page.select("#owed li.demand")]
    assert owed == [("车辆技术等级评定结论复印件", "2026年11月30日前")]
    text = response.text
    for secret in ("张小明", "13812345678", PERSON_ID, PERSON_ID[-4:] + "<", "南湖区中山东路"):
        assert secret not in text


def test_a_wrong_phone_suffix_gets_the_same_answer_as_an_unknown_receipt(client, session, office):
    case = open_complete(session, office, "road-freight-licence")
    wrong = lookup(client, case.receipt_no, "0000")
    unknown = lookup(client, "20261125XXXXXXXX", "5678")
    assert wrong.status_code == unknown.status_code == 404
    assert soup(wrong).select_one("p.msg.error").get_text() == soup(unknown).select_one("p.msg.error").get_text()


def test_lookups_are_rate_limited_per_address(app, session, office):
    case = open_complete(session, office, "road-freight-licence")
    with TestClient(app, client=("198.51.100.9", 1234)) as guesser:
        for n in range(20):
            assert lookup(guesser, case.receipt_no, f"{n:04d}").status_code == 404
        response = lookup(guesser, case.receipt_no, "5678")
    assert response.status_code == 429 and error_code(response) == "too-many-attempts"


def test_a_closed_case_may_be_evaluated_once(client, session, office):
    case = open_complete(session, office, "road-freight-licence")
    run_to_close(session, office, case)
    page = soup(lookup(client, case.receipt_no, "5678"))
    assert page.select_one("form#evaluate") is not None
    response = evaluate(client, case.receipt_no, "5678", "4", "窗口服务很好")
    assert response.status_code == 200 and soup(response).select_one("#thanks") is not None
    stored = session.get(feedback.Evaluation, case.id)
    assert (stored.score, stored.comment) == (4, "窗口服务很好")
    again = evaluate(client, case.receipt_no, "5678", "1")
    assert again.status_code == 409 and error_code(again) == "already-evaluated"
    assert soup(lookup(client, case.receipt_no, "5678")).select_one("form#evaluate") is None


def test_an_open_case_cannot_be_evaluated_and_bad_scores_are_refused(client, session, office):
    case = open_complete(session, office, "road-freight-licence")
    assert soup(lookup(client, case.receipt_no, "5678")).select_one("form#evaluate") is None
    response = evaluate(client, case.receipt_no, "5678")
    assert response.status_code == 409 and error_code(response) == "case-not-closed"
    run_to_close(session, office, case)
    for score in ("0", "six"):
        response = evaluate(client, case.receipt_no, "5678", score)
        assert response.status_code == 422 and error_code(response) == "invalid-input"
    assert session.get(feedback.Evaluation, case.id) is None


def test_evaluation_needs_the_csrf_token(client, session, office):
    case = open_complete(session, office, "road-freight-licence")
    run_to_close(session, office, case)
    client.get("/public/status")
    response = client.post("/public/evaluate", data={"receipt_no": case.receipt_no, "phone_last4": "5678",
                                                     "score": "5"})
    assert response.status_code == 403 and error_code(response) == "csrf-failed"
    assert session.get(feedback.Evaluation, case.id) is None
