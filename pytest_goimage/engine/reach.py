"""Where the containers' ports are published, and the address this machine reaches them on.

An engine on this machine publishes on 127.0.0.1 only. An engine on another machine (a
remote DOCKER_HOST, GitLab's `docker:dind` service, an ssh:// host, a docker context)
publishes on the address this machine reaches the engine at, so that nothing opens on its
other interfaces. When the route to the containers differs from the route to the engine (a
NAT, a CI job in a container beside the engine's socket), GOIMAGE_HOST names the host to
reach them at, as testcontainers' TESTCONTAINERS_HOST_OVERRIDE does. The engine then publishes
on that address when it is one of the engine machine's own (a host gateway, a dind service),
and on all its interfaces only when it is not (a NAT in between), since it cannot know which
one that route arrives on.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

from ..errors import ServiceError
from .connection import engine_address, engine_host, runs_here

OVERRIDE = "GOIMAGE_HOST"
LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"
ALL_INTERFACES_V6 = "::"
# Addresses an engine refused to publish on in this process ("cannot assign requested
# address"): the next container goes straight to the fallback.
_REFUSED: set[str] = set()


@dataclass(frozen=True)
class Reach:
    """`bind`: the HostIp the engine publishes on; `host`: where this machine connects."""

    bind: str
    host: str
    how: str  # for messages: why this address
    fallback: str | None = None  # where to publish when the engine refuses `bind`

    def refused(self) -> Reach | None:
        """The Reach to try after the engine refused `bind`, remembered for the next ones;
        None when there is nowhere else to publish."""
        if self.fallback is None:
            return None
        _REFUSED.add(self.bind)
        return Reach(self.fallback, self.host, self.how)

    def url_host(self) -> str:
        """`host` as it goes into a URL (an IPv6 address in brackets)."""
        return f"[{self.host}]" if ":" in self.host else self.host

    def endpoint(self, port: int) -> str:
        return f"{self.url_host()}:{port}"


def reach() -> Reach:
    """Where the current engine's published ports are (see the module docstring); ServiceError
    when a remote engine's address cannot be resolved from here."""
    override = os.environ.get(OVERRIDE, "").strip()
    if override:
        host = _bare_host(override)
        how = f"from {OVERRIDE}={override}"
        try:
            address = _resolve(host, OVERRIDE)
        except ServiceError as exc:
            # This machine connects to `host`: a name it cannot resolve reaches nothing (and
            # publishing on every interface of the engine's machine for it would be wrong too).
            raise ServiceError(
                f"{OVERRIDE}={override} {exc}. Set it to the address this machine reaches the "
                "engine's published ports at (a host name that resolves here, or an IP "
                "address), or unset it where the engine runs on this machine, then rerun."
            ) from None
        everywhere = ALL_INTERFACES_V6 if ":" in address else ALL_INTERFACES
        if address in _REFUSED:
            return Reach(everywhere, host, how)
        return Reach(address, host, how, fallback=everywhere)
    engine = engine_host()
    if runs_here(engine):
        return Reach(LOOPBACK, LOOPBACK, "the engine runs on this machine")
    name = urlparse(engine).hostname
    if not name:
        raise ServiceError(
            f"The Docker engine at {engine_address()} runs on another machine, but its address "
            f"names no host to reach the containers at. Set {OVERRIDE} to that machine's "
            "address (as this machine reaches it), then rerun."
        )
    address = _resolve(name)
    return Reach(address, address, f"where {engine_address()} points")


def _bare_host(value: str) -> str:
    """GOIMAGE_HOST as a host name or address: a URL or a port is refused with an example."""
    try:
        return str(ipaddress.ip_address(value.strip("[]")))  # 10.0.0.5, ::1, [::1]
    except ValueError:
        pass
    parsed = urlparse(value if "//" in value else f"//{value}")
    host = parsed.hostname
    try:
        port = parsed.port
    except ValueError:
        port = -1
    if not host or port is not None or parsed.path not in ("", "/") or parsed.scheme:
        raise ServiceError(
            f"{OVERRIDE}={value!r} is not a host name or address: set it to the host alone "
            f"(e.g. {OVERRIDE}=docker or {OVERRIDE}=10.0.0.5, no scheme and no port), the "
            "address this machine reaches the engine's published ports at."
        )
    return host


def _resolve(name: str, setting: str = "") -> str:
    """The address `name` resolves to here, IPv4 first (what the engine's HostIp needs).
    `setting`: the variable that named it (the error then says only why it did not resolve)."""
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        if setting:
            raise ServiceError(f"does not resolve here ({exc.strerror or exc})") from None
        raise ServiceError(
            f"The Docker engine at {engine_address()} runs on another machine, and its host "
            f"name {name!r} does not resolve here ({exc.strerror or exc}). Set {OVERRIDE} to "
            "the address this machine reaches that machine at, then rerun."
        ) from None
    infos.sort(key=lambda info: info[0] != socket.AF_INET)
    return str(infos[0][4][0])
