"""Every check on a real remote engine: a second dockerd in a network namespace of the tests'
own (tests/second_engine.py), reached over tcp. Its containers publish their ports on its
address, not on this machine's 127.0.0.1, so the runtime checks pass only if the plugin
publishes and connects where the engine is.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from pytest_goimage.build.minio_image import ensure_minio_image
from pytest_goimage.engine.labels import LABEL_PREFIX
from tests.acceptance.test_runtime_checks import outcomes
from tests.acceptance.test_tracked import git
from tests.conftest import EXAMPLE, plugin_resources, run_pytest_until
from tests.second_engine import SecondEngine

# One engine for every test that needs it: under xdist, `--dist loadgroup` sends them to one worker.
pytestmark = pytest.mark.xdist_group("second-engine")

BASE_IMAGES = ["golang:1.26.8-alpine", "golang:1.26-alpine", "alpine:3.22", "redis:7"]
CHECKS = [
    "go-version",
    "tracked",
    "build",
    "static",
    "size",
    "secrets",
    "user",
    "bucket",
    "health",
    "metadata",
    "provenance",
]


@pytest.fixture(scope="module")
def remote(second_engine: SecondEngine, docker_client: docker.DockerClient) -> SecondEngine:
    """The second engine with the images the example needs (no registry reaches it either)."""
    minio = ensure_minio_image(docker_client, None, lambda message: None)
    second_engine.load([*BASE_IMAGES, minio])
    return second_engine


@pytest.fixture
def on_remote(remote: SecondEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[SecondEngine]:
    """DOCKER_HOST at the second engine for the pytest runs a test starts; afterwards nothing
    the plugin made is left on it."""
    monkeypatch.setenv("DOCKER_HOST", remote.docker_host)
    monkeypatch.delenv("GOIMAGE_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    yield remote
    left = [
        c.name
        for c in remote.client.containers.list(all=True, filters={"label": f"{LABEL_PREFIX}.run"})
    ]
    left += [n.name for n in remote.client.networks.list(filters={"label": f"{LABEL_PREFIX}.run"})]
    assert left == [], f"left on the second engine: {left}"


def example_repository(example_copy: Callable[..., Path]) -> Path:
    """The example project as it is, committed to git (so `tracked` runs too)."""
    root = example_copy((EXAMPLE / "pyproject.toml").read_text())
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "example")
    return root


def test_every_check_of_the_example_passes_on_a_remote_engine(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    on_remote: SecondEngine,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    root = example_repository(example_copy)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-p", "no:randomly")
    out = result.stdout.str()
    expected = {
        f"{dockerfile}::{check}": "PASSED"
        for dockerfile in ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile")
        for check in CHECKS
    }
    # `user` applies only where require_non_root is set (Dockerfile.prod).
    expected["Dockerfile::user"] = expected["backend/Dockerfile::user"] = "SKIPPED"
    expected["goimage::parity"] = "PASSED"  # the three build the same program alike
    assert outcomes(result) == expected, out
    assert f"engine: {on_remote.docker_host}" in out, out
    # The services were reached on the engine's address, not on this machine's loopback.
    started = re.findall(r"service started at http://([0-9.]+):\d+", out)
    assert started == [on_remote.address] * 3, out
    # Nothing ran on this machine's engine.
    assert plugin_resources(docker_client, root) == []


def failure_text(result: pytest.RunResult, title: str) -> str:
    """The failure report titled `title`, with what differs between runs made uniform: the
    address and host ports, times and durations, run ids in tags."""
    out = result.stdout.str()
    header = f"_ {title} _"
    assert header in out, out
    section = out.split(header, 1)[1].split("\n_", 1)[0].split("=====", 1)[0]
    section = re.sub(r"\b\d{1,3}(?:\.\d{1,3}){3}:\d+", "ADDR:PORT", section)
    section = re.sub(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?", "TIME", section)
    section = re.sub(r"\b\d+(?:\.\d+)?(?:ms|µs|s)\b", "DURATION", section)
    return re.sub(r":[0-9a-f]{12}\b", ":RUN", section)


def test_a_broken_variant_fails_the_same_check_with_the_same_message_as_locally(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    on_remote: SecondEngine,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
) -> None:
    """The service is told another bucket than the one the check expects: `bucket` fails, on
    this machine's engine and on the remote one, with one message."""
    root = example_repository(example_copy)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        .replace('STORAGE_BUCKET = "{bucket}"', 'STORAGE_BUCKET = "uploads"')
        .replace('startup_timeout = "30s"', 'startup_timeout = "6s"')
    )
    args = ("--goimage", "-v", "-p", "no:randomly", "-k", "backend and (bucket or health)")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    local = pytester.runpytest_subprocess(*args)
    monkeypatch.setenv("DOCKER_HOST", on_remote.docker_host)
    there = pytester.runpytest_subprocess(*args)
    for result in (local, there):
        assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "PASSED"}, (
            result.stdout.str()
        )
    message = failure_text(there, "bucket (backend/Dockerfile)")
    assert "the service did not create bucket 'bookmarks'" in message, message
    assert "Buckets in its MinIO: uploads." in message, message
    assert message == failure_text(local, "bucket (backend/Dockerfile)")


def test_a_buildx_builder_on_the_remote_engine_builds_and_the_checks_run_there(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    on_remote: SecondEngine,
    no_leaks: None,
    buildx_config: Path,
    monkeypatch: pytest.MonkeyPatch,
    docker_client: docker.DockerClient,
) -> None:
    """`builder = <context>` in [tool.goimage]: buildx's `docker` driver on the remote engine
    (the current docker context) builds; inspection and the runtime checks follow there."""
    remote = on_remote
    builder = remote.buildx_builder(buildx_config)
    root = example_repository(example_copy)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'dockerfiles = ["Dockerfile",', f'builder = "{builder}"\ndockerfiles = ["Dockerfile",'
        )
    )
    monkeypatch.setenv("DOCKER_CONFIG", str(buildx_config))
    monkeypatch.setenv("DOCKER_CONTEXT", builder)
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("GOIMAGE_HOST", raising=False)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-p", "no:randomly", "-k", "Dockerfile.prod"
    )
    out = result.stdout.str()
    assert outcomes(result, short=True) == {check: "PASSED" for check in CHECKS}, out
    assert f"engine: {remote.docker_host} (docker context '{builder}')" in out, out
    assert re.search(rf"building goimage/\S+ \(context \., buildx builder {builder}\)", out), out
    assert re.findall(r"service started at http://([0-9.]+):\d+", out) == [remote.address], out
    assert plugin_resources(docker_client, root) == []


def test_the_next_run_sweeps_what_a_killed_run_left_on_the_remote_engine(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    on_remote: SecondEngine,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
    sole_sweeper: None,
) -> None:
    """SIGKILL mid-run leaves MinIO, Redis, the service, their network and the image on the
    remote engine; the next run removes them there, as it would locally."""
    example_repository(example_copy)
    pytester.makepyfile(
        test_slow="""
        import time

        def test_slow(goimage_service):
            print("SERVICE-UP", flush=True)
            time.sleep(120)
        """
    )
    label = {"label": f"{LABEL_PREFIX}.run"}
    victim, _ = run_pytest_until(pytester.path, "SERVICE-UP", "-s", "test_slow.py", "-k", "backend")
    victim.kill()
    victim.wait()
    left = sorted(
        c.labels[f"{LABEL_PREFIX}.role"]
        for c in on_remote.client.containers.list(all=True, filters=label)
    )
    assert left == ["dependency", "minio", "service"], left
    assert len(on_remote.client.networks.list(filters=label)) == 1
    monkeypatch.setenv("GOIMAGE_STALE_AFTER", "0")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "backend and build")
    out = result.stdout.str()
    result.assert_outcomes(passed=1)
    assert "goimage cleanup: removed 5 left by killed runs" in out, out
    # `on_remote` asserts on exit that no container or network is left there.


def test_an_engine_socket_whose_ports_are_elsewhere_asks_for_goimage_host(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    on_remote: SecondEngine,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
) -> None:
    """Round 9: a CI job in a container that mounts the host's docker.sock talks to the engine
    through a unix socket, but the engine publishes ports in another network namespace. MinIO
    then never answers at 127.0.0.1, and the failure blamed a slow disk; it names GOIMAGE_HOST."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{on_remote.folder}/docker.sock")
    example_copy((EXAMPLE / "pyproject.toml").read_text())
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "Dockerfile.prod and bucket")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result, short=True) == {"bucket": "FAILED"}, out
    assert re.search(
        r"was not ready \(/minio/health/ready and an S3 call\) within 30s; it runs, but nothing "
        r"answered at 127\.0\.0\.1:\d+, where this machine reaches its published port 9000\. "
        r"Where the engine publishes elsewhere \(a CI job in a container that mounts the host's "
        r"docker\.sock, an engine in another network namespace\), set GOIMAGE_HOST",
        out,
    ), out


def test_an_engine_behind_a_firewall_that_drops_fails_in_seconds_saying_what_to_check(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, on_remote: SecondEngine
) -> None:
    """No answer at all (a DOCKER_HOST from another network, a firewall): the run used to wait
    for the kernel's SYN retries, about 2 minutes per connection, before any message."""
    example_copy("[tool.goimage]\n")
    with on_remote.unanswered():
        started = time.monotonic()
        result = pytester.runpytest_subprocess("--goimage", "-rs", timeout=110)
        took = time.monotonic() - started
    result.assert_outcomes(passed=3, failed=1, skipped=30)  # go-version needs no engine
    out = result.stdout.str()
    message = (
        f"Cannot reach the Docker engine at {on_remote.docker_host}: it did not accept a "
        "connection within 10 s. Nothing answered, so a firewall drops the packets, the host "
        "is down, or the address is not the engine's"
    )
    assert out.count(message) == 1, out
    assert "Traceback" not in out
    # One bounded attempt, and pytest's own start; not one attempt per check.
    assert took < 30, f"the run took {took:.1f}s"
