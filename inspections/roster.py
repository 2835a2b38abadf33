"""执法检查人员名录库: staff who hold a 执法证, their 科室, and the 回避 each has declared.

An inspector is a staff account with the `inspector` role, entered here with the 执法证号 printed on
their card (published with every draw they are drawn in) and their 科室. A declared conflict names
a holder (by ID number or 统一社会信用代码) the inspector may never be teamed to inspect.
The administrator keeps the roster (`service.py inspections inspector …`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from inspections.draw_tables import CONFLICTS, INSPECTORS, Inspector, InspectorConflict
from workflows import accounts, errors
from workflows.db import core_table

INSPECTOR_ROLE = "inspector"
CERT_NO = re.compile(r"^[0-9A-Za-z\-]{6,32}$")


@dataclass(frozen=True)
class RosterEntry:
    username: str
    name: str
    cert_no: str
    department: str


def add_inspector(*, session: Session, username: str, cert_no: str, department: str, by: str,
                  now: dt.datetime) -> Inspector:
    """Enter a staff account in the roster. Commits."""
    user = session.get(accounts.StaffUser, username)
    if user is None or not user.active:
        raise errors.InspectorInvalid(f"没有在用的工作人员账号 {username}", field="username")
    if INSPECTOR_ROLE not in user.roles:
        raise errors.InspectorInvalid(f"{username} 没有执法检查人员（inspector）岗位，请先为其账号加上",
                                      field="username")
    cert_no, department = cert_no.strip(), department.strip()
    if not CERT_NO.match(cert_no):
        raise errors.InspectorInvalid("执法证号须为 6 至 32 位字母、数字或连字符", field="cert_no")
    if not department or len(department) > 64:
        raise errors.InspectorInvalid("请填写科室（64 字以内）", field="department")
    inspector = Inspector(username=username, cert_no=cert_no, department=department, added_at=now, added_by=by)
    session.add(inspector)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise errors.InspectorExists(field="cert_no") from None
    return inspector


def set_active(*, session: Session, username: str, active: bool) -> Inspector:
    """Take an inspector out of the roster (or back): future draws' lists leave them out. Commits."""
    inspector = session.get(Inspector, username)
    if inspector is None:
        raise errors.InspectorNotFound(field="username")
    inspector.active = active
    session.add(inspector)
    session.commit()
    return inspector


def declare_conflict(*, session: Session, username: str, holder_id_no: str, relation: str, by: str,
                     now: dt.datetime) -> InspectorConflict:
    """Record that the inspector must not inspect this holder (回避). Commits."""
    if session.get(Inspector, username) is None:
        raise errors.InspectorNotFound(field="username")
    holder_id_no, relation = holder_id_no.strip().upper(), relation.strip()
    if not holder_id_no or len(holder_id_no) > 32:
        raise errors.InspectorInvalid("请填写检查对象的身份证号或统一社会信用代码", field="holder_id_no")
    if not relation or len(relation) > 128:
        raise errors.InspectorInvalid("请写明回避的原因（如近亲属、曾在该单位任职）", field="relation")
    conflict = InspectorConflict(username=username, holder_id_no=holder_id_no, relation=relation, declared_at=now,
                                 declared_by=by)
    session.add(conflict)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise errors.InspectorExists("这条回避关系已登记", field="holder_id_no") from None
    return conflict


def active_roster(session: Session) -> list[RosterEntry]:
    """The inspectors who may be drawn: in the roster, active, with an active account; by 执法证号."""
    users = core_table(accounts.StaffUser)
    rows = session.connection().execute(
        select(INSPECTORS.c.username, users.c.display_name, INSPECTORS.c.cert_no, INSPECTORS.c.department)
        .join(users, users.c.username == INSPECTORS.c.username)
        .where(INSPECTORS.c.active.is_(True), users.c.active.is_(True))).all()
    entries = [RosterEntry(username=r[0], name=r[1], cert_no=r[2], department=r[3]) for r in rows]
    # Sorted here, not by ORDER BY: the announced list must be in Unicode code point order, which the
    # published scheme and verify demand, and a database's collation need not give it (PostgreSQL with a
    # non-C locale puts 'ab…' before 'AC…'; code points put 'AC…' first).
    return sorted(entries, key=lambda e: e.cert_no)


def conflicts(session: Session) -> list[tuple[str, str]]:
    """Every declared (username, holder ID number) pair."""
    rows = session.connection().execute(select(CONFLICTS.c.username, CONFLICTS.c.holder_id_no)).all()
    return [(r[0], r[1]) for r in rows]


def entry_of(session: Session, username: str) -> RosterEntry | None:
    return next((e for e in active_roster(session) if e.username == username), None)
