"""engine/engine_host_gone.py on real sockets: a tcp engine's connections keep alive (a quiet
build stream notices a host that went away), and TCP_USER_TIMEOUT bounds a request while its
answer is awaited, except one that streamed its body (a build context the engine may read late).
The end-to-end behaviour, against an engine whose host vanishes, is in
tests/acceptance/test_engine_host_gone.py."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from pytest_goimage.engine.engine_host_gone import IDLE_S, INTERVAL_S, PROBES, UNACKED_S
from pytest_goimage.engine.engine_tls import EngineAPIClient

# TCP_USER_TIMEOUT and TCP_KEEPIDLE are Linux's names (macOS has keepalive alone).
pytestmark = pytest.mark.skipif(
    not hasattr(socket, "TCP_USER_TIMEOUT"), reason="Linux's TCP options"
)


class _Engine(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection, as dockerd does

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def engine() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Engine)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _socket(client: Any) -> socket.socket:
    pools = client.adapters["http://"].poolmanager.pools
    (pool,) = [pools[key] for key in pools.keys()]  # noqa: SIM118 (it refuses iteration)
    # urllib3 fills its queue with None up to the pool's size; the connections are the rest.
    (connection,) = [c for c in pool.pool.queue if c is not None]
    assert connection.sock is not None
    return connection.sock  # type: ignore[no-any-return]


def test_a_tcp_engine_s_connection_keeps_alive_and_bounds_unanswered_requests(engine: int) -> None:
    client = EngineAPIClient(base_url=f"tcp://127.0.0.1:{engine}", version="1.41", timeout=300)
    client._get(f"http://127.0.0.1:{engine}/_ping").raise_for_status()
    sock = _socket(client)
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    options = {"TCP_KEEPIDLE": IDLE_S, "TCP_KEEPINTVL": INTERVAL_S, "TCP_KEEPCNT": PROBES}
    for name, value in options.items():
        assert sock.getsockopt(socket.IPPROTO_TCP, getattr(socket, name)) == value, name
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == UNACKED_S * 1000
    # A streamed body (a build context): not bounded, on the same connection.
    client._post(f"http://127.0.0.1:{engine}/build", data=io.BytesIO(b"context")).raise_for_status()
    assert _socket(client) is sock
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 0
    # The read timeout is the client's again once connected (10 s bounded the connect only).
    assert sock.gettimeout() == 300
    client.close()


@pytest.fixture
def unanswered() -> Iterator[int]:
    """A port whose SYNs get no answer, as a host that went away: a listener that never
    accepts, its queue full (Linux then drops further SYNs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    waiting = []
    for _ in range(3):
        queued = socket.socket()
        queued.setblocking(False)
        queued.connect_ex(("127.0.0.1", port))
        waiting.append(queued)
    time.sleep(0.1)
    yield port
    for queued in waiting:
        queued.close()
    listener.close()


def test_a_connection_that_is_never_accepted_gives_up_at_the_bound(
    unanswered: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new connection is given CONNECT_S, whatever the client's timeout (300 s here): the
    kernel's SYN retries would take about two minutes."""
    monkeypatch.setattr("pytest_goimage.engine.engine_host_gone.CONNECT_S", 0.5)
    url = f"127.0.0.1:{unanswered}"
    client = EngineAPIClient(base_url=f"tcp://{url}", version="1.41", timeout=300)
    client.bound_connects = False  # as once the engine has answered
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ConnectionError):
        client._get(f"http://{url}/_ping")
    assert time.monotonic() - started < 5
    client.close()


def test_an_engine_behind_an_http_proxy_keeps_alive_too(
    engine: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review: requests makes a proxy's pool manager itself, without the options."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{engine}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = EngineAPIClient(base_url="tcp://engine.invalid:2375", version="1.41", timeout=300)
    client._get("http://engine.invalid:2375/_ping").raise_for_status()  # the proxy answers
    (manager,) = client.adapters["http://"].proxy_manager.values()
    pools = manager.pools
    (pool,) = [pools[key] for key in pools.keys()]  # noqa: SIM118 (it refuses iteration)
    (connection,) = [c for c in pool.pool.queue if c is not None]
    assert connection.sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    assert connection.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 60_000
    client.close()
