"""Typed contexts of the staff pages: what each template may show, computed from the engine's read side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from collections.abc import Callable, Mapping

from sqlmodel import Session

from workflows.deadline_marks import DUE_SOON_WORKDAYS, MARK_LABELS, OVERDUE
from workflows.demands import Demand, open_demands, tolerated_gap_dues
from workflows.localtime import cn_day
from windows.actions import is_dangerous, labels_for, widgets_for
from workflows import accounts, case_windows, errors, intake, kiosk, outbox, queries, ratings
from workflows import action_kinds as kinds
from workflows.definition import CHANNEL_LABELS, DELIVERY_LABELS, Channel, Delivery
from workflows.identity import mask_id, mask_phone
from workflows.machine import FINAL_STATES
from workflows.models import Case
from workflows.timeline import TimelineEntry, timeline
from workflows.office import Actor, Office
from workflows.action_kinds import VISIT_CAUSES, VISIT_PURPOSES

NEAR_DAYS = DUE_SOON_WORKDAYS  # working days left at which a case is flagged as near its deadline
PapersFor = Callable[[Case], list[tuple[str, str]]]  # (kind, title): guides.papers.paper_list


def channel_label(value: str | None) -> str:
    if value is not None and value in Channel._value2member_map_:
        return CHANNEL_LABELS.get(Channel(value), value)
    return value or ""


def delivery_label(value: str | None) -> str:
    if value is not None and value in Delivery._value2member_map_:
        return DELIVERY_LABELS.get(Delivery(value), value)
    return value or ""


# ---- queue and lists ---------------------------------------------------------------

@dataclass(frozen=True)
class CaseRow:  # one per listed case
    case_id: int
    receipt_no: str
    matter_name: str
    applicant_name: str
    applicant_id: str  # masked
    state_label: str
    promised_due: dt.date | None
    left: int | None  # working days to the promised deadline; negative when overdue
    provisional: bool
    paused: bool
    mark: str | None = None  # the morning's 已超期 / 即将超期 mark (queue rows only)
    by_mark: bool = False  # urgency from the stored mark (the queue), not from `left` (search)

    @property
    def urgency(self) -> str:
        if self.by_mark and self.mark:
            return "overdue" if self.mark == OVERDUE else "near"
        if self.left is None:
            return "none"
        if self.by_mark:
            return "normal"
        return "overdue" if self.left < 0 else ("near" if self.left <= NEAR_DAYS else "normal")

    @property
    def mark_label(self) -> str:
        return MARK_LABELS.get(self.mark or "", "")


def case_row(office: Office, case: queries.CaseListing, deadlines: queries.DeadlineView) -> CaseRow:
    matter = office.matter_of(case)
    return CaseRow(case.id, case.receipt_no, matter.definition.name, case.applicant_name,
                   mask_id(case.applicant_id_no), matter.compiled.state_label(case.state), case.promised_due,
                   deadlines.promised_left, case.due_provisional, deadlines.paused)


def case_rows(office: Office, cases: list[queries.CaseListing]) -> list[CaseRow]:
    return [case_row(office, c, d) for c, d in zip(cases, queries.deadline_views(office, cases), strict=True)]


def queue_rows(office: Office, cases: list[queries.QueueListing]) -> list[CaseRow]:
    """In the queue's order (the morning's 已超期 then 即将超期 marks, then the soonest limits), each
    marked row with the working days its mark was computed with, the others counted here."""
    unmarked = [c for c in cases if c.mark is None]
    views = dict(zip((c.id for c in unmarked), queries.deadline_views(office, unmarked), strict=True))
    rows = []
    for c in cases:
        if c.mark is None:
            rows.append(replace(case_row(office, c, views[c.id]), by_mark=True))
        else:
            matter = office.matter_of(c)
            rows.append(CaseRow(c.id, c.receipt_no, matter.definition.name, c.applicant_name,
                                mask_id(c.applicant_id_no), matter.compiled.state_label(c.state), c.promised_due,
                                c.mark_left, c.due_provisional, False, mark=c.mark, by_mark=True))
    return rows


@dataclass(frozen=True)
class OwedItem:
    name: str
    due: dt.date


@dataclass(frozen=True)
class WaitingRow:
    """A case waiting on the applicant, as the 等待申请人 tab lists it."""

    case_id: int
    receipt_no: str
    matter_name: str
    applicant_name: str
    phone: str  # in full: the clerk rings the applicant
    kind_label: str  # 补正 / 容缺补齐
    owed: tuple[OwedItem, ...]
    one_due: bool  # every item is due the same day, so the row's deadline says it for each
    due: dt.date | None  # the earliest deadline of the items owed
    left: int | None  # working days to it; negative once past
    overdue: bool

    @property
    def urgency(self) -> str:
        if self.overdue:
            return "overdue"
        return "near" if self.left is not None and self.left <= NEAR_DAYS else "normal"


def waiting_rows(office: Office, waiting: list[queries.WaitingCase]) -> list[WaitingRow]:
    rows = []
    for w in waiting:
        c = w.case
        owed = tuple(OwedItem(d.name, d.due) for d in w.demands)
        rows.append(WaitingRow(c.id, c.receipt_no, office.matter_of(c).definition.name, c.applicant_name,
                               c.applicant_phone, w.kind_label, owed, len({d.due for d in owed}) <= 1, w.due, w.left,
                               w.overdue))
    return rows


# ---- case page ----------------------------------------------------------------------

@dataclass(frozen=True)
class GapDue:
    name: str
    due: dt.date
    provisional: bool
    channels: str



@dataclass(frozen=True)
class ActionForm:
    trigger: str
    label: str
    blocked: str | None
    widgets: tuple[str, ...]
    danger: bool
    error: errors.DomainError | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # field labels, from the action's declared input


@dataclass(frozen=True)
class PaperLink:
    kind: str
    label: str
    href: str


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class CasePage:
    view: queries.CaseView
    title: str
    received_at: dt.datetime  # office time
    clerk_name: str
    applicant_id: str
    agent_id: str
    channel: str
    delivery: str
    forms: list[ActionForm]
    events: list[TimelineEntry]
    visits: list[TimelineEntry]
    open_gaps: list[Option]
    notice_items: list[Option]
    gap_dues: list[GapDue]  # when each gap would fall due if accepted with tolerance today
    visit_purposes: list[Option]
    visit_causes: list[Option]
    papers: list[PaperLink]
    can_print: bool
    conflict: str | None
    error: errors.DomainError | None
    is_final: bool
    owed: list[Demand] = field(default_factory=list)  # what the applicant still has to send, by when
    today: dt.date | None = None
    window: str = ""  # the window the case belongs to now, by name
    intake_window: str = ""  # the window that took it in
    transfer_windows: list[Option] = field(default_factory=list)  # where a 转办 may send it
    other_window: str | None = None  # why a clerk at another window sees no action, when so
    messages: list[outbox.MessageLine] = field(default_factory=list)  # the text messages to the applicant
    no_messages: str | None = None  # why the applicant gets none, when so
    visit_ratings: dict[int, str] = field(default_factory=dict)  # a visit's event seq -> its 一次一评, by level
    may_open_kiosk: bool = False  # the 窗口评价器 button beside each visit not yet rated
    kiosk_minutes: int = kiosk.KIOSK_MINUTES  # how long the kiosk's link lasts



def _forms(view: queries.CaseView, failed: str | None, error: errors.DomainError | None,
           values: Mapping[str, str]) -> list[ActionForm]:
    forms = [
        ActionForm(choice.trigger, choice.action.label, choice.blocked, widgets_for(choice.trigger),
                   is_dangerous(choice.trigger), error if choice.trigger == failed else None,
                   values if choice.trigger == failed else {}, labels_for(choice.trigger))
        for choice in view.actions if not kinds.RECEIVE.matches(choice.trigger)
    ]
    chosen = kinds.DELIVER.trigger_for(view.case.delivery_method or "")
    # What the clerk can do now comes first (the delivery chosen at intake before the others);
    # the long checklist and the exits (撤回, 终止) last.
    return sorted(forms, key=lambda f: (f.blocked is not None, kinds.DELIVER.matches(f.trigger) and f.trigger != chosen,
                                        "materials" in f.widgets, f.danger))


def _shown_on_a_form(view: queries.CaseView, failed: str | None) -> bool:
    return failed is not None and any(choice.trigger == failed for choice in view.actions)


def _papers(case: Case, papers_for: PapersFor) -> list[PaperLink]:
    return [PaperLink(k, title, f"/papers/{case.id}/{k}.pdf") for k, title in papers_for(case)]


def case_page(*, session: Session, office: Office, case: Case, actor: Actor, papers_for: PapersFor,
              can_print: bool = True, failed: str | None = None, error: errors.DomainError | None = None,
              values: Mapping[str, str] | None = None, conflict: str | None = None) -> CasePage:
    view = queries.case_view(session=session, office=office, case=case, actor=actor)
    definition = view.matter.definition
    names = accounts.staff_names(session, [case.clerk, *(e.actor for e in view.events)])
    events = timeline(view.matter, view.events, time=office.time, names=names)
    gaps = case.progress.get("gaps", {})
    messages, no_messages = outbox.case_messages(session, case)
    notice = view.verdict.notice_items() if view.verdict else []
    tolerable = view.verdict is not None and view.verdict.outcome is intake.Outcome.TOLERATE
    return CasePage(
        view=view, title=f"{definition.name} · {case.receipt_no}", received_at=office.time.local(case.received_at),
        clerk_name=names.get(case.clerk, case.clerk),
        applicant_id=mask_id(case.applicant_id_no), agent_id=mask_id(case.agent_id_no),
        channel=channel_label(case.channel), delivery=delivery_label(case.delivery_method),
        forms=_forms(view, failed, error if failed else None, values or {}),
        events=events, visits=[e for e in events if e.visit],
        open_gaps=[Option(m, f"{definition.material(m).name}（{cn_day(dt.date.fromisoformat(due))}前）")
                   for m, due in sorted(gaps.items())],
        notice_items=[Option(i["material"], f"{definition.material(i['material']).name}：{i['problem']}")
                      for i in notice],
        gap_dues=gap_deadlines(office, definition, view.verdict) if tolerable and view.verdict else [],
        visit_purposes=[Option(p, p) for p in VISIT_PURPOSES],
        visit_causes=[Option(k, v) for k, v in VISIT_CAUSES.items()],
        papers=_papers(case, papers_for) if can_print else [],
        can_print=can_print,
        conflict=conflict, error=None if _shown_on_a_form(view, failed) else error,
        is_final=case.state in FINAL_STATES,
        owed=open_demands(definition, case), today=office.today(),
        messages=messages, no_messages=no_messages,
        visit_ratings={seq: ratings.level_label(r.level)
                       for seq, r in ratings.ratings_of(session=session, case_id=case.id or 0).items() if r.of_visit},
        may_open_kiosk=kiosk.may_open(actor) and case.id is not None,
        **_window_facts(office, case, actor, view.events),
    )


def _window_facts(office: Office, case: Case, actor: Actor, events) -> dict:
    took_in = (events[0].payload or {}).get("window") if events else None
    return {
        "window": case_windows.window_label(office, case.window),
        "intake_window": case_windows.window_label(office, took_in or case.window),
        "transfer_windows": [Option(w.code, f"{w.name}（{w.code}）")
                             for w in case_windows.transfer_targets(office, case)],
        "other_window": (f"本办件由{case_windows.window_label(office, case.window)}办理，您所在的窗口不能办理；"
                         "如需由您办理，请该窗口或综合窗口将其转办到您的窗口。")
        if actor.has(case_windows.WINDOW_ROLE) and case.state not in FINAL_STATES
        and not case_windows.may_act_at_window(office, case, actor) else None,
    }


# ---- intake ---------------------------------------------------------------------------

INTAKE_CHOICES = {
    intake.Outcome.ACCEPT: (kinds.ACCEPT.trigger, kinds.REFUSE.trigger),
    intake.Outcome.TOLERATE: (kinds.ACCEPT_TOLERATED.trigger, kinds.NOTIFY.trigger, kinds.REFUSE.trigger),
    intake.Outcome.NOTIFY: (kinds.NOTIFY.trigger, kinds.REFUSE.trigger),
    intake.Outcome.REFUSE: (kinds.REFUSE.trigger,),
}
# The confirm buttons: the action's own label after 确认收件并.
INTAKE_LABELS = {kind.trigger: f"确认收件并{kind.label}" for kind in (kinds.ACCEPT, kinds.ACCEPT_TOLERATED,
                                                                    kinds.NOTIFY, kinds.REFUSE)}


def gap_deadlines(office: Office, definition, verdict: intake.Verdict) -> list[GapDue]:
    """When each tolerated gap would fall due if the case were accepted today."""
    dues = tolerated_gap_dues(office, definition, verdict, office.today())
    return [GapDue(definition.material(material).name, due.due, due.provisional,
                   "、".join(CHANNEL_LABELS[Channel(c)] for c in definition.material(material).tolerance.channels))
            for material, due in dues.items()]


def known_applicant(office: Office, found: queries.ApplicantOnFile | None) -> dict:
    """The intake page's look-up answer: the values that fill the form on the clerk's word, and the same
    masked for the offer the clerk reads first. Empty values are left out: they fill nothing."""
    if found is None:
        return {"found": False}
    fill = {"applicant_kind": found.kind, "applicant_name": found.name, "applicant_phone": found.phone,
            "agent_name": found.agent_name, "agent_id_no": found.agent_id_no}
    try:
        matter = office.catalogue.get(found.matter_code).definition.name
    except errors.NotFound:  # a matter since taken out of the catalogue
        matter = found.matter_code
    agent = f"{found.agent_name} {mask_id(found.agent_id_no)}".strip()
    return {
        "found": True,
        "fill": {name: value for name, value in fill.items() if value},
        "shown": {"kind": "个人" if found.kind == "person" else "单位", "name": found.name,
                  "phone": mask_phone(found.phone), "agent": agent,
                  "source": f"{cn_day(found.received_on)}{matter}，收件编号 {found.receipt_no}"},
    }
