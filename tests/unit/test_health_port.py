"""`health_port`: its parsing, the ports a container publishes for it, the URLs, the hints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_goimage.config import parse_config
from pytest_goimage.engine.container import EngineContainer
from pytest_goimage.engine.health_probe import HealthProbe, health_hint
from pytest_goimage.engine.listeners import listener_hint, unknown_port_hint
from pytest_goimage.engine.service import ServiceContainer
from pytest_goimage.errors import ConfigError


def _config(root: Path, table: dict[str, Any]) -> Any:
    (root / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (root / "Dockerfile").write_text("FROM scratch\n")
    (root / "Dockerfile.admin").write_text("FROM scratch\n")
    return parse_config(table, rootdir=root, source=root / "pyproject.toml")


def test_health_port_defaults_to_none_and_is_set_shared_or_per_image(tmp_path: Path) -> None:
    config = _config(tmp_path, {"port": 8080})
    assert [image.health_port for image in config.images] == [None, None]
    config = _config(
        tmp_path,
        {"health_port": 8081, "image": [{"dockerfile": "Dockerfile.admin", "health_port": 9000}]},
    )
    assert {image.dockerfile: image.health_port for image in config.images} == {
        "Dockerfile": 8081,
        "Dockerfile.admin": 9000,
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (70000, "[tool.goimage] health_port = 70000 is not a TCP port (1-65535)."),
        (0, "[tool.goimage] health_port = 0 is not a TCP port (1-65535)."),
        (
            "8081",
            "[tool.goimage] key 'health_port' must be an integer, got '8081' (str); write it "
            "without quotes: health_port = 8081.",
        ),
        (True, "[tool.goimage] key 'health_port' must be an integer, got True (bool)."),
        ("admin", "[tool.goimage] key 'health_port' must be an integer, got 'admin' (str)."),
    ],
)
def test_a_bad_health_port_names_the_key_and_the_file(
    tmp_path: Path, value: object, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        _config(tmp_path, {"health_port": value})
    assert str(error.value) == f"{tmp_path / 'pyproject.toml'}: {message}"


def test_the_container_publishes_the_health_port_beside_the_api_port() -> None:
    assert EngineContainer("i", "o", "service", port="8080/tcp").published() == ["8080/tcp"]
    both = EngineContainer("i", "o", "service", port="8080/tcp", extra_ports=("8081/tcp",))
    assert both.published() == ["8080/tcp", "8081/tcp"]
    same = EngineContainer("i", "o", "service", port="8080/tcp", extra_ports=("8080/tcp",))
    assert same.published() == ["8080/tcp"]
    assert EngineContainer("i", "o", "minio").published() == []


class _Docker:
    """What read_port and address read of docker-py's Container."""

    def __init__(self, ports: dict[str, Any]) -> None:
        self.attrs = {
            "NetworkSettings": {"Ports": ports, "Networks": {"net": {"IPAddress": "172.18.0.5"}}}
        }

    def reload(self) -> None:
        pass


def _box(ports: dict[str, Any], **fields: Any) -> EngineContainer:
    box = EngineContainer("i", "o", "service", **fields)
    box.container = _Docker(ports)
    box.read_port()
    return box


def test_read_port_reads_every_published_port() -> None:
    box = _box(
        {"8080/tcp": [{"HostPort": "32768"}], "8081/tcp": [{"HostPort": "32769"}]},
        port="8080/tcp",
        extra_ports=("8081/tcp",),
    )
    assert (box.host_port, box.host_ports) == (32768, {"8080/tcp": 32768, "8081/tcp": 32769})
    assert box.address("net") == "172.18.0.5" and box.address("other") == ""
    # A container that exited at once publishes nothing.
    assert _box({}, port="8080/tcp", extra_ports=("8081/tcp",)).host_ports == {
        "8080/tcp": 0,
        "8081/tcp": 0,
    }


def _service(health_port: str | None) -> ServiceContainer:
    service = ServiceContainer("i", "label", "o", "net", {}, "8080/tcp", health_port=health_port)
    service._box = _box(
        {"8080/tcp": [{"HostPort": "32768"}], "8081/tcp": [{"HostPort": "32769"}]},
        port="8080/tcp",
        extra_ports=(health_port,) if health_port else (),
    )
    return service


def test_the_api_url_stays_on_port_and_health_url_follows_health_port() -> None:
    separate = _service("8081/tcp")
    assert separate.url == "http://127.0.0.1:32768"
    assert separate.health_url == "http://127.0.0.1:32769"
    assert separate.polled_port == "8081/tcp"
    alone = _service(None)
    assert alone.url == alone.health_url == "http://127.0.0.1:32768"
    assert alone.polled_port == "8080/tcp"


def test_an_unexposed_health_port_that_never_answers_is_named() -> None:
    hint = health_hint(
        HealthProbe(error="connection reset"), "/healthz", "8083/tcp", 8083, ["8080/tcp"], None,
        "health_port",
    )  # fmt: skip
    assert hint == (
        ". `health_port = 8083` is configured, but the image EXPOSEs 8080/tcp: check "
        "`health_port` in [tool.goimage] against the port the service listens on."
    )
    # An EXPOSEd health_port says nothing of EXPOSE.
    exposed = ["8080/tcp", "8083/tcp"]
    assert health_hint(HealthProbe(error="x"), "/h", "8083/tcp", 8083, exposed) == ""


def test_a_health_port_nothing_listens_on_names_health_port() -> None:
    listening = [("0.0.0.0", 8080), ("0.0.0.0", 8082)]
    assert listener_hint(listening, 8081, "health_port") == (
        ". Inside the container the service listens on port 8080, 8082, not on 8081: set "
        "`health_port` to the one that serves health in [tool.goimage]"
    )
    assert "or set `port = 8080` in" in listener_hint(listening, 8081)


def test_the_two_ports_hint_names_the_port_that_serves_health() -> None:
    listening = [("0.0.0.0", 8080), ("::", 8081), ("127.0.0.11", 40000)]
    assert unknown_port_hint(listening, "/healthz", [8081]) == (
        " Inside the container the service listens on port 8080, 8081, and GET /healthz "
        "answers on 8081: set `port = 8080` (the API) and `health_port = 8081`."
    )
    lowest = " Inside the container the service listens on port 8080, 8081: set `port = 8080`"
    # Health on the lowest port, on both, or on none: that port serves both.
    for answering in ([8080], [8080, 8081], []):
        assert unknown_port_hint(listening, "/healthz", answering).startswith(lowest)
    assert unknown_port_hint(listening).startswith(lowest)
