"""一公开 carries no holder's ID number or 统一社会信用代码: not the list of draws, not a draw's page, not its
CSV or JSON download, before or after its results are published; and a natural person is named there by
surname only. The holders are one person with an 18-digit 居民身份证号码 and one company with a credit
code, and each is drawn once, so each is on the pages it could leak from."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from fastapi.testclient import TestClient
from sqlalchemy import insert

from inspections import draws, results
from inspections.models import LICENCES
from tests.inspection_support import ADMIN, add_inspectors, credit_code, items
from tests.page_helpers import NOW, one, soup
from workflows import identity
from workflows.office import Actor

PERSON, PERSON_MASKED = "欧阳娜娜", "欧***"
PERSON_ID = "33040219900307123" + identity.person_id_check_digit("33040219900307123")
COMPANY, COMPANY_CODE = "嘉兴市南湖货运有限公司", credit_code(7)
PERSON_LICENCE, COMPANY_LICENCE = "浙嘉交运管许可货字〔2025〕第00001号", "浙嘉交运管许可货字〔2025〕第00002号"
SECRETS = (PERSON_ID, COMPANY_CODE)


def _holders(session) -> None:
    issued = dt.date(2025, 3, 1)
    common = {"matter_code": "road-freight-licence", "case_id": None, "holder_phone": None, "issued_on": issued,
              "validity": "4年", "term_kind": "years", "expires_on": dt.date(2029, 2, 28), "status": "valid",
              "source": "import", "recorded_at": NOW}
    session.connection().execute(insert(LICENCES), [
        {**common, "number": PERSON_LICENCE, "holder_kind": "person", "holder_name": PERSON,
         "holder_id_no": PERSON_ID},
        {**common, "number": COMPANY_LICENCE, "holder_kind": "company", "holder_name": COMPANY,
         "holder_id_no": COMPANY_CODE}])
    session.commit()


def _draw_taking(session, office, clock, number: str, *, reason: str = "") -> int:
    """A draw (5 % of 2: one target) run with the first public value that draws `number`, its result published."""
    draw_id = draws.announce(session=session, office=office, items=items(), actor=ADMIN,
                             item_code="road-freight-operation", period="2026", beacon_source="上证综合指数收盘点位",
                             beacon_date=office.today() + dt.timedelta(days=1), reason=reason)
    row = draws.record(session=session, draw_id=draw_id)
    value = next(v for v in (f"{3400 + n / 100:.2f}" for n in range(1000))
                 if draws.compute(row, v)[1][0][0] == number)
    clock.advance(days=1)
    [[drawn, team]] = draws.run(session=session, office=office, actor=ADMIN, draw_id=draw_id, beacon_value=value)
    user_of = dict(zip((i[0] for i in row["inspectors"]), row["usernames"], strict=True))
    results.record_result(session=session, office=office, items=items(),
                          actor=Actor(user_of[team[0]], frozenset({"inspector"})), draw_id=draw_id,
                          licence_number=drawn, outcome="rectify", inspected_on=office.today(),
                          note=f"{PERSON}、{COMPANY_CODE} 的车辆未按期审验")
    results.publish(session=session, office=office, actor=ADMIN, draw_id=draw_id)
    return draw_id


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text.upper()] + ([PERSON] if PERSON in text else [])


def test_no_public_page_or_download_carries_a_holders_id_number_or_credit_code(app, session, office, clock):
    _holders(session)
    add_inspectors(session, 3)
    person_draw = _draw_taking(session, office, clock, PERSON_LICENCE)
    company_draw = _draw_taking(session, office, clock, COMPANY_LICENCE, reason="另抽一户，核对公开内容")

    with TestClient(app) as anyone:
        listed = anyone.get("/public/inspections")
        pages = {d: anyone.get(f"/public/inspections/{d}") for d in (person_draw, company_draw)}
        csvs = {d: anyone.get(f"/public/inspections/{d}.csv") for d in (person_draw, company_draw)}
        jsons = {d: anyone.get(f"/public/inspections/{d}.json") for d in (person_draw, company_draw)}

    for response in (listed, *pages.values(), *csvs.values(), *jsons.values()):
        assert response.status_code == 200
        assert _leaks(response.text) == [], response.url
    for response in jsons.values():  # as a reader's program decodes it, escapes and all
        assert _leaks(json.dumps(response.json(), ensure_ascii=False)) == []

    # Each holder is there to leak from: the person by surname, the company by its full name.
    for draw_id, number, holder in ((person_draw, PERSON_LICENCE, PERSON_MASKED),
                                    (company_draw, COMPANY_LICENCE, COMPANY)):
        page = soup(pages[draw_id])
        assert [td.get_text(strip=True) for td in page.select("#targets .holder")] == [holder]
        assert one(page, f'li[data-licence="{number}"] .result').get_text(strip=True).startswith("发现问题已责令整改")
        rows = list(csv.reader(io.StringIO(csvs[draw_id].text.lstrip("\ufeff"))))
        assert [(r[3], r[4]) for r in rows[1:]] == [(holder, number)]
        data = jsons[draw_id].json()
        assert sorted(data["targets"]) == [[PERSON_LICENCE, PERSON_MASKED], [COMPANY_LICENCE, COMPANY]]
        assert [(r["licence_number"], r["holder"]) for r in data["results"]] == [(number, holder)]
