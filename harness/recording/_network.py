"""Network blocking at socket level: fail closed for every client, not only httpx.

:class:`NetworkGuard` replaces ``socket.socket.connect`` and ``connect_ex`` for the life of a ``with``
block, so that ``urllib``, ``requests``/``urllib3``, ``aiohttp`` and anything else that opens a TCP
connection asks it first. A connection to a host that no pattern allows raises
:class:`NetworkBlockedError` naming the host, the test and the option that allows it; every blocked
attempt is also kept in :attr:`NetworkGuard.blocked`, so that a test whose code swallowed the error
still fails.

Allowed host patterns are regular expressions matched at the start of the host (as pytest-recording's
``--allowed-hosts``). The loopback addresses are allowed unless ``allow_loopback=False``: servers on
127.0.0.1 (the embedded server, a test's own stub) are not the network.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from harness._errors import HarnessError

LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "::1", "localhost", "0.0.0.0", "::"})


class NetworkBlockedError(HarnessError, RuntimeError):
    """A connection to a host that is not allowed. A ``RuntimeError`` too, as pytest-recording's was."""


@dataclass(frozen=True, slots=True)
class BlockedConnection:
    """One refused connection: where it went and what was said about it."""

    host: str
    port: int | None
    message: str


def host_allowed(host: str, patterns: Iterable[str]) -> bool:
    """True when a pattern matches the start of ``host`` (pytest-recording's ``--allowed-hosts`` rule)."""
    return any(re.match(pattern, host) for pattern in patterns if pattern)


class NetworkGuard:
    """Refuses socket connections to hosts that are not allowed, within a ``with`` block.

    Args:
        allowed_hosts: Regular expressions; a host matching one of them may be reached.
        allow_loopback: Let connections to 127.0.0.1, ::1 and localhost through (and Unix sockets).
        describe: Builds the error message from the host and port, e.g. naming the test and the
            option that allows the host.
    """

    _lock = threading.Lock()

    def __init__(
        self,
        allowed_hosts: Iterable[str] = (),
        *,
        allow_loopback: bool = True,
        describe: Callable[[str, int | None], str] | None = None,
    ) -> None:
        self.allowed_hosts = tuple(allowed_hosts)
        self.allow_loopback = allow_loopback
        self._describe = describe or (lambda host, port: f"Network is disabled: connection to {host} refused")
        self.blocked: list[BlockedConnection] = []
        self._saved: tuple[Any, Any] | None = None

    def allows(self, family: int, address: Any) -> tuple[bool, str, int | None]:
        """Whether a connection of ``family`` to ``address`` may go through, with its host and port."""
        if family not in (socket.AF_INET, socket.AF_INET6):
            host = address.decode(errors="replace") if isinstance(address, bytes) else str(address)
            return self.allow_loopback or host_allowed(host, self.allowed_hosts), host, None
        host, port = str(address[0]), int(address[1])
        if self.allow_loopback and (host in LOOPBACK_HOSTS or host.startswith("127.")):
            return True, host, port
        return host_allowed(host, self.allowed_hosts), host, port

    def __enter__(self) -> NetworkGuard:
        guard = self
        with self._lock:
            original_connect = socket.socket.connect
            original_connect_ex = socket.socket.connect_ex
            self._saved = (original_connect, original_connect_ex)

            def check(sock: socket.socket, address: Any) -> None:
                allowed, host, port = guard.allows(sock.family, address)
                if not allowed:
                    message = guard._describe(host, port)
                    guard.blocked.append(BlockedConnection(host, port, message))
                    raise NetworkBlockedError(message)

            def connect(sock: socket.socket, address: Any) -> None:
                check(sock, address)
                original_connect(sock, address)

            def connect_ex(sock: socket.socket, address: Any) -> int:
                check(sock, address)
                return int(original_connect_ex(sock, address))

            socket.socket.connect = connect  # type: ignore[method-assign,assignment]
            socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._lock:
            if self._saved is not None:
                socket.socket.connect, socket.socket.connect_ex = self._saved  # type: ignore[method-assign]
                self._saved = None
