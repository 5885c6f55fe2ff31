"""engine/listeners.env_port_note: the [tool.goimage.env] setting that sent the service to
another port than the API port, named after the sockets read from the container."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.listeners import env_port_note


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "9091"}, '; `PORT = "9091"` in [tool.goimage.env] tells it to listen there'),
        ({"HTTP_ADDR": ":9091"}, '; `HTTP_ADDR = ":9091"` in [tool.goimage.env] tells it'),
        ({"LISTEN": "0.0.0.0:9091"}, '; `LISTEN = "0.0.0.0:9091"` in [tool.goimage.env]'),
        ({"BIND": "[::]:9091"}, '; `BIND = "[::]:9091"` in [tool.goimage.env]'),
        ({"PORT": "8080", "METRICS": "9100"}, ""),  # not where the service is found
        ({"WORKERS": "4", "CACHE_ADDR": "cache:6379"}, ""),
        ({"S3_ENDPOINT": "http://minio:9091"}, ""),  # a URL names where to connect, not listen
    ],
)
def test_the_setting_that_names_the_port_it_listens_on(env: dict[str, str], expected: str) -> None:
    note = env_port_note(env, [("0.0.0.0", 9091), ("127.0.0.11", 40000)], 8080)
    assert note.startswith(expected) if expected else note == ""
    if expected:
        assert note.endswith("give it 8080 instead, or set `port = 9091`")


def test_nothing_is_said_when_it_also_listens_on_the_api_port() -> None:
    assert env_port_note({"PORT": "9091"}, [("0.0.0.0", 9091), ("::", 8080)], 8080) == ""


def test_a_second_port_or_a_second_setting_leaves_the_setting_unnamed() -> None:
    """The review's case: the service listens on 8081 and on a metrics port 9091; naming
    METRICS_ADDR would move the metrics port onto the API port."""
    two_ports = [("0.0.0.0", 8081), ("0.0.0.0", 9091)]
    assert env_port_note({"METRICS_ADDR": ":9091"}, two_ports, 8080) == ""
    one_port = [("0.0.0.0", 9091)]
    assert env_port_note({"PORT": "9091", "HTTP_ADDR": ":9091"}, one_port, 8080) == ""
