"""The QR code on every counter paper opens the status lookup with the receipt number
filled in and the cursor on the phone digits: four digits and Enter find the case.

The QR codes are read back from the papers' own images (zxing-cpp), and their
links followed as a phone would. Filling the number in looks nothing up: a
well-formed number that no case has gets the same form, and anything not
shaped like a receipt number is simply not filled in.
"""

from __future__ import annotations

import base64
import io
import re
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from guides.papers import PaperKind, paper_context, papers_for
from tests.page_helpers import attr, one, soup
from tests.support import STAFF, open_complete, run_to_close
from workflows import cases

FREIGHT = "road-freight-licence"
BASE_URL = "https://ban.example.gov.cn"


def form_of(response) -> tuple[str, list[str]]:
    """The receipt number the lookup form holds, and the fields that take the focus."""
    form = one(soup(response), "form#lookup")
    return (attr(one(form, "input[name=receipt_no]"), "value"),
            [attr(i, "name") for i in form.select("input[autofocus]")])


def scanned(data_uri: str) -> str:
    """What a phone reads from a QR code image (a PNG data URI, one pixel per module)."""
    png = base64.b64decode(data_uri.split(",", 1)[1])
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width * 8, image.height * 8), Image.Resampling.NEAREST)
    [found] = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def every_paper(session, office):
    """Cases whose histories call for every kind of counter paper between them."""
    notified = open_complete(session, office, FREIGHT, missing=("safety_rules",))
    cases.issue_correction_notice(session=session, office=office, case=notified, clerk=STAFF.clerk)
    closed = run_to_close(session, office, open_complete(session, office, FREIGHT))
    refused = open_complete(session, office, FREIGHT)
    cases.refuse_case(session=session, office=office, case=refused, clerk=STAFF.clerk, reason="不属于本机关职权范围")
    ended = open_complete(session, office, FREIGHT)
    cases.accept_case(session=session, office=office, case=ended, clerk=STAFF.clerk)
    cases.terminate(session=session, office=office, case=ended, actor=STAFF.approver, reason="申请人死亡，无继承人")
    return [notified, closed, refused, ended]


def test_every_paper_kinds_qr_code_opens_the_form_with_its_receipt_number(client, session, office, every_paper):
    seen = set()
    for case in every_paper:
        for kind in papers_for(case):
            paper = paper_context(session=session, office=office, case=case, kind=kind, base_url=BASE_URL)
            link = scanned(paper.h.status_qr)
            assert link == f"{BASE_URL}/public/status?receipt_no={case.receipt_no}", kind
            response = client.get(path_of(link))
            assert response.status_code == 200
            assert form_of(response) == (case.receipt_no, ["phone_last4"]), kind
            seen.add(kind)
    assert seen == set(PaperKind)


def test_the_prefilled_form_says_only_the_phone_digits_are_needed(client, session, office):
    case = open_complete(session, office, FREIGHT)
    page = soup(client.get(f"/public/status?receipt_no={case.receipt_no}"))
    assert "手机号码后四位" in page.select_one("#prefilled").get_text()
    phone = page.select_one("input[name=phone_last4]")
    assert (phone["inputmode"], phone["pattern"], phone["maxlength"]) == ("numeric", "[0-9]{4}", "4")
    assert page.select_one("#status") is None  # nothing about the case before the digits


def test_a_lower_case_or_padded_number_is_filled_in_as_printed(client, session, office):
    case = open_complete(session, office, FREIGHT)
    response = client.get("/public/status", params={"receipt_no": f"  {case.receipt_no.lower()} "})
    assert form_of(response) == (case.receipt_no, ["phone_last4"])


@pytest.mark.parametrize("given", [
    "", "20261125", "20261125ABCD234", "20261125ABCD23456", "2026112SABCD2345", "20261125ABCD2I45",
    "<script>alert(1)</script>", "2026-11-25", "２０２６１１２５ABCD2345",
])
def test_anything_not_shaped_like_a_receipt_number_is_not_filled_in(client, given):
    response = client.get("/public/status", params={"receipt_no": given})
    assert response.status_code == 200
    assert form_of(response) == ("", ["receipt_no"])
    assert "<script>alert" not in response.text


def test_the_form_does_not_tell_a_real_number_from_an_unknown_one(client, session, office):
    case = open_complete(session, office, FREIGHT)
    unknown = case.receipt_no[:8] + ("Z" * 8 if case.receipt_no[8:] != "Z" * 8 else "Y" * 8)
    real, made_up = client.get(f"/public/status?receipt_no={case.receipt_no}"), client.get(
        f"/public/status?receipt_no={unknown}")
    assert real.status_code == made_up.status_code == 200

    def blanked(response, number):
        return re.sub(r'name="csrf" value="[^"]*"', "", response.text.replace(number, "NUMBER"))

    assert blanked(real, case.receipt_no) == blanked(made_up, unknown)


def test_prefilling_does_not_count_against_the_lookup_limit(app, session, office):
    from fastapi.testclient import TestClient

    case = open_complete(session, office, FREIGHT)
    with TestClient(app, client=("198.51.100.7", 1234)) as phone:
        for _ in range(app.state.lookup_throttle.max_failures + 5):
            assert phone.get(f"/public/status?receipt_no={case.receipt_no}").status_code == 200
        token = soup(phone.get("/public/status")).find("input", attrs={"name": "csrf"})["value"]
        found = phone.post("/public/status", data={"csrf": token, "receipt_no": case.receipt_no,
                                                   "phone_last4": "5678"})
    assert found.status_code == 200 and soup(found).select_one("#status") is not None
