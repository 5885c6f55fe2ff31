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
from pytest_goimage.build.go_test_failure import failed_tests
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


def test_go_lines_lose_the_step_prefix_with_or_without_its_time() -> None:
    output = "#7 0.9 ./main.go:5:2: undefined: x\n#7 go: module lookup disabled\n  #7 0.9 \n"
    assert _go_lines(output) == ["./main.go:5:2: undefined: x", "go: module lookup disabled"]


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
NETRC = "RUN --mount=type=secret,id=netrc,target=/root/.netrc"


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
    # Trial 31: a trailing `\` joined the next stage's FROM into the RUN; the message was
    # "the build failed before any step ran: ... circular dependency detected on stage: build".
    "swallowed_line": Recorded(
        None,
        error=SOLVE + "failed to create LLB definition: circular dependency detected on stage: "
        "build",
        files={"Dockerfile": DOCKERFILE.replace("./cmd/app\n", "./cmd/app \\\n")},
    ),
    "dockerfile_syntax": Recorded(
        None,
        error=SOLVE + "failed to create LLB definition: dockerfile parse error line 3: COPY "
        "requires at least two arguments, but only one was provided. Destination could not be "
        "determined.",
    ),
    # Trial 33A: Docker 20.10 gave the context to its own frontend only; the directive's
    # frontend (a local docker/dockerfile:1) failed where no loopback copy could be served.
    "frontend_context": Recorded(
        "[internal] load remote build context",
        error=SOLVE + "failed to solve with frontend gateway.v0: rpc error: code = Unknown desc "
        '= failed to read downloaded context: failed to load cache key: Get "http://build-'
        'context-7n8erjqf9x4afzzg611rkcqdf": context not found',
        files={"Dockerfile": "# syntax=docker/dockerfile:1\n" + DOCKERFILE},
    ),
    "from_variable": Recorded(
        None,
        error=SOLVE + 'failed to create LLB definition: failed to parse stage name "${BUILDER}": '
        "invalid reference format: repository name must be lowercase",
    ),
    "from_arg_scope": Recorded(
        None,
        error=SOLVE
        + 'failed to create LLB definition: failed to parse stage name "golang:-alpine": '
        "invalid reference format",
        files={
            # BuildKit's own platform ARGs are in every FROM's scope; ALPINE_SUFFIX is out of
            # it too, but empty it leaves a name BuildKit takes: the third line is refused.
            "Dockerfile": "FROM --platform=$BUILDPLATFORM alpine:3.22${ALPINE_SUFFIX} AS tools\n"
            "ARG GO_VERSION=1.26\nFROM golang:${GO_VERSION}-alpine$TARGETVARIANT\n"
            "RUN go version\n"
        },
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
    "session_mounts": Recorded(
        "[build 4/6] RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download",
        error="no active sessions",
        files={"Dockerfile": DOCKERFILE.replace("RUN go mod", NETRC + " go mod")},
    ),
    # Trial 31: a typo in a stage's name was "a base image could not be resolved" at line 1.
    "stage_name": Recorded(
        None,
        error='failed to load cache key: failed to do request: Head "https://registry-1.docker'
        '.io/v2/library/builder/manifests/latest": dial tcp: lookup registry-1.docker.io on '
        "10.255.255.53:53: no such host",
        files={"Dockerfile": DOCKERFILE.replace("--from=build ", "--from=builder ")},
    ),
    "base_image": Recorded(
        None,
        error=SOLVE + "failed to create LLB definition: docker.io/library/golang:1.26-alpine: "
        "not found",
    ),
    # A RUN exec form without its `]`: BuildKit ran it as a shell form, and said only
    # "[go,: not found" (exit code 127).
    "run_not_json": Recorded(
        '[build 6/6] RUN ["go", "build", "-o", "/out/app", "./cmd/app"',
        output="#12 0.204 /bin/sh: [go,: not found\n",
        error='process "/bin/sh -c [\\"go\\", \\"build\\", \\"-o\\", \\"/out/app\\", '
        '\\"./cmd/app\\"" did not complete successfully: exit code: 127',
        files={
            "Dockerfile": DOCKERFILE.replace(
                "RUN go build -o /out/app ./cmd/app",
                'RUN ["go", "build", "-o", "/out/app", "./cmd/app"',
            )
        },
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
    "go_vendor_inconsistent": Recorded(
        GO_BUILD,
        output="#12 0.301 go: inconsistent vendoring in /src:\n"
        "#12 0.301 \tgithub.com/lib/pq@v1.10.9: is explicitly required in go.mod, but not "
        "marked as explicit in vendor/modules.txt\n#12 0.301 \n"
        "#12 0.301 \tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n"
        "#12 0.301 \tTo sync the vendor directory, run:\n#12 0.301 \t\tgo mod vendor\n",
        error=EXIT_1,
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
    "go_test_failed": Recorded(
        GO_BUILD,
        output="#12 0.301 --- FAIL: TestFirstEnv (0.00s)\n"
        '#12 0.301     main_test.go:8: firstEnv = "1", want "2"\n'
        "#12 0.302 FAIL\n"
        "#12 0.302 FAIL\texample.com/shop/cmd/app\t0.003s\n"
        "#12 0.303 FAIL\n",
        error=EXIT_1,
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
        "swallowed_line",
        "swallowed-instruction",
        "Dockerfile:6 ends in \\, so line 8 FROM alpine:3.22 became part of its RUN (BuildKit then failed: failed to solve with frontend dockerfile.v0: failed to create LLB definition: circular dependency detected on stage: build). Remove the trailing \\ from line 6, so that line 8 is an instruction of its own.\nFull build log: <ROOT>/build.log",
    ),
    (
        "dockerfile_syntax",
        "dockerfile-syntax",
        "Dockerfile:3: Dockerfile syntax error: COPY requires at least two arguments, but only one was provided. Destination could not be determined.. Fix the instruction on that line.\nFull build log: <ROOT>/build.log",
    ),
    (
        "frontend_context",
        "frontend-context",
        'Dockerfile:1: the `# syntax=docker/dockerfile:1` directive hands the Dockerfile to the frontend image docker/dockerfile:1, which reads the build context itself, and found none: this engine gives a context sent with the build request only to the first frontend that asks (its own, which reads the Dockerfile to find the directive; Docker 20.10). Build through buildx, where the directive works (`builder = "<name>"` in [tool.goimage] or GOIMAGE_BUILDER; see the README\'s "Remote engines and buildx builders"), or drop the directive where the engine\'s own frontend reads this Dockerfile (Docker 20.10\'s reads RUN --mount; heredocs and COPY --link need docker/dockerfile:1.4).\nFull build log: <ROOT>/build.log',
    ),
    (
        "from_variable",
        "copy-from-variable",
        "Dockerfile: `--from=${BUILDER}` names a variable, and BuildKit expands none in a `from` (it takes the text as an image name, which it cannot parse). Make the variable a stage instead: `FROM ${BUILDER} AS builder` after the stages it may name, then `COPY --from=builder` (an ARG used in FROM must be declared before the first FROM).\nFull build log: <ROOT>/build.log",
    ),
    (
        "from_arg_scope",
        "from-arg-scope",
        'Dockerfile:3: `FROM golang:${GO_VERSION}-alpine$TARGETVARIANT` reads GO_VERSION, which only `ARG GO_VERSION=1.26` at Dockerfile:2, inside a stage, declares: a FROM sees only the ARGs declared before the first FROM, so it is empty there and BuildKit refused the result (failed to solve with frontend dockerfile.v0: failed to create LLB definition: failed to parse stage name "golang:-alpine": invalid reference format). Move that ARG above the first FROM (and write `ARG GO_VERSION` inside any stage that reads it too).\nFull build log: <ROOT>/build.log',
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
        # A module without dependencies has no go.sum (before: "Build from the directory these
        # paths are relative to", which no context fixes).
        "Dockerfile:3: this COPY copies go.sum, and the build context '.' (<ROOT>) has no go.sum. Its go.mod requires no modules, and Go writes no go.sum for a module without dependencies: drop go.sum from that COPY (`go mod download` needs only go.mod).\nFull build log: <ROOT>/build.log",
    ),
    (
        "session_mounts",
        "secret-ssh-mount",
        "Dockerfile:4: this RUN's `--mount=type=secret,id=netrc,target=/root/.netrc` asks BuildKit for a build secret (id netrc), and pytest-goimage's build has no BuildKit session to provide it: it builds through the Engine API, which carries no `--secret` or `--ssh`, so BuildKit fails every secret and ssh mount, required or not (\"no active sessions\"). Make the build work without it: vendor the private modules (`go mod vendor`, commit vendor/) so no step needs credentials, or, where the step works without it, keep the mount optional and build through buildx (`builder` in [tool.goimage] or GOIMAGE_BUILDER; `default` is the docker CLI's own builder): pytest-goimage passes buildx no `--secret` or `--ssh` either, but its BuildKit skips an optional mount it is given nothing for.\nFull build log: <ROOT>/build.log",
    ),
    (
        "stage_name",
        "unknown-stage",
        "Dockerfile:9: COPY --from=builder names no stage of this Dockerfile (its stages: build) and no image on this engine; BuildKit took it as the image docker.io/library/builder:latest, which could not be pulled: the registry registry-1.docker.io could not be reached, its DNS lookup failed (dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host). Write `COPY --from=build` to use the stage build, or name an image the engine has or can pull.\nFull build log: <ROOT>/build.log",
    ),
    (
        "base_image",
        "base-image",
        "Dockerfile:1: base image golang:1.26-alpine is not on the engine and could not be pulled (failed to solve with frontend dockerfile.v0: failed to create LLB definition: docker.io/library/golang:1.26-alpine: not found). Pull or load it (offline: build a stand-in, see the README), or fix the FROM line.\nFull build log: <ROOT>/build.log",
    ),
    (
        "run_not_json",
        "run-not-json",
        'Dockerfile:6: `RUN ["go", "build", "-o", "/out/app", "./cmd/app"` is not valid JSON: its closing `]` is missing. BuildKit then runs it in shell form, `/bin/sh -c \'["go", "build", "-o", "/out/app", "./cmd/app"\'`, and the step failed (exit code: 127): the shell looks for a program called `[go,`. Write `RUN ["go", "build", "-o", "/out/app", "./cmd/app"]`, or a shell form without the brackets.\n    /bin/sh: [go,: not found\nFull build log: <ROOT>/build.log',
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
        "go_vendor_inconsistent",
        "go-vendor",
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: vendor/ does not match go.mod (go: inconsistent vendoring): the build reads vendor/ (-mod=vendor, Go's default where vendor/modules.txt exists), and vendor/modules.txt lists other modules or versions than go.mod requires. Run `go mod vendor` and commit vendor/ with go.mod (`go build -mod=vendor ./...` shows the same locally).\n    go: inconsistent vendoring in /src:\n        github.com/lib/pq@v1.10.9: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\n        To ignore the vendor directory, use -mod=readonly or -mod=mod.\n        To sync the vendor directory, run:\n            go mod vendor\nFull build log: <ROOT>/build.log",
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
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: cmd/app/assets.go:5 embeds `dist` (//go:embed), and cmd/app/dist does not exist in the build context: commit it, or, if the build is meant to make it (a frontend stage), COPY --from that stage into cmd/app/dist before `go build`.\n    cmd/app/assets.go:5:12: pattern dist: no matching files found\nFull build log: <ROOT>/build.log",
    ),
    (
        "go_test_failed",
        "go-test",
        'Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: a Go test failed in this RUN (TestFirstEnv, example.com/shop/cmd/app), so the image was not built: fix the test or the code it tests (the same `go test` locally shows it, unless the test depends on the build\'s environment), or run the tests in CI outside the image build.\n    --- FAIL: TestFirstEnv (0.00s)\n        main_test.go:8: firstEnv = "1", want "2"\n    FAIL\texample.com/shop/cmd/app\t0.003s\nFull build log: <ROOT>/build.log',
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
            # The rule that keeps it out, by its line (a user trial: the file alone was named).
            "internal/store/ exists here but .dockerignore:1: * keeps its .go files out of the "
            "context: narrow that rule, or add a `!` exception for the package.",
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


# -- a base image that could not be had: digest pins, an unreachable registry, a long error ---
# Recorded on Docker 20.10.24 (BuildKit in dockerd) with no registry access, except where said.
# The local golang:1.26-alpine there has no RepoDigests (it was built, not pulled).
UNREACHABLE = "dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host"
LLB = SOLVE + "failed to create LLB definition: "
IMAGE_ID = "21b68631724d7f6e6033e48e249adc787c77d085fdbcba295b3df3b2f8d29e86"  # its image ID
RANDOM = "1a4c4cd576141b631c2b964e977bec9ed1fff0352eb6ecabc718cf22e98ebb2b"
ADVICE = "Pull or load it (offline: build a stand-in, see the README), or fix the FROM line."


def _digest_pin_message(
    digest: str, why: str, fix: str, name: str = "golang", tag: str = ":1.26-alpine"
) -> str:
    return (
        f"Dockerfile:1: base image {name}{tag}@sha256:{digest[:12]}… is pinned by digest, and "
        "BuildKit resolves a digest pin against the registry: the pinned manifest must be "
        "fetched, or be in the engine's content store under that digest. "
        f"Here {why}. An image tagged {name}{tag} on the engine does not satisfy the pin unless "
        "it was pulled by that digest (then `docker image inspect --format '{{.RepoDigests}}' "
        f"{name}{tag}` lists it); an image ID (`docker images -q`) is not a manifest digest "
        f"(`docker images --digests` shows those). {fix}\nFull build log: <ROOT>/build.log"
    )


BASE_IMAGE_FAILURES = {
    # The user trial: the builder pinned to the local image's ID, taken for a digest; the
    # message named no image, cut the cause to `no …` and said to pull what is loaded.
    "digest-pin-of-the-image-id-offline": (
        f"FROM golang:1.26-alpine@sha256:{IMAGE_ID} AS build\n",
        LLB + 'failed to do request: Head "https://registry-1.docker.io/v2/library/golang/'
        f'manifests/sha256:{IMAGE_ID}": {UNREACHABLE}',
        _digest_pin_message(
            IMAGE_ID,
            f"the registry registry-1.docker.io could not be reached, its DNS lookup failed "
            f"({UNREACHABLE})",
            "Give the engine registry access, `docker pull golang:1.26-alpine@sha256:"
            f"{IMAGE_ID}` where a registry answers, or drop the pin for an offline build.",
        ),
    ),
    "digest-pin-offline": (
        f"FROM golang:1.26-alpine@sha256:{RANDOM} AS build\n",
        LLB + 'failed to do request: Head "https://registry-1.docker.io/v2/library/golang/'
        f'manifests/sha256:{RANDOM}": {UNREACHABLE}',
        _digest_pin_message(
            RANDOM,
            f"the registry registry-1.docker.io could not be reached, its DNS lookup failed "
            f"({UNREACHABLE})",
            f"Give the engine registry access, `docker pull golang:1.26-alpine@sha256:{RANDOM}` "
            "where a registry answers, or drop the pin for an offline build.",
        ),
    ),
    "digest-pin-on-a-refusing-registry": (
        f"FROM 127.0.0.1:5999/team/base@sha256:{RANDOM} AS build\n",
        LLB + 'failed to do request: Head "http://127.0.0.1:5999/v2/team/base/manifests/'
        f'sha256:{RANDOM}": dial tcp 127.0.0.1:5999: connect: connection refused',
        _digest_pin_message(
            RANDOM,
            "the registry 127.0.0.1:5999 could not be reached, it refused the connection "
            "(dial tcp 127.0.0.1:5999: connect: connection refused)",
            f"Give the engine registry access, `docker pull 127.0.0.1:5999/team/base@sha256:"
            f"{RANDOM}` where a registry answers, or drop the pin for an offline build.",
            name="127.0.0.1:5999/team/base",
            tag="",
        ),
    ),
    # Not recorded (no registry here): BuildKit's wording for a reference the registry lacks,
    # as recorded for a tag in CASES["base_image"].
    "digest-pin-the-registry-lacks": (
        f"FROM golang:1.26-alpine@sha256:{IMAGE_ID} AS build\n",
        LLB + f"docker.io/library/golang:1.26-alpine@sha256:{IMAGE_ID}: not found",
        _digest_pin_message(
            IMAGE_ID,
            "the registry has no manifest under that digest (failed to solve with frontend "
            "dockerfile.v0: failed to create LLB definition: docker.io/library/golang:"
            f"1.26-alpine@sha256:{IMAGE_ID}: not found)",
            "Pin a digest the registry has (`docker images --digests` after a pull shows it), "
            "or drop the pin.",
        ),
    ),
    "tag-offline": (
        "FROM golang:9.99-alpine AS build\n",
        LLB + 'failed to do request: Head "https://registry-1.docker.io/v2/library/golang/'
        f'manifests/9.99-alpine": {UNREACHABLE}',
        "Dockerfile:1: base image golang:9.99-alpine is not on the engine and could not be "
        "pulled: the registry registry-1.docker.io could not be reached, its DNS lookup failed "
        f"({UNREACHABLE}). {ADVICE}\nFull build log: <ROOT>/build.log",
    ),
    "tag-on-a-refusing-registry": (
        "FROM 127.0.0.1:5999/team/base:1.0 AS build\n",
        LLB + 'failed to do request: Head "http://127.0.0.1:5999/v2/team/base/manifests/1.0": '
        "dial tcp 127.0.0.1:5999: connect: connection refused",
        "Dockerfile:1: base image 127.0.0.1:5999/team/base:1.0 is not on the engine and could "
        "not be pulled: the registry 127.0.0.1:5999 could not be reached, it refused the "
        "connection (dial tcp 127.0.0.1:5999: connect: connection refused). "
        f"{ADVICE}\nFull build log: <ROOT>/build.log",
    ),
    # Not recorded: BuildKit 0.12+ wording for a private image without `docker login`; its
    # end (401 Unauthorized) is what says why, and the message must keep it.
    "tag-needing-a-login": (
        "FROM ghcr.io/acme/base:1.0 AS build\n",
        "failed to solve: ghcr.io/acme/base:1.0: failed to resolve source metadata for "
        "ghcr.io/acme/base:1.0: failed to authorize: failed to fetch oauth token: unexpected "
        "status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fbase"
        "%3Apull&service=ghcr.io: 401 Unauthorized",
        "Dockerfile:1: base image ghcr.io/acme/base:1.0 is not on the engine and could not be "
        "pulled (failed to solve: ghcr.io/acme/base:1.0: failed to resolve source … unexpected "
        "status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fbase%3Apull"
        f"&service=ghcr.io: 401 Unauthorized). {ADVICE}\nFull build log: <ROOT>/build.log",
    ),
    "syntax-frontend-offline": (
        "# syntax=docker/dockerfile:1.7\nFROM golang:1.26-alpine AS build\n",
        SOLVE + "failed to solve with frontend gateway.v0: failed to do request: Head "
        f'"https://registry-1.docker.io/v2/docker/dockerfile/manifests/1.7": {UNREACHABLE}',
        "Dockerfile:1: the `# syntax=docker/dockerfile:1.7` directive makes BuildKit fetch the "
        "Dockerfile frontend image docker/dockerfile:1.7 before it reads the Dockerfile, and it "
        "could not be had: the registry registry-1.docker.io could not be reached, its DNS "
        f"lookup failed ({UNREACHABLE}). Remove the directive to use the engine's built-in "
        "frontend (it handles RUN --mount; newer syntax such as heredocs needs the directive), "
        "or make the image reachable (a registry mirror, or `docker pull` it where a registry "
        "answers).\nFull build log: <ROOT>/build.log",
    ),
}


@pytest.mark.parametrize(
    ("first_lines", "error", "message"),
    BASE_IMAGE_FAILURES.values(),
    ids=BASE_IMAGE_FAILURES.keys(),
)
def test_a_base_image_failure_says_why_with_the_errors_end(
    tmp_path: Path, first_lines: str, error: str, message: str
) -> None:
    dockerfile = first_lines + DOCKERFILE.split("\n", 1)[1]
    build = _failed_build(tmp_path, Recorded(None, error=error, files={"Dockerfile": dockerfile}))
    shown = message.replace("<ROOT>", str(tmp_path / "shop"))
    assert explain(build) == Diagnosis(shown, "base-image")


def test_failed_tests_names_each_test_and_package_and_a_panic() -> None:
    output = (
        "#9 1.2 ok  \texample.com/shop/internal/cart\t0.01s\n"
        "#9 1.3 --- FAIL: TestPrice (0.00s)\n"
        "#9 1.3     --- FAIL: TestPrice/zero (0.00s)\n"
        "#9 1.3         price_test.go:21: got 1, want 0\n"
        "#9 1.4 FAIL\n#9 1.4 FAIL\texample.com/shop/internal/price\t0.02s\n"
    )
    assert failed_tests(output) == (
        ["TestPrice", "TestPrice/zero", "example.com/shop/internal/price"],
        [
            "--- FAIL: TestPrice (0.00s)",
            "    --- FAIL: TestPrice/zero (0.00s)",
            "        price_test.go:21: got 1, want 0",
            "FAIL\texample.com/shop/internal/price\t0.02s",
        ],
    )
    panicked = (
        "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\n"
    )
    assert failed_tests(panicked + "FAIL\texample.com/shop\t0.01s\n") == (
        ["example.com/shop"],
        [
            "panic: runtime error: index out of range [3] with length 3",
            "goroutine 7 [running]:",
            "FAIL\texample.com/shop\t0.01s",
        ],
    )
    assert failed_tests(panicked) is None  # another program's panic (go run, a generator)
    # A compile error in a test file is no failed test.
    assert failed_tests("#9 0.5 cart_test.go:4:2: undefined: NewCart\n") is None


def test_a_variable_in_a_run_mount_from_names_the_mount_and_its_line(tmp_path: Path) -> None:
    dockerfile = (
        "ARG TOOLS=tools\nFROM alpine:3.22 AS tools\nFROM golang:1.26-alpine\n"
        "RUN --mount=type=bind,from=${TOOLS},source=/bin,target=/t ls /t\n"
    )
    recorded = Recorded(
        None,
        error=SOLVE + 'failed to create LLB definition: failed to parse stage name "${TOOLS}": '
        "invalid reference format: repository name must be lowercase",
        files={"Dockerfile": dockerfile},
    )
    diagnosis = explain(_failed_build(tmp_path, recorded))
    assert diagnosis is not None and diagnosis.cause == "copy-from-variable", diagnosis
    assert diagnosis.message.startswith(
        "Dockerfile:4: `--mount=type=bind,from=${TOOLS},source=/bin,target=/t` names a variable"
    ), diagnosis.message
    assert "then `RUN --mount=from=tools`" in diagnosis.message, diagnosis.message


def test_a_missing_go_sum_entry_is_no_checksum_mismatch(tmp_path: Path) -> None:
    """go.sum lacks a line (trial 13, F6): no download disagreed with it, so the advice is
    `go mod tidy`, not GOPROXY/GOSUMDB, and Go's own fix on the line after stays shown."""
    recorded = Recorded(
        GO_BUILD,
        output="#12 0.733 internal/storage/storage.go:9:2: missing go.sum entry for module "
        "providing package github.com/minio/minio-go/v7 (imported by example.com/shop/internal/"
        "storage); to add:\n#12 0.733 \tgo get example.com/shop/internal/storage\n",
        error=EXIT_1,
    )
    build = _failed_build(tmp_path, recorded)
    assert explain(build) == Diagnosis(
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: go.sum has "
        "no entry for a module the build needs (a requirement or import added without updating "
        "go.sum). Run `go mod tidy` and commit go.sum (`go build ./...` shows the same "
        "locally).\n"
        "    internal/storage/storage.go:9:2: missing go.sum entry for module providing package "
        "github.com/minio/minio-go/v7 (imported by example.com/shop/internal/storage); to add:\n"
        "        go get example.com/shop/internal/storage\n"
        f"Full build log: {tmp_path / 'shop' / 'build.log'}",
        "go-sum",
    )


def test_a_go_sum_entry_the_repository_has_but_the_build_lacks(tmp_path: Path) -> None:
    """The context's go.sum lists the module: the go.sum the build reads is not it (not
    copied, or kept out by .dockerignore), so `go mod tidy` is no fix (the review)."""
    recorded = Recorded(
        GO_BUILD,
        output="#12 0.733 internal/storage/storage.go:9:2: missing go.sum entry for module "
        "providing package github.com/minio/minio-go/v7/pkg/credentials (imported by "
        "example.com/shop/internal/storage); to add:\n"
        "#12 0.733 \tgo get example.com/shop/internal/storage\n",
        error=EXIT_1,
        files={"go.sum": "github.com/minio/minio-go/v7 v7.0.95 h1:x=\n"},
    )
    build = _failed_build(tmp_path, recorded)
    message = explain(build).message
    assert message.startswith(
        "Dockerfile:6: the build failed in step `RUN go build -o /out/app ./cmd/app`: the "
        "build's go.sum has no entry for a module that go.sum in the build context lists, so the "
        "go.sum the build reads is not the repository's: copy go.sum beside go.mod (`COPY "
        "go.mod go.sum ./`) and check that no .dockerignore rule keeps it out.\n"
    )


def test_a_module_go_work_lists_that_the_build_lacks_says_what_to_copy(tmp_path: Path) -> None:
    """Trial 15: a workspace's image that copied only its own module's files got Go's words and
    no advice."""
    recorded = Recorded(
        DOWNLOAD,
        output="#10 0.118 go: cannot load module services/indexer listed in go.work file: open "
        "services/indexer/go.mod: no such file or directory\n",
        error='process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
        files={"go.work": "go 1.26.0\n\nuse (\n\t./services/api\n\t./services/indexer\n)\n"},
    )
    root = tmp_path / "shop"
    assert explain(_failed_build(tmp_path, recorded)) == Diagnosis(
        "Dockerfile:4: the build failed in step `RUN go mod download`: go.work lists the module "
        "services/indexer (go.work:5 `use services/indexer`), and the build has no "
        "services/indexer/go.mod: COPY the go.mod and go.sum of every module go.work lists into "
        "the builder, at the same place relative to go.work, before this step (the whole folder "
        "where this image's packages import it), or build this module on its own with "
        "`ENV GOWORK=off`.\n"
        "    go: cannot load module services/indexer listed in go.work file: open "
        "services/indexer/go.mod: no such file or directory\n"
        f"Full build log: {root}/build.log",
        "go-work-module-missing",
    )


CACHED_RUNS = """\
FROM golang:1.26-alpine AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \\
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \\
    CGO_ENABLED=0 go build -ldflags="-s -w -X main.version=${VERSION}" -o /out/app ./cmd/app
"""


def test_a_step_named_with_its_variables_expanded_is_its_own_line_not_a_like_one(
    tmp_path: Path,
) -> None:
    """Trial 16: the go build RUN, whose name BuildKit writes with ${VERSION} expanded, was
    taken for the earlier go mod download RUN that starts with the same 40 characters."""
    step = (
        "[build 6/6] RUN --mount=type=cache,target=/go/pkg/mod CGO_ENABLED=0 go build "
        '-ldflags="-s -w -X main.version=1.4.2" -o /out/app ./cmd/app'
    )
    build = _failed_build(
        tmp_path, Recorded(step, error="exit code: 1", files={"Dockerfile": CACHED_RUNS})
    )
    assert build.where == "Dockerfile:8"


def test_a_long_run_with_variables_is_matched_in_linear_time_and_a_bare_variable_names_no_line(
    tmp_path: Path,
) -> None:
    """A review: the `.*?` regex took 22 s on a RUN of 100 words after one with six variables,
    and an earlier `RUN ${SETUP}` took the failing go build's line."""
    words = " ".join(["w"] * 100)
    dockerfile = (
        "FROM golang:1.26-alpine AS build\nARG SETUP=true\nRUN ${SETUP}\n"
        "RUN echo $A $B $C $D $E $F done\n" + f"RUN echo {words} ${{X}}fails\n"
    )
    step = f"[build 4/4] RUN echo {words} xfails"
    build = _failed_build(
        tmp_path, Recorded(step, error="exit code: 1", files={"Dockerfile": dockerfile})
    )
    assert build.where == "Dockerfile:5"


def test_a_loopback_context_the_engine_cannot_reach_is_named(tmp_path: Path) -> None:
    """The engine's answer when the second build's URL was not reachable from it (recorded
    with a port nothing listens on): the built-in frontend could not read even the Dockerfile."""
    error = (
        SOLVE + "failed to read downloaded context: failed to load cache key: Get "
        '"http://127.0.0.1:9/goimage-context-0123abcd.tar": dial tcp 127.0.0.1:9: connect: '
        "connection refused"
    )
    files = {"Dockerfile": "# syntax=docker/dockerfile:1\n" + DOCKERFILE}
    build = _failed_build(
        tmp_path, Recorded("[internal] load remote build context", "", error, files)
    )
    assert explain(build).message.startswith(
        "Dockerfile:1: the `# syntax=docker/dockerfile:1` directive hands the Dockerfile to the "
        "frontend image docker/dockerfile:1, which reads the build context itself, and found "
        "none: this engine gives a context sent with the build request only to the first "
        "frontend that asks (its own, which reads the Dockerfile to find the directive; Docker "
        "20.10); pytest-goimage serves it again from this machine's loopback, and this engine "
        "could not reach that (an engine on another machine, rootless or in a VM). Build through "
        "buildx"
    )
