"""Reading listening sockets from /proc, on this process's real tables."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from pytest_goimage.engine.listeners import (
    is_loopback,
    listener_hint,
    listeners_in,
    listening,
    unknown_port_hint,
)


def test_listeners_are_read_from_proc() -> None:
    v4 = socket.socket(socket.AF_INET)
    v4.bind(("127.0.0.1", 0))
    v4.listen()
    v6 = socket.socket(socket.AF_INET6)
    v6.bind(("::", 0))
    v6.listen()
    try:
        table = Path("/proc/self/net/tcp").read_text() + Path("/proc/self/net/tcp6").read_text()
        found = listeners_in(table)
        assert ("127.0.0.1", v4.getsockname()[1]) in found
        assert ("::", v6.getsockname()[1]) in found
    finally:
        v4.close()
        v6.close()


def test_a_process_that_is_not_the_container_says_nothing() -> None:
    # This process's cgroup does not name the container: no guess from the wrong namespace.
    assert listening(os.getpid(), "f" * 64) is None
    assert listening(0, "f" * 64) is None


def test_hints() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("::")
    assert "listens on 127.0.0.1:8080" in listener_hint([("127.0.0.1", 8080)], 8080)
    assert "listens on port 8081, not on 8080" in listener_hint([("0.0.0.0", 8081)], 8080)
    assert listener_hint([("::", 8080)], 8080) == ""  # it listens where it should
    assert listener_hint(None, 8080) == ""  # not known (a remote engine's container)
    # Trial 11: a slow starter got only "connection reset".
    assert (
        listener_hint([("127.0.0.11", 41000)], 8080)
        == listener_hint([], 8080)
        == (
            ". Inside the container nothing listens on any TCP port yet: the service is still "
            "starting, or never opens its port; if it needs longer to start, raise "
            "`startup_timeout` in [tool.goimage]"
        )
    )


def test_a_port_in_the_kernels_range_names_both_causes() -> None:
    """Round 9: PORT unset, the service listened on :35823 and the advice was only `port =
    35823`, which changes on every start; but a fixed high port (gRPC's 50051) is one to set
    (the review). The hint says how to tell them apart, and the fix for each."""
    sockets = [("0.0.0.0", 35823), ("127.0.0.11", 41000)]
    for hint in (unknown_port_hint(sockets), listener_hint(sockets, 8080)):
        assert (
            "listens on port 35823. If that port changes from one start to the next, the " in hint
        )
        assert (
            'set the variable it reads its port from in [tool.goimage.env] (PORT = "8080")' in hint
        )
        assert "else set `port = 35823` (or EXPOSE 35823 in the Dockerfile)" in hint
    assert listener_hint(sockets, 8080).startswith(". Inside the container")
    # Below that range the EXPOSE/port advice alone.
    assert unknown_port_hint([("0.0.0.0", 9090)]).endswith(
        "listens on port 9090: set `port = 9090` (or EXPOSE 9090 in the Dockerfile)."
    )
