"""Dependencies beside MinIO: started on the image's network before the service, ready by
their own test, named when they fail, and removed with everything else."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from pytest_goimage.engine.labels import LABEL_PROJECT, LABEL_ROLE
from tests.acceptance.test_runtime_checks import service_config
from tests.conftest import outcomes, plugin_resources

# Busybox's nc from the alpine base image the example builds on: a real TCP server.
NEVER_LISTENS = """
[tool.goimage.dependencies.cache]
image = "alpine:3.22"
command = ["sleep", "600"]
port = 6379
startup_timeout = "2s"
"""


@contextlib.contextmanager
def dependency_starts(client: docker.DockerClient, project: Path) -> Iterator[list[str]]:
    """The names of the dependency containers the runs in `project` start, one per start,
    followed live: a query afterwards gets only the engine's last 256 events of any kind."""
    labels = [f"{LABEL_PROJECT}={project}", f"{LABEL_ROLE}=dependency"]
    stream = client.events(
        since=time.time() - 1,
        decode=True,
        filters={"type": "container", "event": "start", "label": labels},
    )
    starts: list[str] = []

    def follow() -> None:
        with contextlib.suppress(Exception):  # the stream closed at the end
            for event in stream:
                # goimage-dep-<name>-<owner>-<hex>: a dependency named without a dash here.
                name = event["Actor"]["Attributes"]["name"]
                starts.append(name.removeprefix("goimage-dep-").partition("-")[0])

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        yield starts
    finally:
        time.sleep(1)  # the engine sends an event a moment after the start
        stream.close()
        thread.join(timeout=10)


def _failed_health(pytester: pytest.Pytester) -> str:
    """The output of `--goimage -k health`, which must fail."""
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"health": "FAILED"}, out
    return out


def test_a_dependency_that_never_listens_fails_the_runtime_checks_naming_it(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """The engine's proxy accepts a connection on the published port even though nothing
    listens: the readiness test must not take that for a server."""
    root = example_copy(service_config(extra=NEVER_LISTENS))
    with dependency_starts(docker_client, root) as starts:
        result = pytester.runpytest_subprocess(
            "--goimage",
            "-v",
            "-p",
            "no:randomly",
            "-k",
            "bucket or health",
            "--goimage-report=r.json",
        )
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "FAILED"}, out
    # Trial 11: health started the dependency again and waited as long for the same verdict.
    # Its start during the builds ran out of time, which the builds' load may cause: the
    # service starts it once more, and no check after that does.
    assert starts == ["cache", "cache"], starts
    checks = json.loads((root / "r.json").read_text())["images"][0]["checks"]
    assert checks["health"]["seconds"] < 1, checks
    message = (
        "backend/Dockerfile: dependency 'cache' ([tool.goimage] dependencies.cache, image "
        "alpine:3.22) was not ready within its startup_timeout (2s; it waited for a server on "
        "port 6379), so the service was not started. Check its image, command, env and "
        "`ready` there. Its last log lines:\n    (none)"
    )
    failures = out.partition("short test summary info")[0]
    assert failures.count(message) == 2, out
    assert "Traceback" not in out
    assert plugin_resources(docker_client, root) == []


def test_a_dependency_that_exits_is_named_with_its_log(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """Started once per image: its start during the builds is the verdict, since a second
    start exits the same way (trial 35A: the service started it again)."""
    root = example_copy(
        service_config(
            extra="""
[tool.goimage.dependencies.db]
image = "alpine:3.22"
command = ["sh", "-c", "echo 'FATAL: password authentication is not configured' >&2; exit 3"]
port = 5432
"""
        )
    )
    with dependency_starts(docker_client, root) as starts:
        out = _failed_health(pytester)
    assert starts == ["db"], starts
    assert (
        "backend/Dockerfile: dependency 'db' ([tool.goimage] dependencies.db, image "
        "alpine:3.22) exited with code 3, so the service was not started. Check its image, "
        "command, env and `ready` there. Its last log lines:\n"
        "    FATAL: password authentication is not configured"
    ) in out


def test_goimage_dependency_gives_a_ready_server_beside_the_service(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A listening dependency (busybox nc echoing back) is ready by `tcp`; the fixture gives
    its address as this machine reaches it, and its name and port go into the service's env,
    and into its own env and command."""
    example_copy(
        service_config(
            extra="""
[tool.goimage.dependencies.echo]
image = "alpine:3.22"
command = ["nc", "-ll", "-p", "{echo.port}", "-e", "cat"]
port = 7000
env = { SELF = "tcp://{echo.endpoint}", NAME = "{echo.host}", BUCKET = "{bucket}" }
""",
            env=(
                "[tool.goimage.env]\n"
                'STORAGE_ENDPOINT = "{minio.endpoint}"\n'
                'STORAGE_ACCESS_KEY = "{minio.access_key}"\n'
                'STORAGE_SECRET_KEY = "{minio.secret_key}"\n'
                'STORAGE_BUCKET = "{bucket}"\n'
                'ECHO_ADDR = "{echo.endpoint}"\n'
            ),
        )
    )
    pytester.makepyfile(
        test_echo="""
        import socket

        def test_echo(goimage_service, goimage_dependency):
            echo = goimage_dependency("echo")
            assert echo.host == "127.0.0.1" and echo.port > 0
            with socket.create_connection((echo.host, echo.port), timeout=5) as conn:
                conn.sendall(b"ping\\n")
                assert conn.recv(16) == b"ping\\n"
            env = goimage_service.docker_container.attrs["Config"]["Env"]
            assert "ECHO_ADDR=echo:7000" in env
            own = echo.container.attrs["Config"]["Env"]
            assert "SELF=tcp://echo:7000" in own and "NAME=echo" in own
            # Trial 17: the command's placeholders reached the container as written, and
            # `{bucket}` in a dependency's env was refused as "no bucket is set".
            assert "BUCKET=bookmarks" in own
            assert echo.container.attrs["Config"]["Cmd"] == ["nc", "-ll", "-p", "7000", "-e", "cat"]
            assert echo.container.name.startswith("goimage-dep-echo-")

        def test_unknown(goimage_dependency):
            goimage_dependency("redis")
        """
    )
    result = pytester.runpytest_subprocess("-v", "-p", "no:randomly")
    out = result.stdout.str()
    result.assert_outcomes(passed=1, failed=1)
    assert "test_echo.py::test_echo[backend/Dockerfile] PASSED" in out, out
    assert (
        "backend/Dockerfile: goimage_dependency('redis'): no such dependency for this image "
        "(its dependencies: echo); declare it in [tool.goimage.dependencies.redis] or in "
        "compose_services."
    ) in out


COMPOSE = """\
services:
  api:
    build: .
    depends_on: [cache]
  cache:
    image: redis:7
    command: ["redis-server", "--protected-mode", "no", "--requirepass", "${CACHE_PASSWORD:-devpass}"]
    ports: ["6379:6379"]
    healthcheck:
      test: ["CMD-SHELL", "redis-cli -a \\"$$REDIS_PASSWORD\\" --no-auth-warning ping | grep -q PONG"]
      interval: 500ms
      retries: 20
    environment:
      REDIS_PASSWORD: ${CACHE_PASSWORD:-devpass}
"""


def redis_test(name: str, request: str, reply: str, first: str = "pass") -> str:
    """A user's test that sends `request` to the `cache` dependency (a real Redis) and expects
    the two-line `reply`, after the statement `first`."""
    return f"""
        import socket

        def test_{name}(goimage_dependency):
            cache = goimage_dependency("cache")
            {first}
            with socket.create_connection((cache.host, cache.port), timeout=5) as conn:
                conn.sendall({request.encode()!r})
                reply = b""
                while reply.count(b"\\r\\n") < 2:
                    reply += conn.recv(64)
            assert reply == {reply.encode()!r}
        """


def redis_value_test(key: str, value: str) -> str:
    """The test that `key` holds `value`: what a migration or seed container wrote before the
    service started."""
    return redis_test(key, f"GET {key}\r\n", f"${len(value)}\r\n{value}\r\n")


def test_compose_services_start_from_the_projects_compose_file(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A real Redis from the project's docker-compose.yml: its command, environment and
    healthcheck (ready when the engine says healthy) as compose would start it."""
    root = example_copy(
        service_config(extra='compose_file = "docker-compose.yml"\ncompose_services = ["cache"]\n')
    )
    (root / "docker-compose.yml").write_text(COMPOSE)
    healthy = 'assert cache.container.attrs["State"]["Health"]["Status"] == "healthy"'
    pytester.makepyfile(
        test_cache=redis_test("ping", "AUTH devpass\r\nPING\r\n", "+OK\r\n+PONG\r\n", healthy)
    )
    result = pytester.runpytest_subprocess("-v")
    out = result.stdout.str()
    result.assert_outcomes(passed=1)
    assert "test_cache.py::test_ping[backend/Dockerfile] PASSED" in out, out


MIGRATING = """\
services:
  api:
    build: .
    depends_on:
      migrate: {condition: service_completed_successfully}
  cache:
    image: redis:7
    command: ["redis-server", "--protected-mode", "no"]
  migrate:
    image: alpine:3.22
    depends_on:
      cache: {condition: service_started}
    entrypoint: ["sh", "-c"]
    command: ["printf 'SET schema v7\\r\\n' | nc -w 2 cache 6379 && echo migrated && exit $${STATUS:-0}"]
"""


@pytest.mark.parametrize("status", [0, 3], ids=["completes", "fails"])
def test_a_migration_container_runs_to_completion_before_the_service(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None, status: int
) -> None:
    """A user trial: a compose migration container (`condition:
    service_completed_successfully`) was started with the database and its exit, even code 0,
    failed the run. It now runs once the servers are ready, and the service starts after it
    exited 0; a failed migration stops the run naming it and its log. Its image EXPOSEs no
    port, as migration images seldom do (the review: such an image was refused)."""
    root = example_copy(
        service_config(
            extra='compose_file = "docker-compose.yml"\ncompose_services = ["cache", "migrate"]\n'
            f'[tool.goimage.dependencies.migrate]\nenv = {{ STATUS = "{status}" }}\n'
        )
    )
    (root / "docker-compose.yml").write_text(MIGRATING)
    pytester.makepyfile(test_schema=redis_value_test("schema", "v7"))
    result = pytester.runpytest_subprocess("-v", "--goimage", "-k", "bucket or schema")
    out = result.stdout.str()
    if status == 0:
        assert outcomes(result, short=True) == {"bucket": "PASSED"}, out
        assert "test_schema.py::test_schema[backend/Dockerfile] PASSED" in out, out
        return
    assert outcomes(result, short=True) == {"bucket": "FAILED"}, out
    assert (
        "backend/Dockerfile: dependency 'migrate' (docker-compose.yml service 'migrate', refined "
        "by [tool.goimage] dependencies.migrate, image alpine:3.22) exited with code 3, so the "
        "service was not started."
    ) in " ".join(out.split()), out
    assert "migrated" in out, out


SEEDING = """\
services:
  api:
    build: .
    depends_on:
      seed: {condition: service_completed_successfully}
  cache:
    image: redis:7
    command: ["redis-server", "--protected-mode", "no"]
  migrate:
    image: alpine:3.22
    depends_on:
      cache: {condition: service_started}
    entrypoint: ["sh", "-c"]
    command: ["sleep 1 && printf 'SET schema v7\\r\\n' | nc -w 2 cache 6379 && echo migrated"]
  seed:
    image: alpine:3.22
    depends_on:
      migrate: {condition: service_completed_successfully}
    entrypoint: ["sh", "-c"]
    command:
      - >-
        printf 'GET schema\\r\\n' | nc -w 2 cache 6379 | grep -q v7 || { echo no schema; exit 4; };
        printf 'SET seeded yes\\r\\n' | nc -w 2 cache 6379 && echo seeded
"""


def test_a_seed_container_runs_after_the_migration_it_depends_on(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The second review's M5: one-shot dependencies ran at the same time, so a seed that
    `depends_on` its migration (`service_completed_successfully`) ran before the schema existed
    and failed the run. They now start in compose's order: the migration, which takes a second
    here, then the seed, then the service."""
    root = example_copy(
        service_config(
            extra='compose_file = "docker-compose.yml"\n'
            'compose_services = ["cache", "migrate", "seed"]\n'
        )
    )
    (root / "docker-compose.yml").write_text(SEEDING)
    pytester.makepyfile(test_seeded=redis_value_test("seeded", "yes"))
    result = pytester.runpytest_subprocess("-v", "--goimage", "-k", "bucket or seeded")
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"bucket": "PASSED"}, out
    assert "test_seeded.py::test_seeded[backend/Dockerfile] PASSED" in out, out


REDIS_ENV = (
    "[tool.goimage.env]\n"
    'STORAGE_ENDPOINT = "{minio.endpoint}"\n'
    'STORAGE_ACCESS_KEY = "{minio.access_key}"\n'
    'STORAGE_SECRET_KEY = "{minio.secret_key}"\n'
    'STORAGE_BUCKET = "{bucket}"\n'
    'STORAGE_STARTUP_TIMEOUT = "5s"\n'
    'CACHE_ADDR = "{cache.endpoint}"\n'
)


def test_a_redis_that_listens_elsewhere_is_named_instead_of_starting_the_service(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The real Redis, misconfigured: it serves on 6390 while the table says 6379. The port it
    listens on is read from its process, on this engine's machine."""
    example_copy(
        service_config(
            extra=(
                "[tool.goimage.dependencies.cache]\n"
                'image = "redis:7"\ncommand = ["--port", "6390"]\nport = 6379\n'
                'startup_timeout = "3s"\n'
            ),
            env=REDIS_ENV,
        )
    )
    out = _failed_health(pytester)
    assert (
        "backend/Dockerfile: dependency 'cache' ([tool.goimage] dependencies.cache, image "
        "redis:7) was not ready within its startup_timeout (3s; it waited for a server on port "
        "6379; it listens on port 6390 instead, not on 6379: set `port` to the one it serves "
        "on), so the service was not started."
    ) in out
    assert "Running mode=standalone, port=6390." in out  # its log shows the port it took


def test_a_redis_bound_to_loopback_is_named_instead_of_starting_the_service(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A real Redis on the right port, but `bind 127.0.0.1` (redis.conf's own default): only
    the container reaches it, and the failure says so."""
    example_copy(
        service_config(
            extra=(
                "[tool.goimage.dependencies.cache]\n"
                'image = "redis:7"\ncommand = ["--bind", "127.0.0.1"]\nport = 6379\n'
                'startup_timeout = "3s"\n'
            ),
            env=REDIS_ENV,
        )
    )
    out = _failed_health(pytester)
    assert (
        "was not ready within its startup_timeout (3s; it waited for a server on port 6379; it "
        "listens on 127.0.0.1:6379, which only the container itself reaches: make it listen on "
        "all interfaces (`0.0.0.0`)), so the service was not started."
    ) in out, out


def test_http_and_log_readiness(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """`log:TEXT` waits for Redis to say it is ready; `http:/path` for a MinIO used as a
    second object store to answer its liveness URL."""
    from pytest_goimage.build.minio_image import ensure_minio_image

    minio = ensure_minio_image(docker_client, None, lambda message: None)
    example_copy(
        service_config(
            extra=(
                "[tool.goimage.dependencies.cache]\n"
                'image = "redis:7"\nready = "log:Ready to accept connections"\n'
                "[tool.goimage.dependencies.archive]\n"
                f'image = "{minio}"\ncommand = ["server", "/data"]\nport = 9000\n'
                'ready = "http:/minio/health/live"\n'
                'env = { MINIO_ROOT_USER = "archive", MINIO_ROOT_PASSWORD = "archive-pass-1" }\n'
            ),
            env=REDIS_ENV,
        )
    )
    pytester.makepyfile(
        test_ready="""
        import requests

        def test_ready(goimage_dependency):
            cache, archive = goimage_dependency("cache"), goimage_dependency("archive")
            assert "Ready to accept connections" in cache.logs()
            url = f"http://{archive.endpoint}/minio/health/live"
            assert requests.get(url, timeout=5).status_code == 200
        """
    )
    result = pytester.runpytest_subprocess("-v", "--goimage", "-k", "ready or bucket or health")
    out = result.stdout.str()
    result.assert_outcomes(passed=3)
    assert "test_ready.py::test_ready[backend/Dockerfile] PASSED" in out, out


# A server that serves one client and logs when that client has gone: the readiness test
# must leave its one connection to the test below.
SERVES_ONE_CLIENT = """
[tool.goimage.dependencies.once]
image = "alpine:3.22"
command = ["sh", "-c", "nc -l -p 7000 -e echo hello; echo a client hung up; sleep 600"]
port = 7000
"""


def test_tcp_readiness_on_a_local_engine_makes_no_connection_to_the_dependency(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """On a local engine `tcp` reads the dependency's listener table instead of connecting: a
    probe that connects and hangs up is what PostgreSQL logs as "incomplete startup packet"
    and MySQL counts towards blocking this host (max_connect_errors)."""
    example_copy(service_config(extra=SERVES_ONE_CLIENT))
    pytester.makepyfile(
        test_once="""
        import socket

        def test_first_client(goimage_dependency):
            once = goimage_dependency("once")
            assert "a client hung up" not in once.logs()
            with socket.create_connection((once.host, once.port), timeout=5) as conn:
                assert conn.recv(16) == b"hello\\n"
        """
    )
    result = pytester.runpytest_subprocess("-v", "-p", "no:randomly", "test_once.py")
    out = result.stdout.str()
    result.assert_outcomes(passed=1)
    assert "test_once.py::test_first_client[backend/Dockerfile] PASSED" in out, out


# As the official PostgreSQL image does while it runs /docker-entrypoint-initdb.d: the ready
# line first (there from a socket-only server), the server on its TCP port seconds later.
LOGS_READY_BEFORE_IT_LISTENS = """
[tool.goimage.dependencies.cache]
image = "redis:7"
ready = "log:Ready to accept connections"
command = [
    "sh", "-c", "echo Ready to accept connections; sleep 4; exec redis-server --protected-mode no"
]
"""


def test_a_log_readiness_also_waits_for_the_port_the_service_connects_to(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The ready line is logged before the port listens: the service is started only once
    its first connection to the cache (on the port redis:7 EXPOSEs) succeeds."""
    example_copy(service_config(extra=LOGS_READY_BEFORE_IT_LISTENS, env=REDIS_ENV))
    pytester.makepyfile(
        test_first_try="""
        def test_first_try(goimage_service):
            logs = goimage_service.logs()
            assert "cache at cache:6379 ready" in logs, logs
            assert "cache not ready" not in logs, logs
        """
    )
    result = pytester.runpytest_subprocess("-v", "--goimage", "-k", "first_try or health")
    out = result.stdout.str()
    result.assert_outcomes(passed=2)
    assert "test_first_try.py::test_first_try[backend/Dockerfile] PASSED" in out, out


def test_a_dependency_that_dies_under_the_service_is_named_as_the_likely_cause(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    example_copy(
        service_config(
            extra='[tool.goimage.dependencies.cache]\nimage = "redis:7"\n', env=REDIS_ENV
        )
    )
    pytester.makepyfile(
        test_outage="""
        import requests

        def test_survives_a_cache_outage(goimage_service, goimage_dependency):
            goimage_dependency("cache").container.kill()
            assert requests.get(goimage_service.url + "/health", timeout=5).status_code == 200
        """
    )
    result = pytester.runpytest_subprocess("-v", "-rA")
    out = result.stdout.str()
    result.assert_outcomes(failed=1)
    assert re.search(
        r"Its dependency 'cache' \(goimage-dep-cache-\S+\) stopped during the run \(exited "
        r"with code 137\), so this failure may follow from that, not from the service\.",
        out,
    ), out


@pytest.mark.parametrize(
    ("table", "waited"),
    [
        (
            'command = ["sleep", "600"]\nready = "log:ready to serve"\n',
            "it waited for log:ready to serve",
        ),
        (
            'command = ["httpd", "-f", "-p", "8000", "-h", "/etc"]\nport = 8000\n'
            'ready = "http:/healthz"\n',
            "it waited for http:/healthz",
        ),
        (
            'command = ["sh", "-c", "echo ready to serve; sleep 600"]\nport = 6379\n'
            'ready = "log:ready to serve"\n',
            "it waited for log:ready to serve, which it logged, and then for a server on port "
            "6379, which never answered",
        ),
    ],
    ids=["log-text-never-printed", "http-path-answers-404", "log-text-printed-port-never-listens"],
)
def test_a_readiness_test_that_never_passes_times_out_naming_what_it_waited_for(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    no_leaks: None,
    table: str,
    waited: str,
) -> None:
    example_copy(
        service_config(
            extra=f'[tool.goimage.dependencies.aux]\nimage = "alpine:3.22"\n{table}'
            'startup_timeout = "2s"\n'
        )
    )
    out = _failed_health(pytester)
    assert (
        "backend/Dockerfile: dependency 'aux' ([tool.goimage] dependencies.aux, image "
        f"alpine:3.22) was not ready within its startup_timeout (2s; {waited}), so the "
        "service was not started."
    ) in out


def test_waiting_for_a_healthcheck_the_image_does_not_have_says_so(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    example_copy(
        service_config(
            extra='[tool.goimage.dependencies.aux]\nimage = "alpine:3.22"\n'
            'command = ["sleep", "600"]\nready = "healthcheck"\n'
        )
    )
    out = _failed_health(pytester)
    assert (
        "backend/Dockerfile: dependency 'aux' ([tool.goimage] dependencies.aux) waits for "
        'ready = "healthcheck", but image alpine:3.22 has no HEALTHCHECK and no compose '
        'healthcheck is given; use ready = "tcp" (with `port`) or "log:TEXT".'
    ) in out


def test_a_dependency_password_in_its_log_is_masked_in_the_failure(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    password = "db-pass-7c41e9a2f0"
    example_copy(
        service_config(
            extra='[tool.goimage.dependencies.db]\nimage = "alpine:3.22"\nport = 5432\n'
            'command = ["sh", "-c", "echo connecting with $POSTGRES_PASSWORD; exit 2"]\n'
            f'env = {{ POSTGRES_PASSWORD = "{password}" }}\n'
        )
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    out = result.stdout.str() + result.stderr.str()
    assert outcomes(result, short=True) == {"health": "FAILED"}, out
    assert "    connecting with ***" in out, out
    assert password not in out


def test_a_password_on_a_dependencys_command_line_is_masked_in_its_log(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 15: a Redis given its password on its command line, and the service its URL,
    exits on a stray word and logs the setting it refused: the password showed there, in
    the terminal and the JSON report."""
    password = "Zq8vT3kLmN2pR7wX"
    root = example_copy(
        service_config(
            extra='[tool.goimage.dependencies.cache]\nimage = "redis:7"\n'
            f'command = ["redis-server", "--requirepass", "{password}", "extra"]\n',
            env=REDIS_ENV + f'CACHE_URL = "redis://:{password}@{{cache.endpoint}}/0"\n',
        )
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "health", "--goimage-report=r.json"
    )
    out = result.stdout.str() + result.stderr.str()
    assert outcomes(result, short=True) == {"health": "FAILED"}, out
    assert """'requirepass "***" "extra"'""" in out, out
    assert password not in out
    assert password not in (root / "r.json").read_text()


FAILING_HEALTHCHECK = """\
services:
  db:
    image: alpine:3.22
    command: ["sleep", "600"]
    healthcheck:
      test: ["CMD-SHELL", "echo '127.0.0.1:5433 - no response'; exit 2"]
      interval: 200ms
"""


def test_a_healthcheck_that_never_passes_is_named_with_its_last_output(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 16: a compose healthcheck asking the wrong port failed as "waited for
    healthcheck" beside a healthy server's log; the check's own command and output say why."""
    root = example_copy(
        service_config(
            extra='compose_file = "docker-compose.yml"\ncompose_services = ["db"]\n'
            '[tool.goimage.dependencies.db]\nstartup_timeout = "3s"\n'
        )
    )
    (root / "docker-compose.yml").write_text(FAILING_HEALTHCHECK)
    out = _failed_health(pytester)
    assert (
        "was not ready within its startup_timeout (3s; it waited for its compose healthcheck "
        "`echo '127.0.0.1:5433 - no response'; exit 2`, whose last run exited with code 2 and "
        "printed: 127.0.0.1:5433 - no response), so the service was not started."
    ) in out, out
