"""Every CSV and XLSX export shows hostile text as text: a cell that would start with =, +, -, @, tab or CR
is prefixed with ' (OWASP's CSV-injection rule), and every XLSX text cell is a string cell, never a formula.
Numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from audit.exports import csv_chunks, xlsx_bytes
from audit.inert import FORMULA_LEADS
from audit.tables import Table
from tests.page_helpers import add_staff, client_as
from tests.support import STAFF, company, open_complete
from workflows import accounts, cases

NAME = "=1+2+cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
WINDOW = "@SUM(1+1)*cmd|' /C calc'!A0"
CLERK = "-2+3+cmd|' /C calc'!A0"
REASON = "\t=HYPERLINK(\"http://evil.invalid\")"  # names are trimmed; a written reason is not
SCOPE = "period=month&on=2026-11-25"
TABLE_EXPORTS = ["cases", "refusals", "windows", "clerks", "matters"]


@pytest.fixture
def hostile(session, office):
    """A received case and a refused one whose applicant, reason, window and clerk names are formulas."""
    add_staff(session)
    session.get(accounts.ServiceWindow, "W01").name = WINDOW
    session.get(accounts.StaffUser, STAFF.clerk.username).display_name = CLERK
    session.commit()
    open_complete(session, office, "road-freight-licence", applicant=company(NAME, "13900005678"))
    refused = open_complete(session, office, "road-freight-licence", applicant=company(PLUS, "13900001111"))
    cases.refuse_case(session=session, office=office, case=refused, clerk=STAFF.clerk, reason=REASON)


@pytest.fixture
def auditor(app, hostile):
    with client_as(app, "auditor") as browser:
        yield browser


def _export(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.content


def _csv_cells(content: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row]


def _xlsx_cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [c for row in sheet.iter_rows() for c in row if c.value is not None]


def _query(name: str) -> str:
    return SCOPE + ("&counter=opened" if name == "cases" else "")


@pytest.mark.parametrize("name", TABLE_EXPORTS)
def test_csv_table_exports_quote_every_cell_that_would_start_a_formula(auditor, name):
    cells = _csv_cells(_export(auditor, f"/audit/export/{name}.csv?{_query(name)}"))
    assert [c for c in cells if c.startswith(FORMULA_LEADS)] == []
    hostile = {"cases": [NAME, PLUS, REASON, CLERK], "refusals": [REASON], "windows": [WINDOW],
               "clerks": [CLERK], "matters": []}[name]
    for text in hostile:
        assert "'" + text in cells, (name, text)


@pytest.mark.parametrize("name", TABLE_EXPORTS)
def test_xlsx_table_exports_write_text_as_string_cells_never_formulas(auditor, name):
    cells = _xlsx_cells(_export(auditor, f"/audit/export/{name}.xlsx?{_query(name)}"))
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert {c.data_type for c in cells if isinstance(c.value, str)} == {"s"}
    assert [t for t in texts if t.startswith(FORMULA_LEADS)] == []
    assert all(c.data_type == "n" for c in cells if isinstance(c.value, (int, float)))
    if name == "cases":
        assert {"'" + NAME, "'" + PLUS, "'" + REASON, "'" + CLERK} <= set(texts)
        assert any(isinstance(c.value, int) and c.column == 11 for c in cells)  # 到现场次数 stays a number


def test_event_log_csv_quotes_every_cell_that_would_start_a_formula(app, session, office):
    add_staff(session)
    hostile_clerk = accounts.StaffUser(username="=cmd", display_name="x", password_hash="-", roles=["clerk"],
                                       window="W01", created_at=office.now())
    session.add(hostile_clerk)
    session.commit()
    clerk = accounts.actor_of(hostile_clerk)
    open_complete(session, office, "road-freight-licence", clerk=clerk, applicant=company(NAME, "13900005678"))
    with client_as(app, "auditor") as auditor:
        cells = _csv_cells(_export(auditor, "/audit/eventlog.csv"))
    assert "'=cmd" in cells
    assert [c for c in cells if c.startswith(FORMULA_LEADS)] == []


def test_numbers_stay_numbers_negative_ones_included_while_text_is_quoted():
    table = Table("t", "t", ("-列", "数"), [("-5", -5), ("=A1", 2.5), ("@x", 0)])
    rows = list(csv.reader(io.StringIO("".join(csv_chunks(table)).lstrip("\ufeff"))))
    assert rows == [["'-列", "数"], ["'-5", "-5"], ["'=A1", "2.5"], ["'@x", "0"]]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table))).worksheets[0]
    values = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    assert values == [[("'-列", "s"), ("数", "s")], [("'-5", "s"), (-5, "n")], [("'=A1", "s"), (2.5, "n")],
                      [("'@x", "s"), (0, "n")]]
