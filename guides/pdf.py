"""HTML → A4 PDF with WeasyPrint, one font configuration per process.

Every PDF of the project (guides, counter papers, the booklet, the auditor's
monthly report) goes through `render_pdf`, so all of them share the Noto CJK
font setup, WeasyPrint's font configuration and its image cache. Before the
first render the system is checked: a missing Pango, HarfBuzz subsetter, CJK
font or graphviz stops the work with the one apt-get line that fixes it.

Another document (the auditor's monthly report) renders its template from the
shared environment, puts `{% include "guides/_print.css" %}` in a <style> of
its head (A4, Noto CJK on `html`, "第 X 页 共 Y 页", bordered tables), and calls
`render_pdf(html)`.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Any

# Bump when Python code changes what a guide looks like; it is part of every cache key.
RENDERER_VERSION = "guides-2026.11.4"

# Debian package that provides each thing we need, in the order they are checked.
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
APT_PACKAGES = {
    "pango": "libpango-1.0-0 libpangoft2-1.0-0",
    "harfbuzz-subset": "libharfbuzz-subset0",
    "fonts": "fonts-noto-cjk",
    "graphviz": "graphviz",
}


class SystemPackagesMissing(RuntimeError):
    """Raised with a one-line instruction naming the Debian packages to install."""

    def __init__(self, packages: list[str]):
        self.packages = packages
        super().__init__(f"缺少生成 PDF 所需的系统软件包，请先运行：sudo apt-get install -y {' '.join(packages)}")


def _pango_and_subsetter() -> list[str]:
    try:
        from weasyprint.text import ffi
    except OSError:  # WeasyPrint cannot even load Pango
        return [APT_PACKAGES["pango"], APT_PACKAGES["harfbuzz-subset"]]
    # Without the subsetter WeasyPrint falls back to fontTools: ~40x slower on CJK fonts.
    return [] if ffi.harfbuzz_subset is not None else [APT_PACKAGES["harfbuzz-subset"]]


def _fonts() -> list[str]:
    if shutil.which("fc-list") is None:
        return [APT_PACKAGES["fonts"]]
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return [] if all(family in listed for family in FONT_FAMILIES) else [APT_PACKAGES["fonts"]]


def missing_system_packages() -> list[str]:
    """The Debian packages (as apt-get arguments) still to install; empty when all is there."""
    missing = _pango_and_subsetter() + _fonts()
    if shutil.which("dot") is None:
        missing.append(APT_PACKAGES["graphviz"])
    return missing


@functools.cache
def _checked_once() -> tuple[str, ...]:
    return tuple(missing_system_packages())


def require_system() -> None:
    """Stop with the one-line instruction when a system package is missing (checked once per process)."""
    missing = _checked_once()
    if missing:
        raise SystemPackagesMissing(list(missing))


@dataclass
class PdfRenderer:
    """Owns WeasyPrint's FontConfiguration and image cache, shared by every document it renders.

    Pango is not safe to drive from two threads at once, so renders are serialised;
    parallelism comes from processes (`guides build`), each with its own renderer.
    """

    font_config: Any = None
    cache: dict = field(default_factory=dict)
    _stylesheets: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        require_system()
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from guides.fonts import font_face_rules, print_faces

        self.font_config = self.font_config or FontConfiguration()
        # The GB 2312 cuts of Noto CJK SC (guides/fonts.py), registered in this font
        # configuration once: every document rendered with it can name them.
        CSS(string=font_face_rules(print_faces()), font_config=self.font_config)

    def stylesheet(self, css: str) -> Any:
        """`css` parsed once into WeasyPrint's CSS (rules, selectors), then reused by every document.

        A <style> in the HTML is tokenised, validated and compiled again for each
        document: for _print.css about 60 M instructions of a 2,600 M guide (callgrind).
        """
        parsed = self._stylesheets.get(css)
        if parsed is None:
            from weasyprint import CSS

            parsed = self._stylesheets[css] = CSS(string=css, font_config=self.font_config)
        return parsed

    def document(self, html: str, base_url: str | None = None, *, css: str | None = None):
        """The laid-out document (pages, bookmarks) before it is written out."""
        from weasyprint import HTML

        with self._lock:
            return HTML(string=html, base_url=base_url).render(
                font_config=self.font_config, cache=self.cache, stylesheets=self._sheets(css))

    def render(self, html: str, base_url: str | None = None, *, css: str | None = None) -> bytes:
        """HTML → PDF bytes; `css`, when given, is applied after the document's own styles."""
        from weasyprint import HTML

        with self._lock:
            return HTML(string=html, base_url=base_url).write_pdf(
                font_config=self.font_config, cache=self.cache, stylesheets=self._sheets(css))

    def _sheets(self, css: str | None) -> list[Any] | None:
        return [self.stylesheet(css)] if css else None


@functools.cache
def default_renderer() -> PdfRenderer:
    """The process's renderer, made on first use (never at import)."""
    return PdfRenderer()


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """Any HTML rendered from the shared templates → PDF bytes, with the shared font setup."""
    return default_renderer().render(html, base_url)
