"""The TCP ports a running container listens on, read from /proc of its process.

Only where that process is visible here and really is the container's (its cgroup names the
container): with Docker Desktop or a remote engine the pid belongs to another machine, and
then nothing is said rather than something wrong.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Collection, Mapping
from pathlib import Path

_LISTEN = "0A"  # the TCP state column of /proc/net/tcp
# A setting's value that names a port to listen on: `9090`, `:9090`, `0.0.0.0:9090`, `[::]:9090`.
_PORT_VALUE = re.compile(r"(?:(?:[\w.-]*|\[[0-9a-fA-F:]*\]):)?(\d{1,5})")


def listening(pid: int, container_id: str) -> list[tuple[str, int]] | None:
    """(address, port) pairs in LISTEN state, or None when they cannot be known."""
    proc = Path(f"/proc/{pid}")
    try:
        if pid <= 0 or not container_id or container_id not in (proc / "cgroup").read_text():
            return None
        found: set[tuple[str, int]] = set()
        for table in ("tcp", "tcp6"):
            path = proc / "net" / table
            if path.exists():
                found.update(listeners_in(path.read_text()))
        return sorted(found)
    except (OSError, ValueError):
        return None


def listeners_in(table: str) -> list[tuple[str, int]]:
    """(address, port) pairs in LISTEN state in a /proc/net/tcp or tcp6 table's text."""
    rows = []
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 3 and fields[3] == _LISTEN:
            address, _, port = fields[1].partition(":")
            rows.append((_address(address), int(port, 16)))
    return rows


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # IPv6: four 32-bit words, each in host (little-endian) order.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


_ENGINE_DNS = "127.0.0.11"  # Docker's embedded resolver, in every user-defined network


def is_loopback(address: str) -> bool:
    return address.startswith(("127.", "::ffff:127.")) or address == "::1"


def reachable_ports(listeners: list[tuple[str, int]]) -> list[int]:
    """The ports listened on beyond loopback: those a published port can reach."""
    return sorted({port for address, port in listeners if not is_loopback(address)})


# Linux's default ip_local_port_range: a server listening there asked for port 0 (Go's
# `net.Listen("tcp", ":"+os.Getenv("PORT"))` with PORT unset), and the kernel chose it.
_EPHEMERAL = range(32768, 61000)


def _kernel_chosen(port: int) -> str:
    """The hint for a server on a port in the kernel's range: a fixed high port (gRPC's 50051)
    wants `port`, one the kernel chose wants the variable the program reads its port from."""
    return (
        f" Inside the container the service listens on port {port}. If that port changes from "
        "one start to the next, the kernel picked it because the program asked for port 0 (an "
        "address such as `:` from an unset PORT variable): set the variable it reads its port "
        'from in [tool.goimage.env] (PORT = "8080"), or give it a default in the image (ENV '
        f"PORT=8080); else set `port = {port}` (or EXPOSE {port} in the Dockerfile)."
    )


def unknown_port_hint(
    listeners: list[tuple[str, int]], health_path: str = "", answering: Collection[int] = ()
) -> str:
    """Which `port` to set when the image does not say (no EXPOSE, or several), or "". Where
    `health_path` answers (`answering`) on one of several ports but not on the lowest, that
    one is the `health_port` to set, and the lowest the `port`."""
    ports = reachable_ports(listeners)
    if not ports:
        return ""
    if len(ports) == 1 and ports[0] in _EPHEMERAL:
        return _kernel_chosen(ports[0])
    listed = ", ".join(map(str, ports))
    healthy = [port for port in ports if port in answering]
    if len(healthy) == 1 and healthy[0] != ports[0]:
        return (
            f" Inside the container the service listens on port {listed}, and GET "
            f"{health_path} answers on {healthy[0]}: set `port = {ports[0]}` (the API) and "
            f"`health_port = {healthy[0]}`."
        )
    return (
        f" Inside the container the service listens on port {listed}: set "
        f"`port = {ports[0]}` (or EXPOSE {ports[0]} in the Dockerfile)."
    )


def listener_hint(listeners: list[tuple[str, int]] | None, port: int, key: str = "port") -> str:
    """Why the published port gets no answer though the service listens (a sentence that
    follows a probe description, so it starts with a full stop), or "". `key` is the
    setting that chose `port` (`port`, or `health_port`)."""
    # Read, and none but the engine's DNS resolver (127.0.0.11 on a user-defined network): it
    # runs (an exit is reported as such) but serves nothing yet.
    if listeners is not None and all(address == _ENGINE_DNS for address, _ in listeners):
        return (
            ". Inside the container nothing listens on any TCP port yet: the service is still "
            "starting, or never opens its port; if it needs longer to start, raise "
            "`startup_timeout` in [tool.goimage]"
        )
    if not listeners:
        return ""
    on_port = [address for address, number in listeners if number == port]
    if on_port and all(is_loopback(address) for address in on_port):
        return (
            f". Inside the container the service listens on {on_port[0]}:{port}, which only "
            f"the container itself reaches: listen on all interfaces (`:{port}` or "
            f"`0.0.0.0:{port}`)"
        )
    elsewhere = [number for number in reachable_ports(listeners) if number != port]
    if not on_port and len(elsewhere) == 1 and elsewhere[0] in _EPHEMERAL and key == "port":
        return "." + _kernel_chosen(elsewhere[0]).rstrip(".")
    if not on_port and elsewhere:
        ports = ", ".join(map(str, elsewhere))
        fix = (
            f"EXPOSE {elsewhere[0]} in the Dockerfile, or set `port = {elsewhere[0]}`"
            if key == "port"
            else f"set `{key}` to the one that serves health"
        )
        return (
            f". Inside the container the service listens on port {ports}, not on {port}: "
            f"{fix} in [tool.goimage]"
        )
    return ""


def env_port_note(env: Mapping[str, str], listeners: list[tuple[str, int]], port: int) -> str:
    """Where the service listens on another port than `port` because `[tool.goimage.env]`
    tells it to (`PORT = "9090"`, `HTTP_ADDR = ":9090"`): a clause that names the setting and
    follows listener_hint's sentence, else "". Said only where it is plain: the service
    listens on one other port, and one setting names it (a metrics port is not the API's)."""
    reachable = reachable_ports(listeners)
    elsewhere = [number for number in reachable if number != port]
    if len(elsewhere) != 1 or port in reachable:
        return ""
    naming = [
        (name, value)
        for name, value in env.items()
        if (found := _PORT_VALUE.fullmatch(value.strip())) and int(found.group(1)) == elsewhere[0]
    ]
    if len(naming) != 1:
        return ""
    name, value = naming[0]
    return (
        f'; `{name} = "{value}"` in [tool.goimage.env] tells it to listen there: give it '
        f"{port} instead, or set `port = {elsewhere[0]}`"
    )
