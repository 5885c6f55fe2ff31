"""BuildKit builds through the Engine API (`POST /build?version=2`), with progress and a full log.

The Engine API is used rather than the docker CLI because it needs no buildx plugin, honours
DOCKER_HOST for every call, and reports BuildKit's own step graph, which the failure
diagnostics read.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import docker.errors
import requests
import urllib3.exceptions

from ..engine.connection import engine_lost
from .buildkit_trace import TraceDecodeError, Vertex, decode_status
from .context import context_tar
from .context_server import LOCAL_ENGINE_URL, needs_second_read, served_context

ProgressCallback = Callable[[str], None]
_DOCKERFILE_STEP = re.compile(r"^\[[^\]]*\d+/\d+\] ")
# The builds of this process still going, by BuildKit build id: the run's end cancels them, so
# that the engine does not tag their images after the end has removed the run's images
# (trial 16: a second Ctrl-C during the builds left tags). Closing a build's stream from
# another thread would wait for the read it is blocked in; the engine's cancel does not.
_GOING: dict[str, Any] = {}
_CANCELLED: set[str] = set()  # the ids cancel_builds asked the engine to stop
_GOING_LOCK = threading.Lock()
_CANCEL_TIMEOUT = 5  # seconds for the engine to accept a cancel


def cancel_builds() -> int:
    """Ask the engine to cancel every build of this process still going (`POST /build/cancel`,
    as the docker CLI does on Ctrl-C); how many there were."""
    with _GOING_LOCK:
        going = list(_GOING.items())
        _CANCELLED.update(_GOING)
    for build_id, api in going:
        with contextlib.suppress(Exception):  # gone already, or the engine with it
            api._post(api._url("/build/cancel"), params={"id": build_id}, timeout=_CANCEL_TIMEOUT)
    return len(going)


@dataclass(frozen=True)
class BuildRequest:
    dockerfile: Path
    context: Path
    tag: str
    build_args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass
class BuildTrace:
    """What BuildKit reported: steps in order, their output, and the final error."""

    vertexes: dict[str, Vertex] = field(default_factory=dict)
    logs: dict[str, list[bytes]] = field(default_factory=dict)
    error: str = ""
    image_id: str = ""
    announced: set[str] = field(default_factory=set)  # vertex digests shown as progress
    cancelled: bool = False  # the run's end cancelled it (an interrupt), no step failed

    def output(self, digest: str) -> str:
        return b"".join(self.logs.get(digest, [])).decode("utf-8", "replace")

    def failed_step(self) -> Vertex | None:
        """The step whose own error ended the build (not the ones cancelled because of it)."""
        failed = [v for v in self.vertexes.values() if v.error]
        real = [v for v in failed if "context canceled" not in v.error]
        candidates = real or failed
        return candidates[-1] if candidates else None

    def failed_elsewhere(self) -> bool:
        """The build failed, no step of its own reported the error, and a Dockerfile step of
        it never started: BuildKit merged that step into another build's identical one, which
        failed there (and whose output went to that build only)."""
        return (
            bool(self.error)
            and self.failed_step() is None
            and any(
                _DOCKERFILE_STEP.match(v.name) and not v.started for v in self.vertexes.values()
            )
        )

    def plain_log(self) -> str:
        """The build as `docker build --progress=plain` would print it."""
        out: list[str] = []
        for number, vertex in enumerate(self.vertexes.values(), start=1):
            out.append(f"#{number} {vertex.name}")
            if vertex.cached:
                out.append(f"#{number} CACHED")
            for line in self.output(vertex.digest).splitlines():
                out.append(f"#{number} {line}")
            if vertex.error:
                out.append(f"#{number} ERROR: {vertex.error}")
            elif vertex.completed and vertex.started and not vertex.cached:
                out.append(f"#{number} DONE {vertex.completed - vertex.started:.1f}s")
            out.append("")
        if self.error:
            out.append(f"ERROR: {self.error}")
        return "\n".join(out) + "\n"


@dataclass(frozen=True)
class BuildResult:
    image_id: str
    tag: str
    seconds: float
    steps: int
    cached_steps: int
    log: str
    shared_steps: int = 0


def build_image(
    client: Any,
    request: BuildRequest,
    progress: ProgressCallback | None = None,
) -> tuple[BuildResult | None, BuildTrace]:
    """Build with BuildKit; returns (None, trace) when the build failed."""
    started = time.monotonic()
    tar, dockerfile_name = context_tar(request.context, request.dockerfile)
    params: dict[str, Any] = {
        "t": request.tag,
        "dockerfile": dockerfile_name,
        "version": "2",  # BuildKit; "1" is the legacy builder, which rejects RUN --mount
        "rm": 1,
        "forcerm": 1,
        "buildargs": json.dumps(dict(request.build_args)),
        "labels": json.dumps(dict(request.labels)),
    }
    if request.target:
        params["target"] = request.target
    api = client.api
    try:
        trace = _post_build(api, params, tar, BuildTrace(), progress)
        if needs_second_read(trace.error) and api.base_url == LOCAL_ENGINE_URL:
            # The directive's frontend found the context gone: build again from a URL the
            # engine may read as often as it asks (context_server.py says why).
            with served_context(tar) as url:
                retry = BuildTrace(announced=set(trace.announced))
                trace = _post_build(api, {**params, "remote": url}, None, retry, progress)
    finally:
        tar.close()
    if trace.error or not trace.image_id:
        trace.error = trace.error or "the engine reported no image id"
        return None, trace
    return finished(trace, request, started), trace


def _post_build(
    api: Any,
    params: dict[str, Any],
    tar: IO[bytes] | None,
    trace: BuildTrace,
    progress: ProgressCallback | None,
) -> BuildTrace:
    """One POST /build: the context as the body (`tar`), or none where params name `remote`."""
    params = {**params, "buildid": uuid.uuid4().hex}
    build_id = params["buildid"]
    with _GOING_LOCK:
        _GOING[build_id] = api
    try:
        # docker-py's build() has no `version` parameter, so post to the endpoint directly.
        response = api._post(
            api._url("/build"),
            params=params,
            data=tar,
            headers={"Content-Type": "application/x-tar"} if tar is not None else None,
            stream=True,
            timeout=None,
        )
        api._raise_for_status(response)
        for chunk in api._stream_helper(response, decode=True):
            _consume(chunk, trace, progress)
    except docker.errors.APIError as exc:
        trace.error = str(exc.explanation or exc)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        # urllib3's own errors too: docker-py reads a chunked stream from the raw response.
        raise engine_lost(exc, "the build") from None
    finally:
        with _GOING_LOCK:
            _GOING.pop(build_id, None)
            trace.cancelled = build_id in _CANCELLED
    return trace


def finished(trace: BuildTrace, request: BuildRequest, started: float) -> BuildResult:
    """The result of a successful build, counting Dockerfile steps that do work: base images
    (FROM) are resolved, never cached, and BuildKit's context transfer and export are no steps.

    A step this build's progress announced but never started nor reported cached was done by
    another build of the same step running at the same time: BuildKit solves a shared step
    once and reports it to the build that asked first (seen with three builds of one
    Dockerfile at once on Docker 20.10). It is counted as shared, not as cached.
    """
    steps = [
        v
        for v in trace.vertexes.values()
        if _DOCKERFILE_STEP.match(v.name) and not v.name.split("] ", 1)[1].startswith("FROM ")
    ]
    return BuildResult(
        image_id=trace.image_id,
        tag=request.tag,
        seconds=time.monotonic() - started,
        steps=len(steps),
        cached_steps=sum(1 for v in steps if v.cached),
        log=trace.plain_log(),
        shared_steps=sum(1 for v in steps if not (v.cached or v.started or v.completed)),
    )


def _consume(chunk: dict[str, Any], trace: BuildTrace, progress: ProgressCallback | None) -> None:
    if chunk.get("id") == "moby.buildkit.trace" and "aux" in chunk:
        try:
            status = decode_status(base64.b64decode(chunk["aux"]))
        except (TraceDecodeError, ValueError):
            return  # progress is best effort; the final result is reported separately
        for vertex in status.vertexes:
            known = trace.vertexes.get(vertex.digest)
            if known is None:
                trace.vertexes[vertex.digest] = vertex
            else:
                known.name = vertex.name or known.name
                known.cached = known.cached or vertex.cached
                known.started = vertex.started or known.started
                known.completed = vertex.completed or known.completed
                known.error = vertex.error or known.error
                vertex = known
            # Each step once, when it starts. A cached or quick step can arrive started and
            # completed in one message; it is still a step the user wants to see with -v.
            if progress and vertex.started and vertex.digest not in trace.announced:
                trace.announced.add(vertex.digest)
                name = " ".join(vertex.name.split())  # RUN lines keep their continuations' spaces
                progress(f"{name} (cached)" if vertex.cached else name)
        for log in status.logs:
            trace.logs.setdefault(log.vertex, []).append(log.data)
    elif chunk.get("id") == "moby.image.id" and isinstance(chunk.get("aux"), dict):
        trace.image_id = str(chunk["aux"].get("ID", ""))
    elif "error" in chunk or "errorDetail" in chunk:
        detail = chunk.get("errorDetail") or {}
        trace.error = str(detail.get("message") or chunk.get("error") or "build failed")
