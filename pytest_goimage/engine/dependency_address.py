"""A service's log that shows it looking for a server where none is: a host name no container
on the image's network answers to (`lookup redis: no such host` where the dependency is
`cache`), or its own loopback (`dial tcp 127.0.0.1:6379: connection refused`, a default kept
from a laptop, where Redis ran beside the service). The sentence names the aliases that do
answer and the placeholder to write (trial 20: the failure said only "exit code 1")."""

from __future__ import annotations

import re
from collections.abc import Mapping

# A name that could not be resolved, as clients log it: Go's resolver (`lookup redis on
# 127.0.0.11:53: no such host`, `server misbehaving`; glibc's words through cgo), libpq
# (`could not translate host name "db" to address`) and Node (`getaddrinfo ENOTFOUND db`).
_UNRESOLVED = re.compile(
    r"\blookup ([\w.-]+)(?: on \S+)?: (?:no such host|server misbehaving|"
    r"Temporary failure in name resolution|Name or service not known)"
    r"|could not translate host name \"([^\"]+)\" to address"
    r"|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)"
)
# A connection refused on the container's own loopback: Go's `dial tcp 127.0.0.1:6379:
# connect: connection refused` (`[::1]:5432` where `localhost` resolved to IPv6 first) and
# Node's `connect ECONNREFUSED 127.0.0.1:6379`.
_LOOPBACK = re.compile(r"(?:dial tcp|ECONNREFUSED) (127\.\d+\.\d+\.\d+|\[::1\]):(\d+)\b")
_MINIO_PORT = 9000


def address_hint(logs: str, ports: Mapping[str, int | None], minio_alias: str) -> str:
    """The sentence for a log that shows the service looking up a name no container of its
    network has, or dialling its own loopback, "" when it shows neither. `ports` are the
    image's dependencies (alias: container port); MinIO answers as `minio_alias`."""
    servers = {**ports, minio_alias: _MINIO_PORT}
    for match in _UNRESOLVED.finditer(logs):
        host = next(group for group in match.groups() if group)
        # A dotted name is a public host (the network may have no route out: another
        # cause); a known alias that fails is a server that died, told elsewhere.
        if "." in host or host in servers or host == "localhost":
            continue
        return (
            f" Its log shows it looking up the host `{host}`, which no container on the "
            f"image's network answers to ({_answering(servers)}): {_fix(ports)}"
        )
    loopback = _LOOPBACK.search(logs)
    if loopback is None:
        return ""
    address, port = loopback.group(1), int(loopback.group(2))
    named = next((alias for alias, served in servers.items() if served == port), None)
    which = f" (where {named} serves, in a container of its own)" if named else ""
    fix = f"point that address at `{{{named}.endpoint}}`." if named else _fix(ports)
    return (
        f" Its log shows it connecting to {address}:{port}{which}, the service container's "
        f"own loopback, where nothing else runs ({_answering(servers)}): {fix}"
    )


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
