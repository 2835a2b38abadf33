"""The announced 执法检查人员名录 is in Unicode code point order, as the published scheme and verify demand,
even where the database's collation orders 执法证号 otherwise (PostgreSQL on a non-C locale puts 'ab…'
before 'AC…'): a genuine draw with mixed-case 执法证号 verifies."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from inspections import draws
from inspections.draw_tables import INSPECTORS
from tests.conftest import ON_POSTGRES
from tests.inspection_support import add_inspectors, add_licences, announce_and_run

CERT_NOS = ["ab0001", "AC0002", "ad0003"]
CODE_POINT_ORDER = ["AC0002", "ab0001", "ad0003"]  # 'A' (U+0041) comes before 'a' (U+0061)
COLLATED_ORDER = ["ab0001", "AC0002", "ad0003"]  # what a case-insensitive collation gives


@pytest.fixture
def case_insensitive_cert_numbers(session):
    """The inspectors' 执法证号 column ordered as a bureau's database with a linguistic collation orders it."""
    conn = session.connection()
    if ON_POSTGRES:
        conn.execute(text('ALTER TABLE inspectors ALTER COLUMN cert_no TYPE VARCHAR(32) COLLATE "und-x-icu"'))
    else:  # SQLite cannot change a column's collation: the table, still empty, is made again with NOCASE
        created = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'inspectors'"))
        ddl = created.scalar_one()
        nocase = ddl.replace("cert_no VARCHAR(32) NOT NULL", "cert_no VARCHAR(32) COLLATE NOCASE NOT NULL")
        assert nocase != ddl
        conn.execute(text("DROP TABLE inspectors"))
        conn.execute(text(nocase))
    session.commit()
    yield
    if ON_POSTGRES:  # the PostgreSQL test database is shared by the session's tests: give the column back
        session.rollback()
        session.connection().execute(
            text('ALTER TABLE inspectors ALTER COLUMN cert_no TYPE VARCHAR(32) COLLATE "default"'))
        session.commit()


def test_mixed_case_cert_numbers_are_announced_in_code_point_order_and_the_draw_verifies(
        session, office, clock, case_insensitive_cert_numbers):
    add_licences(session, 20)
    add_inspectors(session, 3, cert_nos=CERT_NOS)
    by_database = session.connection().execute(select(INSPECTORS.c.cert_no).order_by(INSPECTORS.c.cert_no))
    assert list(by_database.scalars()) == COLLATED_ORDER  # the database's own order is not the published one

    draw_id = announce_and_run(session, office, clock)

    verification = draws.verify(session=session, draw_id=draw_id)
    assert verification.matches, [check for check in verification.checks if not check[1]]
    assert [i[0] for i in draws.record(session=session, draw_id=draw_id)["inspectors"]] == CODE_POINT_ORDER
