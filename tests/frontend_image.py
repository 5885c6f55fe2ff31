"""A Dockerfile frontend image (what `# syntax=docker/dockerfile:1` names), made here.

No registry answers on this project's machines, but Go's module proxy does: the frontend is
BuildKit's own `dockerfile-frontend` command, built from source once and cached, in a `FROM
scratch` image under a name no registry has, so no other project's `docker/dockerfile` changes.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import docker
import pytest

FRONTEND_MODULE = "github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend@v0.18.0"
_DOCKERFILE = """\
FROM scratch
COPY dockerfile-frontend /bin/dockerfile-frontend
LABEL moby.buildkit.frontend.network.none="true"
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
ENTRYPOINT ["/bin/dockerfile-frontend"]
"""


def _unavailable(reason: str) -> NoReturn:
    """A skip saying why; with CI=true a failure, as for the second engine (conftest.py)."""
    if os.environ.get("CI", "").lower() in ("", "0", "false"):
        pytest.skip(reason)
    pytest.fail(reason, pytrace=False)


def _binary() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pytest-goimage"
    binary = cache / "dockerfile-frontend-v0.18.0" / "dockerfile-frontend"
    binary.parent.mkdir(parents=True, exist_ok=True)
    with (binary.parent / ".lock").open("w") as lock:  # one builder at a time (xdist)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            go = shutil.which("go")
            if go is None:
                _unavailable("no Go here to build BuildKit's Dockerfile frontend with")
            env = {
                **os.environ,
                "GOBIN": str(binary.parent / "bin"),
                "GOFLAGS": "-mod=mod",
                "CGO_ENABLED": "0",
            }
            # From the cache's own folder: a test's pytester has made its project the working
            # folder and HOME, and Go's module cache would land in the project's build context.
            built = subprocess.run(
                [go, "install", FRONTEND_MODULE],
                capture_output=True,
                text=True,
                check=False,
                env=env,
                cwd=binary.parent,
            )
            if built.returncode != 0:
                _unavailable(f"could not build the Dockerfile frontend: {built.stderr[-500:]}")
            (binary.parent / "bin" / "dockerfile-frontend").rename(binary)
    return binary


@contextmanager
def frontend_image(client: docker.DockerClient) -> Iterator[str]:
    """The name of a local Dockerfile frontend image (1.4 and later read heredocs and
    `COPY --link`), removed afterwards. Use it from a session fixture, before pytester moves
    HOME (where Go keeps its module cache unless GOPATH or GOMODCACHE say otherwise)."""
    name = f"goimage-test.invalid/{uuid.uuid4().hex[:12]}/dockerfile:1.4"
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(_binary(), Path(folder) / "dockerfile-frontend")
        (Path(folder) / "Dockerfile").write_text(_DOCKERFILE)
        client.images.build(path=folder, tag=name, rm=True, forcerm=True)
    try:
        yield name
    finally:
        client.images.remove(name, noprune=False)
