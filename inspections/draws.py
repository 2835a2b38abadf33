"""抽查任务: announce a draw (commit to its lists), run it (seed from a value fixed later), verify it.

The scheme (docs/inspection-draws.md):

1. **Announce** (抽查公告). The office fixes, from the register and the roster as they stand, the
   sorted list of eligible targets (licence number and the holder's public name), the sorted list of
   inspectors (执法证号, name, 科室) and the 回避 pairs (执法证号, licence number: declared conflicts,
   and who inspected which holder in the previous period, whatever number its licence has now); a
   SHA-256 of each; a random nonce; and names a public value that does not exist yet (e.g.
   上证综合指数 on a later trading day) with its date. The SHA-256 of all that is the commitment.
   All of it is public from this moment.
2. **Run**, on or after that date: the operator enters the public value; seed = SHA-256 of the
   commitment and the value. Whatever the operator wished, they could not know the value when the
   lists were fixed, and cannot change the lists now: the commitment is published.
3. **Verify**: anyone recomputes the hashes, the commitment, the seed and the draw
   (`service.py inspections verify DRAW_ID`, or their own program from the published JSON).

Every row is append-only (draw_tables.APPEND_ONLY). A second draw for the same item and period is
a new announcement that must say why (draw-reason-required).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from inspections import drawing, roster
from inspections.draw_tables import DRAWS, RESULTS, RUNS, PUBLICATIONS
from inspections.items import InspectionItem
from inspections.models import LICENCES
from inspections.register import VALID, status_is
from workflows import errors
from workflows.office import Actor, Office

OPERATORS = frozenset({"admin"})  # who announces and runs draws (the 执法科室's administrator)
MAX_BEACON_DAYS = 60  # a value named further ahead than this is not an announcement anyone follows

STATUS_LABELS = {"announced": "已公告，待抽取", "drawn": "已抽取，检查中", "done": "检查结果已全部公开"}


def public_name(holder_kind: str, holder_name: str) -> str:
    """The name the public reads: a company's in full, a person's surname and one * per other character."""
    if holder_kind == "person" and holder_name:
        return holder_name[0] + "*" * (len(holder_name) - 1)
    return holder_name


@dataclass(frozen=True)
class Target:
    licence_id: int
    number: str
    public_name: str
    holder_id_no: str


def eligible_targets(*, session: Session, item: InspectionItem, today: dt.date) -> list[Target]:
    """The 检查对象名录: licences of the item's matters, 有效 today, issued before its date; by number."""
    c = LICENCES.c
    where = [c.matter_code.in_(item.scope.matters), status_is(VALID, today)]
    if item.scope.issued_before is not None:
        where.append(c.issued_on < item.scope.issued_before)
    rows = session.connection().execute(
        select(c.id, c.number, c.holder_kind, c.holder_name, c.holder_id_no).where(*where)).all()
    targets = [Target(r[0], r[1], public_name(r[2], r[3]), r[4]) for r in rows]
    return sorted(targets, key=lambda t: t.number)


def avoid_pairs(*, session: Session, item: InspectionItem, period: str, targets: list[Target],
                inspectors: list[roster.RosterEntry]) -> list[list[str]]:
    """(执法证号, licence number) pairs that may not meet: declared conflicts, and last period's teams.

    Both are matched by holder (ID number or 统一社会信用代码), not by licence number: a holder whose
    licence was renewed (延续) since last period holds it under a new number, and must still not meet
    the inspector who came last time. The pairs name this draw's licence numbers, as the draw reads them.
    """
    cert_of = {e.username: e.cert_no for e in inspectors}
    by_holder: dict[str, list[str]] = {}
    for t in targets:
        by_holder.setdefault(t.holder_id_no, []).append(t.number)
    pairs = {(cert_of[u], number) for u, holder in roster.conflicts(session) if u in cert_of
             for number in by_holder.get(holder, [])}
    certs = set(cert_of.values())
    conn = session.connection()
    previous = conn.execute(
        select(RUNS.c.assignments).join(DRAWS, DRAWS.c.id == RUNS.c.draw_id)
        .where(DRAWS.c.item_code == item.code, DRAWS.c.period == item.previous_period(period))).scalars()
    last_team: dict[str, set[str]] = {}  # last period's licence number → every 执法证号 sent to it
    for assignments in previous:
        for number, team in assignments:
            last_team.setdefault(number, set()).update(cert for cert in team if cert in certs)
    if last_team:
        holders = conn.execute(select(LICENCES.c.number, LICENCES.c.holder_id_no)
                               .where(LICENCES.c.number.in_(sorted(last_team)))).all()
        pairs |= {(cert, number) for old_number, holder in holders for cert in last_team[old_number]
                  for number in by_holder.get(holder, [])}
    return [list(p) for p in sorted(pairs)]


def announce(*, session: Session, office: Office, items: Mapping[str, InspectionItem], actor: Actor, item_code: str,
             period: str, beacon_source: str, beacon_date: dt.date, reason: str = "") -> int:
    """Publish a draw's 抽查公告: its committed lists and the public value its seed will come from. Commits."""
    if not actor.roles & OPERATORS:
        raise errors.Forbidden("只有系统管理员可以发布抽查公告")
    item = items.get(item_code)
    if item is None:
        raise errors.InspectionItemNotFound(field="item")
    period = period.strip()
    if not item.period_is_valid(period):
        raise errors.DrawPeriodInvalid(field="period")
    beacon_source, reason = beacon_source.strip(), reason.strip()
    now = office.now().replace(microsecond=0)
    today = office.time.date(now)
    if not beacon_source or len(beacon_source) > 200:
        raise errors.DrawBeaconInvalid("请写明抽取时使用的公开随机数来源（200 字以内）", field="beacon_source")
    if not today < beacon_date <= today + dt.timedelta(days=MAX_BEACON_DAYS):
        raise errors.DrawBeaconInvalid(f"随机数来源日期须在今天（{today:%Y-%m-%d}）之后的 {MAX_BEACON_DAYS} 天内",
                                       field="beacon_date")
    conn = session.connection()
    seq = conn.execute(select(func.count()).select_from(DRAWS).where(
        DRAWS.c.item_code == item_code, DRAWS.c.period == period)).scalar_one() + 1
    if seq > 1 and not reason:
        raise errors.DrawReasonRequired(f"{item.name} {period} 已有 {seq - 1} 次抽查任务，再次抽取须写明理由",
                                        field="reason")
    if len(reason) > 500:
        raise errors.DrawReasonRequired("理由请写在 500 字以内", field="reason")
    targets = eligible_targets(session=session, item=item, today=today)
    inspectors = roster.active_roster(session)
    if not targets:
        raise errors.DrawImpossible("检查对象名录为空：没有符合该事项范围的有效证照")
    if len(inspectors) < item.team_size:
        raise errors.DrawImpossible(f"执法检查人员名录库只有 {len(inspectors)} 人，不足每组 {item.team_size} 人")
    target_list = [[t.number, t.public_name] for t in targets]
    inspector_list = [[e.cert_no, e.name, e.department] for e in inspectors]
    avoid = avoid_pairs(session=session, item=item, period=period, targets=targets, inspectors=inspectors)
    row: dict[str, Any] = {
        "item_code": item.code, "item_name": item.name, "period": period, "seq": seq, "reason": reason,
        "announced_at": now, "announced_by": actor.username, "algorithm": drawing.ALGORITHM,
        "ratio_percent": str(item.sampling.ratio_percent), "team_size": item.team_size,
        "targets": target_list, "targets_sha256": drawing.sha256_hex(target_list),
        "inspectors": inspector_list, "inspectors_sha256": drawing.sha256_hex(inspector_list),
        "avoid": avoid, "avoid_sha256": drawing.sha256_hex(avoid),
        "nonce": secrets.token_hex(16), "beacon_source": beacon_source, "beacon_date": beacon_date,
        "usernames": [e.username for e in inspectors], "licence_ids": [t.licence_id for t in targets],
    }
    row["commitment"] = drawing.commitment(committed_fields(row))
    try:
        draw_id: int = conn.execute(insert(DRAWS).returning(DRAWS.c.id), row).scalar_one()
        session.commit()
    except IntegrityError:  # another announcement for the same item and period took this number first
        session.rollback()
        raise errors.DrawConflict("同一事项同一周期的抽查公告刚被他人发布，请刷新后查看") from None
    return draw_id


def committed_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """What the commitment covers: everything announced, the time stamp to the second included."""
    at: dt.datetime = row["announced_at"]
    return {"item": row["item_code"], "period": row["period"], "seq": row["seq"], "reason": row["reason"],
            "announced_at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ratio_percent": row["ratio_percent"], "team_size": row["team_size"],
            "targets_sha256": row["targets_sha256"], "inspectors_sha256": row["inspectors_sha256"],
            "avoid_sha256": row["avoid_sha256"], "nonce": row["nonce"], "beacon_source": row["beacon_source"],
            "beacon_date": row["beacon_date"].isoformat()}


def compute(row: Mapping[str, Any], beacon_value: str) -> tuple[str, list[list[Any]]]:
    """The seed and the teams a draw's recorded inputs give with this public value."""
    seed = drawing.seed_of(row["commitment"], beacon_value)
    assignments = drawing.draw(targets=[t[0] for t in row["targets"]], inspectors=[i[0] for i in row["inspectors"]],
                               avoid=[(a[0], a[1]) for a in row["avoid"]], ratio_percent=Decimal(row["ratio_percent"]),
                               team_size=row["team_size"], seed_hex=seed)
    return seed, [a.as_list() for a in assignments]


def run(*, session: Session, office: Office, actor: Actor, draw_id: int, beacon_value: str) -> list[list[Any]]:
    """Carry out an announced draw with the public value now known. Commits; returns the teams."""
    if not actor.roles & OPERATORS:
        raise errors.Forbidden("只有系统管理员可以抽取")
    conn = session.connection()
    row = conn.execute(select(DRAWS).where(DRAWS.c.id == draw_id)).mappings().first()
    if row is None:
        raise errors.DrawNotFound()
    if conn.execute(select(RUNS.c.draw_id).where(RUNS.c.draw_id == draw_id)).first() is not None:
        raise errors.DrawConflict("该抽查任务已经抽取，不能再抽")
    beacon_value = beacon_value.strip()
    if not beacon_value or len(beacon_value) > 200:
        raise errors.DrawBeaconInvalid(f"请照实填写公告的随机数来源：{row['beacon_source']}", field="beacon_value")
    now = office.now().replace(microsecond=0)
    if office.time.date(now) < row["beacon_date"]:
        raise errors.DrawBeaconNotYet(f"公告的随机数来源日期是 {row['beacon_date']:%Y-%m-%d}，当天及以后才能抽取")
    seed, assignments = compute(dict(row), beacon_value)
    try:
        conn.execute(insert(RUNS), {"draw_id": draw_id, "run_at": now, "run_by": actor.username,
                                    "beacon_value": beacon_value, "seed": seed, "assignments": assignments,
                                    "assignments_sha256": drawing.sha256_hex(assignments)})
        session.commit()
    except IntegrityError:
        session.rollback()
        raise errors.DrawConflict("该抽查任务刚被他人抽取") from None
    return assignments


# ---- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawSummary:
    id: int
    item_code: str
    item_name: str
    period: str
    seq: int
    reason: str
    announced_at: dt.datetime
    beacon_source: str
    beacon_date: dt.date
    run_at: dt.datetime | None
    eligible: int
    drawn: int
    results: int
    published: int

    @property
    def status(self) -> str:
        if self.run_at is None:
            return "announced"
        return "done" if self.published == self.drawn else "drawn"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def summaries(*, session: Session, draw_id: int | None = None, drawn_only: bool = False) -> list[DrawSummary]:
    """Every draw (newest first) with how far it has gone: drawn, results recorded, results published."""
    conn = session.connection()
    query = select(DRAWS.c.id, DRAWS.c.item_code, DRAWS.c.item_name, DRAWS.c.period, DRAWS.c.seq, DRAWS.c.reason,
                   DRAWS.c.announced_at, DRAWS.c.beacon_source, DRAWS.c.beacon_date, DRAWS.c.targets,
                   RUNS.c.run_at, RUNS.c.assignments).outerjoin(RUNS, RUNS.c.draw_id == DRAWS.c.id)
    if draw_id is not None:
        query = query.where(DRAWS.c.id == draw_id)
    if drawn_only:
        query = query.where(RUNS.c.run_at.is_not(None))
    rows = conn.execute(query.order_by(DRAWS.c.id.desc())).mappings().all()
    counts: dict[int, int] = {r[0]: r[1] for r in conn.execute(
        select(RESULTS.c.draw_id, func.count()).group_by(RESULTS.c.draw_id)).all()}
    published: dict[int, int] = {r[0]: r[1] for r in conn.execute(select(RESULTS.c.draw_id, func.count())
                                  .join(PUBLICATIONS, PUBLICATIONS.c.result_id == RESULTS.c.id)
                                  .group_by(RESULTS.c.draw_id)).all()}
    return [DrawSummary(id=r["id"], item_code=r["item_code"], item_name=r["item_name"], period=r["period"],
                        seq=r["seq"], reason=r["reason"], announced_at=r["announced_at"],
                        beacon_source=r["beacon_source"], beacon_date=r["beacon_date"], run_at=r["run_at"],
                        eligible=len(r["targets"]), drawn=len(r["assignments"] or []),
                        results=counts.get(r["id"], 0), published=published.get(r["id"], 0)) for r in rows]


def record(*, session: Session, draw_id: int) -> dict[str, Any]:
    """The draw's stored announcement and run, as one mapping (run fields None before it is run)."""
    conn = session.connection()
    row = conn.execute(select(DRAWS).where(DRAWS.c.id == draw_id)).mappings().first()
    if row is None:
        raise errors.DrawNotFound()
    run_row = conn.execute(select(RUNS).where(RUNS.c.draw_id == draw_id)).mappings().first()
    out = dict(row)
    for key in ("run_at", "run_by", "beacon_value", "seed", "assignments", "assignments_sha256"):
        out[key] = run_row[key] if run_row is not None else None
    return out


# ---- verifying ------------------------------------------------------------------------------------

@dataclass
class Verification:
    """Each check of a recorded draw against its own inputs: (what, passed, detail)."""

    draw_id: int
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)

    def check(self, what: str, ok: bool, detail: str = "") -> None:
        self.checks.append((what, ok, detail))


def verify_record(row: Mapping[str, Any]) -> Verification:
    """Recompute a draw from its recorded inputs: list hashes, their order, the commitment, seed and teams."""
    out = Verification(draw_id=row["id"])
    if row.get("algorithm") != drawing.ALGORITHM:
        out.check("算法", False, f"记录的算法 {row.get('algorithm')} 不是本程序的 {drawing.ALGORITHM}")
        return out
    for name, label in (("targets", "检查对象名录"), ("inspectors", "执法检查人员名录"), ("avoid", "回避名单")):
        digest = drawing.sha256_hex(row[name])
        out.check(f"{label} SHA-256", digest == row[f"{name}_sha256"], digest)
    for name, label in (("targets", "检查对象名录"), ("inspectors", "执法检查人员名录")):
        keys = [entry[0] for entry in row[name]]
        out.check(f"{label}按编号排序且不重复", keys == sorted(set(keys)))
    commitment = drawing.commitment(committed_fields(row))
    out.check("公告承诺值（commitment）", commitment == row["commitment"], commitment)
    if row.get("seed") is None:
        out.check("抽取结果", False, "尚未抽取")
        return out
    try:
        seed, assignments = compute(row, row["beacon_value"])
    except errors.DrawImpossible as exc:
        out.check("按记录的输入重新抽取", False, exc.message)
        return out
    out.check("种子 = SHA-256(承诺值, 公开随机数)", seed == row["seed"], seed)
    out.check("重新抽取的检查对象和检查组与记录一致", assignments == row["assignments"])
    out.check("抽取结果 SHA-256", drawing.sha256_hex(row["assignments"]) == row["assignments_sha256"],
              row["assignments_sha256"])
    return out


def verify(*, session: Session, draw_id: int) -> Verification:
    return verify_record(record(session=session, draw_id=draw_id))
