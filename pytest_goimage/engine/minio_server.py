"""A running MinIO server: random credentials, its port published only where this machine
reaches the engine (127.0.0.1 for a local one), ready when S3 answers."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests
import urllib3

from ..config_keys import MINIO_PREFIX, PLACEHOLDERS
from ..errors import MinioError
from ..run_secrets import add_run_secret
from .container import ContainerOwner, EngineContainer
from .poll import wait_until
from .reach import LOOPBACK, OVERRIDE, Reach

if TYPE_CHECKING:
    from minio import Minio

MINIO_PORT = "9000/tcp"
NETWORK_ALIAS = "minio"


# Both addresses fixed: without --console-address MinIO picks a random console port at each
# start, and a restart then fails now and then with "Unable to initialize console server:
# Specified port is already in use" (seen in this project's soak run; minio/minio#19255).
SERVER_ARGS = ["server", "/data", "--address", ":9000", "--console-address", ":9001"]


def server_command(image_config: dict[str, Any]) -> list[str] | None:
    """The command to add so that `minio_image` starts a server, or None to run it as built.

    The official image's CMD is a bare `minio` (its entrypoint script prefixes `minio` to
    arguments that are not a command): run as is, it prints usage and exits. An image whose
    ENTRYPOINT/CMD already names `server`, or runs its own start script, is left alone.
    """
    entrypoint = list(image_config.get("Entrypoint") or [])
    cmd = list(image_config.get("Cmd") or [])
    if "server" in entrypoint + cmd or cmd not in ([], ["minio"]):
        return None
    if not entrypoint:
        return ["minio", *SERVER_ARGS]
    if entrypoint[-1].endswith(("minio", ".sh")):
        return SERVER_ARGS
    return None


@dataclass
class MinioServer(ContainerOwner):
    """One MinIO container. Use `start()`, then `client`, `url`, `internal_url`; `stop()` removes
    it (unless `keep`); as a context manager it is stopped on exit."""

    image: str
    run_id: str  # the owner: "<run>-<worker>"
    network: str | None = None
    project: str = ""
    configured: bool = False  # `minio_image` names the image (else the one built from source)
    keep: bool = False  # --goimage-keep: stop() leaves it, and no sweep takes it
    access_key: str = field(default_factory=lambda: "goimage" + secrets.token_hex(6))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    host_port: int = 0
    ready_seconds: float = 0.0
    _box: EngineContainer | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        add_run_secret(self.secret_key)  # a service may log the key it was given

    def start(self, docker_client: Any, timeout: float = 30.0) -> MinioServer:
        """Start it and wait until S3 answers; MinioError (with its last log lines) if it
        exits or is not ready in `timeout`. A failed start leaves no container."""
        options: dict[str, Any] = {
            "environment": {
                "MINIO_ROOT_USER": self.access_key,
                "MINIO_ROOT_PASSWORD": self.secret_key,
            }
        }
        if self.network:
            # Containers on the private network reach MinIO as http://minio:9000.
            options["network"] = self.network
            options["networking_config"] = {
                self.network: docker_client.api.create_endpoint_config(aliases=[NETWORK_ALIAS])
            }
        if self.configured:
            config = docker_client.images.get(self.image).attrs.get("Config") or {}
            command = server_command(config)
        else:  # the image built from source: its CMD from an older release lacks the console's
            command = [*SERVER_ARGS, "--quiet"]
        if command:
            options["command"] = command
        self._box = EngineContainer(
            self.image, self.run_id, "minio", self.project, self.keep, MINIO_PORT, options
        )
        self._box.start(docker_client)
        with self._box.removed_on_failure():
            self._check_port()
            self._wait_ready(timeout)
        return self

    def restart(self, timeout: float = 30.0) -> None:
        """Restart the server (data kept); the host port may change and is read again."""
        assert self._box is not None
        with self._box.removed_on_failure():
            self._box.restart()
            self._check_port()
            self._wait_ready(timeout)

    def _check_port(self) -> None:
        assert self._box is not None
        self.host_port = self._box.host_port
        if not self.host_port:
            # The engine publishes nothing for a container that has already exited: an image
            # that is not a MinIO server, or one that stops at once.
            raise self._failed("published no port for 9000/tcp", " as soon as it started")

    def _failed(self, otherwise: str, when: str = "", unreached: bool = False) -> MinioError:
        """Say why it failed: that it exited (with its code, and `when`) if it did, else
        `otherwise`; what a MinIO image must do (`unreached`: nothing answered from here, so
        its log only says whether it serves); its last log lines."""
        state = self._box.state() if self._box is not None else {}
        why = (
            f"exited with code {state.get('ExitCode')}{when}"
            if state.get("Status") in ("exited", "dead")
            else otherwise
        )
        logs = self.logs(tail=20)
        advice = (
            "pytest-goimage runs a MinIO image's own ENTRYPOINT/CMD, adding `server /data "
            "--address :9000` only when CMD is a bare `minio`; the image must serve the S3 API "
            "on port 9000 and take its credentials from MINIO_ROOT_USER/MINIO_ROOT_PASSWORD (set "
            "`minio_image` in [tool.goimage] to such an image, or remove it to use the MinIO "
            "built from source)"
            if self.configured and not unreached
            else "Its log below says whether it started serving (MinIO logs its API address)"
            if unreached
            else "It is the MinIO pytest-goimage built from source; its log below says why "
            "(a slow or full disk, or too little memory, are the usual causes)"
        )
        return MinioError(
            f"MinIO from image {self.image} {why}. {advice}. Last log lines:\n"
            f"{logs or '    (none)'}"
        )

    def _wait_ready(self, timeout: float) -> None:
        # Imported here, not with the plugin: minio-py takes about 0.1 s to import, which
        # this thread pays while MinIO starts instead of pytest's start-up.
        from minio.error import MinioException

        started = time.monotonic()
        session = requests.Session()

        probe = self._client(retries=False)
        answered = False  # whether anything answered at the published port at all

        def live() -> bool:
            nonlocal answered
            # /minio/health/ready can say 200 while S3 calls still get 503 (with a Retry-After
            # that stalls a retrying client for a minute): ready means S3 answers.
            try:
                ready = session.get(f"{self.url}/minio/health/ready", timeout=1).status_code
                answered = True
                if ready != 200:
                    return False
                probe.list_buckets()
            except (requests.ConnectionError, requests.Timeout):
                return False
            except (requests.RequestException, urllib3.exceptions.HTTPError, MinioException):
                answered = True
                return False
            return True

        assert self._box is not None
        # Gives up too when it was removed from outside (docker rm -f).
        if not wait_until(live, timeout, give_up=self._box.exited):
            unreached = "" if answered or self._box.exited() else self._unreached()
            error = self._failed(
                f"was not ready (/minio/health/ready and an S3 call) within {timeout:.0f}s"
                + unreached,
                unreached=bool(unreached),
            )
            error.waited_out = not self._box.exited()
            raise error
        self.ready_seconds = time.monotonic() - started

    def _unreached(self) -> str:
        """Why nothing at all answered at a running MinIO's published port: most often the
        ports are published where this machine does not look."""
        assert self._box is not None
        if self._box.reach.how.startswith(f"from {OVERRIDE}="):
            return (
                f"; it runs, but nothing answered at {self.endpoint}, the address "
                f"{self._box.reach.how.removeprefix('from ')} gives for its published port "
                f"9000. Check that this machine reaches the engine's published ports there "
                f"(the host's gateway, host.docker.internal, a dind service's name), or unset "
                f"{OVERRIDE} where the engine runs on this machine; else MinIO did not start "
                "serving"
            )
        return (
            f"; it runs, but nothing answered at {self.endpoint}, where this machine reaches its "
            "published port 9000. Where the engine publishes elsewhere (a CI job in a container "
            "that mounts the host's docker.sock, an engine in another network namespace), set "
            f"{OVERRIDE} to the address that reaches the engine's published ports "
            "(host.docker.internal, the host's gateway); else MinIO did not start serving"
        )

    @property
    def endpoint(self) -> str:
        """host:port as this machine reaches it."""
        reach = self._box.reach if self._box is not None else Reach(LOOPBACK, LOOPBACK, "")
        return reach.endpoint(self.host_port)

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def internal_host(self) -> str:
        """The host name containers on the same network use."""
        return NETWORK_ALIAS if self.network else "host.docker.internal"

    @property
    def internal_endpoint(self) -> str:
        return f"{self.internal_host}:9000"

    @property
    def internal_url(self) -> str:
        return f"http://{self.internal_endpoint}"

    @property
    def client(self) -> Minio:
        """A minio client talking to this server from the host."""
        return self._client(retries=True)

    def _client(self, retries: bool) -> Minio:
        from minio import Minio

        # minio-py's default waits out a Retry-After and allows 5 minutes per request; checks
        # poll on their own deadlines, so retries here are few, quick and bounded.
        policy: urllib3.Retry | bool = (
            urllib3.Retry(
                total=3,
                backoff_factor=0.1,
                status_forcelist=[500, 502, 503, 504],
                respect_retry_after_header=False,
            )
            if retries
            else False
        )
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=30), maxsize=10, retries=policy
        )
        return Minio(
            self.endpoint, self.access_key, self.secret_key, secure=False, http_client=http
        )

    def stopped_note(self) -> str:
        """A sentence when this MinIO died under the service, else "": a failure may follow from it."""
        return self.died_note("MinIO")

    def placeholders(self) -> dict[str, str]:
        """Values for `{minio.*}` in `[tool.goimage.env]`, as a container on the network sees them.

        The names come from config_keys.PLACEHOLDERS; a name with no value here fails at once."""
        values = {
            "url": self.internal_url,
            "endpoint": self.internal_endpoint,
            "host": self.internal_host,
            "port": "9000",
            "access_key": self.access_key,
            "secret_key": self.secret_key,
        }
        return {
            name: values[name.removeprefix(MINIO_PREFIX)]
            for name in PLACEHOLDERS
            if name.startswith(MINIO_PREFIX)
        }
