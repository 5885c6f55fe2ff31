"""`ready = "tcp"`: a server answers on the port. The engine's userland proxy accepts every
connection on a published port and closes it at once when nothing listens behind it, so an
accepted connection alone must not count.

`ready = "log:TEXT"`: the line, then (where the port is known) that server: the official
PostgreSQL image logs its ready line from a socket-only server before the real one listens."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from pytest_goimage.engine.dependency import LogReadiness
from pytest_goimage.engine.reach import Reach
from pytest_goimage.engine.service import ServiceContainer
from pytest_goimage.engine.tcp_probe import tcp_listening


@pytest.fixture
def server() -> Iterator[Callable[[Callable[[socket.socket], None]], int]]:
    """A real TCP server on 127.0.0.1 that handles each connection with `handle`."""
    listeners: list[socket.socket] = []

    def start(handle: Callable[[socket.socket], None]) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def serve() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                handle(conn)

        threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    for listener in listeners:
        listener.close()


def test_a_proxy_that_accepts_and_closes_at_once_is_not_a_server(
    server: Callable[..., int],
) -> None:
    assert tcp_listening("127.0.0.1", server(lambda conn: conn.close())) is False


def test_a_silent_server_that_keeps_the_connection_is_ready(server: Callable[..., int]) -> None:
    held: list[socket.socket] = []  # Redis and PostgreSQL wait for the client to speak
    assert tcp_listening("127.0.0.1", server(held.append)) is True


def test_a_server_that_greets_is_ready(server: Callable[..., int]) -> None:
    assert tcp_listening("127.0.0.1", server(lambda conn: conn.sendall(b"220 ready\r\n"))) is True


def test_nothing_listening_is_not_ready() -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    assert tcp_listening("127.0.0.1", port) is False


READY = "database system is ready to accept connections"


class Dependency:
    """A dependency's log and port as the readiness test sees them, counting log reads."""

    def __init__(self) -> None:
        self.log = ""
        self.serving = False
        self.log_reads = 0

    def logs(self) -> str:
        self.log_reads += 1
        return self.log

    def listening(self) -> bool:
        return self.serving


def test_a_logged_line_is_not_ready_until_the_port_answers() -> None:
    db = Dependency()
    ready = LogReadiness(READY, db.logs, db.listening)
    assert ready() is False
    db.log = f"LOG:  {READY}\n"  # the temporary init-time server: socket only
    assert ready() is False
    db.serving = True  # the real server on TCP
    assert ready() is True


def test_an_open_port_is_not_ready_until_the_line_appears() -> None:
    db = Dependency()
    db.serving = True
    ready = LogReadiness(READY, db.logs, db.listening)
    assert ready() is False
    db.log = f"LOG:  {READY}\n"
    assert ready() is True


def test_the_log_is_read_until_the_line_appears_not_after() -> None:
    db = Dependency()
    db.log = READY
    ready = LogReadiness(READY, db.logs, db.listening)
    assert (ready(), ready(), ready()) == (False, False, False)
    assert db.log_reads == 1
    db.log = ""  # a rotated log no longer holds the line: it was seen
    db.serving = True
    assert ready() is True


def test_without_a_known_port_the_line_alone_is_ready() -> None:
    db = Dependency()
    ready = LogReadiness(READY, db.logs)
    assert ready() is False
    db.log = READY
    assert ready() is True


def test_the_timeout_says_what_was_seen_and_what_was_not() -> None:
    db = Dependency()
    ready = LogReadiness("ready", db.logs, db.listening)
    assert ready.waited_for(5432) == "it waited for log:ready and then for a server on port 5432"
    db.log = "ready"
    ready()
    assert ready.waited_for(5432) == (
        "it waited for log:ready, which it logged, and then for a server on port 5432, which "
        "never answered"
    )
    assert LogReadiness("ready", db.logs).waited_for(None) == "it waited for log:ready"
    # A port no one configured is the image's EXPOSE: the server may serve on another.
    assert ready.waited_for(6379, inferred=True) == (
        "it waited for log:ready, which it logged, and then for a server on port 6379 (the port "
        "its image EXPOSEs; set `port` if it serves on another), which never answered"
    )


class RemoteBox:
    """What ServiceContainer reads of its engine container where the engine is another
    machine's: a published port, and a process this machine cannot see (Pid 0)."""

    def __init__(self, api_host_port: int) -> None:
        self.reach = Reach("127.0.0.1", "127.0.0.1", "test")
        self.host_ports = {"8080/tcp": api_host_port, "8081/tcp": 1}
        self.container = None

    def state(self) -> dict[str, object]:
        return {"Status": "running", "Pid": 0}


def _service(api_host_port: int) -> ServiceContainer:
    service = ServiceContainer(
        image_ref="app",
        image_label="Dockerfile",
        owner="run",
        network="net",
        env={},
        port="8080/tcp",
        health_port="8081/tcp",
    )
    service._box = RemoteBox(api_host_port)  # type: ignore[assignment]
    return service


@pytest.mark.parametrize(("held", "listening"), [(True, True), (False, False)])
def test_the_api_port_of_a_remote_engine_is_asked_through_its_published_port(
    server: Callable[..., int], held: bool, listening: bool
) -> None:
    """`health_port` beside the API (trial 35A): where the listener table cannot be read, an
    API port counts as served when the connection to its published port stays open, and not
    when the engine's proxy closes it at once (nothing behind it)."""
    kept: list[socket.socket] = []
    port = server(kept.append if held else lambda conn: conn.close())
    assert _service(port).listeners() is None
    assert _service(port).api_listening() is listening
