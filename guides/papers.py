"""Counter papers for one case: which ones its history calls for, and their PDFs.

Every paper is built from the case row and its event log (what the engine
recorded), never from what a clerk types at print time: the 一次性告知书 lists
exactly the items of the notify event, the 容缺受理通知书 exactly the gaps of
the accept_tolerated event. Each paper is dated by the event it records, so a
reprint is identical to the first print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Callable

from jinja2 import Environment
from sqlmodel import Session

from guides.pdf import PdfRenderer, default_renderer
from guides.qr import qr_data_uri, status_url
from workflows import errors
from workflows import progress as pg
from workflows.definition import CHANNEL_LABELS, DELIVERY_LABELS, Channel, Delivery, MatterDefinition
from workflows.identity import mask_id, mask_phone
from workflows.machine import DELIVERING, CLOSED, REFUSED
from workflows.models import Case, CaseEvent
from workflows.office import CHINA, Office
from workflows.queries import events_of


class PaperKind(StrEnum):
    RECEIPT = "receipt"
    NOTICE = "notice"
    TOLERANCE = "tolerance"
    REFUSAL = "refusal"
    DECISION = "decision"
    SERVICE_RECORD = "service_record"


class PaperUnknown(errors.NotFound):
    code = "paper-unknown"
    message = "没有这种文书"


class PaperNotCalledFor(errors.Conflict):
    code = "paper-not-called-for"
    message = "该办件的办理记录中没有需要出具此文书的环节"


REMEDIES = ("如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议（《中华人民共和国行政复议法》第二十条），"
            "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。")


def papers_for(case: Case) -> list[PaperKind]:
    """The papers this case's history calls for, in the order they are handed out.

    The case's progress is the fold of its events (workflows/progress.py), so
    it answers for the history: a notice was issued, gaps were tolerated.
    """
    kinds = [PaperKind.RECEIPT]
    if case.progress.get("notices", 0) > 0:
        kinds.append(PaperKind.NOTICE)
    statuses = {entry.get("status") for entry in case.progress.get("materials", {}).values()}
    if statuses & {pg.TOLERATED, pg.SUPPLIED}:
        kinds.append(PaperKind.TOLERANCE)
    if case.state == REFUSED:
        kinds.append(PaperKind.REFUSAL)
    if case.outcome in ("approved", "denied"):
        kinds.append(PaperKind.DECISION)
    if case.state == REFUSED or (case.outcome in ("approved", "denied") and case.state in (DELIVERING, CLOSED)):
        kinds.append(PaperKind.SERVICE_RECORD)
    return kinds


# ---- typed contexts -------------------------------------------------------------

@dataclass(frozen=True)
class Party:
    name: str
    kind_label: str  # 个人 / 单位
    id_label: str  # 居民身份证号码 / 统一社会信用代码
    id_no: str  # full only on papers handed to the applicant themself
    phone: str  # always masked: the applicant knows their own number
    agent_name: str | None
    agent_id_no: str | None


@dataclass(frozen=True)
class PaperHeader:
    office_name: str
    title: str
    doc_no: str
    receipt_no: str
    issued_on: dt.date
    matter_name: str
    authority: str
    party: Party
    status_url: str
    status_qr: str


@dataclass(frozen=True)
class MaterialLine:
    name: str
    status: str
    counts: str


@dataclass(frozen=True)
class NoticeItem:
    name: str
    problem: str
    channels: str


@dataclass(frozen=True)
class GapItem:
    name: str
    due: dt.date
    channels: str


@dataclass(frozen=True)
class PaperContext:
    """Everything one paper shows; fields unused by a kind stay empty."""

    h: PaperHeader
    d: MatterDefinition
    case: Case
    materials: tuple[MaterialLine, ...] = ()
    items: tuple[NoticeItem, ...] = ()
    gaps: tuple[GapItem, ...] = ()
    reason: str = ""
    remedies: str = REMEDIES
    approved: bool = False
    delivery: str = ""
    delivered_on: dt.date | None = None
    tracking_no: str = ""
    address: str = ""
    served_document: str = ""
    pledge_party: Party | None = None


@dataclass(frozen=True)
class PaperSpec:
    template: str
    # Whether the paper is handed to the applicant themself: only then may their
    # ID number be printed in full. Receipt, notice, tolerance notice, refusal and
    # decision go to the applicant; the 送达回证 (and the signed 承诺书 page) stay
    # in the office's file, so they carry the masked number.
    to_applicant: bool
    build: Callable[..., dict[str, Any]]


# ---- helpers --------------------------------------------------------------------

def local_date(at: dt.datetime) -> dt.date:
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(CHINA).date()


def _last(events: list[CaseEvent], *prefixes: str) -> CaseEvent | None:
    return next((e for e in reversed(events) if e.action.startswith(prefixes)), None)


def _party(case: Case, full_id: bool) -> Party:
    person = case.applicant_kind == "person"
    show = (lambda v: v or "") if full_id else mask_id
    return Party(case.applicant_name, "个人" if person else "单位", "居民身份证号码" if person else "统一社会信用代码",
                 show(case.applicant_id_no), mask_phone(case.applicant_phone), case.agent_name,
                 show(case.agent_id_no) if case.agent_id_no else None)


def _channels(channels) -> str:
    return "、".join(CHANNEL_LABELS[Channel(c)] for c in channels)


def _counts(originals: int, copies: int) -> str:
    return "，".join(p for p in (f"原件 {originals} 份" if originals else "", f"复印件 {copies} 份" if copies else "") if p)


# ---- one builder per kind: (definition, case, events) -> fields and the date ------

def _receipt(d: MatterDefinition, case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    accept = _last(events, "accept")
    lines = tuple(MaterialLine(m.name, pg.STATUS_LABELS[pg.status_of(case.progress, m.id)], _counts(m.originals, m.copies))
                  for m in d.materials if m.id in case.progress["materials"])
    on = local_date(accept.at) if accept else local_date(case.received_at)
    return {"materials": lines, "issued_on": on, "title": "受理通知书" if accept else "收件凭证",
            "delivery": DELIVERY_LABELS[Delivery(case.delivery_method)] if case.delivery_method else ""}


def _notice(d: MatterDefinition, case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    event = _last(events, "notify")
    channels = _channels(d.application_channels)
    items = tuple(NoticeItem(d.material(i["material"]).name, i["problem"], channels) for i in event.payload["items"])
    return {"items": items, "issued_on": local_date(event.at), "title": "一次性告知书"}


def _tolerance(d: MatterDefinition, case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    event = _last(events, "accept_tolerated")
    gaps = tuple(GapItem(d.material(m).name, dt.date.fromisoformat(due), _channels(d.material(m).tolerance.channels))
                 for m, due in event.payload["gaps"].items())
    return {"gaps": gaps, "issued_on": local_date(event.at), "title": "容缺受理通知书",
            "pledge_party": _party(case, full_id=False)}


def _refusal(d: MatterDefinition, case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    event = _last(events, "refuse")
    return {"reason": event.payload.get("reason", ""), "issued_on": local_date(event.at), "title": "不予受理决定书"}


def _decision(d: MatterDefinition, case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    event = _last(events, "decide_")
    approved = event.action == "decide_approve"
    return {"approved": approved, "reason": event.payload.get("reason", event.payload.get("note", "")),
            "issued_on": local_date(event.at), "title": "准予许可决定书" if approved else "不予许可决定书"}


def _service_record(d: MatterDefinition, case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    delivered = _last(events, "deliver_")
    decided = _last(events, "decide_", "refuse")
    if case.state == REFUSED:
        served = "不予受理决定书"
    elif case.outcome == "approved":
        served = f"准予许可决定书、{d.result.name}"
    else:
        served = "不予许可决定书"
    method = Delivery(delivered.payload["method"]) if delivered else Delivery(case.delivery_method or "window")
    return {"served_document": served, "issued_on": local_date(decided.at), "title": "送达回证",
            "delivery": DELIVERY_LABELS[method], "delivered_on": local_date(delivered.at) if delivered else None,
            "tracking_no": (delivered.payload.get("tracking_no", "") if delivered else ""),
            "address": case.delivery_address or ""}


SPECS: dict[PaperKind, PaperSpec] = {
    PaperKind.RECEIPT: PaperSpec("papers/receipt.html", True, _receipt),
    PaperKind.NOTICE: PaperSpec("papers/notice.html", True, _notice),
    PaperKind.TOLERANCE: PaperSpec("papers/tolerance.html", True, _tolerance),
    PaperKind.REFUSAL: PaperSpec("papers/refusal.html", True, _refusal),
    PaperKind.DECISION: PaperSpec("papers/decision.html", True, _decision),
    PaperKind.SERVICE_RECORD: PaperSpec("papers/service_record.html", False, _service_record),
}


def paper_kind(value: str) -> PaperKind:
    try:
        return PaperKind(value)
    except ValueError:
        raise PaperUnknown(f"没有这种文书：{value}", field="kind") from None


def paper_context(*, session: Session, office: Office, case: Case, kind: PaperKind | str, office_name: str,
                  base_url: str) -> PaperContext:
    kind = paper_kind(kind)
    if kind not in papers_for(case):
        raise PaperNotCalledFor()
    spec = SPECS[kind]
    d = office.matter_of(case).definition
    fields = spec.build(d, case, events_of(session, case.id))
    lookup = status_url(base_url, case.receipt_no)
    header = PaperHeader(
        office_name=office_name, title=fields.pop("title"), doc_no=f"{case.receipt_no}-{kind.value}",
        receipt_no=case.receipt_no, issued_on=fields.pop("issued_on"), matter_name=d.name, authority=d.authority,
        party=_party(case, full_id=spec.to_applicant), status_url=lookup, status_qr=qr_data_uri(lookup),
    )
    return PaperContext(h=header, d=d, case=case, **fields)


def paper_html(*, session: Session, office: Office, case: Case, kind: PaperKind | str, templates: Environment,
               settings) -> str:
    context = paper_context(session=session, office=office, case=case, kind=kind, office_name=settings.office_name,
                            base_url=settings.public_base_url)
    return templates.get_template(SPECS[paper_kind(kind)].template).render(p=context)


def render_paper(*, session: Session, office: Office, case: Case, kind: PaperKind | str, templates: Environment,
                 settings, renderer: PdfRenderer | None = None) -> bytes:
    """The paper as an A4 PDF. `settings` supplies office_name and public_base_url."""
    html = paper_html(session=session, office=office, case=case, kind=kind, templates=templates, settings=settings)
    return (renderer or default_renderer()).render(html)
