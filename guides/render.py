"""Guides, 简版 checklists and the booklet: HTML from the shared templates, PDF from it.

`GuideRenderer` is built once per application (or per build worker) with the
shared Jinja2 environment; it keeps the flow diagrams by version key and the
PDF renderer with its one font configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import Environment

from guides.cache import PdfCache, content_key, templates_digest
from guides.context import INDISPENSABLE, GuideContext, guide_context
from guides.flow import FlowDiagrams
from guides.pdf import PdfRenderer, default_renderer
from workflows.catalogue import MatterVersion
from workflows.profile import OfficeProfile

GUIDE = "guide"
CHECKLIST = "checklist"
TEMPLATES = {GUIDE: "guides/guide.html", CHECKLIST: "guides/checklist.html"}
PRINT_CSS = "guides/_print.css"
BOOKLET_TITLE = "交通运输政务服务事项办事指南汇编"


@dataclass
class GuideRenderer:
    env: Environment
    base_url: str
    profile: OfficeProfile  # where and when to come, which windows and phones: printed in every guide
    diagrams: FlowDiagrams = field(default_factory=FlowDiagrams)
    pdf: PdfRenderer | None = None
    digest: str = field(default_factory=templates_digest)

    def key(self, version: MatterVersion, kind: str = GUIDE) -> str:
        """The content hash a rendered guide of this version and kind is stored under."""
        return content_key(version.key, kind, self.digest, self.base_url, self._profile_key)

    @property
    def _profile_key(self) -> str:
        return self.profile.model_dump_json()

    def context(self, version: MatterVersion, *, screen: bool = False) -> GuideContext:
        href = f"/guides/{version.code}/flow.svg" if screen else None
        return guide_context(version, base_url=self.base_url, profile=self.profile, flow_svg=self.diagrams.svg(version),
                             flow_href=href)

    def html(self, version: MatterVersion, kind: str = GUIDE, *, screen: bool = False,
             print_css_apart: bool = False) -> str:
        """The page's HTML; with `print_css_apart` without its copy of _print.css (the PDF renderer adds it)."""
        template = self.env.get_template(TEMPLATES[kind])
        return template.render(g=self.context(version, screen=screen), screen=screen, indispensable=INDISPENSABLE,
                               print_css_apart=print_css_apart)

    def pdf_bytes(self, version: MatterVersion, kind: str = GUIDE) -> bytes:
        return self._pdf().render(self.html(version, kind, print_css_apart=True), css=self.print_css())

    def print_css(self) -> str:
        """_print.css as the templates would include it; the PDF renderer keeps it parsed by this text."""
        return self.env.get_template(PRINT_CSS).render()

    def booklet_html(self, versions: list[MatterVersion], *, title: str, print_css_apart: bool = False) -> str:
        guides = [self.context(v) for v in versions]
        return self.env.get_template("guides/booklet.html").render(
            guides=guides, title=title, office_name=self.profile.name, screen=False, indispensable=INDISPENSABLE,
            print_css_apart=print_css_apart)

    def booklet_key(self, versions: list[MatterVersion], *, title: str) -> str:
        return content_key("booklet", title, self.digest, self.base_url, self._profile_key, *(v.key for v in versions))

    def booklet_pdf(self, versions: list[MatterVersion], *, title: str) -> bytes:
        html = self.booklet_html(versions, title=title, print_css_apart=True)
        return self._pdf().render(html, css=self.print_css())

    def _pdf(self) -> PdfRenderer:
        if self.pdf is None:
            self.pdf = default_renderer()
        return self.pdf


@dataclass
class GuideService:
    """One application's guides: the renderer (diagrams, fonts) and the on-disk PDF cache it fills."""

    renderer: GuideRenderer
    cache: PdfCache

    def guide_pdf(self, version: MatterVersion, kind: str) -> tuple[bytes, str]:
        key = self.renderer.key(version, kind)
        pdf = self.cache.get_or_render(f"{version.code}-{kind}", key, lambda: self.renderer.pdf_bytes(version, kind))
        return pdf, key

    def booklet_pdf(self, versions: list[MatterVersion]) -> tuple[bytes, str]:
        key = self.renderer.booklet_key(versions, title=BOOKLET_TITLE)
        pdf = self.cache.get_or_render("booklet", key, lambda: self.renderer.booklet_pdf(versions, title=BOOKLET_TITLE))
        return pdf, key
