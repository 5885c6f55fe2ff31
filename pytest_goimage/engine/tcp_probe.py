"""Whether a server listens behind a published port, asked from this machine.

The engine's userland proxy accepts every connection on a published port and closes it at
once when nothing listens behind it, so an accepted connection alone proves nothing: a server
keeps it open (Redis, PostgreSQL and HTTP servers wait for the client) or speaks first (MySQL,
SMTP).
"""

from __future__ import annotations

import socket

# How long a connection must stay open (or how soon the server must speak) to count as
# something listening behind the published port.
SETTLE_SECONDS = 0.3


def tcp_listening(host: str, port: int) -> bool:
    """Whether a server answers on host:port (see the module docstring on the proxy)."""
    try:
        with socket.create_connection((host, port), timeout=1.0) as conn:
            conn.settimeout(SETTLE_SECONDS)
            try:
                return conn.recv(1) != b""  # a greeting (MySQL, SMTP): listening
            except TimeoutError:
                return True  # still open and silent, as Redis and PostgreSQL wait for us
    except OSError:
        return False
