"""`service.py worker` killed (SIGKILL) while it sends the outbox to the SMS provider loses no message.

The real worker (Procrastinate, the schedule's `send-outbox` task) sends through the 阿里云
gateway to a local provider that takes a while to answer, and is killed after the provider has
seen a few messages: some are sent, the batch it had claimed is still pending with its claim,
and once that claim's lease has run out the next sender sends the rest. The provider has then
seen every message, each under its own `OutId` (the outbox key). And exactly once: the provider
took the message the killed worker was waiting on, and the next sender, finding the claim run out,
asks the provider (QuerySendDetails, by OutId) before sending it again."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

import service
from tests.conftest import ON_POSTGRES
from tests.sms_provider import KEY_ID, SECRET, Provider
from tests.support import open_complete
from workflows.db import session as new_session
from workflows.notices import Notice
from workflows.outbox import OutboxMessage, send_pending
from workflows.sms import AliyunSms

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (a PostgreSQL server)")

ROOT = Path(service.__file__).parent
QUEUE_TABLES = "procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events"
TEMPLATES = {n.value: f"SMS_{100000 + i}" for i, n in enumerate(Notice)}


def statuses(engine, keys: set[str]) -> dict[str, OutboxMessage]:
    with new_session(engine) as s:
        return {m.key: m for m in s.exec(select(OutboxMessage)) if m.key in keys}


def test_a_worker_killed_mid_send_leaves_every_message_sent_at_least_once(session, office, engine, database_url,
                                                                           clock):
    clock.now = dt.datetime.now(dt.UTC)  # the provider files what it takes under the real day
    for _ in range(10):
        open_complete(session, office, "road-freight-licence")  # each writes its 收件 message
    keys = {m.key for m in session.exec(select(OutboxMessage))}
    assert len(keys) == 10
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {QUEUE_TABLES} RESTART IDENTITY CASCADE"))

    with Provider(delay=0.5) as provider:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ONEVISIT_DEFINITIONS_DIR")}
        env |= {"DATABASE_URL": database_url, "ONEVISIT_SMS_GATEWAY": "aliyun",
                "ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
                "ONEVISIT_ALIYUN_SMS_SIGN_NAME": "嘉兴市交通运输局", "ONEVISIT_ALIYUN_SMS_ENDPOINT": provider.url,
                "ONEVISIT_ALIYUN_SMS_TEMPLATES": json.dumps(TEMPLATES)}
        worker = subprocess.Popen([sys.executable, str(ROOT / "service.py"), "worker", "--name", "killed"], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 150  # the first send-outbox tick comes within a minute
            while len(provider.received) < 3 and worker.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            seen_before_the_kill = len(provider.received)
            worker.send_signal(signal.SIGKILL)
        finally:
            _, log = worker.communicate(timeout=60)
        assert worker.returncode == -signal.SIGKILL, log
        assert 3 <= seen_before_the_kill < len(keys), log  # killed in the middle of sending

        rows = statuses(engine, keys)
        left = [m for m in rows.values() if m.status != "sent"]
        assert left and all(m.status == "pending" for m in left)  # nothing lost, nothing marked failed
        assert any(m.claimed_by for m in left)  # the dead worker's claims outlive it until their lease ends

        gateway = AliyunSms(access_key_id=KEY_ID, access_key_secret=SECRET, sign_name="嘉兴市交通运输局",
                            templates=TEMPLATES, endpoint=provider.url, timeout=5)
        after_the_lease = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)
        while send_pending(session=session, gateway=gateway, now=after_the_lease).sent:
            pass

    assert {m.status for m in statuses(engine, keys).values()} == {"sent"}
    assert provider.problems == []  # every request signed and formed as the provider documents
    assert keys <= {p["OutId"] for p in provider.received}  # every message reached the provider at least once
    assert sorted(p["OutId"] for p in provider.received) == sorted(keys)  # and none twice
    assert provider.queries  # the re-sent claims were asked about first
