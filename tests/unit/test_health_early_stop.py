"""engine/health_probe.py's early stop, on real sockets: a port that closes each HTTP/1.1
request and answers HTTP/2's preface with SETTINGS (a gRPC server) ends the wait; one that
only closes connections (net/http closing a handler that panics while the service starts)
does not (the review's false failure)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from pytest_goimage.engine.health_probe import poll, speaks_http2_only

_SETTINGS_FRAME = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


@contextlib.contextmanager
def serving(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A listening port on loopback whose connections `handle` takes, as a health URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            handle(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/healthz"
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.fixture(params=["http2-only", "closes"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, bool]]:
    """A listening port that closes each HTTP/1.1 request without an answer, and whether it
    answers HTTP/2's preface with a SETTINGS frame."""
    http2 = request.param == "http2-only"

    def close_without_answer(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(1)
            try:
                first = conn.recv(24)
            except OSError:
                return
            if http2 and first.startswith(b"PRI * HTTP/2.0"):
                conn.sendall(_SETTINGS_FRAME)

    with serving(close_without_answer) as url:
        yield url, http2


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


@pytest.mark.parametrize("loopback_only", [True, False])
def test_a_port_bound_on_loopback_only_ends_the_wait_once_the_listeners_show_it(
    loopback_only: bool,
) -> None:
    """Nothing listens at the URL (connection refused, as the engine's proxy answers for a
    service bound on 127.0.0.1): the wait ends at the first look at the listener table that
    shows the port on loopback only twice in a row (a look about each 0.5 s), and runs its
    course when it does not."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        url = f"http://127.0.0.1:{taken.getsockname()[1]}/healthz"
    looks: list[float] = []

    def on_loopback_only() -> bool:
        looks.append(0.0)
        return loopback_only

    _, probe = poll(url, 2.0, lambda: False, "scheme", lambda: False, on_loopback_only)
    assert probe.loopback_only is loopback_only
    if loopback_only:
        assert 1.0 <= probe.seconds < 1.9, probe.seconds
        assert len(looks) == 2
    else:
        assert probe.seconds >= 2.0, probe.seconds
        assert 2 <= len(looks) <= 4, looks  # about one look each 0.5 s, not one per request


def test_one_look_at_a_loopback_bind_before_the_real_one_does_not_end_the_wait() -> None:
    """A service that binds 127.0.0.1 first and all interfaces after: the first look alone
    must not fail it."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        url = f"http://127.0.0.1:{taken.getsockname()[1]}/healthz"
    answers = iter([True])
    _, probe = poll(url, 1.5, lambda: False, "scheme", lambda: False, lambda: next(answers, False))
    assert not probe.loopback_only
    assert probe.seconds >= 1.5, probe.seconds


def test_a_handler_that_never_answers_is_named_as_hanging() -> None:
    """Trial 35A: a health handler blocked on a lock gave only "timed out". A real socket that
    takes the request and sends nothing back."""
    held: list[socket.socket] = []  # read nothing, answer nothing, close nothing
    try:
        with serving(held.append) as url:
            healthy, probe = poll(url, 0.1, lambda: False)
    finally:
        for conn in held:
            conn.close()
    assert not healthy
    assert probe.describe() == (
        "no answer: the service took the request but sent no answer within 2 s: its handler "
        "for the path hangs or is that slow (on a lock, on a call to a dependency or MinIO made "
        "without a deadline), or the port is open before the service serves it (migrations "
        "between its listen and its serve)"
    )
