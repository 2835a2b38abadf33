"""Public pages: catalogue, status by receipt number + phone digits (no personal data), 好差评 once."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from tests.page_helpers import csrf_from, error_code, soup
from tests.support import FREIGHT_GAP, PERSON_ID, STAFF, VEHICLES_BOUGHT, open_complete, person, run_to_close
from workflows import cases, ratings


def lookup(client, receipt_no: str, last4: str):
    token = csrf_from(client, "/public/status")
    return client.post("/public/status", data={"csrf": token, "receipt_no": receipt_no, "phone_last4": last4})


def evaluate(client, receipt_no: str, last4: str, level: str = "very_satisfied", comment: str = "", *,
             visit_seq: int = 0, categories: tuple[str, ...] = ()):
    token = csrf_from(client, "/public/status")
    return client.post("/public/evaluate", data={"csrf": token, "receipt_no": receipt_no, "phone_last4": last4,
                                                 "stage": "submit", "visit_seq": str(visit_seq), "level": level,
                                                 "comment": comment, "categories": list(categories)})


def rated(session, case) -> dict[int, str]:
    session.expire_all()
    return {seq: r.level for seq, r in ratings.ratings_of(session=session, case_id=case.id).items()}


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
    case_item = page.select_one('#ratings li[data-visit="0"] form')
    assert case_item is not None and case_item.select_one("button").get_text() == "评价整个办件"
    form = soup(client.post("/public/evaluate", data={
        "csrf": case_item.select_one("input[name=csrf]")["value"], "receipt_no": case.receipt_no,
        "phone_last4": "5678", "visit_seq": "0", "stage": "choose"}))
    levels = [label.get_text(strip=True) for label in form.select("form#evaluate fieldset.levels label")]
    assert levels == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert len(form.select("form#evaluate input[name=categories]")) == len(ratings.BAD_CATEGORIES)
    response = evaluate(client, case.receipt_no, "5678", "satisfied", "窗口服务很好")
    assert response.status_code == 200 and soup(response).select_one("#thanks") is not None
    assert rated(session, case) == {0: "satisfied"}
    again = evaluate(client, case.receipt_no, "5678", "very_dissatisfied", "再评一次")
    assert again.status_code == 409 and error_code(again) == "already-evaluated"
    assert "每件只能评价一次" in soup(again).select_one("p.msg.error").get_text()
    assert rated(session, case) == {0: "satisfied"}
    page = soup(lookup(client, case.receipt_no, "5678"))
    assert page.select_one('#ratings li[data-visit="0"] form') is None
    assert page.select_one("#evaluated").get_text() == "已评价：满意"


def test_each_visit_is_rated_once_before_the_case_closes(client, session, office):
    case = open_complete(session, office, "road-freight-licence")  # 收件 at the window: the first visit
    visits = ratings.visits_of(session=session, case=case)
    assert len(visits) == 1 and visits[0].clerk == STAFF.clerk.username
    page = soup(lookup(client, case.receipt_no, "5678"))
    assert page.select_one(f'#ratings li[data-visit="{visits[0].seq}"] form') is not None
    assert page.select_one('#ratings li[data-visit="0"] form') is None  # the case is still open
    response = evaluate(client, case.receipt_no, "5678", "basic", visit_seq=visits[0].seq)
    assert response.status_code == 200
    again = evaluate(client, case.receipt_no, "5678", "satisfied", visit_seq=visits[0].seq)
    assert again.status_code == 409 and error_code(again) == "already-evaluated"
    assert "这次到窗口办事已评价过" in soup(again).select_one("p.msg.error").get_text()
    unknown = evaluate(client, case.receipt_no, "5678", "satisfied", visit_seq=visits[0].seq + 50)
    assert unknown.status_code == 404 and error_code(unknown) == "visit-not-found"
    assert rated(session, case) == {visits[0].seq: "basic"}


def test_a_bad_rating_must_say_what_was_wrong(client, session, office):
    case = open_complete(session, office, "road-freight-licence")
    seq = ratings.visits_of(session=session, case=case)[0].seq
    bare = evaluate(client, case.receipt_no, "5678", "dissatisfied", visit_seq=seq)
    assert bare.status_code == 422 and error_code(bare) == "bad-rating-reason"
    # the form comes back with the choice kept, so the applicant only adds the reason
    assert soup(bare).select_one("form#evaluate input[value=dissatisfied]").has_attr("checked")
    assert rated(session, case) == {}
    ok = evaluate(client, case.receipt_no, "5678", "dissatisfied", visit_seq=seq, categories=("attitude", "slow"))
    assert ok.status_code == 200 and "窗口负责人" in soup(ok).select_one("#thanks").get_text()
    stored = ratings.ratings_of(session=session, case_id=case.id)[seq]
    assert stored.categories == ["attitude", "slow"]
    assert stored.window == "W01" and stored.clerk == STAFF.clerk.username


def test_an_open_case_cannot_be_evaluated_and_bad_levels_are_refused(client, session, office):
    case = open_complete(session, office, "road-freight-licence")
    response = evaluate(client, case.receipt_no, "5678")
    assert response.status_code == 409 and error_code(response) == "case-not-closed"
    run_to_close(session, office, case)
    for level in ("", "5", "great"):
        response = evaluate(client, case.receipt_no, "5678", level)
        assert response.status_code == 422 and error_code(response) == "invalid-input"
    assert 0 not in rated(session, case)


def test_evaluation_needs_the_csrf_token(client, session, office):
    case = open_complete(session, office, "road-freight-licence")
    run_to_close(session, office, case)
    client.get("/public/status")
    response = client.post("/public/evaluate", data={"receipt_no": case.receipt_no, "phone_last4": "5678",
                                                     "stage": "submit", "level": "satisfied"})
    assert response.status_code == 403 and error_code(response) == "csrf-failed"
    assert rated(session, case) == {}


def test_the_rating_form_names_the_visit_by_its_day_window_and_matter(client, session, office, clock):
    clock.set_local(dt.date(2026, 12, 2), hour=10)  # a day of one digit
    case = open_complete(session, office, "road-freight-licence")
    [visit] = ratings.visits_of(session=session, case=case)
    token = csrf_from(client, "/public/status")
    page = soup(client.post("/public/evaluate", data={"csrf": token, "receipt_no": case.receipt_no,
                                                      "phone_last4": "5678", "visit_seq": str(visit.seq),
                                                      "stage": "choose"}))
    day = office.time.local(visit.at).date()
    window = office.profile.window(visit.window)
    assert window is not None
    # The day as every other page writes it (2026年12月2日, not 2026年12月02日).
    assert day == dt.date(2026, 12, 2)
    assert (f"您正在评价 {day.year}年{day.month}月{day.day}日 到{window.name}办理“道路货物运输经营许可”"
            in page.get_text())
