"""Guards of the compiled machine. Each raises a coded DomainError or returns None.

Guard factories close over the definition, so a guard takes only what changes
per case: the proxy (state, data, progress) and the payload of the action.
Called with an empty payload, a guard answers whether the action is open in
the case's current state, which is how the counter screen picks its buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from workflows import errors
from workflows import intake
from workflows import progress as pg
from workflows.definition import Channel, MatterDefinition, Step



class GuardedCase(Protocol):
    """What a guard reads of a case: the machine's proxy (machine.CaseProxy) has exactly this."""

    state: str
    data: dict[str, Any]
    progress: dict[str, Any]
    channel: str


Guard = Callable[[GuardedCase, dict[str, Any]], None]


def preconditions_met(d: MatterDefinition) -> Guard:
    def guard(case: GuardedCase, payload: dict[str, Any]) -> None:
        unmet = intake.unmet_preconditions(d, case.data)
        if unmet:
            raise errors.PreconditionNotMet("不符合受理条件：" + "；".join(unmet))

    return guard


def materials_complete(d: MatterDefinition) -> Guard:
    def guard(case: GuardedCase, payload: dict[str, Any]) -> None:
        verdict = intake.assess(d, case.data, case.progress)
        if verdict.problems:
            names = "、".join(p.name for p in verdict.problems)
            raise errors.MaterialsIncomplete(f"申请材料不齐全或不符合要求：{names}")

    return guard


def only_tolerable_missing(d: MatterDefinition) -> Guard:
    def guard(case: GuardedCase, payload: dict[str, Any]) -> None:
        verdict = intake.assess(d, case.data, case.progress)
        if not verdict.problems:
            raise errors.NothingToTolerate()
        hard = [p.name for p in verdict.problems if not p.tolerable]
        if hard:
            raise errors.MaterialNotTolerable("以下材料不可容缺，须补正后受理：" + "、".join(hard), field="materials")

    return guard


def notice_has_items(d: MatterDefinition) -> Guard:
    def guard(case: GuardedCase, payload: dict[str, Any]) -> None:
        verdict = intake.assess(d, case.data, case.progress)
        expected = {p.material for p in verdict.problems}
        if not expected:
            raise errors.NoticeEmpty()
        if "items" in payload and {item["material"] for item in payload["items"]} != expected:
            raise errors.NoticeIncomplete(field="items")
        first = case.progress.get("notice")
        if first is not None and not expected <= set(first):
            added = "、".join(d.material(m).name for m in sorted(expected - set(first)))
            raise errors.NoticeAddsItems(
                f"同一申请已作一次性告知，不得再增加新的补正事项：{added}。"
                "如确属首次告知遗漏，应由本机关自行核实取得，在材料登记中注明后受理，或依法作出不予受理决定")

    return guard


def step_materials_present(d: MatterDefinition, step: Step) -> Guard:
    def guard(case: GuardedCase, payload: dict[str, Any]) -> None:
        absent = [d.material(m).name for m in step.requires_materials
                  if intake.required(d.material(m), case.data) and not pg.is_present(case.progress, m)]
        if absent:
            raise errors.StepMaterialsMissing(f"进入“{step.name}”前须具备：" + "、".join(absent))

    return guard


def no_open_gap(case: GuardedCase, payload: dict[str, Any]) -> None:
    if case.progress["gaps"]:
        raise errors.ToleratedGapOpen(f"尚有 {len(case.progress['gaps'])} 项容缺材料未补齐，不能出证")


def gap_open_for(d: MatterDefinition, channel: Channel) -> Guard:
    def guard(case: GuardedCase, payload: dict[str, Any]) -> None:
        gaps = case.progress["gaps"]
        if not gaps:
            raise errors.NoOpenGap()
        if "material" not in payload:  # asked whether the action is open at all
            if not any(_accepts(d, m, channel) for m in gaps):
                raise errors.ChannelNotAllowed("待补材料均不接受以此方式补齐", field="channel")
            return
        material_id = payload["material"]
        if material_id not in gaps:
            raise errors.NoOpenGap(field="material")
        if not _accepts(d, material_id, channel):
            raise errors.ChannelNotAllowed("该材料不接受以此方式补齐", field="channel")

    return guard


def _accepts(d: MatterDefinition, material_id: str, channel: Channel) -> bool:
    """Whether an open gap may be filled this way; only a tolerated material leaves a gap."""
    tolerance = d.material(material_id).tolerance
    return tolerance is not None and channel in tolerance.channels


def applicant_at_window(case: GuardedCase, payload: dict[str, Any]) -> None:
    if case.channel != Channel.WINDOW.value:
        raise errors.ActionNotAllowed("网上或邮寄申请的办件不能当场送达，请选择其他送达方式")
