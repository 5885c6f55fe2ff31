"""Helpers behind the build diagnoses, on real files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pytest_goimage.build import diagnose as diagnose_module
from pytest_goimage.build.buildkit_trace import Vertex
from pytest_goimage.build.context_hints import go_files_kept_out as _go_files_kept_out
from pytest_goimage.build.diagnose import RULES, Diagnosis, explain, syntax_directive
from pytest_goimage.build.engine_build import BuildTrace
from pytest_goimage.build.failed_build import FailedBuild, read_failed_build
from pytest_goimage.build.failed_build import go_lines as _go_lines
from pytest_goimage.errors import BuildFailed


def _project(root: Path, ignore: str) -> Path:
    (root / "cmd/api").mkdir(parents=True)
    (root / "cmd/api/main.go").write_text("package main\n\nfunc main() {}\n")
    (root / "cmd/api/main_test.go").write_text("package main\n")
    (root / ".dockerignore").write_text(ignore)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text("FROM golang:1.26-alpine\n")
    return dockerfile


def test_an_ignore_rule_is_blamed_only_when_it_keeps_every_go_source_out(tmp_path: Path) -> None:
    dockerfile = _project(tmp_path / "all", "*.go\n**/*.go\n")
    assert _go_files_kept_out(tmp_path / "all", dockerfile) == (
        1,
        "cmd/api/main.go",
        ".dockerignore:2: **/*.go",
    )
    # Test files ignored, sources sent: "no Go files" has another cause (a missing COPY).
    dockerfile = _project(tmp_path / "tests-only", "**/*_test.go\n")
    assert _go_files_kept_out(tmp_path / "tests-only", dockerfile) is None


def test_syntax_directive_only_in_the_leading_directive_lines() -> None:
    assert syntax_directive("# syntax=docker/dockerfile:1\nFROM x\n") == (1, "docker/dockerfile:1")
    assert syntax_directive("# escape=`\n# syntax = a/b:1\nFROM x\n") == (2, "a/b:1")
    # After a plain comment or a blank line BuildKit reads no more directives.
    assert syntax_directive("# build me\n# syntax=a/b:1\nFROM x\n") is None
    assert syntax_directive("\n# syntax=a/b:1\nFROM x\n") is None


def test_go_mod_errors_are_kept_with_or_without_a_column() -> None:
    """As `go mod download` prints them (Go 1.26): the position line follows the header."""
    output = (
        "#9 0.412 go: errors parsing go.mod:\n"
        "#9 0.412 /src/go.mod:3:14: unexpected newline in string\n"
        "go.mod:3: invalid go version '1.26.x': must match format 1.23.0\n"
        "#9 0.413 some other line\n"
    )
    assert _go_lines(output) == [
        "go: errors parsing go.mod:",
        "/src/go.mod:3:14: unexpected newline in string",
        "go.mod:3: invalid go version '1.26.x': must match format 1.23.0",
    ]


# -- the diagnosis table: one rule per recorded BuildKit failure -----------------------------

DOCKERFILE = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /out/app ./cmd/app

FROM alpine:3.22
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""
GO_MOD = "module example.com/shop\n\ngo 1.26.0\n"
DOWNLOAD = "[build 4/6] RUN go mod download"
GO_BUILD = "[build 6/6] RUN go build -o /out/app ./cmd/app"
EXIT_1 = 'process "/bin/sh -c go build -o /out/app ./cmd/app" did not complete successfully: exit code: 1'
SOLVE = "failed to solve with frontend dockerfile.v0: "


@dataclass(frozen=True)
class Recorded:
    """One failed build: the step BuildKit named, what it printed, and the final error."""

    step: str | None
    output: str = ""
    error: str = ""
    files: dict[str, str] = field(default_factory=dict)

    def trace(self) -> BuildTrace:
        trace = BuildTrace(error=self.error)
        trace.vertexes["sha256:base"] = Vertex(
            "sha256:base", "[internal] load metadata for docker.io/library/golang:1.26-alpine"
        )
        if self.step is not None:
            trace.vertexes["sha256:step"] = Vertex("sha256:step", self.step, error=self.error)
            trace.logs["sha256:step"] = [self.output.encode()]
        return trace


CASES = {
    "dockerfile_syntax": Recorded(
        None,
        error=SOLVE + "failed to create LLB definition: dockerfile parse error line 3: COPY "
        "requires at least two arguments, but only one was provided. Destination could not be "
        "determined.",
    ),
    "unknown_builder": Recorded(None, error='no builder "remote-buildkit" found'),
    "unknown_target": Recorded(
        None, error=SOLVE + "failed to create LLB definition: target stage buidl could not be found"
    ),
    "copy_outside_context": Recorded(
        None,
        error=SOLVE + 'failed to build LLB: failed to compute cache key: "/go.sum" not found: '
        "not found",
    ),
    "base_image": Recorded(
        None,
        error=SOLVE + "failed to create LLB definition: docker.io/library/golang:1.26-alpine: "
        "not found",
    ),
    "disk_full": Recorded(
        DOWNLOAD,
        output="#10 2.914 go: github.com/minio/minio-go/v7@v7.0.95: write "
        "/go/pkg/mod/cache/download/github.com/minio/minio-go/v7/@v/v7.0.95.zip: no space left "
        "on device\n",
        error='process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
    ),
    "cgo_no_compiler": Recorded(
        GO_BUILD,
        output="#12 0.871 # runtime/cgo\n"
        '#12 0.871 cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in '
        "$PATH\n",
        error=EXIT_1,
    ),
    "go_too_old": Recorded(
        DOWNLOAD,
        output="#10 0.204 go: go.mod requires go >= 1.27.0 (running go 1.26.8; "
        "GOTOOLCHAIN=local)\n",
        error='process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
    ),
    "go_mod_invalid": Recorded(
        DOWNLOAD,
        output="#10 0.198 go: errors parsing go.mod:\n"
        "#10 0.198 /src/go.mod:3: invalid go version '1.26.x': must match format 1.23.0\n",
        error='process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
    ),
    "go_replacement_missing": Recorded(
        DOWNLOAD,
        output="#10 0.402 go: example.com/lib@v0.0.0 (replaced by ../lib): reading "
        "/lib/go.mod: open /lib/go.mod: no such file or directory\n",
        error='process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
        files={
            "go.mod": "module example.com/shop\n\ngo 1.26.0\n\nrequire example.com/lib "
            "v0.0.0\n\nreplace example.com/lib => ../lib\n"
        },
    ),
    "go_missing_package": Recorded(
        GO_BUILD,
        output="#12 1.402 cmd/app/main.go:9:2: no required module provides package "
        "example.com/shop/pkg/storage; to add it:\n#12 1.402 \tgo get "
        "example.com/shop/pkg/storage\n",
        error=EXIT_1,
        files={"cmd/app/main.go": "package main\n"},
    ),
    "go_files_ignored": Recorded(
        GO_BUILD,
        output="#12 0.311 no Go files in /src/cmd/app\n",
        error=EXIT_1,
        files={"cmd/app/main.go": "package main\n", ".dockerignore": "**/*.go\n"},
    ),
    "go_sum": Recorded(
        DOWNLOAD,
        output="#10 1.733 verifying github.com/minio/minio-go/v7@v7.0.95: checksum mismatch\n"
        "#10 1.733 \tdownloaded: h1:yVjJTMpq3yYXOQUPRvAlqJBUBpzzwDbAMXC4zUEZ3bc=\n"
        "#10 1.733 \tgo.sum:     h1:0S4/ie3tVimUZPtoAyy7WqpIhbRbZrf5h3xuNd2x6M4=\n"
        "#10 1.733 \n#10 1.733 SECURITY ERROR\n"
        "#10 1.733 This download does NOT match an earlier download recorded in go.sum.\n",
        error='process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
    ),
    "go_embed_missing": Recorded(
        GO_BUILD,
        output="#12 0.402 cmd/app/assets.go:5:12: pattern dist: no matching files found\n",
        error=EXIT_1,
        files={
            "cmd/app/main.go": "package main\n",
            "cmd/app/assets.go": 'package main\n\nimport "embed"\n\n//go:embed dist\n'
            "var assets embed.FS\n",
        },
    ),
    "go_compile": Recorded(
        GO_BUILD,
        output="#12 0.512 # example.com/shop/cmd/app\n"
        "#12 0.512 cmd/app/main.go:14:13: syntax error: unexpected {, expected )\n",
        error=EXIT_1,
    ),
    "step_failed": Recorded(
        "[build 2/6] WORKDIR /src",
        error="mkdir /var/lib/docker/overlay2/x/merged/src: read-only file system",
    ),
}


# (rule, cause, the message exactly as `diagnose` wrote it before it became a table)
EXPECTED = [
    (
        "dockerfile_syntax",
        "dockerfile-syntax",
        "Dockerfile:3: Dockerfile syntax error: COPY requires at least two arguments, but only one was provided. Destination could not be determined.. Fix the instruction on that line.\nFull build log: <ROOT>/build.log",
    ),
    (
        "unknown_builder",
        "unknown-builder",
        "Dockerfile: buildx has no builder 'remote-buildkit' (chosen by GOIMAGE_BUILDER or `builder` in [tool.goimage]). `docker buildx ls` lists the builders there are: pick one of them, or create it with `docker buildx create --name remote-buildkit ...`.\nFull build log: <ROOT>/build.log",
    ),
    (
        "unknown_target",
        "unknown-target",
        "Dockerfile: build target buidl is not a stage of this Dockerfile (named stages: build); fix `target` in [tool.goimage]. Did you mean 'build'?\nFull build log: <ROOT>/build.log",
    ),
    (
        "copy_outside_context",
        "copy-outside-context",
        "Dockerfile:3: COPY/ADD source 'go.sum' is not in the build context '.' (<ROOT>). Build from the directory these paths are relative to (`context` in [tool.goimage]), or fix the path.\nFull build log: <ROOT>/build.log",
    ),
    (
        "base_image",
        "base-image",
        "Dockerfile:1: base image golang:1.26-alpine is not on the engine and could not be pulled (failed to solve with frontend dockerfile.v0: failed to create LLB definition: docker.io/library/golang:1.26-alpine: not found). Pull or load it (offline: build a stand-in, see the README), or fix the FROM line.\nFull build log: <ROOT>/build.log",
    ),
    (
        "disk_full",
        "disk-full",
        "Dockerfile:4: the build failed in step `RUN go mod download`: a disk filled up (no space left on device): the engine's storage or a file system the step writes to. Free space (`docker system df` shows what uses it; `docker builder prune` drops the build cache), then rerun.\n    #10 2.914 go: github.com/minio/minio-go/v7@v7.0.95: write /go/pkg/mod/cache/download/github.com/minio/minio-go/v7/@v/v7.0.95.zip: no space left on device\nFull build log: <ROOT>/build.log",
    ),
    (
        "cgo_no_compiler",
        "cgo-no-compiler",
        'Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: the step builds with cgo (CGO_ENABLED=1) and the builder image has no C compiler. Build with CGO_ENABLED=0 for a static binary (what the static check expects), or install one in the builder (alpine: gcc musl-dev).\n    #12 0.871 cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH\nFull build log: <ROOT>/build.log',
    ),
    (
        "go_too_old",
        "go-too-old",
        "Dockerfile:4: the build failed in step `RUN go mod download`: the builder image runs Go 1.26.8 but go.mod requires Go >= 1.27.0. Use a builder image with Go 1.27.0 or newer (FROM at Dockerfile:1), or lower go.mod's go/toolchain line.\n    go: go.mod requires go >= 1.27.0 (running go 1.26.8; GOTOOLCHAIN=local)\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_mod_invalid",
        "go-mod-invalid",
        "Dockerfile:4: the build failed in step `RUN go mod download`: go.mod in the build context cannot be parsed:\n    go: errors parsing go.mod:\n    /src/go.mod:3: invalid go version '1.26.x': must match format 1.23.0\nFix the line it names (`go mod tidy` locally shows the same).\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_replacement_missing",
        "go-replace-missing",
        "Dockerfile:4: the build failed in step `RUN go mod download`: go.mod:7 replaces example.com/lib with ../lib, and <PARENT>/lib is outside the build context (<ROOT>): the build never sees it. Build from a context that holds both modules (`context` in [tool.goimage], with the Dockerfile copying each to the same place relative to the other), vendor the dependency (`go mod vendor`), or require a published version instead of the replace.\n    go: example.com/lib@v0.0.0 (replaced by ../lib): reading /lib/go.mod: open /lib/go.mod: no such file or directory\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_missing_package",
        "go-missing-package",
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: Go package example.com/shop/pkg/storage is imported but its source is not in the build context '.' (<ROOT>). pkg/storage/ does not exist in the build context: restore or commit it.\n    cmd/app/main.go:9:2: no required module provides package example.com/shop/pkg/storage; to add it:\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_files_ignored",
        "go-files-ignored",
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: Go finds no sources because `.dockerignore:1: **/*.go` keeps 1 .go file (such as cmd/app/main.go) out of the build context '.' (<ROOT>). Remove or narrow that rule.\n    #12 0.311 no Go files in /src/cmd/app\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_sum",
        "go-sum",
        "Dockerfile:4: the build failed in step `RUN go mod download`: go.sum does not match the downloaded modules (go mod verify / checksum mismatch). Run `go mod tidy` and commit go.sum, and check GOPROXY/GOSUMDB.\n    verifying github.com/minio/minio-go/v7@v7.0.95: checksum mismatch\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_embed_missing",
        "go-embed-missing",
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: cmd/app/assets.go:5 embeds `dist` (//go:embed), and cmd/app/dist does not exist in the build context: commit it. If the build is meant to make it (a frontend stage), COPY --from that stage into cmd/app/dist before `go build`.\n    cmd/app/assets.go:5:12: pattern dist: no matching files found\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_compile",
        "go-compile",
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: Go compile errors:\n    cmd/app/main.go:14:13: syntax error: unexpected {, expected )\nFix them (`go build ./...` shows the same locally).\nFull build log: <ROOT>/build.log",
    ),
    (
        "step_failed",
        "step-failed",
        "Dockerfile:2: the build failed in step `WORKDIR /src`: mkdir /var/lib/docker/overlay2/x/merged/src: read-only file system\n(the step printed nothing)\nFull build log: <ROOT>/build.log",
    ),
]


def _failed_build(tmp_path: Path, recorded: Recorded) -> FailedBuild:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "go.mod").write_text(GO_MOD)
    for name, text in recorded.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return read_failed_build(
        recorded.trace(),
        dockerfile=root / "Dockerfile",
        dockerfile_label="Dockerfile",
        context=root,
        context_label=".",
        log_path=root / "build.log",
    )


def test_the_rules_are_tried_in_a_fixed_order() -> None:
    assert [rule.__name__ for rule in RULES] + ["step_failed"] == [name for name, _, _ in EXPECTED]


@pytest.mark.parametrize(("rule", "cause", "message"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_rule_explains_its_recorded_failure(
    tmp_path: Path, rule: str, cause: str, message: str
) -> None:
    build = _failed_build(tmp_path, CASES[rule])
    shown = message.replace("<ROOT>", str(tmp_path / "shop")).replace("<PARENT>", str(tmp_path))
    expected = Diagnosis(shown, cause)
    explains = getattr(diagnose_module, rule)
    assert explains(build) == expected
    # No earlier rule claims it: the table gives the same answer as the one rule.
    assert explain(build) == expected


@pytest.mark.parametrize("rule", [rule.__name__ for rule in RULES])
def test_each_rule_passes_over_a_plain_step_failure(tmp_path: Path, rule: str) -> None:
    build = _failed_build(tmp_path, CASES["step_failed"])
    assert getattr(diagnose_module, rule)(build) is None


def test_a_failed_build_carries_its_cause_and_log_path(tmp_path: Path) -> None:
    error = BuildFailed("Dockerfile:6: ...", cause="go-compile", log_path=tmp_path / "b.log")
    assert (str(error), error.cause, error.log_path) == (
        "Dockerfile:6: ...",
        "go-compile",
        tmp_path / "b.log",
    )


# A build that reads vendor/ (vendor/modules.txt makes -mod=vendor Go's default) words a
# missing package its own way; without the rule it fell through to "Go compile errors ...
# `go build ./...` shows the same locally", which is false: locally it builds.
VENDORED_BUILD = "[build 6/6] RUN go build -mod=vendor -o /out/app ./cmd/app"


@pytest.mark.parametrize(
    ("package", "files", "hint"),
    [
        (
            "example.com/shop/internal/store",
            {"cmd/app/main.go": "package main\n", "internal/store/store.go": "package store\n"},
            "internal/store/ exists here but .dockerignore keeps its .go files out of the context.",
        ),
        (
            "github.com/acme/retry",
            {"cmd/app/main.go": "package main\n"},
            "The build reads vendor/ (-mod=vendor), and vendor/ does not hold it: run `go mod "
            "vendor` and commit vendor/, or check that .dockerignore sends vendor/ whole.",
        ),
    ],
    ids=["own-package-kept-out", "dependency-not-vendored"],
)
def test_a_vendored_build_names_why_a_package_is_missing(
    tmp_path: Path, package: str, files: dict[str, str], hint: str
) -> None:
    recorded = Recorded(
        VENDORED_BUILD,
        output=f"#12 0.512 cmd/app/main.go:12:2: cannot find module providing package {package}: "
        "import lookup disabled by -mod=vendor\n",
        error=EXIT_1,
        files={**files, ".dockerignore": "*\n!go.mod\n!cmd/\n!vendor/\n"},
    )
    diagnosis = explain(_failed_build(tmp_path, recorded))
    assert diagnosis is not None and diagnosis.cause == "go-missing-package", diagnosis
    assert f"Go package {package} is imported but its source is not in the build context" in (
        diagnosis.message
    )
    assert hint in diagnosis.message, diagnosis.message
