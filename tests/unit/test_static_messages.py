"""`static`'s message for each way a binary can miss "static, CGO_ENABLED=0", read from real
binaries the host's Go builds (a user trial): a static binary built with cgo is called static
and told why cgo still matters, a -buildmode=pie binary is told the PIE is the cause, and a
static binary without Go build info gets no advice about libraries. Each names the Dockerfile
line that caused it where the Dockerfile builds the program."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.report.cells import static_cell
from pytest_goimage.report.records import CheckRecord, ImageRecord
from tests.unit.test_static_platform import TAG, run_static

GO = shutil.which("go")
pytestmark = pytest.mark.skipif(GO is None, reason="needs the go command")

WHERE = f"FAILED Dockerfile: /app/server in {TAG}"
SETTINGS_NETGO = "-buildmode=exe, -tags=netgo,osusergo, CGO_ENABLED=1, GOARCH=amd64, GOOS=linux"
CGO_MATTERS = (
    "That still matters: in a static glibc binary the NSS functions (getaddrinfo, getpwnam: DNS, "
    "user and group lookups) load shared libraries at run time, or fail where the image has "
    "none, and a static musl build resolves DNS differently from glibc and from Go's own "
    "resolver."
)
NO_CGO_SETTING = (
    "If the program needs cgo, `static` cannot pass: it requires CGO_ENABLED=0 and has no "
    "setting that accepts cgo."
)
STATIC_PIE = (
    "A static PIE (CGO_ENABLED=1 with -ldflags='-linkmode=external -extldflags=-static-pie', "
    "which needs a C toolchain in the builder) has no interpreter, but `static` fails it all the "
    "same for CGO_ENABLED=1."
)

# (CGO_ENABLED, go build flags) of each binary; each links net, as a real service does.
VARIANTS = {
    "netgo": ("1", ["-tags", "netgo,osusergo"]),  # cgo on, internal linking: static
    "external": ("1", ["-ldflags", "-linkmode external -extldflags -static"]),  # static glibc
    "pie": ("0", ["-buildmode=pie"]),  # a dynamic PIE that asks for ld-linux
    "stripped": ("0", []),  # .go.buildinfo removed below
}


@pytest.fixture(scope="module")
def binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each variant built for linux/amd64; a variant the host cannot build (no gcc, no static
    libc, no objcopy) is left out and its tests skip."""
    root = tmp_path_factory.mktemp("static-messages")
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.21\n")
    (root / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.IPv4len) }\n'
    )
    env = {
        **os.environ,
        "GOFLAGS": "-buildvcs=false",
        "GOTOOLCHAIN": "local",
        "GOWORK": "off",
        "GOOS": "linux",
        "GOARCH": "amd64",
    }
    built: dict[str, bytes] = {}
    for name, (cgo, flags) in VARIANTS.items():
        out = root / name
        done = subprocess.run(
            [GO or "go", "build", *flags, "-o", str(out), "."],
            cwd=root,
            env={**env, "CGO_ENABLED": cgo},
            check=False,
            capture_output=True,
        )
        if done.returncode != 0:
            continue
        if name == "stripped":
            objcopy = shutil.which("objcopy")
            if objcopy is None:
                continue
            subprocess.run([objcopy, "--remove-section", ".go.buildinfo", str(out)], check=True)
        built[name] = out.read_bytes()
    return built


def binary(binaries: dict[str, bytes], name: str) -> bytes:
    if name not in binaries:
        pytest.skip(f"the host cannot build the {name} binary")
    return binaries[name]


def test_a_static_binary_built_with_cgo_is_called_static_and_told_why_cgo_matters(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    """`CGO_ENABLED=1 go build -tags netgo,osusergo`: linked internally, no interpreter, no
    needed libraries. The summary cell's `yes` and the JSON's `static: true` stay right, so
    the message must not say "not a static Go binary", nor ask for libraries."""
    dockerfile = (
        "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN CGO_ENABLED=1 go build -tags netgo,osusergo -o /out/server .\n"
        "FROM scratch\nCOPY --from=build /out/server /app/server\n"
    )
    message = run_static(tmp_path, dockerfile, binary(binaries, "netgo"), "amd64")
    assert message == (
        f"{WHERE} is statically linked, but was built with cgo on (CGO_ENABLED=1): Dockerfile:4 "
        f"sets CGO_ENABLED=1. Build settings: {SETTINGS_NETGO}. {CGO_MATTERS} Build it with "
        f"CGO_ENABLED=0. {NO_CGO_SETTING}"
    )
    record = CheckRecord("failed", f"[goimage static] {message.removeprefix('FAILED ')}")
    image = ImageRecord(
        dockerfile="Dockerfile", context=".", static=True, checks={"static": record}
    )
    assert static_cell(image) == "yes"


def test_cgo_on_by_default_names_the_go_build_line(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    """No line sets CGO_ENABLED: Go turned it on because the builder has gcc."""
    dockerfile = (
        "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN go build -tags netgo,osusergo -o /out/server .\n"
        "FROM scratch\nCOPY --from=build /out/server /app/server\n"
    )
    message = run_static(tmp_path, dockerfile, binary(binaries, "netgo"), "amd64")
    assert message.startswith(
        f"{WHERE} is statically linked, but was built with cgo on (CGO_ENABLED=1): Dockerfile:4 "
        "runs the go build without CGO_ENABLED=0, and Go turns cgo on where the builder has a "
        "C compiler. Build settings: "
    ), message


def test_a_static_external_link_is_told_to_drop_the_linkmode_too(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    """`-linkmode external -extldflags -static` with `ENV CGO_ENABLED=1`: a static glibc binary,
    whose getaddrinfo the linker itself warns about; -linkmode=external needs cgo."""
    dockerfile = (
        "FROM golang:1.26 AS build\nWORKDIR /src\nENV CGO_ENABLED=1\nCOPY . .\n"
        "RUN go build -ldflags '-linkmode external -extldflags -static' -o /out/server .\n"
        "FROM scratch\nCOPY --from=build /out/server /app/server\n"
    )
    message = run_static(tmp_path, dockerfile, binary(binaries, "external"), "amd64")
    assert message == (
        f"{WHERE} is statically linked, but was built with cgo on (CGO_ENABLED=1): Dockerfile:3 "
        "sets CGO_ENABLED=1. Build settings: -buildmode=exe, -ldflags=-linkmode external "
        "-extldflags -static, CGO_ENABLED=1, GOARCH=amd64, GOOS=linux. "
        f"{CGO_MATTERS} Build it with CGO_ENABLED=0 and drop -linkmode=external from -ldflags "
        f"(it needs cgo). {NO_CGO_SETTING}"
    )


COPIED_IN = (
    "copies it in from the build context ({source}): it is built outside this Dockerfile, and "
    "CGO_ENABLED=0 must be set where it is"
)


@pytest.mark.parametrize(
    ("dockerfile", "line", "source"),
    [
        ("FROM scratch\nCOPY server /app/server\n", 2, "server"),
        # Trial 11: a builder stage builds another file with CGO_ENABLED=0; the image runs a
        # prebuilt binary from the context. The go build line was blamed, which sets it to 0.
        (
            "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN CGO_ENABLED=0 go build -o /out/server .\n"
            "FROM alpine:3.22\nCOPY --from=build /out/server /usr/local/bin/server\n"
            "WORKDIR /app\nCOPY --chmod=755 bin/srv-cgo bin/other ./\nCOPY bin/srv-cgo server\n",
            9,
            "bin/srv-cgo",
        ),
        (
            "FROM golang:1.26 AS build\nRUN go build -o /out/server .\n"
            "FROM scratch AS base\nADD dist/server /app/\nFROM base\n",
            4,
            "dist/server",
        ),
        # The review: `COPY bin/server .` lands in the WORKDIR.
        (
            "FROM golang:1.26 AS build\nRUN go build -o /out/server .\n"
            "FROM alpine:3.22\nWORKDIR /app\nCOPY bin/server .\n",
            5,
            "bin/server",
        ),
    ],
    ids=["scratch", "beside-a-builder", "into-a-folder-of-a-base-stage", "into-the-workdir"],
)
def test_a_cgo_binary_copied_in_names_its_copy(
    tmp_path: Path, binaries: dict[str, bytes], dockerfile: str, line: int, source: str
) -> None:
    message = run_static(tmp_path, dockerfile, binary(binaries, "netgo"), "amd64")
    assert message == (
        f"{WHERE} is statically linked, but was built with cgo on (CGO_ENABLED=1): "
        f"Dockerfile:{line} {COPIED_IN.format(source=source)}. Build settings: {SETTINGS_NETGO}. "
        f"{CGO_MATTERS} Build it with CGO_ENABLED=0. {NO_CGO_SETTING}"
    )


def test_a_cgo_binary_from_a_stage_that_builds_with_cgo_off_names_no_line(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    """The build this Dockerfile has sets CGO_ENABLED=0, yet the binary records 1 (it is built
    elsewhere, by a RUN this reader does not follow): no line is to blame, and none is named."""
    dockerfile = (
        "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN CGO_ENABLED=0 go build -o /out/server . && cp prebuilt/server /out/server\n"
        "FROM scratch\nCOPY --from=build /out/server /app/server\n"
    )
    message = run_static(tmp_path, dockerfile, binary(binaries, "netgo"), "amd64")
    assert message == (
        f"{WHERE} is statically linked, but was built with cgo on (CGO_ENABLED=1). Build "
        f"settings: {SETTINGS_NETGO}. {CGO_MATTERS} Build it with CGO_ENABLED=0. {NO_CGO_SETTING}"
    )


PIE_IN_RUN = (
    "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\n"
    "RUN CGO_ENABLED=0 go build \\\n    -buildmode=pie \\\n    -o /out/server .\n"
    "FROM scratch\nCOPY --from=build /out/server /app/server\n"
)
PIE_IN_GOFLAGS = (
    "FROM golang:1.26 AS build\nWORKDIR /src\nENV GOFLAGS=-buildmode=pie\nCOPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /out/server .\n"
    "FROM scratch\nCOPY --from=build /out/server /app/server\n"
)


@pytest.mark.parametrize(
    ("dockerfile", "at"),
    [(PIE_IN_RUN, " (Dockerfile:5)"), (PIE_IN_GOFLAGS, " (Dockerfile:3)"), ("FROM scratch\n", "")],
    ids=["flag-in-the-run", "goflags-env", "copied-in"],
)
def test_a_pie_built_without_cgo_is_told_the_pie_is_the_cause(
    tmp_path: Path, binaries: dict[str, bytes], dockerfile: str, at: str
) -> None:
    """CGO_ENABLED=0 -buildmode=pie: Go's linker asks for /lib64/ld-linux-x86-64.so.2. It was
    built with CGO_ENABLED=0 already, so that is not the advice."""
    message = run_static(tmp_path, dockerfile, binary(binaries, "pie"), "amd64")
    assert message == (
        f"{WHERE} is not a static Go binary: it asks for the ELF interpreter "
        f"/lib64/ld-linux-x86-64.so.2, because it was built with -buildmode=pie{at}: Go's "
        "linker makes a PIE a dynamic executable that the interpreter loads, even with "
        "CGO_ENABLED=0. Build settings: -buildmode=pie, CGO_ENABLED=0, GOARCH=amd64, GOOS=linux. "
        f"Drop -buildmode=pie. {STATIC_PIE}"
    )


def test_a_static_binary_without_go_build_info_gets_no_library_advice(
    tmp_path: Path, binaries: dict[str, bytes]
) -> None:
    """.go.buildinfo removed (as upx packing also loses it): nothing is dynamic about it."""
    dockerfile = "FROM scratch\nCOPY server /app/server\n"
    message = run_static(tmp_path, dockerfile, binary(binaries, "stripped"), "amd64")
    assert message == (
        f"{WHERE} is not a static Go binary: it carries no Go build info, so CGO_ENABLED=0 "
        "cannot be confirmed (is it the Go binary? set `binary` to its path). It is statically "
        "linked (no ELF interpreter, no shared libraries), so no libraries are missing; a Go "
        "binary packed with upx or stripped of its .go.buildinfo section has lost its build "
        "info: ship it as go build writes it (-ldflags='-s -w' makes it smaller and keeps it)."
    )
