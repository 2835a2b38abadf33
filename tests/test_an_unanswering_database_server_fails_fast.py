"""A PostgreSQL server that accepts the connection and never answers fails it after the connect timeout.

Every request connects from a worker thread of the server's small pool: without a
bound, one silent database server would hold those threads, and so stall every
request of the worker, until the operating system gave up, minutes later.
"""

from __future__ import annotations

import socket
import threading
import time

from sqlalchemy.exc import OperationalError

from workflows.db import CONNECT_TIMEOUT_S, make_engine


def test_connecting_to_a_silent_server_raises_after_the_timeout():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # the kernel accepts the TCP connection; nobody ever speaks the protocol
    port = silent.getsockname()[1]
    engine = make_engine(f"postgresql://postgres@127.0.0.1:{port}/nothing")
    outcome: list[BaseException] = []

    def connect() -> None:
        try:
            engine.connect().close()
        except BaseException as exc:  # noqa: BLE001  (reported to the test thread)
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(timeout=CONNECT_TIMEOUT_S * 6)
    try:
        assert not worker.is_alive(), "the connection attempt is still waiting for a server that never answers"
        assert len(outcome) == 1 and isinstance(outcome[0], OperationalError)
        assert time.monotonic() - started >= CONNECT_TIMEOUT_S - 1  # it waited for the server, then gave up
    finally:
        silent.close()
        engine.dispose()
