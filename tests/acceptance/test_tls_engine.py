"""A TLS engine (GitLab's `docker:dind` shape, tests/tls_engine.py) is reached with its own CA on
a machine that sets REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE to the system's bundle, as corporate
CI does for its proxy: requests would otherwise verify the engine against that bundle and the
run would fail "Cannot reach the Docker engine ... CERTIFICATE_VERIFY_FAILED" (a user trial)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_goimage.engine.labels import LABEL_PREFIX
from tests.conftest import go_app, outcomes
from tests.second_engine import missing_requirements
from tests.tls_engine import TlsEngine

# One engine for both tests: under xdist, `--dist loadgroup` sends them to one worker.
pytestmark = pytest.mark.xdist_group("tls-engine")

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


@pytest.fixture(scope="module")
def tls_engine() -> Iterator[TlsEngine]:
    """As the second_engine fixture: a skip where the machine cannot run one, in CI a failure."""
    reason = missing_requirements()
    if reason is None and shutil.which("openssl") is None:
        reason = "a TLS engine needs openssl, not found on PATH (Debian: apt-get install openssl)"
    if reason:
        if os.environ.get("CI", "").lower() in ("", "0", "false"):
            pytest.skip(reason)
        pytest.fail(reason, pytrace=False)
    engine = TlsEngine()
    with engine:
        yield engine


@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Go program in a FROM scratch image; built here, where HOME (so Go's build cache) is
    still the real one: under pytester's HOME a cold cache costs 12 s a build."""
    root = tmp_path_factory.mktemp("tiny")
    go_app(root)
    (root / "Dockerfile").write_text('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    return root


def _tls_context(engine: TlsEngine, config: Path) -> str:
    """A docker context for the engine with its TLS material, made by the docker CLI."""
    certs = engine.cert_path
    endpoint = (
        f"host={engine.docker_host},ca={certs}/ca.pem,cert={certs}/cert.pem,key={certs}/key.pem"
    )
    docker_cli = shutil.which("docker") or "docker"
    command = [docker_cli, "--config", str(config), "context", "create", "dind", "--docker"]
    subprocess.run([*command, endpoint], capture_output=True, check=True)
    return "dind"


@pytest.mark.parametrize("settings", ["DOCKER_CERT_PATH", "docker context"])
def test_a_tls_engine_is_verified_with_its_own_ca_whatever_requests_ca_bundle_says(
    tls_engine: TlsEngine,
    tiny_project: Path,
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    settings: str,
) -> None:
    for name in ("GOIMAGE_HOST", "DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM_BUNDLE)
    monkeypatch.setenv("CURL_CA_BUNDLE", SYSTEM_BUNDLE)
    if settings == "DOCKER_CERT_PATH":
        monkeypatch.setenv("DOCKER_HOST", tls_engine.docker_host)
        monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
        monkeypatch.setenv("DOCKER_CERT_PATH", str(tls_engine.cert_path))
        where = tls_engine.docker_host
    else:
        config = pytester.mkdir("docker-config")
        monkeypatch.setenv("DOCKER_CONFIG", str(config))
        monkeypatch.setenv("DOCKER_CONTEXT", _tls_context(tls_engine, config))
        where = f"{tls_engine.docker_host} (docker context 'dind')"
    shutil.copytree(tiny_project, pytester.path, dirs_exist_ok=True)
    started = int(time.time())

    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build")

    out = result.stdout.str()
    assert outcomes(result, short=True) == {"build": "PASSED"}, out
    assert f"engine: {where}" in out, out
    # Built there (the run removes its image at the end), and nothing of it is left running.
    events = tls_engine.client.api.events(
        since=started, until=int(time.time()) + 1, filters={"type": "image"}, decode=True
    )
    tagged = [e["Actor"]["Attributes"].get("name", "") for e in events if e["Action"] == "tag"]
    assert [tag for tag in tagged if tag.startswith("goimage/")], (tagged, out)
    label = {"label": f"{LABEL_PREFIX}.run"}
    assert tls_engine.client.containers.list(all=True, filters=label) == []
