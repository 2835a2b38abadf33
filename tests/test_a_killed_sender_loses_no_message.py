"""A sender killed (SIGKILL) in the middle of sending loses nothing: its claims run out, the next run sends
what it had not marked sent, and every message is in the gateway's file at least once (here exactly once:
the file gateway drops a key it already wrote, as the idempotency key allows)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from tests.support import open_complete
from workflows.db import session as new_session
from workflows.outbox import OutboxMessage, send_pending
from workflows.sms import FileGateway

ROOT = Path(__file__).resolve().parent.parent
FREIGHT = "road-freight-licence"


def lines_in(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []


def test_a_sender_killed_mid_send_leaves_every_message_sent_at_least_once(session, office, engine, database_url,
                                                                         tmp_path):
    for _ in range(12):
        open_complete(session, office, FREIGHT)
    with new_session(engine) as s:
        keys = {m.key for m in s.exec(select(OutboxMessage))}
    assert len(keys) == 12
    out = tmp_path / "sms.jsonl"

    child = subprocess.Popen([sys.executable, "-m", "tests.outbox_sender", database_url, str(out)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while len(lines_in(out)) < 3 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.08)  # most likely in the middle of a line's two halves
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    with new_session(engine) as s:
        left = [m for m in s.exec(select(OutboxMessage)) if m.status != "sent"]
    assert left and all(m.status == "pending" for m in left)  # killed before it finished; nothing lost
    assert any(m.claimed_by for m in left)  # its claims outlive it, until their lease runs out

    after_the_lease = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
    while send_pending(session=session, gateway=FileGateway(out), now=after_the_lease).sent:
        pass

    with new_session(engine) as s:
        stored = list(s.exec(select(OutboxMessage)))
    assert {m.status for m in stored} == {"sent"}
    written = []
    for line in lines_in(out):
        try:
            written.append(json.loads(line)["key"])
        except ValueError:
            continue  # the line the kill tore
    assert set(written) == keys  # every message at least once
    assert len(written) == len(keys)  # and the file gateway dropped the re-sent duplicate


def test_a_claimed_message_is_not_sent_twice_while_its_lease_runs(session, office, engine, tmp_path):
    open_complete(session, office, FREIGHT)
    now = office.now()
    from workflows.outbox import _claim

    claimed, _ = _claim(session, claimer="other-sender", now=now, limit=10, lease=dt.timedelta(minutes=5))
    assert len(claimed) == 1
    during = send_pending(session=session, gateway=FileGateway(tmp_path / "a.jsonl"),
                          now=now + dt.timedelta(minutes=4))
    after = send_pending(session=session, gateway=FileGateway(tmp_path / "a.jsonl"),
                         now=now + dt.timedelta(minutes=6))
    assert during.sent == [] and after.sent == [claimed[0].key]


def test_a_message_written_but_not_marked_sent_is_sent_again_and_the_file_keeps_it_once(session, office, engine,
                                                                                       tmp_path):
    """The kill between the gateway's write and the mark: the message goes again, with the same key."""
    from workflows.outbox import _claim
    from workflows.sms import Sms

    open_complete(session, office, FREIGHT)
    out, now = tmp_path / "sms.jsonl", office.now()
    (row,), _ = _claim(session, claimer="killed-sender", now=now, limit=10, lease=dt.timedelta(minutes=5))
    FileGateway(out).send(Sms(row.key, row.phone, row.notice, row.params, row.text))  # then the sender died

    again = send_pending(session=session, gateway=FileGateway(out), now=now + dt.timedelta(minutes=6))

    assert again.sent == [row.key]
    assert [json.loads(line)["key"] for line in lines_in(out)] == [row.key]


def test_two_senders_at_once_send_each_message_once(session, office, engine, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    for _ in range(16):
        open_complete(session, office, FREIGHT)
    now = office.now()
    files = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]

    def sender(out: Path) -> None:
        with new_session(engine) as s:
            while send_pending(session=s, gateway=FileGateway(out), now=now, limit=3).sent:
                pass

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(sender, f) for f in files]:
            done.result(timeout=120)  # raises here what the sender raised
    written = [json.loads(line)["key"] for f in files for line in lines_in(f)]
    with new_session(engine) as s:
        stored = list(s.exec(select(OutboxMessage)))
    assert sorted(written) == sorted(m.key for m in stored)  # each once, in one file or the other
    assert {m.status for m in stored} == {"sent"}
