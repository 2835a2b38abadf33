"""`python service.py audit rebuild`: recompute the auditor's facts and counters from the stored cases.

Needed once for a database that had cases before migration 0003, or after
correcting events by hand; the running system keeps the tables current itself.
"""

from __future__ import annotations

import time

from audit.facts import rebuild


def run(args, settings) -> int:
    from workflows.bootstrap import load_office
    from workflows.db import make_engine, upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    office = load_office(engine, settings.definitions_dir)
    started = time.perf_counter()
    with engine.begin() as conn:
        counted = rebuild(conn, calendar=office.calendar, time=office.time)
    print(f"已重新统计 {counted} 件已结束办件（{time.perf_counter() - started:.1f} 秒）")
    return 0
