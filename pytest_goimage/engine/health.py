"""Whether a started service is healthy: health_path answered 2xx within startup_timeout, else
why not. The `health` check and the `goimage_service` fixture both wait here, so both say the
same."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..gofacts.units import port_number
from .health_probe import HealthProbe
from .listeners import is_loopback, reachable_ports, unknown_port_hint
from .poll import wait_until
from .running_service import RunningService
from .service import ServiceContainer

if TYPE_CHECKING:
    from ..config import ImageConfig


def unhealthy_reason(running: RunningService, image: ImageConfig) -> str | None:
    """None once health_path answered 2xx within startup_timeout (counted from the start);
    else why not, with the hint and the service's last log lines. The `health` check and the
    `goimage_service` fixture both wait here, so both say the same."""
    return health_verdict(running, image)[0]


def health_verdict(running: RunningService, image: ImageConfig) -> tuple[str | None, HealthProbe]:
    """`unhealthy_reason`, and the health endpoint's last answer (the `health` check reports it)."""
    container = running.container
    if running.port_error:
        reason = running.port_error + _listening_ports_hint(container, image)
        return reason, HealthProbe(error=running.port_error)
    spent = time.monotonic() - container.started_at
    healthy, probe = container.poll_health(
        image.health_path, max(0.0, image.startup_timeout - spent)
    )
    if healthy:
        return _stays_up(running, image, probe) or _api_silent(running, image, probe), probe
    # Read once: whether the port was still mapped when the container died is a race with
    # the engine, so an exited container is reported without an address.
    exited = container.exited()
    dependency = running.dependency_hint()
    if exited:
        why = container.exit_summary()
        if dependency:
            why = why.rstrip(".") + "." + dependency.rstrip(".")
    else:
        # An answer that waiting cannot change ends the wait early: say when.
        waited = (
            f"after {probe.seconds:.1f}s"
            if probe.closes_while_listening or probe.loopback_only
            else f"within startup_timeout ({image.startup_timeout:g}s)"
        )
        why = f"{waited} {probe.describe()}"
        why += running.health_hint(probe).rstrip(".")
        refused = running.credentials_hint()
        if refused:
            why += "." + refused.rstrip(".")
        elif dependency:
            why += "." + dependency.rstrip(".")
    if exited:
        where = ""
    elif container.health_host_port:
        where = f" ({container.health_url}{image.health_path})"
    else:
        where = " (never published)"
    return (
        f"{image.dockerfile}: GET {image.health_path} on container port {container.polled_port}{where} never "
        f"answered 2xx: {why}.{running.stopped_notes()}\n{container.last_logs()}"
    ), probe


def _stays_up(running: RunningService, image: ImageConfig, probe: HealthProbe) -> str | None:
    """None when the service, which answered 2xx, is still running: at once, and with
    `min_ready` until that long after its start, still answering then. Else why not: a service
    that answers once and then crashes (a background task that fails) must not pass."""
    container = running.container
    answered = time.monotonic() - container.started_at
    remaining = container.started_at + image.min_ready - time.monotonic()
    if remaining > 0:
        wait_until(container.exited, remaining)
    window = f" within min_ready ({image.min_ready:g}s)" if image.min_ready else ""
    if container.exited():
        why = f"then {container.exit_summary()}{window}"
    elif image.min_ready:
        healthy, last = container.poll_health(image.health_path, 0.0)
        if healthy:
            return None
        why = f"then, {image.min_ready:g}s after the service started (min_ready), {last.describe()}"
    else:
        return None
    return (
        f"{image.dockerfile}: GET {image.health_path} answered {probe.status} "
        f"{answered:.1f} s after the service started, {why}. A service must keep running once "
        f"it is healthy: see its log for what stopped it.{running.stopped_notes()}\n"
        f"{container.last_logs()}"
    )


# How long the API port is waited for at least, after health answered on the admin port: a
# service that answers health just before startup_timeout may bind its API a moment later.
_API_GRACE_SECONDS = 2.0


def _api_silent(running: RunningService, image: ImageConfig, probe: HealthProbe) -> str | None:
    """None when health_path is polled on the API port itself, or a server takes connections on
    the API port by the end of startup_timeout (at least _API_GRACE_SECONDS after health
    answered). Else why not: an admin port answering health while the API never listens (its
    listener failed, or it listens elsewhere) passed before (trial 35A)."""
    container = running.container
    if not container.health_port or not container.port or container.health_port == container.port:
        return None
    spent = time.monotonic() - container.started_at
    remaining = max(_API_GRACE_SECONDS, image.startup_timeout - spent)
    if wait_until(container.api_listening, remaining, give_up=container.exited):
        return None
    api, admin = (port_number(port) for port in (container.port, container.health_port))
    if container.exited():
        why = f"then {container.exit_summary()}"
    else:
        why = (
            f"but within startup_timeout ({image.startup_timeout:g}s) no server took "
            f"connections on the API port {api} (`port`)" + _api_listeners(container, api, admin)
        )
    return (
        f"{image.dockerfile}: GET {image.health_path} on the admin port {admin} (`health_port`) "
        f"answered {probe.status}, {why}. A release must serve its API, not only its health "
        f"endpoint.{running.stopped_notes()}\n{container.last_logs()}"
    )


def _api_listeners(container: ServiceContainer, api: int, admin: int) -> str:
    """What the container's listener table says of an API port nothing reached (a clause):
    bound on loopback only, or other ports listened on; what to check where it says
    neither, or cannot be read (a remote engine)."""
    found = container.listeners() or []
    on_api = [address for address, port in found if port == api]
    if on_api and all(is_loopback(address) for address in on_api):
        return (
            f"; the service listens on {on_api[0]}:{api}, which only the container itself "
            f"reaches: listen on all interfaces (`:{api}` or `0.0.0.0:{api}`)"
        )
    elsewhere = [port for port in reachable_ports(found) if port not in (api, admin)]
    if elsewhere:
        named = ", ".join(str(port) for port in elsewhere)
        return f"; the service listens on {named}: set `port` in [tool.goimage] to its API's"
    return (
        ": the admin server is up and the API's is not (its log may say why), `port` in "
        "[tool.goimage] names another port than the one it serves, or the API needs longer "
        "to start than `startup_timeout` gives it"
    )


def _listening_ports_hint(container: ServiceContainer, image: ImageConfig) -> str:
    """Which port the service opened, where its sockets can be read: the `port` to set. Waits
    for the service to listen, as long as startup_timeout allows a service to come up (a
    shorter cap lost the hint when a loaded machine started the service late), only on this
    failure path."""
    found: list[tuple[str, int]] = []

    def listening() -> bool:
        found[:] = container.listeners() or []
        # Docker's DNS resolver listens on 127.0.0.11 from the container's first moment: only
        # a port beyond loopback means the service itself is up.
        return bool(reachable_ports(found))

    spent = time.monotonic() - container.started_at
    wait_until(listening, max(0.0, image.startup_timeout - spent), give_up=container.exited)
    ports = reachable_ports(found)
    # Several ports: ask each once whether it serves health_path, for a health_port to name.
    answering = container.answering(ports, image.health_path) if len(ports) > 1 else []
    return unknown_port_hint(found, image.health_path, answering)
