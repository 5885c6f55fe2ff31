"""Builds on a chosen buildx builder (GOIMAGE_BUILDER), e.g. a remote BuildKit.

The default path builds through the Engine API (build.py). Teams that outgrow one machine
pick a buildx builder instead; that goes through `docker buildx build --load`, whose
`--progress=plain` output is read back into the same BuildTrace the diagnostics use.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import EngineError
from .buildkit_trace import Vertex
from .engine_build import BuildRequest, BuildResult, BuildTrace, finished

BUILDER_ENV = "GOIMAGE_BUILDER"
_LINE = re.compile(r"^#(\d+) (.*)$")
_LOG = re.compile(r"^\d+\.\d+ (.*)$")
_DONE = re.compile(r"^DONE (\d+(?:\.\d+)?)s$")


def chosen_builder() -> str | None:
    return os.environ.get(BUILDER_ENV) or None


INSTALL_BUILDX = (
    "Debian: the docker-buildx package; elsewhere https://docs.docker.com/build/install-buildx/"
)


def docker_with_buildx() -> str | None:
    """The docker CLI that has a working buildx plugin (`docker buildx version` answers)."""
    for docker in dict.fromkeys(filter(None, [shutil.which("docker"), "/usr/bin/docker"])):
        if not Path(docker).exists():
            continue
        probe = subprocess.run(
            [docker, "buildx", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return docker
    return None


def buildx_command(builder: str) -> list[str]:
    """The docker CLI with a working buildx plugin, or an EngineError saying what to install."""
    docker = docker_with_buildx()
    if docker is not None:
        return [docker, "buildx", "build", "--builder", builder]
    raise EngineError(
        f"{BUILDER_ENV}={builder} asks for a buildx builder, but no docker CLI here has the "
        f"buildx plugin (`docker buildx version` fails). Install it ({INSTALL_BUILDX}), or unset "
        f"{BUILDER_ENV} to build through the engine API."
    )


def parse_plain_progress(text: str) -> BuildTrace:
    """BuildKit's `--progress=plain` output -> steps, their output and the final error."""
    trace = BuildTrace()
    numbered: dict[str, Vertex] = {}
    for raw in text.splitlines():
        match = _LINE.match(raw)
        if not match:
            if raw.startswith(("error: ", "ERROR: ")):
                trace.error = raw.split(": ", 1)[1]
            continue
        number, rest = match.groups()
        vertex = numbered.get(number)
        if vertex is None:
            vertex = numbered[number] = Vertex(digest=f"#{number}", name=rest)
            trace.vertexes[vertex.digest] = vertex
            continue
        if rest.startswith("sha256:") or rest.endswith(" done"):
            continue
        if rest == "CACHED":
            vertex.cached = True
        elif rest.startswith("ERROR: "):
            vertex.error = rest[len("ERROR: ") :]
        elif done := _DONE.match(rest):
            vertex.started, vertex.completed = 0.0, float(done.group(1))
        else:
            log = _LOG.match(rest)
            trace.logs.setdefault(vertex.digest, []).append(
                ((log.group(1) if log else rest) + "\n").encode()
            )
    if not trace.error:
        failed = trace.failed_step()
        trace.error = failed.error if failed else ""
    return trace


def build_with_buildx(
    builder: str, request: BuildRequest, progress: Callable[[str], None] | None = None
) -> tuple[BuildResult | None, BuildTrace]:
    """`docker buildx build --builder <builder> --load`; the image lands on DOCKER_HOST's engine."""
    command = buildx_command(builder)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="goimage-buildx-") as tmp:
        iidfile = Path(tmp) / "iid"
        args = [
            *command,
            "--load",
            "--progress=plain",
            f"--iidfile={iidfile}",
            "--file",
            str(request.dockerfile),
            "--tag",
            request.tag,
        ]
        for name, value in request.build_args.items():
            args += ["--build-arg", f"{name}={value}"]
        for name, value in request.labels.items():
            args += ["--label", f"{name}={value}"]
        if request.target:
            args += ["--target", request.target]
        args.append(str(request.context))
        lines: list[str] = []
        with subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip("\n"))
                step = _LINE.match(line)
                if progress and step and step.group(2).startswith("["):
                    progress(step.group(2))
            code = proc.wait()
        trace = parse_plain_progress("\n".join(lines))
        image_id = iidfile.read_text().strip() if iidfile.exists() else ""
    if code != 0 or not image_id:
        trace.error = trace.error or f"docker buildx build exited with {code}"
        return None, trace
    trace.image_id = image_id
    return finished(trace, request, started), trace
