"""The MinIO image: the configured one, else a local image built once from source and cached.

MinIO's community edition ships as source only, so the default image is made here from
`go install github.com/minio/minio@<MINIO_VERSION>` with CGO_ENABLED=0 (a static binary that
runs in a `FROM scratch` image).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker.errors

from ..engine.labels import LABEL_PREFIX
from ..engine.locks import cache_dir, file_lock
from ..errors import GoImageError, MinioError
from .engine_build import BuildRequest, build_image

# Resolved from `go list -m github.com/minio/minio@latest` on 2026-11-24 (its go.mod needs Go 1.24).
MINIO_MODULE = "github.com/minio/minio"
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"
MINIO_TAG = f"goimage/minio:{MINIO_VERSION.rsplit('-', 2)[1]}-{MINIO_VERSION.rsplit('-', 1)[1]}"

_DOCKERFILE = f"""\
FROM scratch
COPY minio /usr/bin/minio
COPY data /data
COPY tmp /tmp
LABEL {LABEL_PREFIX}.minio-version="{MINIO_VERSION}" \\
      org.opencontainers.image.description="MinIO {MINIO_VERSION} built from source by pytest-goimage"
EXPOSE 9000
ENTRYPOINT ["/usr/bin/minio"]
CMD ["server", "/data", "--address", ":9000", "--console-address", ":9001", "--quiet"]
"""

Progress = Callable[[str], None]


def image_present(client: Any, name: str) -> bool:
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


@dataclass
class MinioImages:
    """The MinIO image of each `minio_image` setting, resolved (or built from source) once per
    run: a failure is remembered too, so a missing Go or proxy costs one attempt, not one per
    check."""

    known: dict[str, str | GoImageError] = field(default_factory=dict)

    def present(self, client: Any, configured: str | None) -> bool:
        """Whether `get` would answer without pulling or building anything."""
        found = self.known.get(configured or "")
        if found is not None:
            return isinstance(found, str)
        name = configured or MINIO_TAG
        if not image_present(client, name):
            return False
        self.known[configured or ""] = name
        return True

    def get(self, client: Any, configured: str | None, progress: Progress, source: str) -> str:
        """The MinIO image to run (ensure_minio_image), its failure kept for the next asker;
        `source` is the pyproject.toml that sets `minio_image`, for the message."""
        found = self.known.get(configured or "")
        if isinstance(found, GoImageError):
            raise found
        if found is None:
            try:
                found = ensure_minio_image(client, configured, progress, source)
            except GoImageError as exc:
                self.known[configured or ""] = exc
                raise
            self.known[configured or ""] = found
        return found


def ensure_minio_image(
    client: Any, configured: str | None, progress: Progress, source: str = "pyproject.toml"
) -> str:
    """The MinIO image to run: `configured` (pulled if absent), else the cached source build.
    `source` names the file that configures it in a failure."""
    if configured:
        if image_present(client, configured):
            return configured
        try:
            progress(f"pulling {configured}")
            client.images.pull(configured)
        except docker.errors.APIError as exc:
            raise MinioError(
                f"{source}: minio_image = {configured!r} is not on the engine and could not be "
                "pulled "
                f"({exc.explanation or exc}). Load or build that image, or remove `minio_image` "
                "to let pytest-goimage build MinIO from source."
            ) from None
        return configured
    if image_present(client, MINIO_TAG):
        return MINIO_TAG
    with file_lock(cache_dir() / "minio.lock"):
        if image_present(client, MINIO_TAG):  # another process built it while we waited
            return MINIO_TAG
        binary = _minio_binary(progress, engine_goarch(client))
        _wrap_in_image(client, binary, progress)
    return MINIO_TAG


def engine_goarch(client: Any) -> str:
    """The engine's CPU as GOARCH: the binary runs there, not on this machine (a Mac with
    colima or Docker Desktop runs a Linux VM, maybe of another architecture)."""
    arch = str(client.version().get("Arch") or "amd64")
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}.get(arch, arch)


def _minio_binary(progress: Progress, goarch: str) -> Path:
    target = cache_dir() / "minio" / MINIO_VERSION / f"linux-{goarch}" / "minio"
    if target.is_file():
        return target
    go = shutil.which("go")
    if go is None:
        raise MinioError(
            f"No MinIO image: {MINIO_TAG} is not on the engine, `minio_image` is not set, and Go "
            f"is not installed to build MinIO from source. Install Go 1.24 or newer, or set "
            f"[tool.goimage] minio_image to a MinIO image you have."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    gobin = Path(tempfile.mkdtemp(prefix="gobin-", dir=target.parent))
    try:
        env = {**os.environ, "CGO_ENABLED": "0", "GOOS": "linux", "GOARCH": goarch}
        host_os, host_arch, gopath = _go_env(go, "GOOS", "GOARCH", "GOPATH")
        if (host_os, host_arch) == ("linux", goarch):
            env["GOBIN"] = str(gobin)
            built = gobin / "minio"
        else:
            # `go install` refuses GOBIN when cross-compiling and writes GOPATH/bin/<os>_<arch>.
            env.pop("GOBIN", None)
            built = Path(gopath.split(os.pathsep)[0]) / "bin" / f"linux_{goarch}" / "minio"
        command = [
            go,
            "install",
            "-v",
            "-trimpath",
            "-ldflags=-s -w",
            f"{MINIO_MODULE}@{MINIO_VERSION}",
        ]
        progress(f"building MinIO {MINIO_VERSION} from source (once; cached in {target.parent})")
        started = time.monotonic()
        output: list[str] = []
        with subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=gobin,
        ) as proc:
            assert proc.stdout is not None
            last = 0.0
            for count, line in enumerate(proc.stdout, start=1):
                output.append(line.rstrip())
                if time.monotonic() - last > 2:
                    last = time.monotonic()
                    progress(f"building MinIO: {count} packages, {time.monotonic() - started:.0f}s")
            code = proc.wait()
        if code != 0:
            tail = "\n".join(f"    {line}" for line in output[-15:])
            raise MinioError(
                f"Building MinIO from source failed (`{' '.join(command)}`, exit {code}). Check "
                f"that the Go module proxy is reachable and Go is 1.24 or newer, or set "
                f"[tool.goimage] minio_image.\n{tail}"
            )
        shutil.move(built, target)
    finally:
        # Also on Ctrl-C or a failure: no half-built folders pile up in the cache.
        shutil.rmtree(gobin, ignore_errors=True)
    progress(f"built MinIO in {time.monotonic() - started:.0f}s")
    return target


def _go_env(go: str, *names: str) -> list[str]:
    result = subprocess.run([go, "env", *names], capture_output=True, text=True, check=False)
    values = result.stdout.splitlines()
    return values if len(values) == len(names) else [""] * len(names)


def _wrap_in_image(client: Any, binary: Path, progress: Progress) -> None:
    with tempfile.TemporaryDirectory(prefix="goimage-minio-") as tmp:
        context = Path(tmp)
        shutil.copy2(binary, context / "minio")
        (context / "data").mkdir()
        (context / "tmp").mkdir()
        (context / "Dockerfile").write_text(_DOCKERFILE)
        result, trace = build_image(
            client,
            BuildRequest(dockerfile=context / "Dockerfile", context=context, tag=MINIO_TAG),
            progress=lambda step: progress(f"MinIO image: {step}"),
        )
    if result is None:
        raise MinioError(f"Wrapping the MinIO binary in an image failed: {trace.error}")
    progress(f"MinIO image {MINIO_TAG} ready")
