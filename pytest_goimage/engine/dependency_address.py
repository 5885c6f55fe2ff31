"""A service's log that shows it looking for a server where none is: a host name no container
on the image's network answers to (`lookup redis: no such host` where the dependency is
`cache`), or its own loopback (`dial tcp 127.0.0.1:6379: connection refused`, a default kept
from a laptop, where Redis ran beside the service). The sentence names the aliases that do
answer and the placeholder to write (trial 20: the failure said only "exit code 1")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# A name that could not be resolved, as clients log it: Go's resolver (`lookup redis on
# 127.0.0.11:53: no such host`, `server misbehaving`; glibc's words through cgo), libpq
# (`could not translate host name "db" to address`), Node (`getaddrinfo ENOTFOUND db`), and
# the tools an entrypoint script waits with: busybox's `nc`/`wget` (`nc: bad address 'redis'`,
# `'db:5432'` where wget got host and port; other applets say `bad address` of an interface or
# route, no host), GNU wget (`unable to resolve host address 'redis'`, with U+2018/U+2019 quotes in a UTF-8
# locale), curl (`Could not resolve host: redis`) and netcat-openbsd (`getaddrinfo for host
# "redis" port 6379: ...`, glibc's words on Debian, musl's on Alpine) (trial 35A).
_UNRESOLVED = re.compile(
    r"\blookup ([\w.-]+)(?: on \S+)?: (?:no such host|server misbehaving|"
    r"Temporary failure in name resolution|Name or service not known)"
    r"|could not translate host name \"([^\"]+)\" to address"
    r"|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)"
    r"|\b(?:nc|wget|telnet|ping): bad address '([\w.-]+)(?::\d+)?'"
    r"|unable to resolve host address ['\u2018]([\w.-]+)['\u2019]"
    r"|Could not resolve host: ([\w.-]+)"
    r"|getaddrinfo for host \"([\w.-]+)\" port [\w-]+: "
    r"(?:Name or service not known|Temporary failure in name resolution|Name does not resolve"
    r"|Try again)"
)
# A connection refused on the container's own loopback: Go's `dial tcp 127.0.0.1:6379:
# connect: connection refused` (`[::1]:5432` where `localhost` resolved to IPv6 first) and
# Node's `connect ECONNREFUSED 127.0.0.1:6379`.
_LOOPBACK = re.compile(
    r"dial tcp (127\.\d+\.\d+\.\d+|\[::1\]):(\d+): connect: connection refused"
    r"|ECONNREFUSED (127\.\d+\.\d+\.\d+|\[::1\]):(\d+)"
)
_MINIO_PORT = 9000
# The servers a service usually needs beside it, by their usual port. A loopback dial of
# another port is no dependency's: a tracing exporter (OTLP's 4317, Datadog's 8126) that
# finds no agent logs it and runs on, so it must not be blamed.
_USUAL_SERVERS = {
    5432: "PostgreSQL",
    6379: "Redis",
    3306: "MySQL",
    27017: "MongoDB",
    11211: "Memcached",
    4222: "NATS",
    5672: "RabbitMQ",
    9092: "Kafka",
}


def address_hint(
    logs: str, ports: Mapping[str, int | None], minio_alias: str, own_ports: Iterable[int] = ()
) -> str:
    """The sentence for a log that shows the service looking up a name no container of its
    network has, or refused on its own loopback at a server's port, "" when it shows neither.
    `ports` are the image's dependencies (alias: container port); MinIO answers as
    `minio_alias`; `own_ports` are the service's (a dial of its own port is no dependency's)."""
    servers = {**ports, minio_alias: _MINIO_PORT}
    known = {alias.lower() for alias in servers}
    for match in _UNRESOLVED.finditer(logs):
        host = next(group for group in match.groups() if group)
        # A dotted name is a public host (the network may have no route out: another
        # cause); a known alias (the engine's DNS ignores case) that fails is a server that
        # died, told elsewhere.
        if "." in host or host.lower() in known or host == "localhost":
            continue
        return (
            f" Its log shows it looking up the host `{host}`, which no container on the "
            f"image's network answers to ({_answering(servers)}): {_fix(ports)}"
        )
    skip = set(own_ports)
    for match in _LOOPBACK.finditer(logs):
        address = match.group(1) or match.group(3)
        port = int(match.group(2) or match.group(4))
        named = next((alias for alias, served in servers.items() if served == port), None)
        if port in skip or (named is None and port not in _USUAL_SERVERS):
            continue
        which = (
            f" (where {named} serves, in a container of its own)"
            if named
            else f" ({_USUAL_SERVERS[port]}'s usual port)"
        )
        fix = f"point that address at `{{{named}.endpoint}}`." if named else _fix(ports)
        return (
            f" Its log shows it refused at {address}:{port}{which}, the service container's "
            f"own loopback, where nothing else runs ({_answering(servers)}): {fix}"
        )
    return ""


def _answering(servers: Mapping[str, int | None]) -> str:
    """`db:5432, cache:6379 and minio:9000 answer there`."""
    named = [f"{alias}:{port}" if port else alias for alias, port in servers.items()]
    listed = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
    return f"{listed} answer{'s' if len(named) == 1 else ''} there"


def _fix(ports: Mapping[str, int | None]) -> str:
    """What to write: a dependency's placeholder, or a dependency to declare."""
    if ports:
        return (
            "write one of those names, or its placeholder (`{NAME.endpoint}`, "
            "`{NAME.host}`, `{minio.endpoint}`), in [tool.goimage.env]."
        )
    return (
        'declare the server it needs in [tool.goimage.dependencies.NAME] (see "Dependencies '
        'beside MinIO" in the README) and pass `{NAME.endpoint}` in [tool.goimage.env].'
    )
