"""The text messages an applicant receives: which step sends which notice, and its words.

Each notice is one short template in plain Chinese with `${name}` placeholders, the
syntax the SMS provider's registered templates use too (workflows/sms.py sends the
template's code and these parameters; the file gateway writes the filled-in text).
A notice names the matter, the receipt number and the dates, never the applicant's
name or ID number. Which action sends which notice is the table `SENT_BY`, keyed
by the action's declaration (workflows/action_kinds.py); the reminders are queued
by date (workflows/outbox.py `queue_reminders`), not by an action, and so is the
licence holder's 延续提醒 (inspections/reminders.py, from the licence register).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from string import Template
from typing import Any

from workflows import action_kinds as kinds
from workflows.decisions import DECISION_WORDING
from workflows.definition import DELIVERY_LABELS, Delivery, MatterDefinition

LIMIT = 70  # characters in one SMS segment of Chinese text


class Notice(StrEnum):
    RECEIVED = "received"  # 收件
    CORRECTION = "correction"  # 一次性告知
    TOLERATED = "tolerated"  # 容缺受理
    GAP_REMINDER = "gap_reminder"  # 容缺材料补齐期限前一个工作日
    CORRECTION_REMINDER = "correction_reminder"  # 补正期限前一个工作日
    DECIDED = "decided"  # 决定：准予 / 不予
    MAILED = "mailed"  # 办结、送达：邮寄，带邮件号
    HANDED_OVER = "handed_over"  # 办结、送达：窗口领取、电子证照、当场领取
    TERMINATED = "terminated"  # 终止办理
    DEFAULTED = "defaulted"  # 终止办理：容缺材料逾期未补齐（the sweep's 终止, which may follow a 准予 decision）
    LICENCE_EXPIRING = "licence_expiring"  # 证照到期前：进入到期提醒期限时，延续申请截止之日（行政许可法第50条）


LABELS = {
    Notice.RECEIVED: "收件", Notice.CORRECTION: "一次性告知", Notice.TOLERATED: "容缺受理",
    Notice.GAP_REMINDER: "容缺补齐提醒", Notice.CORRECTION_REMINDER: "补正提醒", Notice.DECIDED: "决定",
    Notice.MAILED: "办结送达（邮寄）", Notice.HANDED_OVER: "办结送达", Notice.TERMINATED: "终止办理",
    Notice.DEFAULTED: "终止办理（容缺逾期）", Notice.LICENCE_EXPIRING: "延续提醒",
}

# The words. An operator registers each as a template at the SMS provider, with the same placeholders.
TEXTS: dict[Notice, Template] = {
    Notice.RECEIVED: Template("您的${matter}申请已收件，编号${receipt}。办理进度：${link}"),
    Notice.CORRECTION: Template("${matter}申请（编号${receipt}）需补正${items}，请于${due}前提交。"),
    Notice.TOLERATED: Template("${matter}申请（编号${receipt}）已容缺受理，请于${due}前补齐${items}。"),
    Notice.GAP_REMINDER: Template("提醒：${matter}（编号${receipt}）须于${due}前补齐${items}，逾期终止办理。"),
    Notice.CORRECTION_REMINDER: Template("提醒：${matter}申请（编号${receipt}）请于${due}前提交补正材料。"),
    Notice.DECIDED: Template("${matter}申请（编号${receipt}）已作出${result}决定。"),
    Notice.MAILED: Template("${matter}（编号${receipt}）已办结：${result}，结果已邮寄，EMS邮件号${tracking}。"),
    Notice.HANDED_OVER: Template("${matter}（编号${receipt}）已办结：${result}，结果已送达：${delivery}。"),
    Notice.TERMINATED: Template("${matter}申请（编号${receipt}）已终止办理，详询${phone}。"),
    Notice.DEFAULTED: Template("${matter}申请（编号${receipt}）因容缺材料逾期未补齐已终止办理，详询${phone}。"),
    Notice.LICENCE_EXPIRING: Template("您的${licence}将于${expires}到期，如需延续请于${due}前提出申请，详询${phone}。"),
}

# Which action's transition sends which notice (an action not named here sends none).
SENT_BY: dict[kinds.ActionKind, Notice] = {
    kinds.RECEIVE: Notice.RECEIVED,
    kinds.NOTIFY: Notice.CORRECTION,
    kinds.ACCEPT_TOLERATED: Notice.TOLERATED,
    kinds.DECIDE_APPROVE: Notice.DECIDED,
    kinds.DECIDE_DENY: Notice.DECIDED,
    kinds.DELIVER: Notice.HANDED_OVER,  # by mail: MAILED, with the tracking number (`notice_for`)
    kinds.TERMINATE: Notice.TERMINATED,
}


@dataclass(frozen=True)
class Draft:
    """A notice to write to the outbox: its kind and the template's parameters."""

    notice: Notice
    params: dict[str, str]

    @property
    def text(self) -> str:
        return render(self.notice, self.params)


def render(notice: Notice, params: Mapping[str, str]) -> str:
    return TEXTS[notice].substitute(params)


def short_day(day: dt.date) -> str:
    """12月5日: the year is the current one or the next, and the receipt number carries it."""
    return f"{day.month}月{day.day}日"


def fit_items(notice: Notice, params: Mapping[str, str], names: Sequence[str]) -> str:
    """The materials' names, as many as fit in one message ("…等N项"); else the first one shortened with "…"."""
    room = LIMIT - len(render(notice, {**params, "items": ""}))
    tail = f"等{len(names)}项" if len(names) > 1 else ""
    for shown in range(len(names), 0, -1):
        words = "、".join(names[:shown]) + (tail if shown < len(names) else "")
        if len(words) <= room:
            return words
    keep = room - len(tail)
    return f"{shorten(names[0], keep)}{tail}" if keep >= 5 else f"{len(names)}项材料"


PAIRS = {"《": "》", "（": "）", "(": ")", "【": "】", "“": "”"}


def shorten(name: str, room: int) -> str:
    """`name` cut to `room` characters with "…", closing what the cut leaves open: "《出租汽车驾驶员从业…》",
    not "《出租汽车驾驶员从业…", which reads as a title that never ends."""
    if len(name) <= room:
        return name
    for cut in range(room - 1, 0, -1):
        closers = _unclosed(name[:cut])
        if cut + 1 + len(closers) <= room:
            return f"{name[:cut]}…{closers}"
    return name[:room]


def _unclosed(text: str) -> str:
    """The closing marks of the brackets open at the end of `text`, innermost first."""
    stack: list[str] = []
    for ch in text:
        if ch in PAIRS:
            stack.append(PAIRS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
    return "".join(reversed(stack))


def _base(definition: MatterDefinition, receipt_no: str) -> dict[str, str]:
    return {"matter": definition.name, "receipt": receipt_no}


def for_transition(*, definition: MatterDefinition, receipt_no: str, trigger: str, payload: Mapping[str, Any],
                   status_link: str, phone: str, outcome: str | None = None) -> Draft | None:
    """The notice this transition sends the applicant, or None; from the event's own payload.

    `outcome` is the case's decision (approved / denied) when it is delivered: 办结 says the result.
    """
    kind, param = kinds.resolve(trigger)
    notice = SENT_BY.get(kind)
    if notice is None:
        return None
    params = _base(definition, receipt_no)
    if notice is Notice.RECEIVED:
        params["link"] = status_link
    elif notice is Notice.CORRECTION:
        names = [definition.material(item["material"]).name for item in payload["items"]]
        params["due"] = short_day(dt.date.fromisoformat(payload["due"])) if "due" in payload else "补正期限"
        params["items"] = fit_items(notice, params, names)
    elif notice is Notice.TOLERATED:
        return gap_draft(notice, definition, receipt_no, payload["gaps"])
    elif notice is Notice.DECIDED:
        params["result"] = result_of(definition, approved=kind is kinds.DECIDE_APPROVE)
    elif notice is Notice.HANDED_OVER:
        params["result"] = result_of(definition, approved=outcome == "approved")
        if param == Delivery.MAIL.value:
            return Draft(Notice.MAILED, {**params, "tracking": str(payload.get("tracking_no", ""))})
        params["delivery"] = DELIVERY_LABELS[Delivery(param)]
    elif notice is Notice.TERMINATED:
        params["phone"] = phone
        if payload.get("default"):
            # Ended by the sweep: say why, since the applicant may already have read 准予 for this case.
            return Draft(Notice.DEFAULTED, params)
    return Draft(notice, params)


def result_of(definition: MatterDefinition, *, approved: bool) -> str:
    """准予许可 / 不予许可, 予以备案 / 不予备案 …, as the matter's kind words its decision."""
    wording = DECISION_WORDING[definition.matter_type]
    return wording.granted if approved else wording.refusal


def gap_draft(notice: Notice, definition: MatterDefinition, receipt_no: str, gaps: Mapping[str, str]) -> Draft:
    """容缺受理 or its reminder: the earliest deadline of the materials still owed, and what is owed by then."""
    first = min(gaps.values())
    owed = sorted(m for m, due in gaps.items() if due == first)  # later ones come in their own reminder
    params = {**_base(definition, receipt_no), "due": short_day(dt.date.fromisoformat(first))}
    params["items"] = fit_items(notice, params, [definition.material(m).name for m in owed])
    return Draft(notice, params)


def correction_reminder(definition: MatterDefinition, receipt_no: str, due: dt.date) -> Draft:
    return Draft(Notice.CORRECTION_REMINDER, {**_base(definition, receipt_no), "due": short_day(due)})


def licence_title(definition: MatterDefinition) -> str:
    """What the holder calls the licence: the 《…证》 its result names (else the first 《…》, else the name)."""
    titles = re.findall(r"《[^》]+》", definition.result.name)
    return next((t for t in titles if t.endswith("证》")), titles[0] if titles else
                re.split(r"[（(]", definition.result.name, maxsplit=1)[0])


def licence_expiring(definition: MatterDefinition, *, expires: dt.date, due: dt.date, phone: str) -> Draft:
    """延续提醒: the licence, when it expires and by when a 延续 is applied for (full dates: they may be next year)."""
    return Draft(Notice.LICENCE_EXPIRING, {"licence": licence_title(definition), "expires": long_day(expires),
                                           "due": long_day(due), "phone": phone})


def long_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
