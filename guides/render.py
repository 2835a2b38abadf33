"""Guides, 简版 checklists and the booklet: HTML from the shared templates, PDF from it.

`GuideRenderer` is built once per application (or per build worker) with the
shared Jinja2 environment; it keeps the flow diagrams by version key and the
PDF renderer with its one font configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import Environment

from guides.cache import content_key, templates_digest
from guides.context import INDISPENSABLE, GuideContext, guide_context
from guides.flow import FlowDiagrams
from guides.pdf import PdfRenderer, default_renderer
from workflows.catalogue import MatterVersion

GUIDE = "guide"
CHECKLIST = "checklist"
TEMPLATES = {GUIDE: "guides/guide.html", CHECKLIST: "guides/checklist.html"}


@dataclass
class GuideRenderer:
    env: Environment
    base_url: str
    diagrams: FlowDiagrams = field(default_factory=FlowDiagrams)
    pdf: PdfRenderer | None = None
    digest: str = field(default_factory=templates_digest)

    def key(self, version: MatterVersion, kind: str = GUIDE) -> str:
        """The content hash a rendered guide of this version and kind is stored under."""
        return content_key(version.key, kind, self.digest, self.base_url)

    def context(self, version: MatterVersion, *, screen: bool = False) -> GuideContext:
        href = f"/guides/{version.code}/flow.svg" if screen else None
        return guide_context(version, base_url=self.base_url, flow_svg=self.diagrams.svg(version), flow_href=href)

    def html(self, version: MatterVersion, kind: str = GUIDE, *, screen: bool = False) -> str:
        template = self.env.get_template(TEMPLATES[kind])
        return template.render(g=self.context(version, screen=screen), screen=screen, indispensable=INDISPENSABLE)

    def pdf_bytes(self, version: MatterVersion, kind: str = GUIDE) -> bytes:
        return self._pdf().render(self.html(version, kind))

    def booklet_html(self, versions: list[MatterVersion], *, title: str, office_name: str) -> str:
        guides = [self.context(v) for v in versions]
        return self.env.get_template("guides/booklet.html").render(
            guides=guides, title=title, office_name=office_name, screen=False, indispensable=INDISPENSABLE)

    def booklet_key(self, versions: list[MatterVersion], *, title: str, office_name: str) -> str:
        return content_key("booklet", title, office_name, self.digest, self.base_url, *(v.key for v in versions))

    def booklet_pdf(self, versions: list[MatterVersion], *, title: str, office_name: str) -> bytes:
        return self._pdf().render(self.booklet_html(versions, title=title, office_name=office_name))

    def _pdf(self) -> PdfRenderer:
        if self.pdf is None:
            self.pdf = default_renderer()
        return self.pdf
