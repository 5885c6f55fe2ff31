"""The health endpoint's last answer, the configuration mistake it points at, and a one-shot
GET for the failure path's hints."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from .listeners import listener_hint


@dataclass
class HealthProbe:
    """The last answer (or failure) of the health endpoint."""

    status: int | None = None
    body: str = ""
    error: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        if self.status is not None:
            body = " ".join(self.body.split())[:300] or "(empty body)"
            return f"the last answer was HTTP {self.status}: {body}"
        return f"no answer: {self.error or 'not polled'}"


def health_hint(
    probe: HealthProbe,
    health_path: str,
    port: str,
    configured_port: int | None,
    exposed: list[str],
    listeners: list[tuple[str, int]] | None = None,
    key: str = "port",
) -> str:
    """A sentence on the likely configuration mistake behind an unhealthy probe, or "".

    `port` is the container port polled ("8080/tcp"), set by `key` (`port`, or `health_port`
    where health has a port of its own) to `configured_port` (None: the image's EXPOSE).
    It follows `probe.describe()`, which ends without a full stop, so it starts with one.
    `listeners` are the container's listening sockets where they can be read.
    """
    if probe.status == 404:
        usual = [p for p in ("/health", "/healthz", "/api/health") if p != health_path]
        return (
            f". Nothing is served at {health_path}: if the service answers health elsewhere "
            f"({', '.join(usual)}), set `health_path` in [tool.goimage]."
        )
    if probe.status is None and configured_port is not None and port not in exposed:
        image_ports = ", ".join(exposed) or "no port"
        return (
            f". `{key} = {configured_port}` is configured, but the image EXPOSEs {image_ports}: "
            f"check `{key}` in [tool.goimage] against the port the service listens on."
        )
    if probe.status is None:
        return listener_hint(listeners, int(port.split("/", 1)[0]), key)
    return ""


def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether one GET of `url` answers 2xx within `timeout` seconds."""
    try:
        return 200 <= requests.get(url, timeout=timeout).status_code < 300
    except requests.RequestException:
        return False
