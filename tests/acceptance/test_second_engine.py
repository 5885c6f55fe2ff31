"""The second engine (tests/second_engine.py) is a real remote engine: it answers on an address of
its own, its published ports are there and not on this machine's loopback, it builds through a
buildx builder, and it leaves nothing behind, even after a run that was killed."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import docker
import docker.errors
import pytest
import requests

from pytest_goimage.build.buildx import build_with_buildx
from pytest_goimage.build.engine_build import BuildRequest
from pytest_goimage.engine.poll import wait_until
from tests.second_engine import PORT, ROOT, SecondEngine

# One engine for every test that needs it: under xdist, `--dist loadgroup` sends them to one worker.
pytestmark = pytest.mark.xdist_group("second-engine")

REPO = Path(__file__).resolve().parents[2]
BASE = "alpine:3.22"


def _engine_id(url: str) -> str | None:
    """The ID of the engine answering at `url`, or None where none answers."""
    with contextlib.suppress(requests.RequestException, ValueError, KeyError):
        engine_id: str = requests.get(f"{url}/info", timeout=3).json()["ID"]
        return engine_id
    return None


def _body(url: str) -> str | None:
    with contextlib.suppress(requests.RequestException):
        return requests.get(url, timeout=3).text
    return None


def _processes(text: str) -> list[str]:
    """Running processes (zombies hold nothing) whose command line contains `text`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, IndexError):
            argv = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if text in argv and state != "Z":
                found.append(f"process {proc.name} {argv}")
    return found


def _traces(name: str) -> list[str]:
    """Everything of engine `name` that exists on this machine: its namespace, veth, iptables
    rules, mounts, folder, and processes (dockerd, containerd, shims, and containers that
    `_serve` started, which carry the name in their command line)."""
    found = []
    if name in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout:
        found.append(f"namespace {name}")
    links = json.loads(subprocess.run(["ip", "-j", "link"], capture_output=True).stdout)
    found += [f"link {link['ifname']}" for link in links if name[-8:] in link["ifname"]]
    rules = subprocess.run(["iptables-save"], capture_output=True, text=True).stdout
    found += [f"rule {line}" for line in rules.splitlines() if name in line]
    found += _processes(name)
    mounts = Path("/proc/self/mountinfo").read_text()
    found += [f"mount {line.split()[4]}" for line in mounts.splitlines() if name in line]
    if (ROOT / name).exists():
        found.append(f"folder {ROOT / name}")
    return found


def _serve(engine: SecondEngine, token: str, host_ip: str) -> str:
    """Start a web server on `engine` that answers /index.html with `token` (also in its command
    line), publishing its port on `host_ip` of the engine's machine; returns that port."""
    engine.load([BASE])
    www = f"/srv/{token}"
    script = f"mkdir -p {www} && echo {token} > {www}/index.html && exec httpd -f -p 8080 -h {www}"
    server = engine.client.containers.run(
        BASE, ["sh", "-c", script], detach=True, ports={"8080/tcp": (host_ip, None)}
    )
    server.reload()
    port: str = server.ports["8080/tcp"][0]["HostPort"]

    def serving() -> bool:
        # sh has exec'd httpd: a trace taken mid-exec (or mid-mkdir) under load missed it.
        return any(row[-1].startswith("httpd ") for row in server.top()["Processes"] or [])

    assert wait_until(serving, 20), server.top()
    return port


def test_the_engine_answers_on_its_address_only_from_this_machine(
    second_engine: SecondEngine, docker_client: docker.DockerClient
) -> None:
    remote = _engine_id(f"http://{second_engine.address}:{PORT}")
    assert remote == second_engine.client.info()["ID"]
    assert remote != docker_client.info()["ID"]
    assert _engine_id(f"http://127.0.0.1:{PORT}") != remote
    # A container of the local engine is forwarded, not local: its connection is refused
    # (busybox nc exits 1; it exits 0 once connected, and on a timeout).
    probe = f"nc -w 5 {second_engine.address} {PORT} </dev/null 2>/dev/null; echo exit=$?"
    output = docker_client.containers.run(BASE, ["sh", "-c", probe], remove=True)
    assert output.decode() == "exit=1\n"


@pytest.mark.parametrize("where", ["its address", "every interface"])
def test_a_published_port_is_reached_at_the_engines_address_not_on_loopback(
    second_engine: SecondEngine, where: str
) -> None:
    token = uuid.uuid4().hex
    host_ip = second_engine.address if where == "its address" else "0.0.0.0"
    port = _serve(second_engine, token, host_ip)
    there = f"http://{second_engine.address}:{port}/"
    assert wait_until(lambda: _body(there) == f"{token}\n", 20), _body(there)
    assert _body(f"http://127.0.0.1:{port}/") != f"{token}\n"


def test_nothing_remains_after_exit() -> None:
    with SecondEngine() as engine:
        _serve(engine, engine.name, engine.address)  # running at exit, with a published port
        during = _traces(engine.name)
    host_end = f"gth{engine.name[-8:]}"
    assert f"namespace {engine.name}" in during and f"link {host_end}" in during
    assert [trace for trace in during if trace.startswith("rule")] == [
        f"rule -A FORWARD -i {host_end} -m comment --comment {engine.name} -j ACCEPT",
        f"rule -A FORWARD -o {host_end} -m conntrack --ctstate RELATED,ESTABLISHED -m comment "
        f"--comment {engine.name} -j ACCEPT",
        f"rule -A FORWARD -o {host_end} -m comment --comment {engine.name} -j REJECT "
        "--reject-with icmp-port-unreachable",
        f"rule -A POSTROUTING -s {engine.subnet} ! -o {host_end} -m comment --comment "
        f"{engine.name} -j MASQUERADE",
    ]
    assert f"folder {engine.folder}" in during
    assert [
        any(trace.startswith(f"process {pid} ") for trace in during)
        for pid in (engine.pid, _pid_of(f"httpd -f -p 8080 -h /srv/{engine.name}", during))
    ] == [True, True]
    assert _traces(engine.name) == []


def _pid_of(command: str, traces: list[str]) -> int:
    return next(int(t.split()[1]) for t in traces if t.startswith("process ") and command in t)


_KILLED_RUN = textwrap.dedent(
    """
    import sys, time
    from tests.acceptance.test_second_engine import _serve
    from tests.second_engine import SecondEngine

    engine = SecondEngine().__enter__()
    _serve(engine, engine.name, engine.address)
    print(engine.name, engine.pid, flush=True)
    time.sleep(600)
    """
)


@pytest.mark.parametrize("killed", ["owner and dockerd", "owner only"])
def test_a_leftover_of_a_killed_run_is_removed_by_the_next_start(
    second_engine: SecondEngine, killed: str
) -> None:
    """As when a machine's work stops (every process killed), or when only pytest is killed
    and its dockerd would run on forever. An engine whose owner runs is left alone."""
    run = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUN],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None
    name, pid = run.stdout.readline().split()
    run.kill()
    run.wait()
    if killed == "owner and dockerd":
        os.kill(int(pid), signal.SIGKILL)
    left = _traces(name)
    assert f"namespace {name}" in left and f"httpd -f -p 8080 -h /srv/{name}" in str(left)
    with SecondEngine():
        assert _traces(name) == []
        assert second_engine.client.ping()


def test_a_buildx_builder_on_the_engine_builds_there(
    second_engine: SecondEngine,
    buildx_config: Path,
    docker_client: docker.DockerClient,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The way the plugin calls buildx (GOIMAGE_BUILDER=<context>): `docker buildx build
    --builder <context> --load`, with DOCKER_CONTEXT=<context> (buildx refuses a `docker`
    driver builder of another context than the current one)."""
    second_engine.load([BASE])
    builder = second_engine.buildx_builder(buildx_config)
    monkeypatch.setenv("DOCKER_CONFIG", str(buildx_config))
    monkeypatch.setenv("DOCKER_CONTEXT", builder)
    listed = subprocess.run(
        ["docker", "buildx", "ls"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(rf"^{builder}\*\s+docker\s*$", listed, re.MULTILINE), listed  # current
    (tmp_path / "Dockerfile").write_text(f"FROM {BASE}\nRUN echo built > /marker\n")
    tag = f"goimage-test/buildx-there:{uuid.uuid4().hex[:12]}"
    request = BuildRequest(dockerfile=tmp_path / "Dockerfile", context=tmp_path, tag=tag)
    result, trace = build_with_buildx(builder, request)
    assert result is not None, trace.error
    assert second_engine.client.images.get(tag).id == trace.image_id
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(tag)


def test_a_missing_tool_fails_in_ci_and_is_skipped_elsewhere(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest("from tests.conftest import second_engine  # noqa: F401\n")
    pytester.makepyfile("def test_uses_it(second_engine):\n    pass\n")
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("PATH", str(pytester.mkdir("no-tools")))
    reason = (
        "a second Docker engine needs ip, nsenter, iptables, dockerd, not found on PATH; "
        "install them (Debian: apt-get install -y iproute2 util-linux iptables docker.io)"
    )
    skipped = pytester.runpytest_subprocess("-rs", "-p", "no:cacheprovider")
    skipped.assert_outcomes(skipped=1)
    skipped.stdout.fnmatch_lines([f"SKIPPED [[]1[]] *.py:1: {reason}"])
    monkeypatch.setenv("CI", "true")
    failed = pytester.runpytest_subprocess("-rE", "-p", "no:cacheprovider")
    failed.assert_outcomes(errors=1)
    failed.stdout.fnmatch_lines(
        [
            f"ERROR test_a_missing_tool_fails_in_ci_and_is_skipped_elsewhere.py::test_uses_it - Failed: {reason}"
        ]
    )
