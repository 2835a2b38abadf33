"""Benchmark: a 双随机 draw over 100,000 licence holders and 200 inspectors, against sorting the same list.

In one run, on the same data:
1. the baseline: Python's `sorted` of the 100,000 [licence number, public name] entries, shuffled
   (the one step every draw must take anyway: the published list is sorted);
2. the draw's own work in memory (inspections.drawing): the SHA-256 of the three lists, the
   commitment, the seed, and the draw (5 % of the targets rounded up, a team of 2 from the 200 for
   each, with 回避 pairs: 200 declared conflicts and last period's 10,000 team pairs);
3. `verify_record` recomputing all of it from the stored record, as `service.py inspections verify` does;
4. through the service on a fresh SQLite database holding the 100,000 licences and the roster:
   `draws.announce` (the register query, the lists, the hashes, the insert) and `draws.run`.

Each is the best of `--repeat` runs (default 3); it prints seconds and the ratio to the sort.

    python -m bench.draw
    python -m bench.draw --holders 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from inspections import draws, drawing, roster
from inspections.items import load_items
from inspections.models import LICENCES
from workflows import accounts
from workflows.bootstrap import load_office
from workflows.db import make_engine, session as new_session, upgrade
from workflows.office import Actor

ITEM = "road-freight-operation"
ADMIN = Actor("admin", frozenset({"admin"}))
ISSUED = dt.date(2025, 3, 1)


def best(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - start)
    return min(times), out


def entries(holders: int, rng: random.Random) -> list[list[str]]:
    out = [[f"浙嘉交运管许可货字〔2025〕第{i:06d}号", f"嘉兴市第{i}运输有限公司"] for i in range(1, holders + 1)]
    rng.shuffle(out)
    return out


def in_memory(holders: int, inspectors: int, repeat: int, rng: random.Random) -> dict[str, float]:
    shuffled = entries(holders, rng)
    sort_s, targets = best(repeat, lambda: sorted(shuffled))
    people = [[f"33040{i:06d}", f"执法员{i}", "运输管理科"] for i in range(inspectors)]
    numbers = [t[0] for t in targets]
    certs = [p[0] for p in people]
    avoid = sorted({(certs[rng.randrange(inspectors)], numbers[rng.randrange(holders)]) for _ in range(200)}
                   | {(certs[rng.randrange(inspectors)], numbers[rng.randrange(holders)]) for _ in range(10_000)})
    avoid_list = [list(p) for p in avoid]

    def announce_and_draw() -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": 1, "item_code": ITEM, "period": "2026", "seq": 1, "reason": "", "algorithm": drawing.ALGORITHM,
            "announced_at": dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC), "ratio_percent": "5", "team_size": 2,
            "targets": targets, "targets_sha256": drawing.sha256_hex(targets),
            "inspectors": people, "inspectors_sha256": drawing.sha256_hex(people),
            "avoid": avoid_list, "avoid_sha256": drawing.sha256_hex(avoid_list), "nonce": "00" * 16,
            "beacon_source": "上证综合指数收盘点位", "beacon_date": dt.date(2026, 11, 26)}
        row["commitment"] = drawing.commitment(draws.committed_fields(row))
        row["beacon_value"] = "3412.58"
        row["seed"], row["assignments"] = draws.compute(row, row["beacon_value"])
        row["assignments_sha256"] = drawing.sha256_hex(row["assignments"])
        return row

    draw_s, record = best(repeat, announce_and_draw)
    verify_s, verified = best(repeat, lambda: draws.verify_record(record))
    assert verified.matches, verified.checks
    return {"sort": sort_s, "draw": draw_s, "verify": verify_s, "drawn": len(record["assignments"])}


def through_the_service(holders: int, inspectors: int, repeat: int, rng: random.Random) -> dict[str, float]:
    now = dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC)
    clock = {"now": now}
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        upgrade(engine)
        office = load_office(engine, clock=lambda: clock["now"])
        items = load_items()
        with new_session(engine) as session:
            rows = [{"number": number, "matter_code": "road-freight-licence", "case_id": None,
                     "holder_kind": "company", "holder_name": name, "holder_id_no": f"91330400MA{i:08d}",
                     "holder_phone": None, "issued_on": ISSUED, "validity": "4年", "term_kind": "years",
                     "expires_on": ISSUED + dt.timedelta(days=1460), "status": "valid", "source": "import",
                     "recorded_at": now} for i, (number, name) in enumerate(entries(holders, rng))]
            for chunk in range(0, len(rows), 5000):
                session.connection().execute(insert(LICENCES), rows[chunk:chunk + 5000])
            for i in range(inspectors):
                session.add(accounts.StaffUser(username=f"insp{i}", display_name=f"执法员{i}", password_hash="-",
                                               roles=["inspector"], created_at=now))
            session.commit()
            for i in range(inspectors):
                roster.add_inspector(session=session, username=f"insp{i}", cert_no=f"33040{i:06d}",
                                     department="运输管理科", by="bench", now=now)
            announce_times, run_times = [], []
            for n in range(repeat):
                clock["now"] = now
                start = time.perf_counter()
                draw_id = draws.announce(session=session, office=office, items=items, actor=ADMIN, item_code=ITEM,
                                         period="2026", beacon_source="上证综合指数收盘点位",
                                         beacon_date=dt.date(2026, 11, 26), reason=f"基准测试第 {n + 1} 次")
                announce_times.append(time.perf_counter() - start)
                clock["now"] = now + dt.timedelta(days=1)
                start = time.perf_counter()
                draws.run(session=session, office=office, actor=ADMIN, draw_id=draw_id, beacon_value="3412.58")
                run_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert draws.verify(session=session, draw_id=draw_id).matches
            verify_s = time.perf_counter() - start
        engine.dispose()
    return {"announce": min(announce_times), "run": min(run_times), "verify": verify_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--holders", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args(argv)
    memory = in_memory(args.holders, args.inspectors, args.repeat, random.Random(args.seed))
    service = through_the_service(args.holders, args.inspectors, args.repeat, random.Random(args.seed))
    sort = memory["sort"]
    print(f"{args.holders:,} holders, {args.inspectors} inspectors, {memory['drawn']:,} targets drawn "
          f"(best of {args.repeat}; Python {sys.version.split()[0]})")
    for label, seconds in (("sort the list (baseline)", sort), ("hash, commit, seed and draw", memory["draw"]),
                           ("verify_record", memory["verify"]), ("announce through the service (SQLite)",
                                                                 service["announce"]),
                           ("run through the service (SQLite)", service["run"]),
                           ("verify from the database", service["verify"])):
        print(f"  {label:<40} {seconds * 1000:9.1f} ms  {seconds / sort:6.1f} × the sort")
    return 0


if __name__ == "__main__":
    sys.exit(main())
