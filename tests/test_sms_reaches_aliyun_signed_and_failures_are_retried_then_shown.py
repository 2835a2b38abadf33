"""The 阿里云 SendSms gateway signs and fills every request as the provider documents it, and a message the
provider refuses or never answers is retried with backoff, then marked failed and shown on the case page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from tests.page_helpers import add_staff, client_as, soup
from tests.sms_provider import KEY_ID, SECRET, Provider
from tests.support import company, open_complete, run_to_close
from workflows.db import session as new_session
from workflows.notices import Notice
from workflows.outbox import OutboxMessage, Retry, send_pending
from workflows.sms import AliyunSms, Sms

FREIGHT = "road-freight-licence"
TEMPLATES = {n.value: f"SMS_4700{i:04d}" for i, n in enumerate(Notice)}


def gateway(url: str, timeout: float = 5.0) -> AliyunSms:
    return AliyunSms(access_key_id=KEY_ID, access_key_secret=SECRET, sign_name="嘉兴市民服务中心",
                     templates=TEMPLATES, endpoint=url, region="cn-hangzhou", timeout=timeout)


def rows(engine):
    with new_session(engine) as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_each_message_goes_out_signed_with_its_template_parameters_and_key(session, office, engine):
    case = open_complete(session, office, FREIGHT, delivery="mail")
    run_to_close(session, office, case, tracking_no="EA 123*456~789CN")  # characters the encoding treats apart

    with Provider() as provider:
        report = send_pending(session=session, gateway=gateway(provider.url), now=office.now())

    assert provider.problems == []
    stored = rows(engine)
    assert report.sent == [m.key for m in stored] and len(stored) == 3
    assert [p["OutId"] for p in provider.received] == [m.key for m in stored]
    assert [p["TemplateCode"] for p in provider.received] == [TEMPLATES[m.notice] for m in stored]
    assert [json.loads(p["TemplateParam"]) for p in provider.received] == [m.params for m in stored]
    assert {p["PhoneNumbers"] for p in provider.received} == {"13900005678"}
    assert {p["SignName"] for p in provider.received} == {"嘉兴市民服务中心"}
    assert all(m.status == "sent" and m.provider_id for m in stored)


def test_a_wrong_secret_is_refused_by_the_provider_and_the_message_kept(session, office, engine):
    open_complete(session, office, FREIGHT)
    wrong = gateway("")
    wrong.access_key_secret = "not-the-secret"
    with Provider() as provider:
        wrong.endpoint = provider.url
        report = send_pending(session=session, gateway=wrong, now=office.now())
    assert provider.problems == ["SignatureDoesNotMatch"]
    assert report.sent == [] and len(report.retried) == 1
    assert rows(engine)[0].status == "pending" and "SignatureDoesNotMatch" in rows(engine)[0].last_error


def test_the_signature_is_the_documented_one_for_a_fixed_request():
    """The same request, signed by the gateway and by the stand-in's own reading of the documentation."""
    from tests.sms_provider import expected_signature

    sms = Sms(key="20261125ABCDEFGH-1", phone="13900005678", notice="received",
              params={"matter": "道路货物运输经营许可", "link": "https://a.example/s?x=1 2*3~"}, text="")
    g = gateway("https://dysmsapi.aliyuncs.com/")
    params = g.params(sms, nonce="3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
                      now=dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC))
    url = g.signed_url(sms, nonce="3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
                       now=dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC))
    from urllib.parse import parse_qsl, urlsplit

    sent = dict(parse_qsl(urlsplit(url).query))
    assert sent.pop("Signature") == expected_signature(params)
    assert sent == params and params["Timestamp"] == "2026-11-25T01:30:00Z"
    assert "%20" in url and "+" not in urlsplit(url).query and "%2A" in url


@pytest.fixture
def staffed(session):
    add_staff(session)


def on_the_providers_clock(clock):
    """The provider files a message under the real day it took it, and is asked about the days since the
    message was written: so the office's clock is the real one here."""
    clock.now = dt.datetime.now(dt.UTC)


def china_days_until_now(start: dt.datetime) -> set[str]:
    china = dt.timezone(dt.timedelta(hours=8))
    first, last = start.astimezone(china).date(), dt.datetime.now(china).date()
    return {(first + dt.timedelta(days=n)).strftime("%Y%m%d") for n in range((last - first).days + 1)}


def test_a_500_then_timeouts_are_retried_with_backoff_then_failed_and_shown(app, session, office, engine, staffed,
                                                                            clock):
    on_the_providers_clock(clock)
    case = open_complete(session, office, FREIGHT, applicant=company())
    retry = Retry(attempts=3, first=dt.timedelta(minutes=1))
    t0 = office.now()

    with Provider(script=["500", "hang", "hang"]) as provider:
        slow = gateway(provider.url, timeout=0.3)
        first = send_pending(session=session, gateway=slow, now=t0, retry=retry)
        (message,) = rows(engine)
        assert (first.retried, message.status, message.attempts) == ([message.key], "pending", 1)
        assert message.due_at == t0 + dt.timedelta(minutes=1) and "isp.SYSTEM_ERROR" in message.last_error

        early = send_pending(session=session, gateway=slow, now=t0 + dt.timedelta(seconds=59), retry=retry)
        assert early.sent == early.retried == early.failed == [] and len(provider.received) == 1

        second = send_pending(session=session, gateway=slow, now=t0 + dt.timedelta(minutes=1), retry=retry)
        (message,) = rows(engine)
        assert second.retried == [message.key] and message.attempts == 2 and "超时" in message.last_error
        assert message.due_at == t0 + dt.timedelta(minutes=3)  # the second wait is twice the first

        third = send_pending(session=session, gateway=slow, now=t0 + dt.timedelta(minutes=3), retry=retry)
        (message,) = rows(engine)
        assert third.failed == [message.key] and (message.status, message.attempts) == ("failed", 3)

        later = send_pending(session=session, gateway=slow, now=t0 + dt.timedelta(days=1), retry=retry)
        assert later.sent == later.retried == later.failed == [] and len(provider.received) == 3
        # Before each try after the first, the provider was asked whether it had the key already.
        assert {q["PhoneNumber"] for q in provider.queries} == {message.phone}
        assert len(provider.queries) == 2 * len(china_days_until_now(t0))  # one a day since, before each
    assert provider.problems == []

    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
    (row,) = page.select("#messages tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert row["data-status"] == "failed" and cells[1] == "收件"
    assert "发送失败" in cells[2] and "已尝试 3 次" in cells[2] and "超时" in cells[2]
    assert case.receipt_no in cells[3]


def test_a_message_the_provider_took_but_never_answered_is_not_sent_twice(session, office, engine, clock):
    """SendSms is not idempotent: the provider takes the message and the answer is lost (a timeout). The
    next try asks QuerySendDetails, finds the key as OutId, and marks the message sent without a second
    SendSms. A message the provider never took (a 500) is asked about and then sent."""
    on_the_providers_clock(clock)
    taken = open_complete(session, office, FREIGHT, applicant=company())
    refused = open_complete(session, office, FREIGHT)
    t0 = office.now()
    with Provider(script=["take-hang", "500"]) as provider:
        slow = gateway(provider.url, timeout=0.3)
        first = send_pending(session=session, gateway=slow, now=t0)
        assert len(first.retried) == 2 and len(provider.received) == 2

        second = send_pending(session=session, gateway=slow, now=t0 + dt.timedelta(minutes=1))

        by_case = {m.case_id: m for m in rows(engine)}
        assert sorted(second.sent) == sorted(m.key for m in by_case.values())
        assert [p["OutId"] for p in provider.received] == [by_case[taken.id].key, by_case[refused.id].key,
                                                           by_case[refused.id].key]  # the taken one: once
        assert by_case[taken.id].provider_id == by_case[taken.id].key  # filed under its OutId
        assert {q["SendDate"] for q in provider.queries} <= china_days_until_now(t0)  # today's (China time)
    assert provider.problems == []


def test_a_sent_message_is_shown_sent_on_the_case_page(app, session, office, staffed):
    case = open_complete(session, office, FREIGHT)
    with Provider() as provider:
        send_pending(session=session, gateway=gateway(provider.url), now=office.now())
    with client_as(app, "clerk") as clerk:
        page = soup(clerk.get(f"/cases/{case.id}"))
    (row,) = page.select("#messages tbody tr")
    assert row["data-status"] == "sent" and "已发送" in row.get_text()
