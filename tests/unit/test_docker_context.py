"""The docker CLI's current context, found where the CLI finds it: in $DOCKER_CONFIG even when
that folder holds no config.json (docker-py then looks in ~/.docker instead)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pytest_goimage.engine.connection import current_context, engine_address, engine_host
from pytest_goimage.errors import EngineError


def make_context(config: Path, name: str, host: str, *, tls: bool = False) -> Path:
    """What `docker --config CONFIG context create NAME --docker host=HOST` writes."""
    context_id = hashlib.sha256(name.encode()).hexdigest()
    meta = config / "contexts" / "meta" / context_id
    meta.mkdir(parents=True)
    endpoint = {"Host": host, "SkipTLSVerify": False}
    (meta / "meta.json").write_text(
        json.dumps({"Name": name, "Metadata": {}, "Endpoints": {"docker": endpoint}})
    )
    if tls:
        folder = config / "contexts" / "tls" / context_id / "docker"
        folder.mkdir(parents=True)
        for part in ("ca", "cert", "key"):
            (folder / f"{part}.pem").write_text(f"{part}\n")
    return meta / "meta.json"


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "docker-config"
    folder.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    return folder


def test_a_context_in_a_docker_config_without_config_json_is_found(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_context(config, "build-host", "tcp://198.51.100.7:2375")
    monkeypatch.setenv("DOCKER_CONTEXT", "build-host")
    assert not (config / "config.json").exists()
    assert engine_host() == "tcp://198.51.100.7:2375"


def test_config_json_names_the_current_context(config: Path) -> None:
    make_context(config, "colima", "unix:///home/me/.colima/default/docker.sock")
    (config / "config.json").write_text(json.dumps({"currentContext": "colima"}))
    assert engine_host() == "unix:///home/me/.colima/default/docker.sock"


def test_the_default_context_is_none(config: Path) -> None:
    (config / "config.json").write_text(json.dumps({"auths": {}}))
    assert current_context() is None


def test_a_context_with_tls_files_carries_them(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_context(config, "secure", "tcp://198.51.100.8:2376", tls=True)
    monkeypatch.setenv("DOCKER_CONTEXT", "secure")
    context = current_context()
    assert context is not None
    tls = context.TLSConfig
    folder = config / "contexts" / "tls" / hashlib.sha256(b"secure").hexdigest() / "docker"
    assert tls is not None
    assert tls.cert == (str(folder / "cert.pem"), str(folder / "key.pem"))
    assert tls.ca_cert == str(folder / "ca.pem")
    assert tls.verify is True


def test_a_context_with_only_its_ca_verifies_the_engine(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the CLI: `--docker "host=...,ca=..."` verifies the engine without a client cert."""
    make_context(config, "ca-only", "tcp://198.51.100.8:2376", tls=True)
    folder = config / "contexts" / "tls" / hashlib.sha256(b"ca-only").hexdigest() / "docker"
    (folder / "cert.pem").unlink()
    (folder / "key.pem").unlink()
    monkeypatch.setenv("DOCKER_CONTEXT", "ca-only")
    context = current_context()
    assert context is not None and context.TLSConfig is not None
    assert (context.TLSConfig.cert, context.TLSConfig.ca_cert) == (None, str(folder / "ca.pem"))


def test_a_context_missing_its_key_is_refused_instead_of_plain_http(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round 9: a context whose key.pem was gone connected without TLS and got "Client sent an
    HTTP request to an HTTPS server" with the advice to start the engine."""
    make_context(config, "half", "tcp://198.51.100.8:2376", tls=True)
    folder = config / "contexts" / "tls" / hashlib.sha256(b"half").hexdigest() / "docker"
    (folder / "key.pem").unlink()
    monkeypatch.setenv("DOCKER_CONTEXT", "half")
    with pytest.raises(EngineError) as caught:
        current_context()
    assert str(caught.value).startswith(
        "The docker context 'half' cannot be read (context 'half' has TLS material in "
    )
    assert "without key.pem; create the context again" in str(caught.value)


def test_a_missing_context_names_where_it_came_from(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONTEXT", "nowhere")
    with pytest.raises(
        EngineError, match=r"^The docker context 'nowhere' \(from DOCKER_CONTEXT\) does not exist"
    ):
        current_context()


def test_a_corrupt_context_says_which_file(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meta = make_context(config, "broken", "tcp://198.51.100.9:2375")
    meta.write_text("{not json")
    monkeypatch.setenv("DOCKER_CONTEXT", "broken")
    with pytest.raises(
        EngineError, match=r"^The docker context 'broken' cannot be read \(corrupt .*meta.json"
    ):
        current_context()


def test_a_missing_context_is_not_named_the_default_engine(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user trial: with DOCKER_CONTEXT=nope the run's header said the default engine was used
    while the checks said the context does not exist."""
    monkeypatch.setenv("DOCKER_CONTEXT", "nope")
    assert engine_address() == "docker context 'nope', which cannot be used"
    with pytest.raises(EngineError, match=r"The docker context 'nope' .* does not exist"):
        current_context()
