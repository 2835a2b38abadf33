"""The window's rating kiosk: opened by the clerk for one visit, used by the applicant without a login.

The kiosk holds a signed token for one case and one visit, good for 10 minutes and for one rating;
its pages show no staff chrome and nothing of the case but the matter's name and the window.
"""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from tests.page_helpers import add_staff, attr, client_as, csrf_from, error_code, one, soup
from tests.support import STAFF, open_complete
from tests.test_every_page_sends_no_store_and_a_nonce_only_script_policy import assert_page_follows_its_policy
from workflows import cases, kiosk, ratings


def _case_with_two_visits(session, office):
    case = open_complete(session, office, "road-freight-licence")
    cases.accept_case(session=session, office=office, case=case, clerk=STAFF.clerk)
    cases.record_visit(session=session, office=office, case=case, actor=STAFF.clerk, purpose="核验原件",
                       cause="office")
    first, second = (v.seq for v in ratings.visits_of(session=session, case=case))
    return case, first, second


def _open_kiosk(clerk, case, seq) -> str:
    """What the clerk's 窗口评价器 button does: the kiosk's window is sent to /kiosk/{token}."""
    page = soup(clerk.get(f"/cases/{case.id}"))
    form = one(page, f"#visit-list tr[data-seq='{seq}'] form.kiosk-open")
    assert attr(form, "target") == "onevisit-kiosk"
    response = clerk.post(attr(form, "action"), data={"csrf": attr(one(form, "input[name=csrf]"), "value"),
                                                      "visit_seq": str(seq)}, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


def _levels(kiosk_client, url):
    response = kiosk_client.get(url)
    assert response.status_code == 200, response.text
    return response, soup(response)


def test_the_token_rates_only_its_visit_and_only_once(app, session, office):
    add_staff(session)
    case, first, second = _case_with_two_visits(session, office)
    with client_as(app, "clerk") as clerk:
        url = _open_kiosk(clerk, case, first)
    with TestClient(app) as applicant:  # the kiosk: nobody logged in
        response, page = _levels(applicant, url)
        assert_page_follows_its_policy(response)
        assert response.headers["cache-control"] == "no-store"
        assert page.select("header, nav, footer, form[action='/logout']") == []
        about = one(page, "#about").get_text()
        assert about == "综合窗口 · 道路货物运输经营许可"
        for private in (case.receipt_no, case.applicant_name, case.applicant_phone, "王窗口"):
            assert private not in response.text
        levels = [attr(b, "value") for b in page.select("#levels button[name=level]")]
        assert levels == list(ratings.LEVELS)
        token = attr(one(page, "#levels input[name=csrf]"), "value")
        # Whatever else the form claims, the token's visit is the one rated.
        done = applicant.post(url, data={"csrf": token, "level": "satisfied", "visit_seq": str(second),
                                         "case_id": "999"})
        assert done.status_code == 200 and one(soup(done), "#kiosk")["data-screen"] == "thanks"
        assert one(soup(done), "#thanks").get_text() == "谢谢您的评价"
        assert attr(one(soup(done), "meta[http-equiv=refresh]"), "content").endswith("url=/kiosk")
        given = ratings.ratings_of(session=session, case_id=case.id)
        assert set(given) == {first} and (given[first].level, given[first].channel) == ("satisfied", "kiosk")
        again = applicant.post(url, data={"csrf": token, "level": "very_dissatisfied", "comment": "再评一次"})
        assert again.status_code == 409 and error_code(again) == "kiosk-link-used"
        assert applicant.get(url).status_code == 409
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
        assert one(page, f"#visit-list tr[data-seq='{first}'] td.visit-rating").get_text() == "已评价：满意"
        assert page.select_one(f"#visit-list tr[data-seq='{second}'] form.kiosk-open") is not None


def test_an_expired_or_forged_token_is_refused_with_its_code(app, session, office, clock):
    add_staff(session)
    case, first, _ = _case_with_two_visits(session, office)
    with client_as(app, "clerk") as clerk:
        url = _open_kiosk(clerk, case, first)
    with TestClient(app) as applicant:
        _, page = _levels(applicant, url)
        token = attr(one(page, "#levels input[name=csrf]"), "value")
        forged = applicant.get(url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB"))
        assert forged.status_code == 403 and error_code(forged) == "kiosk-link-invalid"
        clock.advance(minutes=kiosk.KIOSK_MINUTES + 1)
        late = applicant.post(url, data={"csrf": token, "level": "very_satisfied"})
        assert late.status_code == 403 and error_code(late) == "kiosk-link-expired"
        assert one(soup(late), "#kiosk")["data-screen"] == "refused"
    assert ratings.ratings_of(session=session, case_id=case.id) == {}


def test_a_bad_level_asks_what_was_wrong_on_a_second_screen_before_anything_is_stored(app, session, office):
    add_staff(session)
    case, first, _ = _case_with_two_visits(session, office)
    with client_as(app, "clerk") as clerk:
        url = _open_kiosk(clerk, case, first)
    with TestClient(app) as applicant:
        _, page = _levels(applicant, url)
        csrf = attr(one(page, "#levels input[name=csrf]"), "value")
        assert page.select("input[name=categories]") == []  # the categories come only after a bad level
        step = applicant.post(url, data={"csrf": csrf, "level": "dissatisfied"})
        reasons = soup(step)
        assert one(reasons, "#kiosk")["data-screen"] == "reasons"
        assert len(reasons.select("#reasons input[name=categories]")) == len(ratings.BAD_CATEGORIES)
        assert ratings.ratings_of(session=session, case_id=case.id) == {}
        empty = applicant.post(url, data={"csrf": csrf, "level": "dissatisfied", "stage": "reasons"})
        assert empty.status_code == 422 and error_code(empty) == "bad-rating-reason"
        done = applicant.post(url, data={"csrf": csrf, "level": "dissatisfied", "stage": "reasons",
                                         "categories": ["slow", "trips"]})
        assert one(soup(done), "#kiosk")["data-screen"] == "thanks"
        assert "1 个工作日内" in soup(done).get_text()
        missing = applicant.post(url, data={"level": "satisfied"})
        assert missing.status_code == 403 and error_code(missing) == "csrf-failed"
    rating = ratings.ratings_of(session=session, case_id=case.id)[first]
    assert (rating.level, rating.categories) == ("dissatisfied", ["slow", "trips"])


def test_only_a_clerk_opens_the_kiosk_and_never_for_a_visit_the_case_has_not(app, session, office):
    add_staff(session)
    case, first, _ = _case_with_two_visits(session, office)
    with client_as(app, "reviewer") as reviewer:
        refused = reviewer.post(f"/cases/{case.id}/kiosk", data={"csrf": csrf_from(reviewer, "/queue"),
                                                                  "visit_seq": str(first)})
        assert refused.status_code == 403
    with client_as(app, "clerk") as clerk:
        csrf = csrf_from(clerk, f"/cases/{case.id}")
        nowhere = clerk.post(f"/cases/{case.id}/kiosk", data={"csrf": csrf, "visit_seq": "999"})
        assert nowhere.status_code == 404 and error_code(nowhere) == "visit-not-found"
    assert dt.timedelta(minutes=kiosk.KIOSK_MINUTES) == dt.timedelta(minutes=10)
