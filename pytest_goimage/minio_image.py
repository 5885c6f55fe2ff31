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
from pathlib import Path
from typing import Any

import docker.errors

from .build import BuildRequest, build_image
from .engine import LABEL_PREFIX
from .errors import MinioError
from .locks import cache_dir, file_lock

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
CMD ["server", "/data", "--address", ":9000", "--quiet"]
"""

Progress = Callable[[str], None]


def image_present(client: Any, name: str) -> bool:
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


def ensure_minio_image(client: Any, configured: str | None, progress: Progress) -> str:
    """The MinIO image to run: `configured` (pulled if absent), else the cached source build."""
    if configured:
        if image_present(client, configured):
            return configured
        try:
            progress(f"pulling {configured}")
            client.images.pull(configured)
        except docker.errors.APIError as exc:
            raise MinioError(
                f"minio_image = {configured!r} is not on the engine and could not be pulled "
                f"({exc.explanation or exc}). Load or build that image, or remove `minio_image` "
                "to let pytest-goimage build MinIO from source."
            ) from None
        return configured
    if image_present(client, MINIO_TAG):
        return MINIO_TAG
    with file_lock(cache_dir() / "minio.lock"):
        if image_present(client, MINIO_TAG):  # another process built it while we waited
            return MINIO_TAG
        binary = _minio_binary(progress)
        _wrap_in_image(client, binary, progress)
    return MINIO_TAG


def _minio_binary(progress: Progress) -> Path:
    target = cache_dir() / "minio" / MINIO_VERSION / "minio"
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
    env = {**os.environ, "CGO_ENABLED": "0", "GOBIN": str(gobin)}
    env.pop("GOOS", None)
    env.pop("GOARCH", None)
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
        shutil.rmtree(gobin, ignore_errors=True)
        tail = "\n".join(f"    {line}" for line in output[-15:])
        raise MinioError(
            f"Building MinIO from source failed (`{' '.join(command)}`, exit {code}). Check "
            f"that the Go module proxy is reachable and Go is 1.24 or newer, or set "
            f"[tool.goimage] minio_image.\n{tail}"
        )
    os.replace(gobin / "minio", target)
    shutil.rmtree(gobin, ignore_errors=True)
    progress(f"built MinIO in {time.monotonic() - started:.0f}s")
    return target


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
