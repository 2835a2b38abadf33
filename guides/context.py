"""What a guide shows, computed from one matter version and nothing typed by hand.

`guide_context` turns a MatterVersion (its definition, its compiled machine and
the engine's visit analysis) into a typed `GuideContext` that the templates
only lay out. Labels come from workflows.definition, so the counter screen and
the paper use the same words.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from workflows.catalogue import MatterVersion
from workflows.definition import (
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    MEDIUM_LABELS,
    NECESSITY_LABELS,
    ROLE_LABELS,
    Fees,
    Material,
    MatterDefinition,
    Necessity,
    Tolerance,
)

from guides.qr import guide_url, qr_data_uri, status_url
from workflows.profile import OfficeProfile, ServiceWindowInfo

INDISPENSABLE = "缺一不可"


@dataclass(frozen=True)
class MaterialRow:
    number: int
    name: str
    originals: int
    copies: int
    medium: str
    necessity: str
    condition: str | None
    source: str
    legal_basis: str
    tolerance: str | None  # how it may be supplied later, or None when it may not be tolerated
    indispensable: bool  # required (when it applies) and never tolerated: "缺一不可"
    blank_form: str | None
    sample: str | None
    note: str | None

    @property
    def counts(self) -> str:
        parts = [f"原件 {self.originals} 份" if self.originals else "", f"复印件 {self.copies} 份" if self.copies else ""]
        return "，".join(p for p in parts if p)


@dataclass(frozen=True)
class SpecialRow:
    name: str
    kind: str
    during: str
    max_days: int
    mandatory: bool
    applicant_present: bool
    note: str | None


@dataclass(frozen=True)
class StepRow:
    name: str
    role: str
    budget_days: int
    standard: str | None


@dataclass(frozen=True)
class VisitInfo:
    visits: int
    how: str
    advice: str
    by_delivery: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class GuideContext:
    d: MatterDefinition
    office: OfficeProfile  # the hall, hours, phones: where and when to come
    windows: tuple[ServiceWindowInfo, ...]  # the windows that take this matter, its own first
    version_key: str
    materials: tuple[MaterialRow, ...]
    specials: tuple[SpecialRow, ...]
    steps: tuple[StepRow, ...]
    fee_text: str
    visits: VisitInfo
    channels: tuple[str, ...]
    deliveries: tuple[str, ...]
    flow_src: str
    guide_url: str
    status_url: str
    guide_qr: str
    status_qr: str
    side_exits: str

    @property
    def anchor(self) -> str:
        return f"matter-{self.d.code}"


def tolerance_text(tolerance: Tolerance | None) -> str | None:
    if tolerance is None:
        return None
    channels = "、".join(CHANNEL_LABELS[c] for c in tolerance.channels)
    return f"可容缺受理：受理后 {tolerance.days} 个工作日内补齐，补齐方式：{channels}"


def material_row(number: int, m: Material) -> MaterialRow:
    return MaterialRow(
        number=number, name=m.name, originals=m.originals, copies=m.copies, medium=MEDIUM_LABELS[m.medium],
        necessity=NECESSITY_LABELS[m.necessity], condition=m.condition.text if m.condition else None,
        source=m.source_channel, legal_basis=m.legal_basis, tolerance=tolerance_text(m.tolerance),
        indispensable=m.necessity is not Necessity.OPTIONAL and m.tolerance is None,
        blank_form=m.blank_form, sample=m.sample, note=m.note,
    )


def fee_text(fees: Fees) -> str:
    """A guide never leaves the fee blank: 不收费, or every item with its amount and basis."""
    if not fees.charged:
        return "不收费" if not fees.note or fees.note == "不收费" else f"不收费（{fees.note}）"
    return "；".join(f"{item.name}：{item.amount}（收费依据：{item.basis}）" for item in fees.items)


def _visits(version: MatterVersion) -> VisitInfo:
    analysis = version.visits
    by = tuple((DELIVERY_LABELS[m], plan.visits) for m, plan in analysis.by_delivery.items())
    return VisitInfo(analysis.visits, analysis.best.how, analysis.advice(), by)


def _specials(d: MatterDefinition) -> tuple[SpecialRow, ...]:
    steps = {s.id: s.name for s in d.steps}
    return tuple(SpecialRow(p.name, p.kind, steps[p.during_step], p.max_days, p.mandatory, p.applicant_present, p.note)
                 for p in d.special_procedures)


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def guide_context(version: MatterVersion, *, base_url: str, profile: OfficeProfile, flow_svg: str,
                  flow_href: str | None = None) -> GuideContext:
    """`flow_href` links the diagram for a browser; without it (PDF) the SVG is embedded."""
    d = version.definition
    url, lookup = guide_url(base_url, d.code), status_url(base_url)
    life = d.lifecycle
    return GuideContext(
        d=d, office=profile, windows=tuple(profile.windows_for(d.code)), version_key=version.key,
        materials=tuple(material_row(i, m) for i, m in enumerate(d.materials, start=1)),
        specials=_specials(d),
        steps=tuple(StepRow(s.name, ROLE_LABELS.get(s.role, s.role), s.budget_days, s.standard) for s in d.steps),
        fee_text=fee_text(d.fees), visits=_visits(version),
        channels=tuple(CHANNEL_LABELS[c] for c in d.application_channels),
        deliveries=tuple(DELIVERY_LABELS[m] for m in d.delivery_methods),
        flow_src=flow_href or svg_data_uri(flow_svg),
        guide_url=url, status_url=lookup, guide_qr=qr_data_uri(url), status_qr=qr_data_uri(lookup),
        side_exits=(f"办结前申请人可随时撤回申请；受理后容缺材料逾期未补齐等情形，"
                    f"由{ROLE_LABELS.get(life.terminate, life.terminate)}依法终止办理。"),
    )
