"""A service's log that shows it looking for a server under a name, or on a loopback, where no
container of its network answers: the sentence names the aliases that do (trial 20)."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.dependency_address import address_hint

PORTS = {"db": 5432, "cache": 6379}
ANSWERING = "db:5432, cache:6379 and minio:9000 answer there"
WRITE_ALIAS = (
    "write one of those names, or its placeholder (`{NAME.endpoint}`, `{NAME.host}`, "
    "`{minio.endpoint}`), in [tool.goimage.env]."
)


@pytest.mark.parametrize(
    ("line", "host"),
    [
        ("fatal: cache: dial tcp: lookup redis on 127.0.0.11:53: no such host", "redis"),
        ("dial tcp: lookup redis: no such host", "redis"),
        ("dial tcp: lookup postgres on 127.0.0.11:53: server misbehaving", "postgres"),
        ("lookup redis-master: Temporary failure in name resolution", "redis-master"),
        (
            'failed to connect: could not translate host name "postgres" to address: Name or '
            "service not known",
            "postgres",
        ),
        ("Error: getaddrinfo ENOTFOUND redis", "redis"),
        ("nc: bad address 'redis'", "redis"),
        ("Connecting to db:5432 (db:5432)\nwget: bad address 'postgres:5432'", "postgres"),
        ("curl: (6) Could not resolve host: redis", "redis"),
        (
            'nc: getaddrinfo for host "redis" port 6379: Name or service not known',
            "redis",
        ),
        ('nc: getaddrinfo for host "postgres" port postgresql: Name does not resolve', "postgres"),
        ("wget: unable to resolve host address \u2018redis\u2019", "redis"),
        ("wget: unable to resolve host address 'redis'", "redis"),
    ],
    ids=[
        "go-docker-dns",
        "go-short",
        "misbehaving",
        "cgo",
        "libpq",
        "node",
        "busybox-nc",
        "busybox-wget",
        "curl",
        "openbsd-nc",
        "openbsd-nc-musl-named-port",
        "gnu-wget-utf8",
        "gnu-wget",
    ],
)
def test_a_host_no_container_answers_to_is_named_with_those_that_do(line: str, host: str) -> None:
    assert address_hint(f"starting\n{line}\n", PORTS, "minio") == (
        f" Its log shows it looking up the host `{host}`, which no container on the image's "
        f"network answers to ({ANSWERING}): {WRITE_ALIAS}"
    )


def test_without_dependencies_the_fix_is_to_declare_one() -> None:
    assert address_hint("dial tcp: lookup redis: no such host", {}, "minio") == (
        " Its log shows it looking up the host `redis`, which no container on the image's "
        "network answers to (minio:9000 answers there): declare the server it needs in "
        '[tool.goimage.dependencies.NAME] (see "Dependencies beside MinIO" in the README) and '
        "pass `{NAME.endpoint}` in [tool.goimage.env]."
    )


@pytest.mark.parametrize(
    "line",
    [
        # A public host: the network may have no route out, another cause.
        "lookup api.stripe.com on 127.0.0.11:53: no such host",
        # A dependency's own alias: it died, and that is told with its log.
        "dial tcp: lookup cache on 127.0.0.11:53: no such host",
        "dial tcp: lookup minio: no such host",
        "lookup localhost: no such host",
        "dial tcp 172.18.0.3:6379: connect: connection refused",
        "listening on 127.0.0.1:8080",
        # The engine's DNS ignores case: `Cache` is the cache alias, which then died.
        "dial tcp: lookup Cache on 127.0.0.11:53: no such host",
        # A tracing exporter that finds no agent logs it and runs on: no dependency's port.
        "traces export: dial tcp 127.0.0.1:4317: connect: connection refused",
        "datadog: dial tcp [::1]:8126: connect: connection refused",
        # The service asking its own port (9000 is also MinIO's), and a dial that was not
        # refused.
        "self check: dial tcp 127.0.0.1:9000: connect: connection refused",
        "dial tcp 127.0.0.1:6379: i/o timeout",
        # The entrypoint's wait tools naming a host that answers, or a public one.
        "nc: bad address 'cache'",
        "wget: bad address 'minio:9000'",
        "curl: (6) Could not resolve host: api.example.com",
        # Busybox applets that say `bad address` of an interface or a route, not a host.
        "ip: bad address 'eth0'",
        "route: bad address 'gw'",
    ],
)
def test_what_names_no_missing_server_gives_no_sentence(line: str) -> None:
    assert address_hint(line, PORTS, "minio", own_ports=[9000]) == ""


@pytest.mark.parametrize(
    ("line", "address", "alias"),
    [
        (
            "fatal: cache: dial tcp 127.0.0.1:6379: connect: connection refused",
            "127.0.0.1",
            "cache",
        ),
        (
            "failed to connect to `host=localhost user=app`: dial error (dial tcp [::1]:5432: "
            "connect: connection refused)",
            "[::1]",
            "db",
        ),
        ("Error: connect ECONNREFUSED 127.0.0.1:9000", "127.0.0.1", "minio"),
    ],
    ids=["go-redis", "pgx-ipv6", "node-minio"],
)
def test_a_dial_of_the_own_loopback_names_the_server_on_that_port(
    line: str, address: str, alias: str
) -> None:
    port = {"cache": 6379, "db": 5432, "minio": 9000}[alias]
    assert address_hint(line, PORTS, "minio") == (
        f" Its log shows it refused at {address}:{port} (where {alias} serves, in a "
        f"container of its own), the service container's own loopback, where nothing else "
        f"runs ({ANSWERING}): point that address at `{{{alias}.endpoint}}`."
    )


def test_a_loopback_dial_of_a_usual_server_port_asks_for_a_dependency() -> None:
    line = "dial tcp 127.0.0.1:5432: connect: connection refused"
    assert address_hint(
        f"tracing: dial tcp 127.0.0.1:4317: connect: connection refused\n{line}", {}, "m"
    ) == (
        " Its log shows it refused at 127.0.0.1:5432 (PostgreSQL's usual port), the service "
        "container's own loopback, where nothing else runs (m:9000 answers there): declare the "
        'server it needs in [tool.goimage.dependencies.NAME] (see "Dependencies beside MinIO" '
        "in the README) and pass `{NAME.endpoint}` in [tool.goimage.env]."
    )
