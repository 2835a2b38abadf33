"""The send loop in a process of its own, for the kill test: `python -m tests.outbox_sender DATABASE_URL FILE`.

Sends in small batches through the file gateway until nothing is due. Each message is written in
two halves with a pause between them, so that a SIGKILL can land between claiming a batch and
marking it sent, and even in the middle of a line.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from workflows.db import make_engine, session
from workflows.outbox import send_pending
from workflows.sms import FileGateway


class SlowFileGateway(FileGateway):
    def _write(self, out, data: bytes) -> None:  # type: ignore[no-untyped-def]
        half = len(data) // 2
        out.write(data[:half])
        out.flush()
        time.sleep(0.15)
        out.write(data[half:])


def main(url: str, file: str) -> None:
    engine = make_engine(url)
    gateway = SlowFileGateway(Path(file))
    with session(engine) as s:
        while send_pending(session=s, gateway=gateway, now=dt.datetime.now(dt.UTC), limit=4,
                           lease=dt.timedelta(minutes=10)).sent:
            pass


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
