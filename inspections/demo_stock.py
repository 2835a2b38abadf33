"""存量证照 for the demo: licences the bureau granted before this system, as a real bureau holds them.

The demo's own cases were all granted in its six months, so none of their licences comes near its
expiry, and the register's 即将到期 list and the 延续提醒 would show nothing. A bureau going live
imports the licences it granted in earlier years, and some of those are about to expire. So the
demo does the same: on its first day it loads a file of earlier licences through the import
(`service.py licences import`, with every check it makes), then runs the scheduled 延续提醒 for
each day since, as the service's scheduler would have, the messages sent through the demo's file
gateway at 09:00 of their day, each day noted in the schedule's ledger.

Holders are drawn like the demo's applicants, and never share a name or an ID with one of them.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from inspections import importing
from inspections.register import expiry_of
from inspections.reminders import SCHEDULED, all_reminders, remind_expiring
from workflows.db import session as new_session
from workflows.definition import Term
from workflows.demo_roster import Roster
from workflows.models import Case
from workflows.office import Office
from workflows.outbox import send_pending
from workflows.schedule import record_run
from workflows.sms import Gateway

REMINDERS = next(e for e in SCHEDULED if e.name == "licence-expiry-reminders")
# Matters whose licences run for a number of years (a term the import can date), with how many
# earlier licences of each the bureau holds.
STOCK = {"road-freight-licence": 24, "road-passenger-licence": 6, "dangerous-goods-road-transport-licence": 6,
         "taxi-driver-qualification": 12, "waterway-transport-licence": 4, "port-operation-licence": 3}
FILE_NAME = "存量证照.csv"


@dataclasses.dataclass(frozen=True)
class StockSummary:
    imported: int
    expired: int  # expired during the demo's history
    expiring: int  # expire within the window after today
    reminders: int  # 延续提醒 written
    window: int  # the office's 即将到期 window, in days

    def __str__(self) -> str:
        return (f"导入存量证照 {self.imported} 件（演示期间到期 {self.expired} 件，{self.window} 天内到期 "
                f"{self.expiring} 件）；延续提醒短信 {self.reminders} 条")


def build_stock(*, engine: Engine, office: Office, seed: int, first: dt.date, today: dt.date,
                gateway: Gateway | None = None) -> StockSummary:
    """Import the earlier licences on `first`, then run each day's 延续提醒 up to the day before `today`."""
    rng = random.Random(seed)
    with new_session(engine) as session:
        taken = _applicants_known(session)
        rows = _rows(rng, office, first=first, today=today, taken=taken)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / FILE_NAME
            _write_csv(path, rows)
            outcome = importing.import_file(session=session, catalogue=office.catalogue, path=path, today=first,
                                            now=office.time.at(first, 9), actor="import")
    if outcome.problems:  # the rows are ours: a problem is a bug here, not bad input
        raise RuntimeError("演示存量证照未通过导入校验：" + "；".join(map(str, outcome.problems[:5])))
    _remind_each_day(engine=engine, office=office, first=first, today=today, gateway=gateway)
    with new_session(engine) as session:
        reminders = len(all_reminders(session=session))
    expiries = [e for e in (_expiry(office, r) for r in rows) if e is not None]
    window = office.profile.licences.expiry_window_days
    return StockSummary(imported=outcome.imported, expired=sum(first <= e < today for e in expiries),
                        expiring=sum(today <= e < today + dt.timedelta(days=window) for e in expiries),
                        reminders=reminders, window=window)


def _applicants_known(session: Session) -> set[str]:
    """Names and ID numbers of the demo's applicants: an earlier holder is never one of them."""
    known: set[str] = set()
    for name, id_no in session.exec(select(Case.applicant_name, Case.applicant_id_no)):
        known.update((name, id_no))
    return known


Row = dict[str, str]  # one line of the import file: column → cell


def _rows(rng: random.Random, office: Office, *, first: dt.date, today: dt.date, taken: set[str]) -> list[Row]:
    roster = Roster(rng, first_day=first)
    rows: list[Row] = []
    for code, count in STOCK.items():
        definition = office.catalogue.get(code).definition
        years = _term(office, code).length or 1
        for expires in _expiry_days(rng, count, years=years, first=first, today=today,
                                    window=office.profile.licences.expiry_window_days):
            entry = roster.applicant_for(code)
            while {entry.applicant.name, entry.applicant.id_no} & taken:
                entry = roster.applicant_for(code)
            # Issued the day after the same date `years` earlier, so that it runs to `expires`.
            issued = _years_before(expires, years) + dt.timedelta(days=1)
            rows.append({"证照编号": _number(definition.result.licence_number or "", issued, len(rows) + 1),
                         "事项": code, "持证人类型": "单位" if entry.applicant.kind == "company" else "个人",
                         "持证人名称": entry.applicant.name, "证件号码": entry.applicant.id_no,
                         "联系电话": entry.applicant.phone, "发证日期": issued.isoformat(), "有效期至": "",
                         "有效期": "", "状态": "有效"})
    return rows


def _expiry_days(rng: random.Random, count: int, *, years: int, first: dt.date, today: dt.date,
                 window: int) -> list[dt.date]:
    """Expiry dates as a register holds them: a few passed during the history, about one in six within the
    expiry window after today (their reminders already sent), the rest spread over the years to come, up to
    the term of a licence issued the day before the system's first day."""
    latest = (_years_before(first, -years) - today).days - 1
    days = []
    for i in range(count):
        if i % 6 == 0:
            days.append(today + dt.timedelta(days=rng.randrange(1, window)))
        elif i % 6 == 1 and i < count // 2:
            days.append(first + dt.timedelta(days=rng.randrange((today - first).days)))
        else:
            days.append(today + dt.timedelta(days=rng.randrange(window, latest)))
    return days


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same date `years` earlier (later, for a negative number)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _number(pattern: str, issued: dt.date, seq: int) -> str:
    # Earlier numbers take their year's series from 9001 on, clear of any this system gives.
    return pattern.format(year=issued.year, seq=9000 + seq)


def _term(office: Office, code: str) -> Term:
    term = office.catalogue.get(code).definition.result.term
    assert term is not None, f"{code} declares the term of its licences"
    return term


def _expiry(office: Office, row: Row) -> dt.date | None:
    return expiry_of(_term(office, row["事项"]), dt.date.fromisoformat(row["发证日期"]))


def _fixed(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def _write_csv(path: Path, rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(importing.COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def _remind_each_day(*, engine: Engine, office: Office, first: dt.date, today: dt.date,
                     gateway: Gateway | None) -> None:
    """The scheduled 延续提醒 of each day from `first` to the day before `today`, at its time, as the scheduler
    runs them and notes them in its ledger (so the served scheduler goes on from today)."""
    at_time = REMINDERS.when.at  # type: ignore[union-attr]  # a Daily entry
    day = first
    while day < today:
        moment = office.time.at(day, at_time.hour, at_time.minute)
        on_the_day = dataclasses.replace(office, clock=_fixed(moment))
        summary = remind_expiring(engine=engine, office=on_the_day, day=day)
        with new_session(engine) as session:
            if gateway is not None:
                send_pending(session=session, gateway=gateway, now=moment, limit=1000)
            record_run(session, task=REMINDERS.name, day=day, summary=summary, at=moment)
        day += dt.timedelta(days=1)
