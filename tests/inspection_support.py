"""Helpers for the 双随机 tests: licences in the register, inspectors in the roster, a draw announced and run."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlmodel import Session

from inspections import draws, roster
from inspections.items import load_items
from inspections.models import LICENCES
from tests.page_helpers import NOW, _hash, password_of
from workflows import accounts, identity
from workflows.office import Actor

ADMIN = Actor("admin1", frozenset({"admin"}), name="周管理")
ITEM = "road-freight-operation"  # 5 %, 每年一次, licences issued before 2026-12-01


def items():
    return load_items()


def credit_code(i: int) -> str:
    first = f"91330400MA{i:07d}"
    return first + identity.credit_code_check_char(first)


def add_licences(session: Session, count: int, *, matter: str = "road-freight-licence", start: int = 1,
                 issued_on: dt.date = dt.date(2025, 3, 1), kind: str = "company",
                 names: list[str] | None = None) -> list[str]:
    """`count` 有效 licences of the matter, numbered start…; returns their numbers."""
    rows: list[dict[str, object]] = []
    for i in range(start, start + count):
        name = names[i - start] if names else f"嘉兴市第{i}运输有限公司"
        rows.append({"number": f"浙嘉交运管许可货字〔2025〕第{i:05d}号", "matter_code": matter, "case_id": None,
                     "holder_kind": kind, "holder_name": name, "holder_id_no": credit_code(i),
                     "holder_phone": None, "issued_on": issued_on, "validity": "4年", "term_kind": "years",
                     "expires_on": issued_on + dt.timedelta(days=4 * 365), "status": "valid", "source": "import",
                     "recorded_at": NOW})
    session.connection().execute(insert(LICENCES), rows)
    session.commit()
    return [str(r["number"]) for r in rows]


def add_inspectors(session: Session, count: int, *, start: int = 1, cert_nos: list[str] | None = None) -> list[str]:
    """Staff accounts insp01… with the inspector role, in the roster (执法证号 33040000001… unless
    `cert_nos` names them); returns their usernames."""
    names = []
    for i in range(start, start + count):
        username = f"insp{i:02d}"
        session.add(accounts.StaffUser(username=username, display_name=f"执法员{i:02d}",
                                       password_hash=_hash(password_of(username)), roles=["inspector"],
                                       created_at=NOW))
        session.commit()
        cert_no = cert_nos[i - start] if cert_nos else f"33040{i:05d}"
        roster.add_inspector(session=session, username=username, cert_no=cert_no, department="运输管理科",
                             by="admin1", now=NOW)
        names.append(username)
    return names


def announce_and_run(session: Session, office, clock, *, item: str = ITEM, period: str = "2026", reason: str = "",
                     beacon_value: str = "3412.58") -> int:
    """A draw announced today naming tomorrow's value, run tomorrow with `beacon_value`; returns its id."""
    today = office.today()
    draw_id = draws.announce(session=session, office=office, items=items(), actor=ADMIN, item_code=item,
                             period=period, beacon_source="上证综合指数收盘点位",
                             beacon_date=today + dt.timedelta(days=1), reason=reason)
    clock.advance(days=1)
    draws.run(session=session, office=office, actor=ADMIN, draw_id=draw_id, beacon_value=beacon_value)
    return draw_id
