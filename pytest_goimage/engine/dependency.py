"""A dependency of the service besides MinIO (PostgreSQL, Redis ...): started on the image's
private network under its name, ready by its own test, and named when it fails.

Readiness `tcp` reads the dependency's listener table where its process is visible here (a
local engine), and otherwise connects to the published port and waits a moment for the other
end: the engine's userland proxy accepts every connection on a published port and closes it at
once when nothing listens behind it, so an accepted connection alone proves nothing.

Readiness `log:TEXT` also waits for that server where the port is known: images log their
ready line before they serve, or more than once (the official PostgreSQL image runs its
/docker-entrypoint-initdb.d scripts under a temporary socket-only server that logs "database
system is ready to accept connections" seconds before the real one listens on TCP).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import docker.errors
import requests

from ..config_dependencies import DependencyConfig
from ..errors import DependencyError
from .connection import engine_address
from .container import ContainerOwner, EngineContainer
from .listeners import listening as ports_listening
from .listeners import reachable_ports
from .placeholders import expand
from .poll import wait_until
from .tcp_probe import tcp_listening


@dataclass
class LogReadiness:
    """`ready = "log:TEXT"`: TEXT has appeared in the log (read until it has, not after), and
    then, where `listening` is given (the dependency's port is known), a server answers there."""

    text: str
    logs: Callable[[], str]
    listening: Callable[[], bool] | None = None
    logged: bool = False

    def __call__(self) -> bool:
        self.logged = self.logged or self.text in self.logs()
        return self.logged and (self.listening is None or self.listening())

    def waited_for(self, port: int | None, inferred: bool = False) -> str:
        """What it waited for, as the timeout message says it; `inferred`: the port is the
        one the image EXPOSEs, not a configured `port`."""
        said = f"log:{self.text}"
        if self.listening is None:
            return f"it waited for {said}"
        which = f"port {port}" + (
            " (the port its image EXPOSEs; set `port` if it serves on another)" if inferred else ""
        )
        if not self.logged:
            return f"it waited for {said} and then for a server on {which}"
        return (
            f"it waited for {said}, which it logged, and then for a server on {which}, "
            "which never answered"
        )


# The engine runs a healthcheck every `interval` (30 s unless set): far too slow to notice a
# dependency that is ready in a second. Checks run at least this often here.
HEALTH_INTERVAL_NS = 1_000_000_000


def healthcheck_options(config: DependencyConfig) -> dict[str, Any]:
    """The compose healthcheck (or, with an empty test, the image's own HEALTHCHECK), run at
    least every second."""
    check = config.healthcheck.engine_form() if config.healthcheck is not None else {"test": []}
    check["interval"] = min(check.get("interval", HEALTH_INTERVAL_NS), HEALTH_INTERVAL_NS)
    return check


def image_port(client: Any, config: DependencyConfig, image_label: str) -> int | None:
    """The dependency's container port: configured, else the one TCP port its image EXPOSEs;
    DependencyError when its readiness test needs one and none is known. Pulls the image
    when the engine does not have it, as `docker run` would."""
    try:
        image = client.images.get(config.image)
    except docker.errors.ImageNotFound:
        try:
            image = client.images.pull(config.image)
        except docker.errors.APIError as exc:
            raise DependencyError(
                f"{image_label}: dependency {config.name!r} ({config.origin}) names image "
                f"{config.image}, which the engine at {engine_address()} does not have and "
                f"could not pull ({str(exc.explanation or exc).splitlines()[0]}). Pull or "
                "build it there, or fix `image`."
            ) from None
    if config.port is not None:
        return config.port
    exposed = sorted((image.attrs.get("Config") or {}).get("ExposedPorts") or {})
    tcp = [int(p.split("/")[0]) for p in exposed if p.endswith("/tcp")]
    if len(tcp) == 1:
        return tcp[0]
    if config.ready in ("healthcheck", "exit") or config.ready.startswith("log:"):
        return None  # no port to wait on: a migration image often EXPOSEs none
    what = "no port" if not tcp else f"several ports ({', '.join(map(str, tcp))})"
    raise DependencyError(
        f"{image_label}: dependency {config.name!r} ({config.origin}): image {config.image} "
        f"EXPOSEs {what}, so the port to wait on is unknown; set `port` (the port it serves "
        "on inside the container)."
    )


@dataclass
class DependencyServer(ContainerOwner):
    """One dependency container. `host`/`port` are where this machine reaches it; containers
    on the image's network reach it at `name` and `internal_port`."""

    config: DependencyConfig
    image_label: str  # the image under test, for messages
    owner: str
    network: str
    internal_port: int | None
    placeholders: Mapping[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # every `{NAME.*}` its env may use (one without a value fails)
    project: str = ""
    keep: bool = False
    ready_seconds: float = 0.0
    _box: EngineContainer | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def host(self) -> str:
        assert self._box is not None
        return self._box.reach.host

    @property
    def port(self) -> int:
        """The published port on `host` (0: none: the dependency has no known port)."""
        return self._box.host_port if self._box is not None else 0

    @property
    def endpoint(self) -> str:
        assert self._box is not None
        return self._box.reach.endpoint(self.port)

    def start(self, client: Any) -> DependencyServer:
        """Start it and wait until its readiness test passes; DependencyError naming it (with
        its last log lines) otherwise. A failed start leaves no container."""
        config = self.config
        where = f"{config.origin} env"
        options: dict[str, Any] = {
            "environment": expand(dict(config.env), self.placeholders, where, self.names),
            "network": self.network,
            "networking_config": {
                self.network: client.api.create_endpoint_config(aliases=[config.name])
            },
        }
        # The command's and entrypoint's placeholders too (`--requirepass`, `{db.host}`).
        for key, words in (("command", config.command), ("entrypoint", config.entrypoint)):
            if words is not None:
                filled = expand(
                    {f"word {i + 1}": w for i, w in enumerate(words)},
                    self.placeholders,
                    f"{config.origin} {key}",
                    self.names,
                )
                options[key] = list(filled.values())
        if config.healthcheck is not None or config.ready == "healthcheck":
            options["healthcheck"] = healthcheck_options(config)
        self._box = EngineContainer(
            config.image,
            self.owner,
            "dependency",
            self.project,
            self.keep,
            f"{self.internal_port}/tcp" if self.internal_port else None,
            options,
            name_part=config.name,
        )
        try:
            self._box.start(client)
        except docker.errors.APIError as exc:
            raise DependencyError(
                f"{self.image_label}: the engine refused to start dependency {config.name!r} "
                f"({config.origin}, image {config.image}): "
                f"{str(exc.explanation or exc).splitlines()[0]}. Fix its image, command or "
                "env there."
            ) from None
        with self._box.removed_on_failure():
            self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self._box is not None
        config, box = self.config, self._box
        kind, _, arg = config.ready.partition(":")
        if kind == "exit":
            self._wait_exit()
            return
        if kind in ("tcp", "http") and not self.port:
            raise self._failed(f"published no port for {self.internal_port}/tcp")
        if kind == "healthcheck" and "Health" not in box.state():
            raise DependencyError(
                f"{self.image_label}: dependency {config.name!r} ({config.origin}) waits for "
                f'ready = "healthcheck", but image {config.image} has no HEALTHCHECK and no '
                'compose healthcheck is given; use ready = "tcp" (with `port`) or "log:TEXT".'
            )
        session = requests.Session()
        in_container = self._listener_table()

        def listening() -> bool:
            known = in_container()
            return known if known is not None else tcp_listening(self.host, self.port)

        logged = LogReadiness(arg, box.logs, listening if self.port else None)

        def ready() -> bool:
            if kind == "tcp":
                return listening()
            if kind == "http":
                try:
                    # 2xx from the path itself, as the README says: a redirect is no answer.
                    url = f"http://{self.endpoint}{arg}"
                    answer = session.get(url, timeout=2, allow_redirects=False)
                except requests.RequestException:
                    return False
                return 200 <= answer.status_code < 300
            if kind == "log":
                return logged()
            health = box.state().get("Health") or {}
            return health.get("Status") == "healthy"

        started = time.monotonic()
        if not wait_until(ready, config.startup_timeout, give_up=box.exited):
            waited = {
                "tcp": f"it waited for a server on port {self.internal_port}",
                "log": logged.waited_for(self.internal_port, config.port is None),
                "healthcheck": self._healthcheck_waited(),
            }.get(kind, f"it waited for {config.ready}")
            raise self._failed(
                waited=True,
                otherwise=f"was not ready within its startup_timeout ({config.startup_timeout:g}s; "
                f"{waited}{self._other_ports() if kind in ('tcp', 'http', 'log') else ''})",
            )
        self.ready_seconds = time.monotonic() - started

    def _healthcheck_waited(self) -> str:
        """What the healthcheck waited for ran, and how its last run ended (the engine keeps
        its output): a healthy server's log says nothing of a healthcheck that asks the wrong
        port (trial 16: `pg_isready -p 5433` beside a PostgreSQL on 5432)."""
        assert self._box is not None
        config = (self._box.container.attrs.get("Config") or {}).get("Healthcheck") or {}
        test = list(config.get("Test") or [])
        command = " ".join(test[1:]) if test[:1] in (["CMD"], ["CMD-SHELL"]) else ""
        own = self.config.healthcheck is not None and bool(self.config.healthcheck.test)
        said = "its compose healthcheck" if own else "its image's HEALTHCHECK"
        said = f"it waited for {said}" + (f" `{command}`" if command else "")
        runs = (self._box.state().get("Health") or {}).get("Log") or []
        if not runs:
            return f"{said}, which never ran"
        last = runs[-1]
        output = " ".join(str(last.get("Output") or "").split())
        output = output if len(output) <= 200 else output[:197] + "..."
        return f"{said}, whose last run exited with code {last.get('ExitCode')}" + (
            f" and printed: {output}" if output else ""
        )

    def _listener_table(self) -> Callable[[], bool | None]:
        """Whether the dependency listens on its port beyond loopback, read from its listener
        table: None where that table cannot be read here (a remote engine). Where it can, this
        answers at once; the published port's test waits SETTLE_SECONDS on every success."""
        assert self._box is not None
        container = self._box.container
        pid = int((container.attrs.get("State") or {}).get("Pid") or 0)
        container_id = str(getattr(container, "id", ""))

        def listens() -> bool | None:
            found = ports_listening(pid, container_id)
            return None if found is None else self.internal_port in reachable_ports(found)

        return listens

    def _other_ports(self) -> str:
        """Where a dependency waited for on the wrong port listens instead (`port = 5433` for
        a PostgreSQL on 5432), or that it listens on loopback only: "" when that is not known
        here (a remote engine) or it listens where it was waited for."""
        assert self._box is not None
        state = self._box.state()
        found = ports_listening(
            int(state.get("Pid") or 0), str(getattr(self._box.container, "id", ""))
        )
        ports = reachable_ports(found or [])  # not the engine's DNS resolver on 127.0.0.11
        local = [address for address, port in found or () if port == self.internal_port]
        if local and self.internal_port not in ports:  # `bind 127.0.0.1` in a redis.conf
            return (
                f"; it listens on {local[0]}:{self.internal_port}, which only the container "
                "itself reaches: make it listen on all interfaces (`0.0.0.0`)"
            )
        if not ports or not self.internal_port or self.internal_port in ports:
            return ""
        listed = ", ".join(str(port) for port in ports)
        return (
            f"; it listens on port {listed} instead, not on {self.internal_port}: set `port` to "
            "the one it serves on"
        )

    def _wait_exit(self) -> None:
        """A run-to-completion dependency (a migration): ready once it exited with code 0."""
        assert self._box is not None
        started = time.monotonic()
        box, timeout = self._box, self.config.startup_timeout
        if not wait_until(box.exited, timeout) or box.state().get("ExitCode") != 0:
            raise self._failed(
                f"did not finish within its startup_timeout ({timeout:g}s)", waited=True
            )
        self.ready_seconds = time.monotonic() - started

    def _failed(self, otherwise: str, waited: bool = False) -> DependencyError:
        """`waited`: `otherwise` says it ran out of its startup_timeout (unless it exited)."""
        state = self._box.state() if self._box is not None else {}
        exited = state.get("Status") in ("exited", "dead")
        why = f"exited with code {state.get('ExitCode')}" if exited else otherwise
        logs = self.logs(tail=20)
        error = DependencyError(
            f"{self.image_label}: dependency {self.name!r} ({self.config.origin}, image "
            f"{self.config.image}) {why}, so the service was not started. Check its image, "
            "command, env and `ready` there. Its last log lines:\n"
            f"{logs or '    (none)'}"
        )
        error.waited_out = waited and not exited
        return error

    def stopped_note(self) -> str:
        """A sentence when this dependency died under the service, else "" (a run-to-completion
        one is meant to have exited)."""
        if self.config.ready == "exit":
            return ""
        return self.died_note(f"dependency {self.name!r}")
