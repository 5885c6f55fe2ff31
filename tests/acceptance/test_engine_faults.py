"""When the engine cannot be reached: one clear error per run, Docker-free checks still run."""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from pytest_goimage.build.engine_build import BuildRequest, build_image, cancel_builds
from pytest_goimage.engine.background import in_background
from pytest_goimage.engine.connection import runs_here, short_reason
from tests.acceptance.engine_proxy import EngineProxy
from tests.acceptance.test_runtime_checks import service_config
from tests.conftest import go_app, plugin_resources, run_pytest_until


def test_engine_unreachable_is_one_clear_error(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    example_copy("[tool.goimage]\n")
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")  # the discard port: nothing answers
    result = pytester.runpytest_subprocess("--goimage", "-rs")
    # go-version needs no engine: it passes for the 3 images. The first Docker check fails
    # with the reason; the others (parity too) skip pointing at it instead of repeating it.
    result.assert_outcomes(passed=3, failed=1, skipped=30)
    out = result.stdout.str()
    assert out.count("Cannot reach the Docker engine at tcp://127.0.0.1:9") == 1, out
    assert (
        "Start the Docker engine (`systemctl start docker`, or Docker Desktop), or point "
        "DOCKER_HOST at a running one, then rerun." in out
    ), out
    assert "make docker" not in out  # this repository's Makefile, not the user's
    assert "the Docker engine is unreachable (see the first failed check)" in out
    assert "Traceback" not in out


def test_ctrl_c_during_build_leaves_no_tag(
    pytester: pytest.Pytester, docker_client: docker.DockerClient, no_leaks: None
) -> None:
    """Interrupting a build cancels it: no half-built tag, and the next run is clean."""
    go_app(pytester.path)
    dockerfile = pytester.path / "Dockerfile"
    dockerfile.write_text(
        'FROM alpine:3.22\nCOPY app /app\nRUN sleep 30 && echo slow\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    proc, printed = run_pytest_until(
        pytester.path, "RUN sleep 30", "--goimage", "-v", "-k", "build"
    )
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out = printed + proc.communicate(timeout=60)[0]
    assert time.monotonic() - started < 20, "the interrupt waited for the build"
    assert "KeyboardInterrupt" in out, out
    # The stopped build is no failed step, and nothing comes after pytest's last line.
    assert "build FAILED" not in out, out
    last = out.rstrip().splitlines()[-1]
    assert re.fullmatch(r"=+ .* in [\d.]+s =+", last), out
    tag = re.search(r"building (goimage/\S+)", out)
    assert tag, out
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(tag.group(1))
    # BuildKit cancelled the step instead of finishing it unseen (its RUN runs on this host).
    deadline = time.monotonic() + 10
    while (
        subprocess.run(["pgrep", "-f", "sleep 30 && echo slow"], capture_output=True).returncode
        == 0
    ):
        assert time.monotonic() < deadline, "the interrupted RUN step is still running"
        time.sleep(0.1)

    dockerfile.write_text(dockerfile.read_text().replace("sleep 30", "sleep 0"))
    pytester.runpytest_subprocess("--goimage", "-k", "build").assert_outcomes(passed=1)


def test_a_build_the_run_no_longer_waits_for_is_cancelled_on_the_engine(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    """Trial 16: a second Ctrl-C during the builds left the tags of builds that went on after
    the run's end had removed its images. The end cancels them on the engine (`POST
    /build/cancel`, as the docker CLI does): the build stops at its step and tags nothing."""
    go_app(tmp_path)
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.22\nCOPY app /app\nRUN sleep 20 && echo cancel-me\n"
    )
    tag = f"goimage/test-cancel:{uuid.uuid4().hex[:12]}"
    request = BuildRequest(tmp_path / "Dockerfile", tmp_path, tag)
    step_started = threading.Event()
    build = in_background(
        lambda: build_image(
            docker_client, request, lambda line: "sleep 20" in line and step_started.set()
        ),
        "test-build",
    )
    assert step_started.wait(60), "the RUN step never started"
    started = time.monotonic()
    assert cancel_builds() == 1
    result, trace = build.result(timeout=15)
    assert time.monotonic() - started < 10, "the build ran on after its cancel"
    assert result is None and "cancel" in trace.error, trace.error
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(tag)
    assert cancel_builds() == 0  # nothing left going


def test_engine_dying_mid_run_is_one_clear_error(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    sole_sweeper: None,
) -> None:
    """The engine goes away after the first image ran beside its MinIO: the next check that
    needs it (the second image was built at the start, with the first) says so once, as the
    engine's failure, the rest skip pointing at it, and the next run removes what could not
    be removed."""
    two_images = '["backend/Dockerfile", "Dockerfile.prod"]'
    root = example_copy(service_config().replace('["backend/Dockerfile"]', two_images))
    proxy = EngineProxy(tmp_path_factory.mktemp("engine") / "docker.sock")
    with monkeypatch.context() as env:
        env.setenv("DOCKER_HOST", proxy.docker_host)
        # The engine goes away once the first image has run beside its MinIO.
        proc, printed = run_pytest_until(
            root, "backend/Dockerfile::health PASSED", "--goimage", "-v", "-rs"
        )
    proxy.cut()
    out = printed + proc.communicate(timeout=120)[0]
    assert proc.returncode == 1, out
    assert "Traceback" not in out, out
    failed = re.findall(r"^Dockerfile.prod::(\S+) FAILED", out, re.MULTILINE)
    assert len(failed) == 1, out
    # The engine's failure, named as such, whichever request met the cut first.
    reason = re.findall(
        rf"Dockerfile.prod: The Docker engine at {re.escape(proxy.docker_host)} stopped "
        rf"answering during the {failed[0]} check",
        out,
    )
    assert len(reason) == 1, out
    assert out.count("goimage Dockerfile.prod: building") == 1, out
    assert "the Docker engine is unreachable (see the first failed check)" in out
    # The engine never saw the run end, so its MinIO and service outlived it; the next run
    # (or any other run on this engine: the tests run in parallel) sweeps them.
    monkeypatch.setenv("GOIMAGE_STALE_AFTER", "0")  # judge the just-ended run at once
    result = pytester.runpytest_subprocess("--goimage", "-k", "go-version or build")
    result.assert_outcomes(passed=4)
    assert plugin_resources(docker_client, root) == []


def test_disk_full_during_a_build_is_named(pytester: pytest.Pytester, no_leaks: None) -> None:
    """A step whose write hits ENOSPC (/dev/full is the kernel's always-full device)."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nRUN dd if=/dev/zero of=/dev/full bs=1k count=4\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert (
        "Dockerfile:3: the build failed in step `RUN dd if=/dev/zero of=/dev/full bs=1k count=4`: a disk "
        "filled up (no space left on device)" in out
    ), out
    assert "docker system df" in out
    assert "Traceback" not in out


def _docker_context(config_dir: Path, name: str, host: str) -> None:
    """Create and select a docker CLI context in `config_dir`, the way a user does."""
    cli = "/usr/local/bin/docker" if Path("/usr/local/bin/docker").exists() else "docker"
    env = {"DOCKER_CONFIG": str(config_dir), "PATH": "/usr/local/bin:/usr/bin:/bin"}
    for args in (["context", "create", name, "--docker", f"host={host}"], ["context", "use", name]):
        subprocess.run([cli, *args], env=env, check=True, capture_output=True)


def test_the_docker_cli_context_is_honoured(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without DOCKER_HOST, `docker context use` decides the engine, as for the CLI: builds go
    through the context's socket (a relay here, which counts them), and a context whose
    engine is down is named in the one error."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "config"))
    proxy = EngineProxy(tmp_path / "relay.sock")
    try:
        _docker_context(tmp_path / "config", "relay", proxy.docker_host)
        result = pytester.runpytest_subprocess("--goimage", "-k", "build or static")
        result.assert_outcomes(passed=2)
        result.stdout.fnmatch_lines(
            [
                f"goimage: 1 image(s): Dockerfile; engine: {proxy.docker_host} (docker context 'relay')"
            ]
        )
        assert proxy.connections > 0
    finally:
        proxy.cut()

    # The context's engine is gone: one clear error that names the context.
    result = pytester.runpytest_subprocess("--goimage", "-k", "build or static")
    result.assert_outcomes(failed=1, skipped=1)
    assert f"Cannot reach the Docker engine at {proxy.docker_host} (docker context 'relay')" in (
        result.stdout.str()
    )

    # DOCKER_CONTEXT names a context that does not exist.
    monkeypatch.setenv("DOCKER_CONTEXT", "no-such-context")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    assert "The docker context 'no-such-context' (from DOCKER_CONTEXT) does not exist" in (
        result.stdout.str()
    )
    assert "Traceback" not in result.stdout.str()

    # A context whose meta file is corrupt (docker-py raises a bare Exception for it).
    meta = tmp_path / "config/contexts/meta" / hashlib.sha256(b"broken").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text("{not json")
    monkeypatch.setenv("DOCKER_CONTEXT", "broken")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "The docker context 'broken' cannot be read" in out, out
    assert "Traceback" not in out and "INTERNALERROR" not in out


@pytest.mark.parametrize(
    ("host", "here"),
    [
        ("unix:///var/run/docker.sock", True),
        ("tcp://127.0.0.1:2375", True),
        ("tcp://localhost:2376", True),
        ("tcp://192.0.2.10:2376", False),  # TEST-NET-1: never an address of this machine
        ("ssh://deploy@build-host", False),
        ("tcp://no-such-host.invalid:2375", False),
    ],
)
def test_runs_here(host: str, here: bool) -> None:
    assert runs_here(host) is here


def test_a_long_engine_error_keeps_its_cause() -> None:
    """The engine names the cause last, after ids and endpoints: a shortened reason keeps it."""
    error = RuntimeError(
        "500 Server Error for http+docker://localhost/v1.41/containers/"
        + "4d1b06ba51ca" * 6
        + '/start: Internal Server Error ("driver failed programming external connectivity on '
        + "endpoint goimage-minio-f3980056d590-main-cc7525 ("
        + "83c080a4b163" * 6
        + '): Error starting userland proxy: listen tcp4 127.0.0.1:32923: bind: address already in use")'
    )
    reason = short_reason(error)
    assert len(reason) <= 300
    assert reason.startswith("500 Server Error for http+docker://localhost/")
    assert reason.endswith('127.0.0.1:32923: bind: address already in use")')
