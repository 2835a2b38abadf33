"""回避 of last period's inspectors follows the holder, not the licence number: a holder whose licence was
renewed (延续: a new number, the same 统一社会信用代码) since last period's draw is paired in this period's
published 回避 list with every inspector of last period's team, under its new number, and none of them is
drawn to it whatever the public value; both draws still verify."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from inspections import draws
from inspections.models import LICENCES
from inspections.register import RENEWED, VALID, continue_older
from tests.inspection_support import add_inspectors, add_licences, announce_and_run
from tests.page_helpers import NOW

RENEWED_NUMBER = "浙嘉交运管许可货字〔2026〕第00001号"


def _renew(session, office, old_number: str) -> str:
    """What a 准予 of the holder's 延续 application does: a new licence, a new number, the old one 已延续."""
    conn = session.connection()
    old = conn.execute(select(LICENCES).where(LICENCES.c.number == old_number)).mappings().one()
    today = office.today()
    new_id = conn.execute(insert(LICENCES).returning(LICENCES.c.id), {
        "number": RENEWED_NUMBER, "matter_code": old["matter_code"], "case_id": None,
        "holder_kind": old["holder_kind"], "holder_name": old["holder_name"], "holder_id_no": old["holder_id_no"],
        "holder_phone": None, "issued_on": today, "validity": "4年", "term_kind": "years",
        "expires_on": today + dt.timedelta(days=4 * 365), "status": VALID, "source": "import",
        "recorded_at": NOW}).scalar_one()
    continue_older(conn, licence_id=new_id, number=RENEWED_NUMBER, matter_code=old["matter_code"],
                   holder_id_no=old["holder_id_no"], issued_on=today, at=office.now(), actor="approver1")
    session.commit()
    status = session.connection().execute(select(LICENCES.c.status).where(LICENCES.c.id == old["id"])).scalar_one()
    assert status == RENEWED
    return RENEWED_NUMBER


def test_last_periods_inspectors_never_meet_the_holder_under_its_renewed_licence(session, office, clock):
    # The holder's only licence expires on 2026-12-19, within the 延续 window of a grant in late November;
    # the item has no other target, so last period's draw takes it (5 % of 1, rounded up).
    [old_number] = add_licences(session, 1, issued_on=dt.date(2022, 12, 20))
    add_inspectors(session, 5)
    last_draw = announce_and_run(session, office, clock, period="2025")
    [[drawn, last_team]] = draws.record(session=session, draw_id=last_draw)["assignments"]
    assert drawn == old_number
    clock.advance(days=1)
    new_number = _renew(session, office, old_number)

    this_draw = announce_and_run(session, office, clock, period="2026")
    row = draws.record(session=session, draw_id=this_draw)

    assert [t[0] for t in row["targets"]] == [new_number]  # the renewed licence is the only one 有效
    assert {(cert, new_number) for cert in last_team} <= {tuple(p) for p in row["avoid"]}
    [[target, team]] = row["assignments"]
    assert target == new_number and not set(team) & set(last_team)
    for value in (f"{3400 + n / 100:.2f}" for n in range(200)):  # whatever the public value had been
        _, assignments = draws.compute(row, value)
        assert not set(assignments[0][1]) & set(last_team)
    assert draws.verify(session=session, draw_id=last_draw).matches
    assert draws.verify(session=session, draw_id=this_draw).matches
