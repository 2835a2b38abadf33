"""A TCP proxy put between the app and its real database server, to fail the network on cue.

`forward()` passes bytes both ways; `stall()` keeps every connection open and
accepts what either side sends, but passes nothing on (a server, VM or network
device that hangs: the kernel acknowledges every packet and no answer comes);
`refuse()` closes the listening port and every connection (a server that is down).
"""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.passing = threading.Event()
        self.passing.set()
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def forward(self) -> None:
        self.passing.set()

    def stall(self) -> None:
        self.passing.clear()

    def refuse(self) -> None:
        self.passing.set()  # released pipes find their sockets closed and end
        # A close alone leaves the accept() under way waiting, and it would still take one more
        # connection through to the server; shutting the listener down wakes it, refused.
        _close(self.listener)
        with self.lock:
            for sock in self.sockets:
                _close(sock)

    close = refuse

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # refused: the listener is closed
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        self.passing.wait()  # a stalled network answers no new connection either
        try:
            server = socket.create_connection(self.target)
        except OSError:
            _close(client)
            return
        with self.lock:
            self.sockets += [client, server]
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.passing.wait()  # stalled: what was read is held, and the sender sees it acknowledged
                sink.sendall(data)
        except OSError:
            pass
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
