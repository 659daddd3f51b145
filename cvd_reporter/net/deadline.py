"""One total deadline for a network exchange (HTTPS and SMTP alike).

Per-read socket timeouts do not bound a server that drips one byte a second, so a timer shuts every
socket of the exchange when the deadline passes; that wakes any blocked read or write, in whatever
thread. Sockets are kept as duplicates: a TLS wrap detaches the original socket object, while
shutdown() acts on the connection itself.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, TypeVar

_D = TypeVar("_D", bound="SocketDeadline")


class DeadlinePassed(TimeoutError):
    """Raised when a socket is registered after the deadline (a TimeoutError, so clients wrap it)."""


class SocketDeadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                sock.close()
                raise DeadlinePassed(f"the {self.seconds:g} s deadline passed")
            self._socks.append(sock.dup())

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self: _D) -> _D:
        self._timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._socks:
                sock.close()
            self._socks.clear()
