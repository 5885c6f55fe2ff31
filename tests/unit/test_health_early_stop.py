"""engine/health_probe.py's early stop, on real sockets: a port that closes each HTTP/1.1
request and answers HTTP/2's preface with SETTINGS (a gRPC server) ends the wait; one that
only closes connections (net/http closing a handler that panics while the service starts)
does not (the review's false failure)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from pytest_goimage.engine.health_probe import poll, speaks_http2_only

_SETTINGS_FRAME = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


@pytest.fixture(params=["http2-only", "closes"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, bool]]:
    """A listening port that closes each HTTP/1.1 request without an answer, and whether it
    answers HTTP/2's preface with a SETTINGS frame."""
    http2 = request.param == "http2-only"
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    first = conn.recv(24)
                except OSError:
                    continue
                if http2 and first.startswith(b"PRI * HTTP/2.0"):
                    conn.sendall(_SETTINGS_FRAME)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/healthz", http2
    stop.set()
    thread.join()
    listener.close()


def test_only_an_http2_only_port_ends_the_wait_early(server: tuple[str, bool]) -> None:
    url, http2 = server
    assert speaks_http2_only(url) is http2
    healthy, probe = poll(url, 3.0, lambda: False, "scheme", lambda: True)
    assert not healthy
    assert probe.closes_while_listening is http2
    if http2:
        assert probe.seconds < 2.5, probe.seconds
    else:
        assert probe.seconds >= 3.0, probe.seconds  # waits for startup_timeout, as before


def test_nothing_is_asked_where_the_service_does_not_listen(server: tuple[str, bool]) -> None:
    url, _ = server
    _, probe = poll(url, 2.0, lambda: False, "scheme", lambda: False)
    assert not probe.closes_while_listening
    assert probe.seconds >= 2.0, probe.seconds


def test_an_https_url_is_not_asked() -> None:
    assert speaks_http2_only("https://127.0.0.1:1/healthz") is False
