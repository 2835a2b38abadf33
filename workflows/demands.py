"""What the applicant still owes, by when, and exactly how to send it.

A 一次性告知书 asks for corrections (补正) by a deadline; a 容缺受理 leaves
gaps to fill (补齐), each by its own deadline. Either demand is only useful
when it says how: at which window, when it is open and its phone; to which
postal address and recipient; at which web address and what to do there.
Those facts are the office profile's; which ways a demand accepts is the
matter's (its application channels for 补正, each material's tolerance for 补齐).
Papers, the public status page and the clerk's queue all read them here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from workflows.deadlines import tolerance_days
from workflows.definition import Channel, MatterDefinition
from workflows.intake import Verdict
from workflows.machine import AWAITING_CORRECTION, FINAL_STATES
from workflows.office import Office
from workflows.profile import OfficeProfile
from workflows.workdays import Deadline

WAY_LABELS = {Channel.WINDOW: "到窗口提交", Channel.POST: "邮寄提交", Channel.ONLINE: "网上提交"}
WAY_ORDER = (Channel.POST, Channel.ONLINE, Channel.WINDOW)  # the ways that need no visit first


@dataclass(frozen=True)
class Way:
    """One way of handing something in, with every fact needed to use it."""

    channel: Channel
    label: str
    details: tuple[str, ...]
    visit: bool  # handing in this way brings the applicant to the window (counts as a visit)


@dataclass(frozen=True)
class Demand:
    """One item owed: a correction (补正) or a tolerated gap (补齐)."""

    material: str
    name: str
    problem: str  # what was wrong, as recorded; for a gap, 容缺
    due: dt.date
    channels: tuple[Channel, ...]

    @property
    def channel_labels(self) -> str:
        return "、".join(WAY_LABELS[c] for c in _ordered(self.channels))


def _ordered(channels: Iterable[Channel]) -> list[Channel]:
    chosen = set(channels)
    return [c for c in WAY_ORDER if c in chosen]


def ways(profile: OfficeProfile, matter_code: str, channels: Iterable[Channel], receipt_no: str) -> tuple[Way, ...]:
    """How to send by each of `channels`, the ways without a visit first."""
    out = []
    for channel in _ordered(channels):
        if channel is Channel.POST and profile.post is not None:
            post = profile.post
            out.append(Way(channel, WAY_LABELS[channel], (
                f"寄至：{post.address}（邮编 {post.postcode}）",
                f"收件人：{post.recipient}，电话 {post.phone}",
                f"请在邮件内附纸条注明收件编号 {receipt_no}；以邮件寄出之日为提交日期。",
            ), visit=False))
        elif channel is Channel.ONLINE and profile.online is not None:
            online = profile.online
            out.append(Way(channel, WAY_LABELS[channel], (f"网址：{online.url}（{online.name}）", online.how),
                           visit=False))
        elif channel is Channel.WINDOW:
            windows = "；".join(f"{w.name}（{w.location}，电话 {w.phone}）" for w in profile.windows_for(matter_code))
            out.append(Way(channel, WAY_LABELS[channel], (
                f"地点：{profile.hall.name}，{profile.hall.address}",
                f"窗口：{windows}",
                f"时间：{profile.hall.hours}",
            ), visit=True))
    return tuple(out)


def correction_due(office: Office, notified_on: dt.date) -> dt.date:
    """The 补正期限 of a 一次性告知书 issued on `notified_on`: the office's working days after it."""
    return office.calendar.add_workdays(notified_on, office.profile.correction_days).due


def tolerated_gap_dues(office: Office, definition: MatterDefinition, verdict: Verdict,
                       accepted_on: dt.date) -> dict[str, Deadline]:
    """When each gap of this verdict falls due if the case is accepted with tolerance on `accepted_on`:
    its material's tolerance in working days. The 容缺受理 records these; the counter shows them before."""
    return {p.material: office.calendar.add_workdays(accepted_on, tolerance_days(definition, p.material))
            for p in verdict.problems if p.tolerable}


def notice_demands(definition: MatterDefinition, items: list[Mapping[str, str]], due: dt.date) -> list[Demand]:
    """The items of a notify event as demands, all due together."""
    return [Demand(i["material"], definition.material(i["material"]).name, i["problem"], due,
                   tuple(definition.application_channels)) for i in items]


def gap_demands(definition: MatterDefinition, gaps: dict[str, str]) -> list[Demand]:
    """Tolerated gaps (material → ISO due date) as demands, soonest first."""
    out = []
    for material_id, due in gaps.items():
        material = definition.material(material_id)
        channels = tuple(material.tolerance.channels) if material.tolerance else (Channel.WINDOW,)
        out.append(Demand(material_id, material.name, "容缺受理，待补齐", dt.date.fromisoformat(due), channels))
    return sorted(out, key=lambda d: (d.due, d.name))


class OwingCase(Protocol):
    """What `open_demands` reads of a case: a stored Case and a waiting-list row both have it."""

    @property
    def state(self) -> str: ...

    @property
    def progress(self) -> dict[str, Any]: ...


def open_demands(definition: MatterDefinition, case: OwingCase) -> list[Demand]:
    """What the applicant owes on this case now: the corrections of the last notice, or the open gaps."""
    if case.state in FINAL_STATES:
        return []
    progress = case.progress
    if case.state == AWAITING_CORRECTION and progress.get("correction"):
        correction = progress["correction"]
        return notice_demands(definition, correction["items"], dt.date.fromisoformat(correction["due"]))
    return gap_demands(definition, progress.get("gaps", {}))


def owed_channels(demands: Iterable[Demand]) -> set[Channel]:
    return {c for d in demands for c in d.channels}
