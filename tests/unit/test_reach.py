"""Where the containers' ports are published and reached: 127.0.0.1 for an engine here, the
engine machine's address for a remote one, GOIMAGE_HOST where the route differs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pytest_goimage.engine.reach import Reach, reach
from pytest_goimage.errors import ServiceError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("pytest_goimage.engine.reach._REFUSED", set())
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "GOIMAGE_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))


def test_an_engine_here_publishes_on_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for host in ("unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"):
        monkeypatch.setenv("DOCKER_HOST", host)
        assert reach() == Reach("127.0.0.1", "127.0.0.1", "the engine runs on this machine")


def test_a_remote_engine_publishes_on_the_address_this_machine_reaches_it_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://192.0.2.10:2375")
    found = reach()
    assert (found.bind, found.host) == ("192.0.2.10", "192.0.2.10")
    assert found.how == "where tcp://192.0.2.10:2375 points"
    assert found.endpoint(32768) == "192.0.2.10:32768"


def test_an_ssh_engine_is_remote_and_its_host_name_is_resolved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ssh:// always reaches another machine's engine, even one named localhost."""
    monkeypatch.setenv("DOCKER_HOST", "ssh://deploy@localhost:2222")
    found = reach()
    assert (found.bind, found.host) == ("127.0.0.1", "127.0.0.1")
    assert found.how == "where ssh://deploy@localhost:2222 points"


def test_an_ipv6_engine_address_is_bracketed_in_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://[2001:db8::7]:2375")
    found = reach()
    assert found.bind == "2001:db8::7"
    assert found.endpoint(9000) == "[2001:db8::7]:9000"


def test_the_docker_context_names_the_remote_engine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A context made by `docker context create build-host --docker host=tcp://…`."""
    import hashlib

    config = tmp_path / "docker-config"
    meta = config / "contexts" / "meta" / hashlib.sha256(b"build-host").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(
        json.dumps(
            {
                "Name": "build-host",
                "Metadata": {},
                "Endpoints": {
                    "docker": {"Host": "tcp://198.51.100.4:2376", "SkipTLSVerify": False}
                },
            }
        )
    )
    (config / "config.json").write_text(json.dumps({"currentContext": "build-host"}))
    found = reach()
    assert (found.bind, found.host) == ("198.51.100.4", "198.51.100.4")


def test_goimage_host_that_does_not_resolve_here_is_refused_with_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Trial 11: a typo (`bogus.invalid`) published MinIO on every interface of the machine,
    then waited 30 s per check for an address nothing could connect to, and blamed MinIO's
    disk. This machine connects to that name: it must resolve here."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///var/run/docker.sock")
    monkeypatch.setenv("GOIMAGE_HOST", "gateway.invalid")
    with pytest.raises(ServiceError) as refused:
        reach()
    assert re.fullmatch(
        r"GOIMAGE_HOST=gateway\.invalid does not resolve here \([^)]+\)\. Set it to the "
        r"address this machine reaches the engine's published ports at \(a host name that "
        r"resolves here, or an IP address\), or unset it where the engine runs on this "
        r"machine, then rerun\.",
        str(refused.value),
    ), str(refused.value)


def test_goimage_host_is_published_on_first_and_everywhere_only_when_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A host gateway or a dind service is one of the engine machine's own addresses:
    publish there alone; only an engine that refuses it (a NAT) gets every interface, and
    the refusal is remembered for the run's next containers."""
    monkeypatch.setenv("GOIMAGE_HOST", "127.0.0.1")
    how = "from GOIMAGE_HOST=127.0.0.1"
    first = reach()
    assert first == Reach("127.0.0.1", "127.0.0.1", how, fallback="0.0.0.0")
    assert first.refused() == Reach("0.0.0.0", "127.0.0.1", how)
    assert reach() == Reach("0.0.0.0", "127.0.0.1", how)


def test_an_ipv6_goimage_host_falls_back_to_every_ipv6_interface(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOIMAGE_HOST", "::1")
    assert reach() == Reach("::1", "::1", "from GOIMAGE_HOST=::1", fallback="::")


@pytest.mark.parametrize(
    "value", ["tcp://10.0.0.5:2375", "10.0.0.5:2375", "docker/x", "http://docker"]
)
def test_goimage_host_must_be_a_host_alone(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GOIMAGE_HOST", value)
    with pytest.raises(ServiceError) as caught:
        reach()
    assert str(caught.value).startswith(
        f"GOIMAGE_HOST={value!r} is not a host name or address: set it to the host alone"
    )


def test_an_unresolvable_remote_host_asks_for_goimage_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "ssh://builder.invalid")
    with pytest.raises(ServiceError) as caught:
        reach()
    message = str(caught.value)
    assert message.startswith(
        "The Docker engine at ssh://builder.invalid runs on another machine, and its host name "
        "'builder.invalid' does not resolve here ("
    )
    assert message.endswith(
        "Set GOIMAGE_HOST to the address this machine reaches that machine at, then rerun."
    )


def test_an_ssh_engine_is_dialled_through_the_ssh_program(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Through `ssh` (its config, agent and jump hosts apply), not paramiko's own client;
    nothing listens on port 1, so the message says what to check for ssh."""
    from pytest_goimage.engine.connection import connect
    from pytest_goimage.errors import EngineError

    monkeypatch.setenv("DOCKER_HOST", "ssh://nobody@127.0.0.1:1")
    with pytest.raises(EngineError) as caught:
        connect()
    message = str(caught.value)
    assert message.startswith("Cannot reach the Docker engine at ssh://nobody@127.0.0.1:1: ")
    # The ssh program's own words: paramiko's client would not print them.
    assert "ssh: connect to host 127.0.0.1 port 1: Connection refused" in capfd.readouterr().err
    assert message.endswith(
        "Check that `ssh` reaches that host without a password prompt (a key or an agent) and "
        "that its user may use Docker there (`ssh HOST docker info`), then rerun."
    )
