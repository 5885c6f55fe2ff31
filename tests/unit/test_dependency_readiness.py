"""`ready = "tcp"`: a server answers on the port. The engine's userland proxy accepts every
connection on a published port and closes it at once when nothing listens behind it, so an
accepted connection alone must not count."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from pytest_goimage.engine.dependency import tcp_listening


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
