"""QR codes on guides and papers, with segno.

segno is pure Python (no Pillow, no C library), implements the whole of
ISO/IEC 18004, and writes SVG directly, so the code stays a crisp vector in
the PDF at any print size. The URLs are built here, from the one public base
URL in the settings, so the page, the paper and the tests agree on them.
"""

from __future__ import annotations

from urllib.parse import urlencode

import segno

STATUS_PATH = "/public/status"  # the public case status lookup (windows/public.py)


def guide_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/guides/{code}"


def status_url(base_url: str, receipt_no: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}{STATUS_PATH}"
    return f"{url}?{urlencode({'receipt_no': receipt_no})}" if receipt_no else url


def qr_code(payload: str) -> segno.QRCode:
    # Level M survives a crease or a stamp across the corner of a printed page.
    return segno.make(payload, error="m", micro=False, boost_error=False)


def qr_data_uri(payload: str) -> str:
    """An SVG data URI that both browsers and WeasyPrint show as an image."""
    return qr_code(payload).svg_data_uri(scale=4, border=2, dark="#000", light="#fff")
