"""The Docker engine connection, and the sweeps of what this plugin created (labels.py)."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import docker
import docker.errors
import requests

from ..errors import EngineError
from .docker_context import current_context_name, load_context
from .engine_tls import CONNECT_TIMEOUT, EngineClient
from .labels import LABEL_RUN, creator_gone


def remove_stale_resources(client: Any) -> list[str]:
    """Remove what runs that were killed outright left behind; never a live run's resources."""
    return remove_labelled(client, LABEL_RUN, only=creator_gone)


def remove_labelled(
    client: Any, label: str, only: Callable[[dict[str, str]], bool] = lambda labels: True
) -> list[str]:
    """Remove the containers, then networks, then volumes carrying `label` ("key" or
    "key=value") whose labels `only` accepts; returns what went, as "container NAME".

    One that the engine will not remove (gone already, a network still in use) is skipped:
    the rest still go, and whatever stays is swept by label later.
    """
    selector = {"label": label}
    # ignore_removed: docker-py inspects each listed container; one its owner removes in
    # between (a concurrent run's normal cleanup) must not fail this sweep.
    containers = client.containers.list(all=True, filters=selector, ignore_removed=True)
    kinds: list[tuple[str, list[Any], Callable[[Any], None]]] = [
        ("container", containers, lambda c: c.remove(force=True, v=True)),
        ("network", client.networks.list(filters=selector), lambda n: n.remove()),
        ("volume", client.volumes.list(filters=selector), lambda v: v.remove(force=True)),
    ]
    removed: list[str] = []
    for kind, resources, remove in kinds:
        for resource in resources:
            labels = resource.labels if kind == "container" else resource.attrs.get("Labels")
            if only(labels or {}):
                with contextlib.suppress(docker.errors.APIError):
                    remove(resource)
                    removed.append(f"{kind} {resource.name}")
    return removed


DEFAULT_HOST = "unix:///var/run/docker.sock"


def current_context() -> Any | None:
    """The docker CLI context in use (`DOCKER_CONTEXT`, else `docker context use`), or None for
    the default one. DOCKER_HOST wins over any context, as in the CLI."""
    if os.environ.get("DOCKER_HOST"):
        return None
    name = current_context_name()
    if name == "default":
        return None
    try:
        context = load_context(name)
    except ValueError as exc:
        raise EngineError(
            f"The docker context {name!r} cannot be read ({short_reason(exc)}). Repair or "
            "remove it (`docker context rm`), or set DOCKER_HOST."
        ) from None
    if context is None:
        raise EngineError(
            f"The docker context {name!r} (from "
            f"{'DOCKER_CONTEXT' if os.environ.get('DOCKER_CONTEXT') else 'docker context use'}) "
            "does not exist. List them with `docker context ls`, or unset it."
        )
    return context


def _readable_context() -> Any | None:
    # For naming the engine only: an unreadable context is reported by connect().
    try:
        return current_context()
    except EngineError:
        return None


def engine_host() -> str:
    """The engine's address: DOCKER_HOST, else the current docker context's, else the default."""
    context = _readable_context()
    if context is not None and context.Host:
        return str(context.Host)
    return os.environ.get("DOCKER_HOST") or DEFAULT_HOST


def engine_address() -> str:
    """Where the engine is expected, as a user would recognise it."""
    if os.environ.get("DOCKER_HOST"):
        return os.environ["DOCKER_HOST"]
    try:
        context = current_context()
    except EngineError:  # connect() says why; the header must not claim the default engine
        return f"docker context {current_context_name()!r}, which cannot be used"
    if context is not None:
        return f"{context.Host} (docker context {context.Name!r})"
    return f"{DEFAULT_HOST} (the default)"


def runs_here(host: str) -> bool:
    """True when the engine at `host` runs on this machine, so ports it publishes on
    127.0.0.1 are this machine's. A TCP address is local when this machine can bind it."""
    parsed = urlparse(host)
    if parsed.scheme in ("unix", "npipe", ""):
        return True
    if parsed.scheme not in ("tcp", "http", "https") or not parsed.hostname:
        return False  # ssh:// and the like reach another machine
    try:
        infos = socket.getaddrinfo(parsed.hostname, None, type=socket.SOCK_STREAM)
    except OSError:
        return False
    for family, kind, proto, _, address in infos:
        with contextlib.suppress(OSError), socket.socket(family, kind, proto) as probe:
            probe.bind((address[0], 0))
            return True
    return False


def engine_lost(exc: BaseException, during: str) -> EngineError:
    """The engine answered before and stopped answering `during` something."""
    reason = "its host sent nothing back in time" if _timed_out(exc) else short_reason(exc)
    return EngineError(
        f"The Docker engine at {engine_address()} stopped answering during {during} "
        f"({reason}). Check that it still runs (`docker info`, and the daemon's "
        "log), then rerun; the next run removes what this one could not."
    )


def _timed_out(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) is a connection that got nothing back: a read timeout,
    or TCP keepalive giving up on a host that went away (engine_host_gone.py)."""
    return _caused_by(exc, requests.exceptions.Timeout, TimeoutError)


def _caused_by(exc: BaseException, *kinds: type[BaseException]) -> bool:
    """Whether `exc` or an exception it wraps (its __cause__ or __context__ chain: docker-py
    and urllib3 wrap the socket's error) is one of `kinds`."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def ping_briefly(client: Any) -> None:
    """The engine's ping, with CONNECT_TIMEOUT to answer: a live engine answers at once, also
    while it builds, and one whose host went away would hold docker-py's ping for the client's
    whole timeout (300 s)."""
    api = client.api
    api._raise_for_status(api._get(api._url("/_ping"), timeout=CONNECT_TIMEOUT))


def connect() -> Any:
    """A docker-py client that has answered a ping; honours DOCKER_HOST (with DOCKER_TLS_VERIFY)
    and, without it, the docker CLI's current context. An ssh:// engine is reached through the
    `ssh` program, as the docker CLI does (so ~/.ssh/config, agents and jump hosts apply). A
    TLS engine is verified with its own CA, whatever REQUESTS_CA_BUNDLE says (engine_tls.py)."""
    context = current_context()
    host = engine_host()
    over_ssh = host.startswith("ssh://")
    try:
        if context is not None:
            client = EngineClient(
                base_url=context.Host,
                tls=context.TLSConfig or False,
                timeout=300,
                use_ssh_client=over_ssh,
            )
        else:
            client = EngineClient.from_env(timeout=300, use_ssh_client=over_ssh)
        client.ping()
        client.api.bound_connects = False  # it answers: a build's upload may take its time
    except (docker.errors.DockerException, requests.RequestException, OSError) as exc:
        if _caused_by(exc, requests.exceptions.ConnectTimeout):  # nothing answered
            raise EngineError(
                f"Cannot reach the Docker engine at {engine_address()}: it did not accept a "
                f"connection within {CONNECT_TIMEOUT:.0f} s. Nothing answered, so a firewall "
                "drops the packets, the host is down, or the address is not the engine's (a "
                "DOCKER_HOST or docker context left from another network, a dind service that "
                "did not start). Check that `docker info` answers from this machine with the "
                "same setting, then rerun."
            ) from None
        advice = (
            "Check that `ssh` reaches that host without a password prompt (a key or an agent) "
            "and that its user may use Docker there (`ssh HOST docker info`)"
            if over_ssh
            else "Start the Docker engine (`systemctl start docker`, or Docker Desktop), or "
            "point DOCKER_HOST at a running one"
        )
        raise EngineError(
            f"Cannot reach the Docker engine at {engine_address()}: {short_reason(exc)}. "
            f"{advice}, then rerun."
        ) from None
    return client


def short_reason(exc: BaseException) -> str:
    """The first line of an exception, for a one-paragraph message. A long one keeps its
    end: the engine puts the cause last (`... (<id>): listen tcp4 ...: address already in use`)."""
    text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    return text if len(text) <= 300 else f"{text[:120]} … {text[-170:]}"
