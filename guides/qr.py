"""QR codes on guides and papers, with segno.

segno is pure Python, implements the whole of ISO/IEC 18004, and writes PNG
itself. A code is drawn as a 1-bit PNG with one pixel per module, shown with
`image-rendering: pixelated` (_print.css): WeasyPrint then marks the image
/Interpolate false, so every module prints as a sharp square at any size, and
the page draws one image instead of parsing an SVG path of hundreds of
segments in every document (about 70 M instructions of a 2,650 M guide,
callgrind). The URLs are built here, from the one public base URL in the
settings, so the page, the paper and the tests agree on them.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

import segno

STATUS_PATH = "/public/status"  # the public case status lookup (windows/public.py)
QUIET_ZONE = 2  # modules of white around the code; the cell's padding adds more


def guide_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/guides/{code}"


def status_url(base_url: str, receipt_no: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}{STATUS_PATH}"
    return f"{url}?{urlencode({'receipt_no': receipt_no})}" if receipt_no else url


def qr_code(payload: str) -> segno.QRCode:
    # Level M survives a crease or a stamp across the corner of a printed page.
    return segno.make(payload, error="m", micro=False, boost_error=False)


@functools.lru_cache(maxsize=256)
def qr_data_uri(payload: str) -> str:
    """A 1-bit PNG data URI, one pixel per module, that browsers and WeasyPrint both show.

    Cached: the same few URLs (each guide, the status lookup) recur in every
    document, and encoding one costs segno a few milliseconds.
    """
    return qr_code(payload).png_data_uri(scale=1, border=QUIET_ZONE)
