"""Connections to a tcp:// or https:// engine that notice when the engine's host goes away
mid-run (a dind service killed, a build host rebooted, a VPN dropped): a request then fails
within about a minute instead of hanging the run.

Such a host sends no FIN or RST; two things would otherwise wait on it. A read with nothing to
send (a build's stream while a step runs quietly, read without a timeout) waits for good:
TCP keepalive probes, answered by the host's kernel however busy its engine is, give up after
IDLE_S + INTERVAL_S x PROBES (30 s). A new connection is given CONNECT_S (the kernel's SYN
retries take about two minutes). A request sent into the void waits for its acknowledgement, which keepalive does
not cover, for the client's whole timeout (300 s) per request: TCP_USER_TIMEOUT bounds that
to UNACKED_S, while the answer is awaited. It is not set while a request streams its body (a
build context): an engine that reads the context late keeps its receive window closed, and the
kernel would count that time too. So a host that goes away during the upload itself is given up
on only by the kernel's retransmission limit (tcp_retries2: about 15 minutes).
"""

from __future__ import annotations

import contextlib
import functools
import socket
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import ProxyManager

IDLE_S = 10  # quiet seconds before the first keepalive probe
INTERVAL_S = 5  # between unanswered probes
PROBES = 4  # unanswered probes before the connection is dropped
UNACKED_S = 60  # a request's bytes unacknowledged this long: the host is gone
CONNECT_S = 10.0  # an engine that answers at all accepts a connection well within this

# Linux only; elsewhere keepalive alone applies.
_USER_TIMEOUT: int | None = getattr(socket, "TCP_USER_TIMEOUT", None)


def socket_options() -> list[tuple[int, int, int]]:
    """urllib3's default options (TCP_NODELAY) plus keepalive, as far as this platform has
    them (macOS names the idle time TCP_KEEPALIVE) and its kernel takes them (WSL1 refuses
    some): an option refused would fail every connection. A copy: callers may extend it."""
    return list(_socket_options())


@functools.cache
def _socket_options() -> tuple[tuple[int, int, int], ...]:
    """What socket_options returns, probed once per process (a socket per probe)."""
    options = list(HTTPConnection.default_socket_options)
    idle = getattr(socket, "TCP_KEEPIDLE", getattr(socket, "TCP_KEEPALIVE", None))
    wanted = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (
        (idle, IDLE_S),
        (getattr(socket, "TCP_KEEPINTVL", None), INTERVAL_S),
        (getattr(socket, "TCP_KEEPCNT", None), PROBES),
    ):
        if name is not None:
            wanted.append((socket.IPPROTO_TCP, name, value))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        for option in wanted:
            try:
                probe.setsockopt(*option)
            except OSError:
                continue
            options.append(option)
    return tuple(options)


class _BoundedWhileAnswered:
    """Gives a new connection CONNECT_S to be accepted; sets TCP_USER_TIMEOUT while a request
    without a streamed body awaits its answer, and clears it before the next request is sent
    on the same connection."""

    sock: Any
    timeout: Any
    _streams_body = False

    def _new_conn(self) -> socket.socket:
        # Only the connect: urllib3 keeps the socket's timeout while it sends a request's body.
        wanted = self.timeout
        if not isinstance(wanted, (int, float)) or wanted > CONNECT_S:
            self.timeout = CONNECT_S
        try:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        finally:
            self.timeout = wanted
        sock.settimeout(wanted if isinstance(wanted, (int, float)) else None)
        return sock

    def request(self, method: str, url: str, body: Any = None, *args: Any, **kwargs: Any) -> None:
        self._user_timeout(0)
        self._streams_body = body is not None and not isinstance(body, (bytes, str))
        super().request(method, url, body, *args, **kwargs)  # type: ignore[misc]

    def getresponse(self) -> Any:
        if not self._streams_body:
            self._user_timeout(UNACKED_S * 1000)
        return super().getresponse()  # type: ignore[misc]

    def _user_timeout(self, milliseconds: int) -> None:
        if _USER_TIMEOUT is not None and self.sock is not None:
            with contextlib.suppress(OSError):  # a kernel without it (WSL1): keepalive alone
                self.sock.setsockopt(socket.IPPROTO_TCP, _USER_TIMEOUT, milliseconds)


class _Connection(_BoundedWhileAnswered, HTTPConnection):
    pass


class _TLSConnection(_BoundedWhileAnswered, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


_POOLS = {"http": _Pool, "https": _TLSPool}


def watch_host(adapter: Any) -> None:
    """Make `adapter` (a requests HTTPAdapter) open connections of this kind, also through an
    HTTP proxy the environment names (requests makes a proxy's pool manager on first use)."""
    options = socket_options()
    adapter.poolmanager.connection_pool_kw["socket_options"] = options
    adapter.poolmanager.pool_classes_by_scheme = _POOLS
    made = adapter.proxy_manager_for

    def proxy_manager_for(proxy: str, **kwargs: Any) -> Any:
        manager = made(proxy, **{"socket_options": options, **kwargs})
        if isinstance(manager, ProxyManager):  # not a SOCKS one, whose pools differ
            manager.pool_classes_by_scheme = _POOLS
        return manager

    adapter.proxy_manager_for = proxy_manager_for
