"""Cases recorded before the document register get the numbers the register would have given them.

The register's migration (0005) numbers the papers of existing events in the order they
happened. Downgrading past it drops the register; upgrading again must give every
paper back exactly the number it was first printed with, decisions of a 备案 in the
备 series.
"""

from __future__ import annotations

from alembic import command
from sqlmodel import select

from tests.support import STAFF, open_complete, run_to_close
from workflows import cases
from workflows.db import alembic_config, session as new_session, upgrade
from workflows.documents import CaseDocument


def numbers(engine) -> set[tuple]:
    with new_session(engine) as s:
        return {(d.case_id, d.event_seq, d.kind, d.series, d.year, d.serial) for d in s.exec(select(CaseDocument))}


def test_the_backfill_gives_every_paper_the_number_it_was_issued_with(engine, session, office, clock):
    notified = open_complete(session, office, "road-freight-licence", missing=("driver_documents",))
    clock.advance(minutes=5)
    cases.issue_correction_notice(session=session, office=office, case=notified, clerk=STAFF.clerk)
    for code in ("vehicle-repair-filing", "oversize-transport-permit"):
        clock.advance(minutes=5)
        run_to_close(session, office, open_complete(session, office, code))
    clock.advance(minutes=5)
    refused = open_complete(session, office, "port-operation-licence")
    clock.advance(minutes=5)
    cases.refuse_case(session=session, office=office, case=refused, clerk=STAFF.clerk, reason="岸线未经批准")
    session.close()
    issued = numbers(engine)
    series_seen = {series for _case, _seq, _kind, series, _year, _serial in issued}
    assert series_seen >= {"收", "补", "受", "备", "许", "不受", "送"}

    command.downgrade(alembic_config(engine), "0004")
    upgrade(engine)

    assert numbers(engine) == issued
