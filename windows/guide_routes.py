"""HTTP routes of the guides: public guide pages and PDFs, staff-only counter papers.

guides/ renders; this module answers requests with what it renders.

    GET /guides/{code}                 the guide as a web page (public)
    GET /guides/{code}.pdf             the A4 guide (public, cached by content hash)
    GET /guides/{code}/checklist       the 简版 checklist (public), and .pdf
    GET /guides/{code}/flow.svg        the flow diagram drawn from the state machine
    GET /guides/booklet.pdf            every guide in one booklet with contents and bookmarks
    GET /papers/{case_id}/{kind}.pdf   a counter paper (clerk, reviewer, approver, admin)
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from guides.cache import PdfCache
from guides.papers import paper_kind, paper_title, render_paper
from guides.pdf import SystemPackagesMissing, require_system
from guides.render import BOOKLET_TITLE, CHECKLIST, GUIDE, GuideRenderer, GuideService
from windows.api_route import AnsweredInThread
from windows.deps import CaseDep, OfficeDep, PaperDep, SessionDep
from windows.render_threads import on_render_threads
from workflows.catalogue import MatterVersion
from workflows.office import Office

# Its routes are async (public, reading no database) or on the render threads, which load who is asking and
# the case there (windows.api_route); the route class keeps that so for any route added here.
router = APIRouter(route_class=AnsweredInThread, tags=["guides"])


def install(app: FastAPI) -> None:
    settings = app.state.settings
    renderer = GuideRenderer(app.state.templates, app.state.public_base_url, app.state.office.profile)
    app.state.guides = GuideService(renderer, PdfCache(settings.guide_cache_dir))
    app.include_router(router)


def _service(request: Request) -> GuideService:
    return request.app.state.guides


def _version(office: Office, code: str) -> MatterVersion:
    return office.catalogue.get(code)  # UnknownMatter → 404 in windows/errors.py


def _pdf(request: Request, data: bytes, filename: str, etag: str | None = None) -> Response:
    headers = {"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}"}
    if etag is None:
        headers["Cache-Control"] = "no-store"  # papers carry personal data
        return Response(data, media_type="application/pdf", headers=headers)
    headers |= {"ETag": f'"{etag}"', "Cache-Control": "public, max-age=300"}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="application/pdf", headers=headers)


def _file(media_type: str, description: str) -> dict:
    """The OpenAPI answer of a download: its real media type, and the plain-text 503 when a system package is missing."""
    return {200: {"description": description, "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}},
            503: {"description": "服务器缺少生成文件所需的系统软件包（说明其名称）",
                  "content": {"text/plain": {"schema": {"type": "string"}}}}}


PDF = _file("application/pdf", "A4 PDF")
_ERROR = {"text/html": {"schema": {"type": "string"}},
          "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
NO_MATTER = {404: {"description": "事项目录中没有该事项（unknown-matter）", "content": _ERROR}}
PAPER_ERRORS = {303: {"description": "未登录的浏览器被转到登录页"},
                401: {"description": "未登录，或接口令牌无效", "content": _ERROR},
                403: {"description": "岗位无权打印文书", "content": _ERROR},
                404: {"description": "办件不存在，或没有这种文书", "content": _ERROR},
                409: {"description": "办件目前没有这份文书（paper-not-called-for）", "content": _ERROR}}


def _missing(exc: SystemPackagesMissing) -> PlainTextResponse:
    return PlainTextResponse(str(exc), status_code=503)


@router.get("/guides/booklet.pdf", name="guide_booklet", response_class=Response, responses=PDF)
@on_render_threads
def booklet(request: Request, office: OfficeDep):
    try:
        require_system()
        data, key = _service(request).booklet_pdf(office.catalogue.matters())
    except SystemPackagesMissing as exc:
        return _missing(exc)
    return _pdf(request, data, f"{BOOKLET_TITLE}.pdf", key)


@router.get("/guides/{code}.pdf", name="guide_pdf", response_class=Response, responses=PDF | NO_MATTER)
@on_render_threads
def guide_pdf(request: Request, code: str, office: OfficeDep):
    return _guide_pdf(request, _version(office, code), GUIDE)


@router.get("/guides/{code}/checklist.pdf", name="guide_checklist_pdf", response_class=Response,
            responses=PDF | NO_MATTER)
@on_render_threads
def checklist_pdf(request: Request, code: str, office: OfficeDep):
    return _guide_pdf(request, _version(office, code), CHECKLIST)


def _guide_pdf(request: Request, version: MatterVersion, kind: str) -> Response:
    try:
        require_system()
        data, key = _service(request).guide_pdf(version, kind)
    except SystemPackagesMissing as exc:
        return _missing(exc)
    label = "办事指南" if kind == GUIDE else "材料清单（简版）"
    return _pdf(request, data, f"{version.definition.name}{label}.pdf", key)


@router.get("/guides/{code}/flow.svg", name="guide_flow", response_class=Response,
            responses={200: {"description": "办理流程图（SVG）", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}}
            | NO_MATTER)
def flow_svg(request: Request, code: str, office: OfficeDep):
    svg = _service(request).renderer.diagrams.svg(_version(office, code))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=300"})


@router.get("/guides/{code}/checklist", response_class=HTMLResponse, name="guide_checklist", responses=NO_MATTER)
def checklist_page(request: Request, code: str, office: OfficeDep):
    return HTMLResponse(_service(request).renderer.html(_version(office, code), CHECKLIST, screen=True))


@router.get("/guides/{code}", response_class=HTMLResponse, name="guide_page", responses=NO_MATTER)
def guide_page(request: Request, code: str, office: OfficeDep):
    return HTMLResponse(_service(request).renderer.html(_version(office, code), GUIDE, screen=True))


@router.get("/papers/{case_id}/{kind}.pdf", name="paper_pdf", response_class=Response,
            responses=PDF | PAPER_ERRORS)
@on_render_threads
def paper_pdf(request: Request, kind: str, actor: PaperDep, case: CaseDep, session: SessionDep, office: OfficeDep):
    try:
        require_system()
        data = render_paper(session=session, office=office, case=case, kind=kind,
                            templates=request.app.state.templates, base_url=request.app.state.public_base_url)
    except SystemPackagesMissing as exc:
        return _missing(exc)
    title = paper_title(case, paper_kind(kind), office.matter_of(case).definition)
    return _pdf(request, data, f"{title}-{case.receipt_no}.pdf")
