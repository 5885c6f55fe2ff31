"""The go build behind a target's program is its own stage's (trial 13, F2): dev and prod of
one Dockerfile both make a program named `ledgerd`; dev's `-buildmode=pie` is on dev's line,
and static's message names the file, not the image (`Dockerfile:6`, not `Dockerfile[dev]:6`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pytest_goimage.gofacts.executable import inspect_elf
from pytest_goimage.gofacts.static_linking import go_build_source, linking_message
from tests.unit.test_parity import TWO_TARGETS

PIE = TWO_TARGETS.replace("RUN go build -trimpath", "RUN go build -buildmode=pie -trimpath")


def test_each_target_s_program_comes_from_its_own_stage_s_go_build(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(PIE)
    dev = go_build_source(dockerfile, "/usr/local/bin/app", "dev").build
    prod = go_build_source(dockerfile, "/app", "prod").build
    assert (dev.line if dev else None, prod.line if prod else None) == (6, 11)
    # Named by its base name only, the program of another target is not this one's.
    (tmp_path / "Other").write_text(PIE.replace("-o /app", "-o /usr/local/bin/app"))
    other = go_build_source(tmp_path / "Other", "/usr/local/bin/app", "dev").build
    assert other is not None and other.line == 6


def test_the_pie_message_names_dev_s_own_line_in_the_file(tmp_path: Path) -> None:
    module = tmp_path / "tiny"
    module.mkdir()
    (module / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (module / "main.go").write_text("package main\n\nfunc main() {}\n")
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-buildvcs=false"}
    out = tmp_path / "app"
    subprocess.run(
        ["go", "build", "-buildmode=pie", "-o", str(out), "."], cwd=module, env=env, check=True
    )
    facts = inspect_elf(out.read_bytes())
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(PIE)
    source = go_build_source(dockerfile, "/usr/local/bin/app", "dev")
    message = linking_message("Dockerfile", source, facts)
    assert "because it was built with -buildmode=pie (Dockerfile:6): " in message


def test_a_build_arg_that_names_the_stage_chooses_its_go_build(tmp_path: Path) -> None:
    """`FROM build-${MODE}` with MODE=release from build_args: the release stage's build, not
    the ARG default's (the review)."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "ARG MODE=debug\n"
        "FROM golang:1.26.8-alpine AS build-debug\n"
        "RUN go build -gcflags=all=-N -o /app .\n"
        "FROM golang:1.26.8-alpine AS build-release\n"
        "RUN CGO_ENABLED=0 go build -o /app .\n"
        "FROM build-${MODE} AS build\n"
        "FROM scratch\n"
        "COPY --from=build /app /app\n"
    )
    chosen = go_build_source(dockerfile, "/app", None, {"MODE": "release"}).build
    assert chosen is not None and chosen.line == 5
    default = go_build_source(dockerfile, "/app").build
    assert default is not None and default.line == 3


def test_an_onbuild_copy_from_a_stage_brings_that_stage_s_build(tmp_path: Path) -> None:
    """`ONBUILD COPY --from=build` runs in the stage built FROM the template (BuildKit's
    frontend 1.11): the build stage is the target's (the review: parity found no build)."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM golang:1.26.8-alpine AS build\n"
        "RUN CGO_ENABLED=0 go build -ldflags='-s -w' -o /app .\n"
        "FROM golang:1.26.8-alpine AS debug-build\n"
        "RUN go build -o /app .\n"
        "FROM scratch AS template\n"
        "ONBUILD COPY --from=build /app /app\n"
        "FROM template AS prod\n"
        "FROM scratch AS dev\n"
        "COPY --from=debug-build /app /app\n"
    )
    prod = go_build_source(dockerfile, "/app", "prod").build
    dev = go_build_source(dockerfile, "/app", "dev").build
    assert (prod.line if prod else None, dev.line if dev else None) == (2, 4)


MADE = (
    "FROM golang:1.26-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
    "RUN apt-get install -y make\n"
    "RUN CGO_ENABLED=1 make build && cp bin/pricing /out/pricing\n"
    "FROM debian:bookworm-slim\nCOPY --from=build /out/pricing /usr/local/bin/pricing\n"
)


def test_a_cgo_binary_built_through_make_names_the_run_that_makes_it(tmp_path: Path) -> None:
    """Trial 15: a Makefile's `CGO_ENABLED ?= 1`, run by `RUN make build`, left the message
    without a line; `apt-get install -y make` installs make and builds nothing."""
    module = tmp_path / "tiny"
    module.mkdir()
    (module / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (module / "main.go").write_text(
        'package main\n\nimport "net"\n\nvar _ = net.Dial\n\nfunc main() {}\n'
    )
    env = {**os.environ, "CGO_ENABLED": "1", "GOTOOLCHAIN": "local", "GOFLAGS": "-buildvcs=false"}
    out = tmp_path / "pricing"
    subprocess.run(["go", "build", "-o", str(out), "."], cwd=module, env=env, check=True)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(MADE)
    source = go_build_source(dockerfile, "/usr/local/bin/pricing")
    message = linking_message("Dockerfile", source, inspect_elf(out.read_bytes()))
    assert (
        "it was built with CGO_ENABLED=1 (Dockerfile:5 builds it with `make build`, which sets "
        "CGO_ENABLED out of this Dockerfile's sight: set CGO_ENABLED=0 there" in message
    ), message
