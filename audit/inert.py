"""Text that a spreadsheet shows and never runs: the one rule every CSV and XLSX export applies to its cells.

A cell whose text begins with =, +, -, @, a tab or a carriage return is read by
Excel, WPS and LibreOffice as a formula (`=1+2+cmd|' /C calc'!A0` in an
applicant's name would run on the auditor's machine). Following OWASP's
CSV-injection guidance, such text is prefixed with a single quote, so it shows
as typed. Only text is touched: numbers we write (counts, rates, working days)
stay numbers, negative ones included.
"""

from __future__ import annotations

from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value
