"""The 双随机 part of the demo: the inspectors in the roster, and two draws made the way the office makes
them — announced, run on a later day, results recorded by the teams and published — over the demo's
licences (`service.py demo` calls `build` after the case history, so the register is filled).

The draws run through the same service functions as the pages, on a simulated clock a few weeks back.
The public value each seed comes from is invented, and its source says so on every page that shows it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from sqlalchemy.engine import Engine

from inspections import draws, results, roster
from inspections.draw_tables import Inspector
from inspections.items import load_items
from workflows.db import session as new_session
from workflows import errors
from workflows.office import Actor, Office

# (username, 执法证号, 科室): the demo accounts of workflows.demo_users with the inspector role.
ROSTER = (("inspector", "33040021001", "运输管理科"), ("inspector2", "33040021002", "运输管理科"),
          ("inspector3", "33040021003", "运输管理科"), ("inspector4", "33040021004", "执法监督科"),
          ("inspector5", "33040021005", "执法监督科"), ("inspector6", "33040021006", "执法监督科"))
BEACON = "上证综合指数收盘点位（演示数据：数值为虚构）"
ADMIN = Actor("admin", frozenset({"admin"}), name="周志强（系统管理员）")
OUTCOMES = ("clear", "clear", "clear", "rectify", "case", "not_found")
NOTES = {"rectify": "两辆营运车辆未按期进行年度审验，已当场下达责令改正通知书",
         "case": "一辆车辆无《道路运输证》从事经营，已立案",
         "not_found": "登记的经营地址已无该单位，联系电话停机"}


def build(*, engine: Engine, office: Office, seed: int = 2017) -> str:
    """Put the inspectors in the roster, declare a 回避, and make the demo's draws; returns a one-line summary."""
    rng = random.Random(seed)
    items = load_items(matters={v.code for v in office.catalogue.matters()})
    today = office.today()
    with new_session(engine) as session:
        for username, cert_no, department in ROSTER:
            if session.get(Inspector, username) is None:
                roster.add_inspector(session=session, username=username, cert_no=cert_no, department=department,
                                     by="admin", now=office.now())
        if draws.summaries(session=session):
            return "双随机抽查：已有抽查任务，未再生成"
        _declare_a_conflict(session, office)
        made = []
        # The freight draw of the year: announced five weeks ago, every result recorded and published.
        made.append(_draw(session, office, items, rng, item="road-freight-operation", period=str(today.year),
                          announce_on=_workday_back(office, today, 25), record_all=True, publish=True))
        # The passenger draw of the half year: announced a fortnight ago, results partly in, none published.
        half = f"{today.year}-H{1 if today.month <= 6 else 2}"
        made.append(_draw(session, office, items, rng, item="road-passenger-operation", period=half,
                          announce_on=_workday_back(office, today, 10), record_all=False, publish=False))
    return "双随机抽查：" + "；".join(m for m in made if m)


def _declare_a_conflict(session, office: Office) -> None:
    """A 回避 as inspectors declare them: one of them used to work for a freight company the register holds."""
    from sqlalchemy import select

    from inspections.models import LICENCES

    holder = session.connection().execute(select(LICENCES.c.holder_id_no).where(
        LICENCES.c.matter_code == "road-freight-licence", LICENCES.c.holder_kind == "company")
        .order_by(LICENCES.c.number).limit(1)).scalar()
    if holder is not None:
        roster.declare_conflict(session=session, username="inspector3", holder_id_no=holder,
                                relation="曾在该单位任职（2019—2022年）", by="admin", now=office.now())


def _workday_back(office: Office, day: dt.date, workdays: int) -> dt.date:
    while workdays:
        day -= dt.timedelta(days=1)
        workdays -= office.calendar.is_workday(day)
    return day


def _next_workday(office: Office, day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not office.calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _at(office: Office, day: dt.date, hour: int, minute: int = 0) -> Office:
    instant = office.time.at(day, hour, minute)
    return replace(office, clock=lambda: instant)


def _draw(session, office: Office, items, rng: random.Random, *, item: str, period: str, announce_on: dt.date,
          record_all: bool, publish: bool) -> str:
    beacon_on = _next_workday(office, announce_on)
    try:
        draw_id = draws.announce(session=session, office=_at(office, announce_on, 9, 30), items=items, actor=ADMIN,
                                 item_code=item, period=period, beacon_source=BEACON, beacon_date=beacon_on)
    except errors.DrawImpossible as exc:  # a demo too small to have licences of this matter
        return f"{items[item].name}未生成（{exc.message}）"
    draws.run(session=session, office=_at(office, beacon_on, 15, 30), actor=ADMIN, draw_id=draw_id,
              beacon_value=f"{rng.uniform(3000, 3600):.2f}")
    row = draws.record(session=session, draw_id=draw_id)
    user_of = dict(zip((i[0] for i in row["inspectors"]), row["usernames"], strict=True))
    day = beacon_on
    recorded = 0
    waiting: list[str] = []
    # A draw in progress has one result in; the rest wait, the `inspector` login's first where it has one.
    first = next((n for n, t in row["assignments"] if "inspector" not in (user_of[c] for c in t)),
                 row["assignments"][0][0])
    for number, team in row["assignments"]:
        if not record_all and number != first:
            waiting += [user_of[c] for c in team]
            continue
        day = _next_workday(office, day)
        outcome = OUTCOMES[rng.randrange(len(OUTCOMES))]
        member = Actor(user_of[team[0]], frozenset({"inspector"}))
        results.record_result(session=session, office=_at(office, day, 16), items=items, actor=member,
                              draw_id=draw_id, licence_number=number, outcome=outcome, inspected_on=day,
                              note=NOTES.get(outcome, ""))
        recorded += 1
    if publish and recorded:
        published_on = day
        for _ in range(5):  # a week after the last result: well within the 20 working days
            published_on = _next_workday(office, published_on)
        results.publish(session=session, office=_at(office, min(published_on, office.today()), 10), actor=ADMIN,
                        draw_id=draw_id)
    return f"{row['item_name']} {period} 抽中 {len(row['assignments'])} 户，登记结果 {recorded} 户" + \
        ("，已公开" if publish and recorded else "") + \
        (f"（待登记结果的执法检查人员：{'、'.join(sorted(set(waiting)))}）" if waiting else "")
