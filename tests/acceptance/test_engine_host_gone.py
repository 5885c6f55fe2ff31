"""A remote engine whose host goes away mid-run (a dind service killed, a build host powered
off): nothing comes back, not even a reset. The run used to wait for good (a build's stream is
read without a timeout) or for 300 s per engine call; it now fails within about a minute,
naming the engine, and the next run removes what it left there.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from pytest_goimage.build.minio_image import ensure_minio_image
from pytest_goimage.engine.labels import LABEL_PREFIX
from tests.conftest import run_pytest_until
from tests.second_engine import SecondEngine

# The second engine is one per session: `--dist loadgroup` sends its tests to one worker.
pytestmark = pytest.mark.xdist_group("second-engine")

# A service that needs no Go build: busybox's httpd answers /health.
HTTPD = """\
FROM alpine:3.22
RUN mkdir /www && echo ok > /www/health && sleep {sleep}
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""


@pytest.fixture(scope="module")
def remote(second_engine: SecondEngine, docker_client: docker.DockerClient) -> SecondEngine:
    minio = ensure_minio_image(docker_client, None, lambda message: None)
    second_engine.load(["alpine:3.22", minio])
    return second_engine


@pytest.fixture
def project(
    remote: SecondEngine, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A one-image project whose runs use the second engine; afterwards a sweep run there
    (the engine answers again) leaves nothing of the plugin's on it."""
    monkeypatch.setenv("DOCKER_HOST", remote.docker_host)
    monkeypatch.delenv("GOIMAGE_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    (pytester.path / "go.mod").write_text("module example.com/gone\n\ngo 1.26.0\n")
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    yield pytester.path
    monkeypatch.setenv("GOIMAGE_STALE_AFTER", "0")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    swept = pytester.runpytest_subprocess("--goimage", "-k", "build")  # a run that uses the engine
    swept.assert_outcomes(passed=1)
    selector = {"label": f"{LABEL_PREFIX}.run"}
    left = [c.name for c in remote.client.containers.list(all=True, filters=selector)]
    left += [n.name for n in remote.client.networks.list(filters=selector)]
    assert left == [], f"left on the second engine: {left}"


def run_until_gone(
    remote: SecondEngine, cwd: Path, marker: str, *args: str, limit: float
) -> tuple[str, float]:
    """Start pytest, make the engine's host vanish once `marker` is printed (and two seconds
    more, so that the connection in use is idle or mid-request), and wait at most `limit`
    seconds for the run to end. Returns its output and how long it ran after the vanishing."""
    proc, printed = run_pytest_until(cwd, marker, "-p", "no:randomly", *args)
    time.sleep(2)
    with remote.vanished():
        gone = time.monotonic()
        try:
            rest, _ = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
            pytest.fail(
                f"the run still ran {limit:.0f} s after the engine went away:\n{printed}{rest}"
            )
        took = time.monotonic() - gone
    return printed + rest, took


def test_a_build_whose_engine_goes_away_fails_within_a_minute_naming_the_engine(
    remote: SecondEngine, project: Path, sole_sweeper: None
) -> None:
    """The build's stream is quiet while a step runs; keepalive notices the host is gone."""
    (project / "Dockerfile").write_text(HTTPD.format(sleep=120))
    out, took = run_until_gone(remote, project, " selected", "--goimage", "-k", "build", limit=150)
    message = (
        f"Dockerfile: The Docker engine at {remote.docker_host} stopped answering during the "
        "build (its host sent nothing back in time). Check that it still runs (`docker info`, "
        "and the daemon's log), then rerun; the next run removes what this one could not."
    )
    assert message in " ".join(out.split()), out
    assert "1 failed" in out and "passed" not in out.split("=====")[-2], out
    assert "Traceback" not in out, out
    # Keepalive's 30 s, and the run's end without waiting for the engine again.
    assert took < 75, f"the run ended {took:.0f} s after the engine went away"


def test_a_call_into_an_engine_that_went_away_fails_within_about_a_minute(
    remote: SecondEngine, project: Path, sole_sweeper: None
) -> None:
    """A request sent to a vanished host is never acknowledged: each engine call gives up
    after 60 s (unacknowledged data) or 10 s (a new connection), not after 300 s or the
    kernel's two minutes of SYN retries."""
    (project / "Dockerfile").write_text(HTTPD.format(sleep=0))
    (project / "test_gone.py").write_text(
        "import time\n\n"
        "def test_up(goimage_service):\n"
        "    print('SERVICE-UP', flush=True)\n"
        "    time.sleep(5)\n\n"
        "def test_logs_after(goimage_service):\n"
        "    goimage_service.logs()\n"
    )
    out, took = run_until_gone(remote, project, "SERVICE-UP", "-s", "test_gone.py", limit=240)
    assert "1 failed, 1 passed" in out, out
    assert f"host='{remote.address}', port=2375" in out, out
    assert took < 200, f"the run ended {took:.0f} s after the engine went away"
