"""一公开: what the public reads of each draw, on the page and in the CSV and JSON downloads.

From its announcement a draw is public with everything needed to check it (docs/inspection-draws.md):
the lists, their hashes, the nonce, the commitment and the public value the seed comes from. Once
run, the targets drawn (licence number, the holder's public name: a person's surname only) and
their teams (names and 执法证号). Results show once published, with their date and outcome; the
team's working note is not published. Holders' ID numbers, phones and the reasons of 回避 never are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from inspections import draws
from inspections.draw_tables import FOLLOW_UPS, PUBLICATIONS, RESULTS
from inspections.items import InspectionItem
from inspections.results import FOLLOW_UPS_LABELS, OUTCOMES
from workflows.office import Office


@dataclass(frozen=True)
class PublicTarget:
    licence_number: str
    holder: str  # public name
    team: list[tuple[str, str]]  # (name, 执法证号)
    inspected_on: dt.date | None = None
    outcome: str = ""  # label; "" while not published
    rectify_by: dt.date | None = None
    follow_up: str = ""  # label of the 复查, if recorded and published with its result
    published_on: dt.date | None = None


@dataclass(frozen=True)
class PublicDraw:
    summary: draws.DrawSummary
    record: dict[str, Any]
    item: InspectionItem | None
    targets: list[PublicTarget]

    @property
    def published_results(self) -> int:
        return sum(1 for t in self.targets if t.outcome)


def public_draw(*, session: Session, office: Office, items: Mapping[str, InspectionItem], draw_id: int) -> PublicDraw:
    row = draws.record(session=session, draw_id=draw_id)
    summary = draws.summaries(session=session, draw_id=draw_id)[0]
    names = {t[0]: t[1] for t in row["targets"]}
    people = {i[0]: i[1] for i in row["inspectors"]}
    conn = session.connection()
    published = {r.licence_number: r for r in conn.execute(
        select(RESULTS, PUBLICATIONS.c.published_at, FOLLOW_UPS.c.outcome.label("follow_up"))
        .join(PUBLICATIONS, PUBLICATIONS.c.result_id == RESULTS.c.id)
        .outerjoin(FOLLOW_UPS, FOLLOW_UPS.c.result_id == RESULTS.c.id)
        .where(RESULTS.c.draw_id == draw_id)).all()}
    targets = []
    for number, team in row["assignments"] or []:
        result = published.get(number)
        targets.append(PublicTarget(
            licence_number=number, holder=names[number], team=[(people[c], c) for c in team],
            inspected_on=result.inspected_on if result else None,
            outcome=OUTCOMES[result.outcome] if result else "",
            rectify_by=result.rectify_by if result else None,
            follow_up=FOLLOW_UPS_LABELS.get(result.follow_up or "", "") if result else "",
            published_on=office.time.date(result.published_at) if result else None))
    return PublicDraw(summary=summary, record=row, item=items.get(row["item_code"]), targets=targets)


def as_json(draw: PublicDraw, office: Office) -> dict[str, Any]:
    """Everything a verifier needs (docs/inspection-draws.md), then the published results."""
    r = draw.record
    return {
        "draw_id": r["id"], "item": r["item_code"], "item_name": r["item_name"], "period": r["period"],
        "seq": r["seq"], "reason": r["reason"], "status": draw.summary.status,
        "announced_at": r["announced_at"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "algorithm": r["algorithm"], "ratio_percent": r["ratio_percent"], "team_size": r["team_size"],
        "targets": r["targets"], "targets_sha256": r["targets_sha256"],
        "inspectors": r["inspectors"], "inspectors_sha256": r["inspectors_sha256"],
        "avoid": r["avoid"], "avoid_sha256": r["avoid_sha256"],
        "nonce": r["nonce"], "beacon_source": r["beacon_source"], "beacon_date": r["beacon_date"].isoformat(),
        "commitment": r["commitment"],
        "beacon_value": r["beacon_value"], "seed": r["seed"],
        "run_at": r["run_at"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if r["run_at"] else None,
        "assignments": r["assignments"], "assignments_sha256": r["assignments_sha256"],
        "results": [{"licence_number": t.licence_number, "holder": t.holder,
                     "inspected_on": t.inspected_on.isoformat() if t.inspected_on else None,
                     "result": t.outcome, "rectify_by": t.rectify_by.isoformat() if t.rectify_by else None,
                     "follow_up": t.follow_up or None,
                     "published_on": t.published_on.isoformat() if t.published_on else None}
                    for t in draw.targets if t.outcome],
    }


CSV_COLUMNS = ["抽查事项", "抽查周期", "抽取日期", "检查对象", "证照编号", "执法检查人员（执法证号）", "检查日期",
               "检查结果", "整改期限", "复查结果", "公开日期"]


def csv_rows(draw: PublicDraw, office: Office) -> list[list[Any]]:
    """One row per target drawn; the result's cells are empty until it is published."""
    run_on = office.time.date(draw.record["run_at"]).isoformat() if draw.record["run_at"] else ""
    return [[draw.record["item_name"], draw.record["period"], run_on, t.holder, t.licence_number,
             "、".join(f"{name}（{cert}）" for name, cert in t.team),
             t.inspected_on.isoformat() if t.inspected_on else "", t.outcome or "结果待公开",
             t.rectify_by.isoformat() if t.rectify_by else "", t.follow_up,
             t.published_on.isoformat() if t.published_on else ""] for t in draw.targets]
