"""Looking inside the PDFs we make: text, page sizes, embedded fonts, WeasyPrint warnings.

Used by the tests and the benchmark. Extracted text alone cannot prove the
Chinese printed: with no CJK font installed the text layer is still perfect
while every glyph prints as a box. So a check also needs the fonts actually
embedded, and WeasyPrint's own `.notdef` warnings.
"""

from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from collections.abc import Iterator

from pypdf import PdfReader

A4_MM = (210.0, 297.0)
_PT_TO_MM = 25.4 / 72
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class EmbeddedFont:
    name: str  # e.g. "ABCDEF+Noto-Sans-CJK-SC-Bold"
    embedded: bool
    subset: bool  # the six-letter tag before "+" marks a subset


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]


def flat_text(pdf: bytes) -> str:
    """All text with every whitespace removed, since table cells wrap CJK lines anywhere."""
    return _SPACE.sub("", "".join(page_texts(pdf)))


def flat(text: str) -> str:
    return _SPACE.sub("", text)


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    return [(round(float(p.mediabox.width) * _PT_TO_MM, 1), round(float(p.mediabox.height) * _PT_TO_MM, 1))
            for p in reader(pdf).pages]


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    fonts: dict[str, EmbeddedFont] = {}
    for page in reader(pdf).pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = (target.get("/FontDescriptor") or {})
            descriptor = descriptor.get_object() if hasattr(descriptor, "get_object") else descriptor
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[name] = EmbeddedFont(name, embedded, bool(re.match(r"^[A-Z]{6}\+", name)))
    return list(fonts.values())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Collect every warning WeasyPrint logs (missing glyphs, unloadable fonts, slow subsetting)."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
