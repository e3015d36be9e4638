"""A TCP proxy in front of a real server, so a test can take the network between a
component and its database (or any TCP peer) away and give it back.

The proxy listens on a free loopback port and forwards every connection to the target.
Three faults, each undone by :meth:`TcpProxy.restore`:

- :meth:`TcpProxy.cut`: every open connection is closed and new ones are refused, as when
  the server goes down (the client's connect fails with "connection refused").
- :meth:`TcpProxy.stall`: a black hole. Connections, open and new, stay up but carry nothing
  either way, as when a network path dies without a reset: only the client's own timeouts
  end its wait. What was held back flows once restored.

Threads, not the test's event loop: the proxy keeps forwarding while the loop is busy, and
its methods can be called from synchronous and asynchronous tests alike.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from types import TracebackType
from typing import Self

# How often the accepting thread looks at the listener (seconds); bounds how long close()
# takes, not the speed of forwarding.
_POLL = 0.05
_CHUNK = 65536


class _Pipe:
    """One proxied connection: the client's socket and the one to the target."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self.closed = False
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class TcpProxy:
    """Forwards ``host:port`` (a free port, see :attr:`port`) to ``target_host:target_port``.

    Use it as a context manager; :meth:`close` stops it and closes every connection.
    """

    def __init__(self, target_host: str, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.host = host
        self.port = 0
        # Connections accepted since the start, for tests that check a client reconnected.
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._pipes: set[_Pipe] = set()
        self._lock = threading.Lock()
        # Pumps wait on it while stalled; notified on restore and on every close.
        self._flow = threading.Condition(self._lock)
        self._stalled = False
        # Pumps holding back data because of a stall: a request is in flight.
        self._holding = 0
        self._closed = False
        self._acceptor: threading.Thread | None = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pipes)

    @property
    def holding(self) -> int:
        """How many directions of the open connections have data held back by a stall:
        above zero once a client sent something the stall keeps from the server."""
        with self._lock:
            return self._holding

    def start(self) -> Self:
        self._listen()
        self._acceptor = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)
        self._acceptor.start()
        return self

    def cut(self) -> None:
        """Refuse new connections and close every open one."""
        with self._lock:
            listener, self._listener = self._listener, None
            pipes = list(self._pipes)
        if listener is not None:
            # shutdown() stops listening at once; close() alone waits for the accepting
            # thread's select() to let go of the socket.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for pipe in pipes:
            self._drop(pipe)

    def stall(self) -> None:
        """Accept connections but forward nothing, on open and new ones, until restored."""
        with self._lock:
            self._stalled = True

    def restore(self) -> None:
        """Forward again: listen (on the same port) if cut, release what a stall held."""
        with self._lock:
            self._stalled = False
            self._flow.notify_all()
            listening = self._listener is not None
        if not listening:
            self._listen()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self.cut()
        if self._acceptor is not None:
            self._acceptor.join()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener

    def _accept_loop(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                listener = self._listener
            if listener is None:
                threading.Event().wait(_POLL)
                continue
            try:
                ready, _, _ = select.select([listener], [], [], _POLL)
                if not ready:
                    continue
                client, _peer = listener.accept()
            except (OSError, ValueError):  # closed by cut() meanwhile
                continue
            self._forward(client)

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
        except OSError:
            client.close()
            return
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pipe = _Pipe(client, upstream)
        with self._lock:
            if self._listener is None or self._closed:
                refused = True
            else:
                refused = False
                self._pipes.add(pipe)
                self.accepted += 1
        if refused:
            pipe.close()
            return
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(
                target=self._pump, args=(pipe, source, sink), name="tcp-proxy-pump", daemon=True
            ).start()

    def _pump(self, pipe: _Pipe, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(_CHUNK)
            except OSError:
                break
            if not data:
                break
            with self._flow:
                if self._stalled:
                    self._holding += 1
                    while self._stalled and not pipe.closed:
                        self._flow.wait()
                    self._holding -= 1
            if pipe.closed:
                break
            try:
                sink.sendall(data)
            except OSError:
                break
        self._drop(pipe)

    def _drop(self, pipe: _Pipe) -> None:
        pipe.close()
        with self._flow:
            self._pipes.discard(pipe)
            self._flow.notify_all()
