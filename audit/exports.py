"""CSV and XLSX of any table, and the export log.

Exports mask ID numbers. Only an administrator may ask for them unmasked, and
every export, masked or not, is logged with who asked, what and when.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy import insert
from sqlalchemy.engine import Connection

from audit.inert import inert
from audit.models import AuditExport
from audit.tables import Table, cell
from workflows import errors
from workflows.db import core_table
from workflows.office import Actor

FORMATS = ("csv", "xlsx", "json")
log = logging.getLogger("onevisit.audit")
CSV_BOM = "\ufeff"  # Excel opens UTF-8 CSV as such only with the byte-order mark


def may_unmask(actor: Actor, unmask: bool) -> bool:
    """Unmasked ID numbers are an administrator's explicit request; anyone else asking is refused."""
    if unmask and not actor.has("admin"):
        raise errors.UnmaskForbidden()
    return unmask


def log_export(conn: Connection, *, actor: Actor, export: str, fmt: str, unmasked: bool,
               params: Mapping[str, Any], now: dt.datetime) -> None:
    """Record the export; the caller commits, before the file leaves the server."""
    if unmasked:
        log.warning("unmasked export %s.%s by %s: %s", export, fmt, actor.username, dict(params))
    conn.execute(insert(core_table(AuditExport)).values(at=now, username=actor.username, export=export, fmt=fmt,
                                                       unmasked=unmasked, params=dict(params)))


def csv_chunks(table: Table, every: int = 1000) -> Iterator[str]:
    """The table as CSV text in chunks, so a long case list streams instead of filling memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(CSV_BOM)
    writer.writerow([inert(v) for v in table.columns])
    for i, row in enumerate(table.rows, 1):
        writer.writerow([inert(cell(v)) for v in row])
        if i % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# The number format of each kind of column (audit.tables.Table.kinds): rates are stored as fractions.
NUMBER_FORMATS = {"rate": "0.0%", "count": "0", "number": "0.0", "date": "yyyy-mm-dd"}
# Widths in Excel's character units: a CJK character takes two; dates and rates need room for their digits.
MIN_WIDTHS = {"date": 12, "rate": 9, "count": 8, "number": 8, "text": 10}


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def xlsx_bytes(table: Table) -> bytes:
    """The table as one sheet: numbers, rates and dates as typed cells with their formats, columns wide enough
    for their headers, the header row frozen; every text cell stays text (no formula survives)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.freeze_panes = "A2"
    for i, name in enumerate(table.columns):
        letter = get_column_letter(i + 1)
        sheet.column_dimensions[letter].width = max(_width(name) + 2, MIN_WIDTHS.get(table.kind(i), 10))
    sheet.append([_xlsx_cell(sheet, v, "text") for v in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, v, table.kind(i)) for i, v in enumerate(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: Any, kind: str) -> Any:
    """Text as a string cell, always: openpyxl would otherwise store any text starting with = as a formula."""
    if isinstance(value, str):
        written = WriteOnlyCell(sheet, value=inert(value))
        written.data_type = "s"
        return written
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    typed = WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.date) and kind != "date":
        typed.number_format = NUMBER_FORMATS["date"]
    elif kind in NUMBER_FORMATS:
        typed.number_format = NUMBER_FORMATS[kind]
    return typed


def json_rows(table: Table) -> dict[str, Any]:
    return {"name": table.name, "title": table.title, "columns": list(table.columns),
            "rows": [[cell(v) for v in row] for row in table.rows]}
