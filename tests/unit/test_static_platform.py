"""`static` on a Go binary built for another CPU than its image's, read from real binaries the
host's Go builds: the message names the architectures, the Dockerfile line that set GOARCH and
the fix (no CGO advice for a static binary), and the summaries' static cell does not say yes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from pytest_goimage.checks import static
from pytest_goimage.config import GoImageConfig
from pytest_goimage.engine.image import GoBinary
from pytest_goimage.errors import CheckFailed
from pytest_goimage.gofacts.executable import inspect_elf
from pytest_goimage.report.cells import static_cell
from pytest_goimage.report.records import CheckRecord, ImageRecord
from pytest_goimage.report.terminal import summary_lines

GO = shutil.which("go")
pytestmark = pytest.mark.skipif(GO is None, reason="needs the go command")

TAG = "goimage/x-dockerfile:1"

# The user trial's Dockerfile: a builder on $BUILDPLATFORM with GOARCH written out.
CROSS_BUILDER = """\
FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=arm64 go build -o /out/server ./cmd/server

FROM alpine:3.22
COPY --from=build /out/server /app/server
ENTRYPOINT ["/app/server"]
"""


@pytest.fixture(scope="module")
def binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A tiny program built static for arm64, static for amd64, and with cgo (dynamic, on
    amd64) where gcc exists."""
    root = tmp_path_factory.mktemp("platform")
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.21\n")
    (root / "main.go").write_text(
        'package main\n\nimport "net"\n\nfunc main() { _ = net.IPv4len }\n'
    )
    env = {**os.environ, "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local", "GOWORK": "off"}
    variants = {"arm64": ("arm64", "0"), "amd64": ("amd64", "0"), "cgo": ("amd64", "1")}
    built: dict[str, bytes] = {}
    for name, (goarch, cgo) in variants.items():
        if cgo == "1" and shutil.which("gcc") is None:
            continue
        out = root / name
        subprocess.run(
            [GO or "go", "build", "-o", str(out), "."],
            cwd=root,
            env={**env, "GOOS": "linux", "GOARCH": goarch, "CGO_ENABLED": cgo},
            check=True,
            capture_output=True,
        )
        built[name] = out.read_bytes()
    return built


def run_static(
    tmp_path: Path,
    dockerfile: str,
    data: bytes,
    architecture: str,
    *,
    entrypoint: tuple[str, ...] = ("/app/server",),
    cmd: tuple[str, ...] = (),
    files: tuple[str, ...] = ("/app/server",),
) -> str:
    """The static check's message for `data` as /app/server of an image of `architecture`,
    whose config has `entrypoint` and `cmd` and which holds `files`."""
    (tmp_path / "go.mod").write_text("module example.com/tiny\n\ngo 1.21\n")
    (tmp_path / "Dockerfile").write_text(dockerfile)
    image = SimpleNamespace(
        dockerfile="Dockerfile",
        dockerfile_path=tmp_path / "Dockerfile",
        build_args={},
        target=None,
        go_module=tmp_path,
        file_name="Dockerfile",
        go_version_ignore=None,
    )
    binary = GoBinary("/app/server", len(data), inspect_elf(data))

    def read_file(path: str) -> bytes:
        if path == binary.path:
            return data
        raise FileNotFoundError(path)

    built = SimpleNamespace(
        dockerfile="Dockerfile",
        read_file=read_file,
        on_path=lambda _name: None,
        program_path=lambda word: word if word.startswith("/") else None,
        binary=binary,
        architecture=architecture,
        os="linux",
        tag=TAG,
        config=SimpleNamespace(entrypoint=list(entrypoint), cmd=list(cmd), working_dir=""),
        configured_binary=None,
        exists=lambda path: path in files,
    )
    session = SimpleNamespace(
        config=GoImageConfig(
            rootdir=tmp_path, source=tmp_path / "pyproject.toml", project=tmp_path
        ),
        built=lambda _image: built,
        no_go_binary=lambda _image: "",
        memo={},
    )
    try:
        return static.run(session, image)  # type: ignore[arg-type]
    except CheckFailed as failed:
        return f"FAILED {failed}"


def test_a_static_arm64_binary_in_an_amd64_image_gets_the_platform_fix_only(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    message = run_static(tmp_path, CROSS_BUILDER, binaries["arm64"], "amd64")
    assert message == (
        f"FAILED Dockerfile: /app/server in {TAG} is built for GOARCH=arm64, but the image is "
        "amd64, so it cannot run there (exec format error): Dockerfile:6 sets GOARCH=arm64. "
        "Build it with GOARCH=$TARGETARCH; without GOARCH it would build for the build machine, "
        "as its stage runs on $BUILDPLATFORM."
    )
    # Fixed: GOARCH=$TARGETARCH, an amd64 binary in the amd64 image.
    fixed = CROSS_BUILDER.replace("GOARCH=arm64", "GOARCH=$TARGETARCH")
    message = run_static(tmp_path, fixed, binaries["amd64"], "amd64")
    assert message.startswith("/app/server: static, CGO_ENABLED=0, go1."), message


def test_a_native_builder_without_the_arg_may_declare_it_or_drop_goarch(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    dockerfile = (
        "FROM golang:1.26-alpine AS build\nWORKDIR /src\nCOPY . .\n"
        "ENV GOARCH=arm64\n"
        "RUN CGO_ENABLED=0 go build -o /out/server .\n"
        "FROM alpine:3.22\nCOPY --from=build /out/server /app/server\n"
    )
    message = run_static(tmp_path, dockerfile, binaries["arm64"], "amd64")
    assert message.endswith(
        "so it cannot run there (exec format error): Dockerfile:4 sets GOARCH=arm64. Build it "
        "with GOARCH=$TARGETARCH (declare `ARG TARGETARCH` in that stage), or drop GOARCH."
    ), message


def test_targetarch_without_its_arg_is_empty(tmp_path: Path, binaries: dict[str, bytes]) -> None:
    """On an arm64 machine building an amd64 image: $TARGETARCH undeclared in the stage is
    empty, so Go builds for the build machine."""
    dockerfile = CROSS_BUILDER.replace("ARG TARGETARCH\n", "").replace(
        "GOARCH=arm64", "GOARCH=$TARGETARCH"
    )
    message = run_static(tmp_path, dockerfile, binaries["arm64"], "amd64")
    assert message.endswith(
        "(exec format error): Dockerfile:5 sets GOARCH=$TARGETARCH, but $TARGETARCH is empty "
        "there. Declare `ARG TARGETARCH` in that stage."
    ), message


def test_a_binary_copied_in_is_told_the_image_goarch(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    dockerfile = "FROM alpine:3.22\nCOPY server /app/server\n"
    message = run_static(tmp_path, dockerfile, binaries["arm64"], "amd64")
    assert message.endswith(
        "(exec format error). Build it with GOARCH=amd64, or in the Dockerfile with "
        "GOARCH=$TARGETARCH in a stage that declares `ARG TARGETARCH`."
    ), message
    assert "CGO_ENABLED" not in message and " a arm64" not in message


def test_a_dynamic_binary_for_another_cpu_gets_both_fixes(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    if "cgo" not in binaries:
        pytest.skip("needs gcc for a cgo binary")
    dockerfile = CROSS_BUILDER.replace("CGO_ENABLED=0", "CGO_ENABLED=1").replace("arm64", "amd64")
    message = run_static(tmp_path, dockerfile, binaries["cgo"], "arm64")
    assert message.startswith(f"FAILED Dockerfile: /app/server in {TAG} is not a static Go binary")
    assert "it was built with CGO_ENABLED=1" in message
    assert (
        "Build it with CGO_ENABLED=0 (and no -linkmode=external). A program that needs cgo "
        "cannot pass `static` (no setting accepts cgo); it runs where the image ships the "
        "libraries, which is what the bucket and health checks see. Also, it is built for GOARCH=amd64, but the image is arm64, so it cannot "
        "run there (exec format error): Dockerfile:6 sets GOARCH=amd64. Build it with "
        "GOARCH=$TARGETARCH;"
    ) in message, message


def test_the_summary_cell_shows_the_goarch_of_a_static_binary_that_failed_for_it(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    """The terminal and Markdown cell: `arm64` in red, not a green `yes`, beside static:FAIL;
    the JSON `static` fact stays true (the binary is statically linked)."""
    message = run_static(tmp_path, CROSS_BUILDER, binaries["arm64"], "amd64")
    record = CheckRecord("failed", f"[goimage static] {message.removeprefix('FAILED ')}")
    image = ImageRecord(
        dockerfile="Dockerfile", context=".", static=True, checks={"static": record}
    )
    assert static_cell(image) == "arm64"
    colored = "\n".join(summary_lines([image], width=100, color=True))
    assert "\x1b[31marm64\x1b[0m" in colored, colored
    # A static binary that failed for another reason (an old Go) is still static: yes.
    image.checks["static"] = CheckRecord("failed", "Dockerfile: /app in x was built with go1.2")
    assert static_cell(image) == "yes"


def test_targetarch_declared_in_the_parent_stage_is_not_called_empty(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    """A child stage inherits its parent stage's ARGs (checked on the engine: `ARG TARGETARCH`
    in `base`, then `FROM base AS build`: its RUN saw `amd64`), so the message must not say the
    variable is empty there or ask for the ARG again."""
    dockerfile = (
        "FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS base\nARG TARGETOS\nARG TARGETARCH\n"
        "FROM base AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/server .\n"
        "FROM alpine:3.22\nCOPY --from=build /out/server /app/server\n"
    )
    message = run_static(tmp_path, dockerfile, binaries["arm64"], "amd64")
    assert "is empty there" not in message and "Declare `ARG" not in message, message
    assert "Dockerfile:7 sets GOARCH=$TARGETARCH" in message, message
