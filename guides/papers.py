"""Counter papers for one case: which ones its history calls for, and their PDFs.

Every paper is built from the case row, its event log (what the engine
recorded) and the office profile, never from what a clerk types at print
time: the 一次性告知书 lists exactly the items of the notify event with its
补正期限, the 容缺受理通知书 exactly the gaps of the accept_tolerated event.
Each paper is dated by the event that issued it and carries the number the
document register gave it then (workflows/documents.py), so a reprint is
identical to the first print. Materials that do not apply to the case are left
off; every demand says by when and, for each way it may be sent, exactly how.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from jinja2 import Environment
from sqlmodel import Session

from guides.pdf import PdfRenderer, default_renderer
from guides.qr import qr_data_uri, status_url
from workflows import accounts, errors, intake
from workflows import action_kinds as ak
from workflows import progress as pg
from workflows.decisions import DECISION_WORDING, DecisionWording, IntakeBasis, intake_basis
from workflows.definition import DELIVERY_LABELS, Delivery, MatterDefinition
from workflows.demands import Demand, Way, correction_due, gap_demands, notice_demands, owed_channels, ways
from workflows.action_kinds import DocumentKind
from workflows.documents import doc_no, documents_of
from workflows.identity import mask_id, mask_phone
from workflows.machine import CLOSED, DELIVERING, REFUSED, TERMINATED
from workflows.models import Case, CaseEvent
from workflows.office import Office
from workflows.profile import OfficeProfile, ServiceWindowInfo
from workflows.queries import events_of

PaperKind = DocumentKind  # a paper is the printed form of one registered document


PaperUnknown, PaperNotCalledFor = errors.PaperUnknown, errors.PaperNotCalledFor  # defined with every other error


REMEDIES = ("如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议（《中华人民共和国行政复议法》第二十条），"
            "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。")


def was_tolerated(case: Case) -> bool:
    statuses = {entry.get("status") for entry in case.progress.get("materials", {}).values()}
    return bool(statuses & {pg.TOLERATED, pg.SUPPLIED})


def papers_for(case: Case) -> list[PaperKind]:
    """The papers this case's history calls for, in the order they are handed out.

    The case's progress is the fold of its events (workflows/progress.py), so
    it answers for the history: a notice was issued, gaps were tolerated.
    """
    kinds = [PaperKind.RECEIPT]
    if case.progress.get("notices", 0) > 0:
        kinds.append(PaperKind.NOTICE)
    if case.accepted_on is not None:
        kinds.append(PaperKind.ACCEPTANCE)
    if case.state == REFUSED:
        kinds.append(PaperKind.REFUSAL)
    if case.outcome in ("approved", "denied"):
        kinds.append(PaperKind.DECISION)
    if case.state == REFUSED or (case.outcome in ("approved", "denied") and case.state in (DELIVERING, CLOSED)):
        kinds.append(PaperKind.SERVICE_RECORD)
    if case.state == TERMINATED:
        kinds.append(PaperKind.TERMINATION)
    return kinds


def paper_list(office: Office, case: Case) -> list[tuple[PaperKind, str]]:
    """`papers_for` with each paper's title for this case, for buttons and the API."""
    definition = office.matter_of(case).definition
    return [(kind, paper_title(case, kind, definition)) for kind in papers_for(case)]


def paper_title(case: Case, kind: PaperKind, definition: MatterDefinition) -> str:
    """What the paper is called, for this case: the button says what the paper will say."""
    if kind is PaperKind.ACCEPTANCE:
        return "容缺受理通知书" if was_tolerated(case) else "受理通知书"
    if kind is PaperKind.DECISION:
        wording = DECISION_WORDING[definition.matter_type]
        return wording.approved_title if case.outcome == "approved" else wording.denied_title
    return TITLES[kind]




TITLES = {
    PaperKind.RECEIPT: "收件凭证",
    PaperKind.NOTICE: "一次性告知书",
    PaperKind.REFUSAL: "不予受理决定书",
    PaperKind.SERVICE_RECORD: "送达回证",
    PaperKind.TERMINATION: "终止办理告知书",
}


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
    you: str  # 你 to a person, 你单位 to a unit


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
    handled_by: str  # the member of staff who took the step, by name
    window_phone: str  # where the applicant can call about this paper
    status_url: str
    status_qr: str


@dataclass(frozen=True)
class MaterialLine:
    name: str
    counts: str
    status: str


@dataclass(frozen=True)
class PaperContext:
    """Everything one paper shows; fields unused by a kind stay empty."""

    h: PaperHeader
    d: MatterDefinition
    case: Case
    office: OfficeProfile
    received_at: dt.datetime  # the first submission, office time
    materials: tuple[MaterialLine, ...] = ()
    demands: tuple[Demand, ...] = ()  # the corrections or gaps asked for
    due: dt.date | None = None  # one deadline for all corrections (一次性告知书)
    ways: tuple[Way, ...] = ()  # how each demand may be sent
    tolerated: bool = False
    reason: str = ""
    remedies: str = REMEDIES
    approved: bool = False
    delivery: str = ""
    delivered_on: dt.date | None = None
    tracking_no: str = ""
    address: str = ""
    served_document: str = ""
    pledge_party: Party | None = None
    default: bool = False  # a termination for gaps not filled in time
    wording: DecisionWording | None = None  # how this kind of matter's decision is phrased
    basis: IntakeBasis | None = None  # the law the intake papers cite: 行政许可法 only for a 行政许可


@dataclass(frozen=True)
class PaperSpec:
    template: str
    # Whether the paper is handed to the applicant themself: only then may their
    # ID number be printed in full. The 送达回证 stays in the office's file, so it
    # carries the masked number (as does the office's copy of the signed 承诺书).
    to_applicant: bool
    issued_by: Callable[[list[CaseEvent]], CaseEvent | None]
    build: Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Facts:
    """What a builder reads: the matter, the case, its events, the office."""

    d: MatterDefinition
    case: Case
    events: list[CaseEvent]
    office: Office

    def progress_after(self, seq: int) -> pg.Progress:
        progress = pg.empty()
        for e in self.events:
            if e.seq > seq:
                break
            progress = pg.evolve(progress, e.action, e.payload)
        return progress

    def ways(self, channels) -> tuple[Way, ...]:
        return ways(self.office.profile, self.d.code, channels, self.case.receipt_no)


# ---- helpers --------------------------------------------------------------------

def _last_of(*kinds: ak.ActionKind) -> Callable[[list[CaseEvent]], CaseEvent | None]:
    def find(events: list[CaseEvent]) -> CaseEvent | None:
        return next((e for e in reversed(events) if ak.kind_of(e.action) in kinds), None)

    return find


def _issuing(paper: DocumentKind) -> Callable[[list[CaseEvent]], CaseEvent | None]:
    """The last event of an action declared to issue this paper."""
    return _last_of(*(kind for kind in ak.KINDS if any(p.kind is paper for p in kind.papers)))


def _party(case: Case, full_id: bool) -> Party:
    person = case.applicant_kind == "person"
    show = (lambda v: v or "") if full_id else mask_id
    return Party(case.applicant_name, "个人" if person else "单位", "居民身份证号码" if person else "统一社会信用代码",
                 show(case.applicant_id_no), mask_phone(case.applicant_phone), case.agent_name,
                 show(case.agent_id_no) if case.agent_id_no else None, "你" if person else "你单位")


def _counts(originals: int, copies: int) -> str:
    parts = (f"原件 {originals} 份" if originals else "", f"复印件 {copies} 份" if copies else "")
    return "，".join(p for p in parts if p)


def _material_lines(d: MatterDefinition, case: Case, progress: pg.Progress) -> tuple[MaterialLine, ...]:
    """The materials that apply to this case: what was handed in, and what a required one still lacks.

    One that does not apply (an agent's mandate when the applicant came in person) is left
    off, and an optional one only appears when it was handed in: nobody owes either.
    """
    lines = []
    for m in d.materials:
        status = pg.status_of(progress, m.id)
        if not intake.applies(m, case.data) or (not intake.required(m, case.data) and status not in pg.PRESENT):
            continue
        label = pg.STATUS_LABELS[status]
        note = progress["materials"].get(m.id, {}).get("note", "")
        if status == pg.DEFECTIVE and note:
            label += f"：{note}"
        lines.append(MaterialLine(m.name, _counts(m.originals, m.copies), label))
    return tuple(lines)


def _delivery(case: Case) -> str:
    return DELIVERY_LABELS[Delivery(case.delivery_method)] if case.delivery_method else ""


# ---- one builder per kind: facts and the issuing event -> the kind's fields -------------

def _receipt(f: Facts, event: CaseEvent) -> dict[str, Any]:
    return {"materials": _material_lines(f.d, f.case, f.progress_after(event.seq))}


def _acceptance(f: Facts, event: CaseEvent) -> dict[str, Any]:
    fields: dict[str, Any] = {"materials": _material_lines(f.d, f.case, f.progress_after(event.seq)),
                              "delivery": _delivery(f.case)}
    if ak.is_kind(event.action, ak.ACCEPT_TOLERATED):
        demands = tuple(gap_demands(f.d, event.payload["gaps"]))
        fields |= {"tolerated": True, "demands": demands, "ways": f.ways(owed_channels(demands)),
                   "pledge_party": _party(f.case, full_id=False)}
    return fields


def _notice(f: Facts, event: CaseEvent) -> dict[str, Any]:
    on = f.office.time.date(event.at)
    # Notices recorded before the 补正期限 was stored get it by the same rule, from their own date.
    due = dt.date.fromisoformat(event.payload["due"]) if "due" in event.payload else correction_due(f.office, on)
    demands = tuple(notice_demands(f.d, event.payload["items"], due))
    return {"demands": demands, "due": due, "ways": f.ways(f.d.application_channels)}


def _refusal(f: Facts, event: CaseEvent) -> dict[str, Any]:
    return {"reason": event.payload.get("reason", "")}


def _decision(f: Facts, event: CaseEvent) -> dict[str, Any]:
    approved = ak.is_kind(event.action, ak.DECIDE_APPROVE)
    return {"approved": approved, "reason": event.payload.get("reason", event.payload.get("note", "")),
            "wording": DECISION_WORDING[f.d.matter_type]}


def _service_record(f: Facts, event: CaseEvent) -> dict[str, Any]:
    delivered = _last_of(ak.DELIVER)(f.events)
    wording = DECISION_WORDING[f.d.matter_type]
    if ak.is_kind(event.action, ak.REFUSE):
        served = "不予受理决定书"
    elif ak.is_kind(event.action, ak.DECIDE_APPROVE):
        served = f"{wording.approved_title}、{f.d.result.name}"
    else:
        served = wording.denied_title
    method = Delivery(delivered.payload["method"]) if delivered else Delivery(f.case.delivery_method or "window")
    return {"served_document": served, "delivery": DELIVERY_LABELS[method],
            "delivered_on": f.office.time.date(delivered.at) if delivered else None,
            "tracking_no": (delivered.payload.get("tracking_no", "") if delivered else ""),
            "address": _served_at(f, method, delivered)}


def _served_at(f: Facts, method: Delivery, delivered: CaseEvent | None) -> str:
    if method is Delivery.MAIL:
        return (delivered.payload.get("address") if delivered else None) or f.case.delivery_address or ""
    if method is Delivery.ELECTRONIC:
        online = f.office.profile.online
        return f"电子证照，发送至申请人在{online.name}的账户" if online else "电子证照"
    windows = f.office.profile.windows_for(f.d.code)
    return f"{f.office.profile.hall.name}（{f.office.profile.hall.address}）{windows[0].name}"


def _termination(f: Facts, event: CaseEvent) -> dict[str, Any]:
    default = event.actor == "system" and bool(f.progress_after(event.seq - 1)["gaps"])
    fields: dict[str, Any] = {"reason": event.payload.get("reason", ""), "default": default,
                              "tolerated": was_tolerated(f.case),
                              "remedies": REMEDIES.replace("本决定书", "本告知书")}
    if default:
        fields["demands"] = tuple(gap_demands(f.d, f.progress_after(event.seq - 1)["gaps"]))
    return fields


SPECS: dict[PaperKind, PaperSpec] = {
    PaperKind.RECEIPT: PaperSpec("papers/receipt.html", True, _issuing(PaperKind.RECEIPT), _receipt),
    PaperKind.ACCEPTANCE: PaperSpec("papers/acceptance.html", True, _issuing(PaperKind.ACCEPTANCE), _acceptance),
    PaperKind.NOTICE: PaperSpec("papers/notice.html", True, _issuing(PaperKind.NOTICE), _notice),
    PaperKind.REFUSAL: PaperSpec("papers/refusal.html", True, _issuing(PaperKind.REFUSAL), _refusal),
    PaperKind.DECISION: PaperSpec("papers/decision.html", True, _issuing(PaperKind.DECISION), _decision),
    PaperKind.SERVICE_RECORD: PaperSpec("papers/service_record.html", False, _issuing(PaperKind.SERVICE_RECORD),
                                        _service_record),
    PaperKind.TERMINATION: PaperSpec("papers/termination.html", True, _issuing(PaperKind.TERMINATION), _termination),
}


def paper_kind(value: str) -> PaperKind:
    try:
        return PaperKind(value)
    except ValueError:
        raise PaperUnknown(f"没有这种文书：{value}", field="kind") from None


def paper_context(*, session: Session, office: Office, case: Case, kind: PaperKind | str,
                  base_url: str) -> PaperContext:
    kind = paper_kind(kind)
    if kind not in papers_for(case):
        raise PaperNotCalledFor()
    spec = SPECS[kind]
    d = office.matter_of(case).definition
    assert case.id is not None, "a case a paper is asked for has been stored"
    events = events_of(session, case.id)
    event = spec.issued_by(events)
    if event is None:  # papers_for and the log disagree: a case written around the engine
        raise PaperNotCalledFor()
    fields = spec.build(Facts(d, case, events, office), event)
    profile = office.profile
    document = documents_of(session, case.id).get((event.seq, kind.value))
    if document is None:
        raise RuntimeError(f"办件 {case.receipt_no} 第 {event.seq} 步的{paper_title(case, kind, d)}没有登记文书编号"
                           "（文书登记未安装：办公室须由 workflows.bootstrap.load_office 建立）")
    lookup = status_url(base_url, case.receipt_no)
    windows = profile.windows_for(d.code)
    header = PaperHeader(
        office_name=profile.name, title=paper_title(case, kind, d),
        doc_no=doc_no(profile.document_prefix, document.series, document.year, document.serial),
        receipt_no=case.receipt_no, issued_on=office.time.date(event.at), matter_name=d.name, authority=d.authority,
        party=_party(case, full_id=spec.to_applicant), handled_by=_staff_name(session, event.actor),
        window_phone=_window_phone(windows, case.window), status_url=lookup, status_qr=qr_data_uri(lookup),
    )
    return PaperContext(h=header, d=d, case=case, office=profile, received_at=office.time.local(case.received_at),
                        basis=intake_basis(d), **fields)


def _staff_name(session: Session, username: str) -> str:
    """The member of staff by name; a step the system took (a default swept) has none to name."""
    if username == "system":
        return ""
    return accounts.staff_names(session, [username]).get(username, username)


def _window_phone(windows: list[ServiceWindowInfo], code: str | None) -> str:
    chosen = next((w for w in windows if w.code == code), windows[0])
    return chosen.phone


def paper_html(*, session: Session, office: Office, case: Case, kind: PaperKind | str, templates: Environment,
               base_url: str) -> str:
    context = paper_context(session=session, office=office, case=case, kind=kind, base_url=base_url)
    return templates.get_template(SPECS[paper_kind(kind)].template).render(p=context)


def render_paper(*, session: Session, office: Office, case: Case, kind: PaperKind | str, templates: Environment,
                 base_url: str, renderer: PdfRenderer | None = None) -> bytes:
    """The paper as an A4 PDF; QR codes and links point at `base_url`, the service's public address."""
    html = paper_html(session=session, office=office, case=case, kind=kind, templates=templates, base_url=base_url)
    return (renderer or default_renderer()).render(html)

