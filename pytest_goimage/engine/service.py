"""The image under test running beside its MinIO: environment, port, readiness and logs."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import docker.errors

from ..errors import ServiceError
from ..gofacts.disk_full import DISK_FULL
from ..gofacts.units import format_size, port_number
from .container import ContainerOwner, EngineContainer
from .exec_failure import exec_failure_hint
from .health_probe import HealthProbe, answers, poll
from .listeners import is_loopback, listening, reachable_ports
from .placeholders import expand
from .program_mode import denied_program_hint, unexecutable_on_path
from .shell_form import shell_form_advice
from .tcp_probe import tcp_listening

# What minio-go (and the S3 API) say when MinIO answers 403: a wrong access key or secret,
# or a key without the permission (AccessDenied, which minio-go words "Access Denied.").
_CREDENTIALS_REFUSED = re.compile(
    r"signature we calculated does not match|InvalidAccessKeyId|Access Key Id you provided "
    r"does not exist|SignatureDoesNotMatch|AccessDenied|Access Denied"
)
CREDENTIALS_ADVICE = (
    "Pass {minio.access_key} and {minio.secret_key} in [tool.goimage.env] to the variables "
    "the service reads"
)


# A bare 403 as SDKs and services report one without S3's error body (a HEAD request has
# none): aws-sdk-go-v2's "StatusCode: 403 ... api error Forbidden", v1's "status code: 403",
# a service's own "head bucket catalog: 403 Forbidden". It counts on a line about storage
# only, not on the service's access log of its own API.
_FORBIDDEN = re.compile(r"403 Forbidden|StatusCode: 403|status code: 403|api error Forbidden")
_STORAGE_LINE = re.compile(r"bucket|\bs3\b|minio|storage|object", re.I)


def refuses_credentials(logs: str) -> bool:
    """Whether a service's log shows MinIO answering 403 to it (see _CREDENTIALS_REFUSED)."""
    if _CREDENTIALS_REFUSED.search(logs) is not None:
        return True
    # A line that starts with a blank goes on the one before (aws-sdk-go's "\n\tstatus code").
    entries = re.split(r"\n(?![ \t])", logs)
    return any(_FORBIDDEN.search(entry) and _STORAGE_LINE.search(entry) for entry in entries)


# runc's words for an entrypoint that is not in the image at all, or a bare name not on PATH.
NO_PROGRAM = re.compile(
    r'exec: "([^"]+)": (?:stat [^:]+: no such file or directory|executable file not found in)'
)


def _missing_program_hint(
    reason: str, client: Any, image_ref: str, located: Callable[[], str]
) -> str:
    """Advice when the program ENTRYPOINT/CMD names is missing; shell form is the usual cause
    on scratch and distroless images, which have no /bin/sh to run it. `located` gives the
    image's own reading of where the program is not (off PATH, a dangling link), "" if none."""
    missing = NO_PROGRAM.search(reason)
    if missing is None:
        return ""
    try:
        config = client.images.get(image_ref).attrs.get("Config") or {}
    except docker.errors.APIError:
        config = {}
    if missing.group(1) == "/bin/sh":
        shell = shell_form_advice(config.get("Entrypoint") or [], config.get("Cmd") or [])
        if shell:
            return f". Its {shell}"
    if "/" not in missing.group(1):  # looked up on PATH: there, but not executable?
        skipped = unexecutable_on_path(client, image_ref, missing.group(1))
        if skipped:
            return skipped
    reading = located()
    if reading:
        return f". {reading}"
    return (
        f". {missing.group(1)}, which the image's ENTRYPOINT/CMD runs, is not in the image: "
        "check the path against the COPY that puts the binary there"
    )


# runc's words for a USER that names a user or group the image's /etc/passwd or /etc/group
# does not hold (or that has none: scratch, distroless without its passwd).
_UNKNOWN_USER = re.compile(r"unable to find (user|group) ([^:\s]+): no matching entries")


def _unknown_user_hint(reason: str) -> str:
    unknown = _UNKNOWN_USER.search(reason)
    if unknown is None:
        return ""
    kind, name = unknown.groups()
    table = "/etc/passwd" if kind == "user" else "/etc/group"
    return (
        f". The image's USER names the {kind} {name}, which its {table} does not define "
        "(scratch and distroless-static images have none unless the build copies one in): "
        "use numeric ids (`USER 65532:65532`), or COPY a "
        f"{table} that defines {name} into the final stage"
    )


def expand_env(
    env: dict[str, str], values: Mapping[str, str], names: Collection[str] = ()
) -> dict[str, str]:
    """Fill `{minio.*}`, `{bucket}` and `{NAME.*}` placeholders; one of `names` without a
    value is a clear error."""
    return expand(env, values, "[tool.goimage.env]", names)


def container_port(
    exposed: list[str], configured: int | None, image_label: str, *, health: bool = True
) -> str:
    """The API port as "8080/tcp": configured, else the single EXPOSEd port. `health`: the
    image's `health` setting, for the hint an image without a port gets."""
    if configured is not None:
        return f"{configured}/tcp"
    tcp = [p for p in exposed if p.endswith("/tcp")]
    if len(tcp) == 1:
        return tcp[0]
    what = "no port" if not tcp else f"several ports ({', '.join(tcp)})"
    raise ServiceError(
        f"{image_label}: the image EXPOSEs {what}, so the API port is unknown; set `port` in "
        "[tool.goimage] (or for this image in [[tool.goimage.image]])."
        + (
            " An image that serves no HTTP API (a queue worker, a job) sets `health = false` "
            "there instead."
            if not tcp and health
            else ""
        )
    )


@dataclass
class ServiceContainer(ContainerOwner):
    """One running service container. `url` is its API as the host reaches it."""

    image_ref: str
    image_label: str
    owner: str
    network: str
    env: dict[str, str]
    port: str | None  # the API port ("8080/tcp"); None: publish nothing
    project: str = ""
    health_port: str | None = None  # where health_path is polled ("8081/tcp"); None: `port`
    scheme: str = "http"  # "https": the service serves its API over TLS itself
    health_scheme: str = "http"  # that of the port health_path is polled on
    memory_limit: int | None = None
    keep: bool = False  # --goimage-keep: stop() leaves it, and no sweep takes it
    # Why the image's program is not where the runtime looks ("" when it is), for a refused start.
    program_located: Callable[[], str] | None = field(default=None, repr=False)
    # Why the Dockerfile's ENTRYPOINT/CMD is not the exec form it meant ("" when it is): an
    # invalid JSON array BuildKit took for a shell form, behind any refusal or exit.
    program_written: Callable[[], str] | None = field(default=None, repr=False)
    # Why the program, though there, cannot be loaded ("" when it can), for an exit 127.
    program_unloadable: Callable[[], str] | None = field(default=None, repr=False)
    started_at: float = 0.0
    _box: EngineContainer | None = field(default=None, repr=False)

    @property
    def host_port(self) -> int:
        """The host port of the API port (0: none published, or the container exited first)."""
        return self._box.host_port if self._box is not None else 0

    def start(self, client: Any) -> ServiceContainer:
        """Create and start it; ServiceError when the engine refuses (nothing is left then)."""
        self._box = EngineContainer(
            self.image_ref,
            self.owner,
            "service",
            self.project,
            self.keep,
            self.port,
            options={
                "environment": self.env,
                "network": self.network,
                # Swap equal to the limit: the service gets no more than production gives it.
                "mem_limit": self.memory_limit,
                "memswap_limit": self.memory_limit,
            },
            extra_ports=(self.health_port,) if self.health_port and self.port else (),
        )
        try:
            self._box.start(client)
        except docker.errors.APIError as exc:
            reason = str(exc.explanation or exc)
            written = self._written()
            missing = (
                f". {written}"
                if written
                else _missing_program_hint(reason, client, self.image_ref, self._program_reading)
            )
            raise ServiceError(
                f"{self.image_label}: the engine refused to start the service container: "
                f"{reason}{missing}"
                f"{denied_program_hint(reason, client, self.image_ref)}"
                f"{_unknown_user_hint(reason)}".rstrip(".")
                + "."
            ) from None
        self.started_at = time.monotonic()
        return self

    @property
    def url(self) -> str:
        """The API's base URL as this machine reaches it (or why there is none)."""
        return self._url(self.port)

    @property
    def polled_port(self) -> str | None:
        """The container port health_path is polled on: `health_port`, else the API's."""
        return self.health_port or self.port

    @property
    def health_url(self) -> str:
        """The base URL health_path is polled at: the API's unless `health_port` is set."""
        return self._url(self.polled_port, self.health_scheme)

    @property
    def health_host_port(self) -> int:
        """The host port of the port health_path is polled on (0: none published)."""
        return self._host_port_of(self.polled_port)

    def _host_port_of(self, port: str | None) -> int:
        if self._box is None or not self.port or not port:
            return 0
        return self._box.host_ports.get(port, 0)

    def _url(self, port: str | None, scheme: str = "") -> str:
        if not self.port or not port:
            return "(no API port: none EXPOSEd or set as `port`)"
        host_port = self._host_port_of(port)
        if not host_port:
            return "(no host port: the container exited before its port was published)"
        assert self._box is not None
        return f"{scheme or self.scheme}://{self._box.reach.endpoint(host_port)}"

    def answering(self, ports: list[int], path: str) -> list[int]:
        """Which of the container's own `ports` answer GET `path` with 2xx, asked once each
        (1 s) at its address on its network, which this machine reaches where a local
        engine's sockets could be read: for the failure path's hints only."""
        address = self._box.address(self.network) if self._box is not None else ""
        url = f"{self.health_scheme}://{address}:{{}}{path}"
        return [port for port in ports if address and answers(url.format(port))]

    def api_listening(self) -> bool:
        """Whether a server takes connections on the API port beyond loopback: its listener
        table where this machine can read it, else a connection to the published port that
        stays open (tcp_probe). Asked where `health_port` is another port, which says nothing
        about the API."""
        if self._box is None or not self.port:
            return False
        found = self.listeners()
        if found is not None:
            return port_number(self.port) in reachable_ports(found)
        host_port = self._host_port_of(self.port)
        return bool(host_port) and tcp_listening(self._box.reach.host, host_port)

    def state(self) -> dict[str, Any]:
        """The container's State (Status, ExitCode, OOMKilled ...), refreshed."""
        return self._box.state() if self._box is not None else {"Status": "removed"}

    def exited(self) -> bool:
        return self._box is None or self._box.exited()

    def exit_summary(self) -> str:
        """ "exited with code 1", with OOM called out, plus the last log lines."""
        state = self.state()
        text = f"the container exited with code {state.get('ExitCode')}"
        if self._box is not None and self._box.killed_for_memory(state):
            limit = (
                f"its memory_limit of {format_size(self.memory_limit)}"
                if self.memory_limit
                else "the memory it could get"
            )
            text += f" (killed by the kernel: out of memory; it needed more than {limit})"
        if state.get("Error"):
            text += f" ({state['Error']})"
        logs = self.logs(tail=20)
        if DISK_FULL.search(logs):
            text += " after a write failed because a disk is full (no space left on device)"
        elif refuses_credentials(logs):
            text += f": MinIO refused its credentials. {CREDENTIALS_ADVICE}"
        elif written := self._written():
            text += f". {written}"
        elif self._box is not None and (
            hint := exec_failure_hint(self._box.container.client, self.image_ref, logs)
        ):
            text += f": its entrypoint could not be started. {hint}"
        elif state.get("ExitCode") == 127 and (reading := self._program_reading()):
            # 127: a shell (an entrypoint script's `exec "$@"`) found no such program.
            text += f', a shell\'s "command not found". {reading.rstrip(".")}'
        elif state.get("ExitCode") == 127 and (unloadable := self._unloadable()):
            # Trial 11: tini's or a script's exec of a cgo binary on alpine said only 127.
            text += f", a wrapper's (an entrypoint script's, tini's) exec failing: {unloadable}"
        return text

    def _written(self) -> str:
        return self.program_written() if self.program_written is not None else ""

    def _unloadable(self) -> str:
        return self.program_unloadable() if self.program_unloadable is not None else ""

    def _program_reading(self) -> str:
        """The image's own reading of where its program is not, as a sentence ("" if none)."""
        reading = self.program_located() if self.program_located is not None else ""
        return f"{reading[:1].upper()}{reading[1:]}"

    def credentials_hint(self) -> str:
        """A sentence when the service's log shows MinIO refusing its credentials (HTTP 403)
        while it still runs (retrying), else "": the likely cause of a missing bucket or an
        unhealthy service."""
        if not refuses_credentials(self.logs(tail=50)):
            return ""
        return f" Its log shows MinIO refusing its credentials (403). {CREDENTIALS_ADVICE}."

    def listeners(self) -> list[tuple[str, int]] | None:
        """The container's listening TCP sockets, where this machine can see them."""
        state = self.state()
        return listening(int(state.get("Pid") or 0), str(getattr(self.container, "id", "")))

    def logs(self, tail: int | str = "all") -> str:
        """Its stdout and stderr so far (the last `tail` lines)."""
        return self._box.logs(tail) if self._box is not None else ""

    def last_logs(self, lines: int = 15) -> str:
        text = self.logs(tail=lines).rstrip()
        body = "\n".join(f"    {line}" for line in text.splitlines())
        return f"Last log lines of the service:\n{body}" if body else "The service logged nothing."

    def poll_health(self, path: str, timeout: float) -> tuple[bool, HealthProbe]:
        """GET `path` with a short backoff until 2xx, the container exits, or `timeout` passes."""
        if not self.health_host_port:
            return False, HealthProbe(error=f"port {self.polled_port} is not published")
        setting = "health_scheme" if self.health_port else "scheme"
        number = port_number(str(self.polled_port))

        def listens_on_port() -> bool:
            found = self.listeners() or []
            return any(port == number and not is_loopback(host) for host, port in found)

        def on_loopback_only() -> bool:
            found = [host for host, port in self.listeners() or [] if port == number]
            return bool(found) and all(is_loopback(host) for host in found)

        return poll(
            self.health_url + path, timeout, self.exited, setting, listens_on_port, on_loopback_only
        )
