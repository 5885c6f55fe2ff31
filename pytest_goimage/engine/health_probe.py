"""The health endpoint's last answer, the configuration mistake it points at, and a one-shot
GET for the failure path's hints."""

from __future__ import annotations

import socket
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import InsecureRequestWarning

from ..gofacts.units import port_number
from .listeners import listener_hint
from .poll import backoff

_PLAIN_HTTP = "the TLS handshake failed: the port answers plain HTTP"
_RESET = "connection reset"
# Closed without an answer this often, for this long, while the service listens on the port
# and answers HTTP/2's preface with its SETTINGS: an HTTP/2-only server (gRPC) closes each
# HTTP/1.1 request, and waiting until startup_timeout cannot change that (trial 17 A2). Not
# without the SETTINGS: net/http closes the connection of a handler that panics, as one may
# while the service starts (the review).
_CLOSED_WHILE_LISTENING = 5
_CLOSED_FOR_SECONDS = 1.0
_REQUEST_SECONDS = 2.0  # each GET's own timeout, to connect and to read the answer
_SAME_REDIRECTS = 5  # answers in a row: a service still starting does not redirect so
# Failing this long in a row, the listener table is read (again each time this passes): a
# service that listens on the port on loopback only will not be reached by waiting longer.
_LOOK_EVERY = 0.5
# What a server that speaks TLS on the port answers a plain HTTP request: Go's net/http, nginx.
_TLS_ONLY = (
    "Client sent an HTTP request to an HTTPS server",
    "The plain HTTP request was sent to HTTPS port",
)


@dataclass
class HealthProbe:
    """The last answer (or failure) of the health endpoint."""

    status: int | None = None
    body: str = ""
    error: str = ""
    seconds: float = 0.0
    location: str = ""  # where a redirect pointed
    closes_while_listening: bool = False  # the service listens, and closes each request
    loopback_only: bool = False  # the service listens on the port, on loopback only

    @property
    def speaks_tls(self) -> bool:
        """Whether the answer says the port serves HTTPS, not the HTTP that was sent."""
        return self.status == 400 and any(marker in self.body for marker in _TLS_ONLY)

    def describe(self) -> str:
        if self.status is not None and self.location:
            return f"the last answer was HTTP {self.status}, a redirect to {self.location}"
        if self.status is not None:
            body = " ".join(self.body.split())[:300].rstrip(".") or "(empty body)"
            return f"the last answer was HTTP {self.status}: {body}"
        if self.closes_while_listening:
            return "no answer: the service closed each connection without one"
        return f"no answer: {self.error or 'not polled'}"


@dataclass
class RedirectRun:
    """The same redirect answered in a row. Five will not change (a service still starting
    does not redirect so), but a run must be unbroken: one other redirect before it (`/` to
    `/login` once, then `/healthz` to `/healthz/`) must not keep the wait from ending."""

    redirect: tuple[int, str] | None = None
    count: int = 0

    def answered(self, status: int | None, location: str) -> bool:
        """Count one outcome (no status: no answer; "": no redirect); whether the run of the
        same redirect is long enough to end the wait. Anything else starts a new run."""
        redirect = (status, location) if status is not None and location else None
        if redirect is not None and redirect == self.redirect:
            self.count += 1
        else:
            self.count = 0 if redirect is None else 1
        self.redirect = redirect
        return self.count >= _SAME_REDIRECTS


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
    if probe.speaks_tls:
        setting = "health_scheme" if key == "health_port" else "scheme"
        return (
            f'. The service serves HTTPS on that port: set `{setting} = "https"` in '
            "[tool.goimage] (its certificate is not verified: a test image's own will do)."
        )
    if probe.location.startswith("https://"):
        setting = "health_scheme" if key == "health_port" else "scheme"
        return (
            f'. The service redirects plain HTTP to HTTPS: set `{setting} = "https"` in '
            "[tool.goimage] (its certificate is not verified: a test image's own will do)."
        )
    if probe.location:
        return (
            f". {health_path} must answer 2xx itself; a redirect is not followed, as it "
            "often ends at a page that answers whatever the service's state (a login, an "
            "index): where the endpoint that answers is the health endpoint, set `health_path` "
            "to it in [tool.goimage]."
        )
    if probe.closes_while_listening:
        return (
            f". Inside the container the service listens on {port.split('/', 1)[0]}, and "
            "serves HTTP/2 only there (it answers HTTP/2's preface and closes each HTTP/1.1 "
            "request, as a gRPC server does); set "
            f"`{'health_port' if key == 'health_port' else 'port'}` in [tool.goimage] to the "
            f"port that answers {health_path} over HTTP/1.1."
        )
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
        return listener_hint(listeners, port_number(port), key)
    return ""


def _get(session: requests.Session, url: str, timeout: float) -> requests.Response:
    """GET the service under test, its certificate not verified (its own, often self-signed).
    `verify` per request: a session's own loses to REQUESTS_CA_BUNDLE."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        # Not following redirects: `health` passes on 2xx from health_path itself.
        return session.get(url, timeout=timeout, verify=False, allow_redirects=False)


def answers(url: str, timeout: float = 1.0) -> bool:
    """Whether one GET of `url` answers 2xx within `timeout` seconds."""
    try:
        with requests.Session() as session:
            return 200 <= _get(session, url, timeout).status_code < 300
    except requests.RequestException:
        return False


def poll(
    url: str,
    timeout: float,
    exited: Callable[[], bool],
    setting: str = "scheme",
    listening: Callable[[], bool] | None = None,
    loopback_only: Callable[[], bool] | None = None,
) -> tuple[bool, HealthProbe]:
    """GET `url` with a short backoff until 2xx, `exited()`, an answer that says the port
    serves the other protocol than `url`'s (waiting cannot change that), or `timeout` passes.
    `setting` is the key that chose the scheme, for the hint. An https URL's certificate
    is not verified: the service under test brings its own, often self-signed. `listening`
    says whether the service listens on the port (None: not known here): connections it
    closes without an answer while it does, again and again, end the wait too, and so does
    `loopback_only` (None: not known) saying the service listens on the port on loopback
    only, which no published port reaches (trial 20 waited the whole startup_timeout)."""
    probe = HealthProbe()
    session = requests.Session()
    started = time.monotonic()
    redirects = RedirectRun()
    closed: list[float] = []  # when each connection in a row closed without an answer
    asked_http2 = False  # whether this run of closed connections asked for HTTP/2 yet
    look_at = started + _LOOK_EVERY  # when to read the listener table next, while failing
    on_loopback = 0  # looks in a row that found the port on loopback only
    for _ in backoff(timeout):
        try:
            response = _get(session, url, _REQUEST_SECONDS)
            look_at, on_loopback = time.monotonic() + _LOOK_EVERY, 0
            probe.status, probe.body, probe.error = response.status_code, response.text, ""
            probe.location = response.headers.get("Location", "") if response.is_redirect else ""
            if 200 <= response.status_code < 300:
                probe.seconds = time.monotonic() - started
                return True, probe
            if probe.speaks_tls:
                break
            if redirects.answered(probe.status, probe.location):
                break
        except requests.RequestException as exc:
            probe.status, probe.error = None, _short(exc, setting)
            redirects.answered(None, "")
            if probe.error.startswith(_PLAIN_HTTP):
                break  # the port answers plain HTTP: it will not start speaking TLS
            closed = [*closed, time.monotonic()] if probe.error.startswith(_RESET) else []
            asked_http2 = asked_http2 and bool(closed)
            if (
                listening is not None
                and not asked_http2
                and len(closed) >= _CLOSED_WHILE_LISTENING
                and closed[-1] - closed[0] >= _CLOSED_FOR_SECONDS
                and listening()
            ):
                asked_http2 = True
                if speaks_http2_only(url):
                    probe.closes_while_listening = True
                    break
            if loopback_only is not None and time.monotonic() >= look_at:
                look_at = time.monotonic() + _LOOK_EVERY
                # Two looks in a row: one could catch a service between a first bind on
                # loopback and its real one.
                on_loopback = on_loopback + 1 if loopback_only() else 0
                if on_loopback >= 2:
                    probe.loopback_only = True
                    break
        if exited():
            break
    probe.seconds = time.monotonic() - started
    return False, probe


# HTTP/2's client preface and an empty SETTINGS frame (RFC 9113 3.4, 6.5).
_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
_SETTINGS = 0x04


def speaks_http2_only(url: str, timeout: float = 1.0) -> bool:
    """Whether the plain-HTTP server at `url` answers HTTP/2's preface with a SETTINGS frame
    (prior knowledge, as gRPC servers take it); an HTTP/1.1 server answers `HTTP/1.1 ...` or
    nothing. An https URL is not asked: its TLS would have to say so."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None or parts.port is None:
        return False
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
            conn.sendall(_HTTP2_PREFACE)
            header = conn.recv(9)
    except OSError:
        return False
    return len(header) >= 4 and header[3] == _SETTINGS and not header.startswith(b"HTTP/")


def _short(exc: BaseException, setting: str = "scheme") -> str:
    if isinstance(exc, requests.exceptions.ReadTimeout):
        # Through the engine's proxy a port with nothing behind it resets, it does not wait:
        # the service took the request, and its handler never answered (trial 35A said only
        # "timed out").
        return (
            f"the service took the request but sent no answer within {_REQUEST_SECONDS:g} s: "
            "its handler for the path hangs or is that slow (on a lock, on a call to a "
            "dependency or MinIO made without a deadline), or the port is open before the "
            "service serves it (migrations between its listen and its serve)"
        )
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused (nothing listens on the port yet)"
    if "Connection reset" in text or "RemoteDisconnected" in text:
        return f"{_RESET} (the port is published, but nothing answers on it from outside the container)"
    # OpenSSL's words for an HTTP answer to its hello: before 3.2, and since.
    if any(words in text for words in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE")):
        if setting == "health_scheme":
            # Inherited from `scheme = "https"` (the API's TLS) or set: either way this is the fix.
            return (
                f'{_PLAIN_HTTP} (set `health_scheme = "http"` in [tool.goimage]: health_port '
                "serves plain HTTP, whatever `scheme` the API has)"
            )
        return f'{_PLAIN_HTTP} (remove `{setting} = "https"` from [tool.goimage])'
    if "timed out" in text.lower():
        return "timed out"
    return text.splitlines()[0][:200] if text else type(exc).__name__
