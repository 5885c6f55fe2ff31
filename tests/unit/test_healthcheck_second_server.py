"""A HEALTHCHECK whose output says the service's own port is in use starts a second server and
will not pass on a later run; another port in use says nothing of the kind (the review: a
debug listener the program opens and goes on without)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from pytest_goimage.engine.healthcheck_cmd import _second_server


def _running(port: str | None, health_port: str | None = None) -> Any:
    return SimpleNamespace(container=SimpleNamespace(port=port, health_port=health_port))


@pytest.mark.parametrize(
    ("output", "second"),
    [
        ("panic: listen tcp :8080: bind: address already in use", True),
        ("listen tcp 0.0.0.0:8081: bind: address already in use", True),  # the admin port
        ("pprof: listen tcp :6060: bind: address already in use\nunhealthy: db warming", False),
        ("listen tcp :80801: bind: address already in use", False),
        ("unhealthy: connection refused", False),
    ],
)
def test_only_the_service_s_own_port_in_use_is_a_second_server(output: str, second: bool) -> None:
    assert _second_server(output, _running("8080/tcp", "8081/tcp")) is second
