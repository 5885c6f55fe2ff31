"""A corpus of malformed inputs: each gives a clear message naming the problem, never a traceback.

(Configuration errors have their own corpus in test_config_errors.py.)"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import pytest

from tests.conftest import go_app

RUN_ENTRY = 'COPY app /app\nENTRYPOINT ["/app"]\n'


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes]
    expected: list[str]  # fnmatch patterns, in order
    toml: str = "[tool.goimage]\n"
    select: str = "go-version or build or static or size"
    binary: bool = True
    extra_args: list[str] = field(default_factory=list)


CASES = [
    Case(
        "dockerfile-syntax",
        {"Dockerfile": "FROM alpine:3.22\nCOPY onlyone\n"},
        ["*Dockerfile:2: Dockerfile syntax error: *COPY requires at least two arguments*"],
    ),
    Case(
        "unknown-instruction",
        {"Dockerfile": "FROM alpine:3.22\nRUNN echo hi\n"},
        ["*Dockerfile:2: Dockerfile syntax error: unknown instruction: RUNN*"],
    ),
    Case("empty-dockerfile", {"Dockerfile": ""}, ["*[[]goimage build[]] Dockerfile*empty*"]),
    Case(
        "garbage-dockerfile",
        {"Dockerfile": bytes(range(256)) * 4},
        [
            "*[[]goimage go-version[]] Dockerfile: not UTF-8 text (byte 0x80 at offset 128), and"
            " Docker, Go and GitHub Actions read this file as UTF-8.*",
            "*[[]goimage build[]] Dockerfile:1: Dockerfile syntax error: unknown instruction: *",
        ],
    ),
    Case(
        "dockerfile-is-a-directory",
        {"Dockerfile.d/x": "x"},
        ["*Dockerfile 'Dockerfile.d' is a directory*"],
        toml='[tool.goimage]\ndockerfiles = ["Dockerfile.d"]\n',
    ),
    Case(
        "go-mod-malformed",
        {"go.mod": "module example.com/x\n\ngo one.two\n", "Dockerfile": "FROM alpine:3.22\n"},
        ["*[[]goimage go-version[]] go.mod:3: `go one.two` is not a Go version*"],
        binary=False,
    ),
    Case(
        # No `go` line is no error: the go command reads the module as `go 1.16`.
        "go-mod-without-go-line",
        {
            "go.mod": "module example.com/x\n",
            "Dockerfile": "FROM golang:1.15 AS build\nFROM scratch\nCOPY --from=build /app /app\n",
        },
        [
            "Dockerfile:1: golang:1.15 names Go 1.15, go.mod requires 1.16 (no `go` line, which "
            "the go command reads as `go 1.16`) — use golang:1.16 or newer"
        ],
        select="go-version",
        binary=False,
    ),
    Case(
        # Trial 17: setup-go's go-version-file named a go.mod the repository does not hold,
        # which stops the CI job; it was a warning.
        "setup-go-version-file-missing",
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n"
            "        with:\n          go-version-file: backend/go.mod\n"
            "      - run: go test ./...\n",
            "Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY,
        },
        [
            "*[[]goimage go-version[]] Dockerfile: 1 CI job(s) cannot set up Go:",
            ".github/workflows/ci.yml:9: setup-go's go-version-file names backend/go.mod, which "
            'this repository does not hold, so setup-go stops there ("The specified go version '
            'file at: backend/go.mod does not exist") and job test never builds: point it at '
            "this module's go.mod (go.mod); if that job's build is not this module, add "
            '"ci.yml:test" to go_version_ignore in [[]tool.goimage[]].',
        ],
        select="go-version",
        binary=False,
    ),
    Case(
        "workflow-malformed",
        {
            ".github/workflows/ci.yml": "jobs: [\n  - x: {\n",
            "Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY,
        },
        ["*[[]goimage go-version[]] .github/workflows/ci.yml*"],
    ),
    Case(
        "workflow-merge-key",
        {
            ".github/workflows/ci.yml": (
                "x: &go {go-version: '1.26.8'}\njobs:\n  test:\n    steps:\n"
                "      - uses: actions/setup-go@v5\n        with:\n          <<: *go\n"
            ),
            "Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY,
        },
        [
            "*[[]goimage go-version[]] .github/workflows/ci.yml:7: `<<:` is a YAML merge key, "
            "which GitHub Actions does not support (it supports anchors and aliases only): "
            "GitHub reads `<<` as an ordinary key and merges nothing, so the workflow fails "
            "validation or runs without the merged keys; write the keys out, or alias a whole "
            "mapping (`env: *common`).*"
        ],
    ),
    Case(
        "workflow-odd-shape",
        {
            ".github/workflows/ci.yml": "jobs: 3\non: push\n",
            "Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY,
        },
        # An odd but valid workflow holds no pin: every check passes, nothing errors.
        ["*= 4 passed, 8 deselected in *"],
    ),
    Case(
        "entrypoint-is-a-script",
        {
            "run.sh": "#!/bin/sh\nexec /app\n",
            "Dockerfile": 'FROM alpine:3.22\nCOPY app /app\nCOPY run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n',
        },
        # The script is followed to the program it execs (it was inspected as an ELF file).
        ["Dockerfile::static PASSED*"],
        extra_args=["-v"],
    ),
    Case(
        "entrypoint-is-a-script-that-is-no-elf",
        {
            "Dockerfile": 'FROM alpine:3.22\nCOPY app /app\nCOPY run.txt /run\nENTRYPOINT ["/run"]\n',
            "run.txt": "not a script, not a program\n",
        },
        # Neither an ELF nor a `#!` script: no container of it can start, said before the ELF.
        [
            "*[[]goimage static[]] Dockerfile: no container of goimage/* can start: /run is a "
            "script without a `#!` line, which the kernel cannot execute*"
        ],
    ),
    Case(
        "truncated-elf",
        {
            "Dockerfile": 'FROM alpine:3.22\nCOPY app /app\nRUN head -c 3000 /app > /cut && chmod +x /cut\nENTRYPOINT ["/cut"]\n'
        },
        ["*[[]goimage static[]] Dockerfile: /cut in goimage/* is not a readable ELF executable*"],
    ),
    Case(
        "no-entrypoint",
        {"Dockerfile": "FROM scratch\nCOPY app /app\n"},
        [
            "*[[]goimage static[]] Dockerfile: image goimage/* has neither ENTRYPOINT nor CMD*set `binary`*"
        ],
    ),
    Case(
        "entrypoint-missing",
        {"Dockerfile": 'FROM alpine:3.22\nENTRYPOINT ["/nowhere/app"]\n'},
        ["*[[]goimage static[]] Dockerfile: the binary /nowhere/app does not exist in goimage/*"],
    ),
    Case(
        "entrypoint-not-where-the-binary-was-copied",
        {"Dockerfile": 'FROM scratch\nCOPY app /svc\nCOPY app /opt/bin/\nENTRYPOINT ["/app"]\n'},
        [
            "*[[]goimage static[]] Dockerfile: the binary /app does not exist in goimage/*; fix "
            "ENTRYPOINT/CMD or set `binary` in [[]tool.goimage[]]. Files the build copied into "
            "the image: /svc, /opt/bin/app."
        ],
    ),
    Case(
        "shell-form-entrypoint-on-scratch",
        {"Dockerfile": "FROM scratch\nCOPY app /app\nEXPOSE 8080\nENTRYPOINT /app\n"},
        [
            '*[[]goimage health[]] Dockerfile*exec: "/bin/sh": stat /bin/sh: no such file or '
            "directory*. Its ENTRYPOINT is in shell form (`ENTRYPOINT /app` runs `/bin/sh -c "
            '/app`) and the image has no /bin/sh: write it in exec form, `ENTRYPOINT [[]"/app"[]]`*'
        ],
        select="health",
    ),
    Case(
        "entrypoint-missing-at-start",
        {"Dockerfile": 'FROM scratch\nCOPY app /app\nEXPOSE 8080\nENTRYPOINT ["/bin/app"]\n'},
        [
            "*[[]goimage health[]] Dockerfile*: unknown. The binary /bin/app does not exist in "
            "goimage/*; fix ENTRYPOINT/CMD or set `binary` in [[]tool.goimage[]]. Files the build "
            "copied into the image: /app."
        ],
        select="health",
    ),
    Case(
        "non-go-static-binary",
        {"Dockerfile": 'FROM alpine:3.22\nENTRYPOINT ["/bin/busybox"]\n'},
        ["*/bin/busybox in goimage/* is not a static Go binary: it carries no Go build info*"],
        # `binary` says Go is expected; without it this image ships no Go (next case).
        toml='[tool.goimage]\nbinary = "/bin/busybox"\n',
    ),
    Case(
        "image-that-ships-no-go",
        {"Dockerfile": 'FROM alpine:3.22\nENTRYPOINT ["/bin/busybox"]\n'},
        [
            "SKIPPED [[]1[]] *Dockerfile: no Go binary: /bin/busybox, the program image goimage/* "
            "runs, is an executable without Go build info, so the Go checks (static, bucket, "
            "health) do not apply.*"
        ],
        binary=False,
        extra_args=["-rs"],
    ),
    Case(
        "unknown-target",
        {"Dockerfile": "FROM alpine:3.22 AS base\n" + RUN_ENTRY},
        [
            "*build target bsae is not a stage of this Dockerfile (named stages: base); fix "
            "`target` in [[]tool.goimage[]]. Did you mean 'base'?*"
        ],
        toml='[tool.goimage]\ntarget = "bsae"\n',
    ),
    Case(
        "size-budget-without-unit",
        {"Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY},
        [
            "*is over the size_budget of 40 B (a size_budget without a unit counts bytes: write "
            '"40MB" for megabytes)*'
        ],
        toml="[tool.goimage]\nsize_budget = 40\n",
        select="size",
    ),
    Case(
        "cgo-without-a-c-compiler",
        {
            "main.go": 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\n'
            "func main() { fmt.Println(net.IPv4len) }\n",
            "Dockerfile": "FROM golang:1.26-alpine\nWORKDIR /src\nCOPY . .\n"
            "RUN CGO_ENABLED=1 go build -o /app .\n",
        },
        [
            "*Dockerfile:4: the build failed in step `RUN CGO_ENABLED=1 go build -o /app .`: the "
            "step builds with cgo (CGO_ENABLED=1) and the builder image has no C compiler. Build "
            "with CGO_ENABLED=0*",
            '*cgo: C compiler "gcc" not found*',
        ],
        select="build",
    ),
    Case(
        "unknown-base-image",
        {"Dockerfile": "FROM nosuch.example/base:1.0\n" + RUN_ENTRY},
        [
            "*Dockerfile:1: base image nosuch.example/base:1.0 is not on the engine and could not be pulled*"
        ],
    ),
    Case(
        "copy-outside-context",
        {"Dockerfile": "FROM alpine:3.22\nCOPY ../secrets.txt /s\n" + RUN_ENTRY},
        [
            "*Dockerfile:2: COPY/ADD source*Paths that reach outside the context: COPY ../secrets.txt (line 2)*"
        ],
    ),
    Case(
        "copy-source-dockerignored",
        {
            ".dockerignore": "# runtime config stays local\n*.yaml\n",
            "app.yaml": "port: 8080\n",
            "Dockerfile": "FROM alpine:3.22\nCOPY app.yaml /etc/app.yaml\n" + RUN_ENTRY,
        },
        [
            "*Dockerfile:2: COPY/ADD source 'app.yaml' exists in *, but `.dockerignore:2: *.yaml` "
            "keeps it out of the build context '.' *re-include the file below it with `!app.yaml`*"
        ],
        select="build",
    ),
    Case(
        "copy-missing-after-copy-all",
        {
            "Dockerfile": "FROM alpine:3.22 AS src\nCOPY . /src\n"
            "FROM alpine:3.22\nCOPY --from=src /src/app /app\nCOPY config/app.yaml /etc/app.yaml\n"
        },
        ["*Dockerfile:5: COPY/ADD source 'config/app.yaml' is not in the build context '.'*"],
        select="build",
    ),
    Case(
        # Trial 17: a stage's `go build -o /out/api`, copied as /out/server, was reported as a
        # file missing from the build context, with advice to change the context.
        "copy-from-stage-missing-file",
        {
            "Dockerfile": "FROM golang:1.26-alpine AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN CGO_ENABLED=0 go build -o /out/api .\n"
            'FROM scratch\nCOPY --from=build /out/server /app\nENTRYPOINT ["/app"]\n'
        },
        [
            "*Dockerfile:6: `COPY --from=build /out/server ...` copies '/out/server' from stage "
            "build, and nothing in that stage wrote it; the file is missing from the stage, not "
            "from the build context. That stage's go build writes /out/api (line 4): copy that "
            "path, or make `-o` write the one this COPY expects.",
        ],
        select="build",
    ),
    Case(
        "copy-from-image-missing-file",
        {"Dockerfile": "FROM scratch\nCOPY --from=alpine:3.22 /bin/app /app\n"},
        [
            "*Dockerfile:2: `COPY --from=alpine:3.22 /bin/app ...` copies '/bin/app' from the "
            "image alpine:3.22, and that image has no such file. Fix the path (`id=$(docker "
            "create alpine:3.22 x); docker export $id | tar -t; docker rm $id` lists what is "
            "there), or the image's name.",
        ],
        select="build",
    ),
    Case(
        "go-files-dockerignored",
        {
            ".dockerignore": "*.go\n",
            "Dockerfile": "FROM golang:1.26-alpine\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n",
        },
        [
            "*Dockerfile:4: the build failed in step `RUN go build -o /app .`: Go finds no sources "
            "because `.dockerignore:1: *.go` keeps 1 .go file (such as *.go) out of the build "
            "context*",
            "*no Go files in /src*",
        ],
        select="build",
    ),
    Case(
        "syntax-directive-unreachable",
        {"Dockerfile": "# syntax=registry.invalid/frontend:1\nFROM alpine:3.22\n" + RUN_ENTRY},
        [
            "*Dockerfile:1: the `# syntax=registry.invalid/frontend:1` directive makes BuildKit "
            "fetch the Dockerfile frontend image registry.invalid/frontend:1 *Remove the directive*"
        ],
        select="build",
    ),
    Case(
        "failing-run-that-uses-an-arg",
        {
            "Dockerfile": 'FROM alpine:3.22\nARG GREETING=hello\nRUN echo "$GREETING" && exit 3\n'
            + RUN_ENTRY
        },
        ['*Dockerfile:3: the build failed in step `RUN echo "hello" && exit 3`*'],
    ),
    Case(
        "unknown-env-placeholder",
        {"Dockerfile": "FROM alpine:3.22\nEXPOSE 8080\n" + RUN_ENTRY},
        [
            "*pyproject.toml: [[]tool.goimage[]] env.DSN uses {minio.nope}, which is not a placeholder*"
        ],
        toml='[tool.goimage]\n[tool.goimage.env]\nDSN = "{minio.nope}"\n',
        select="health",
    ),
    Case(
        "no-exposed-port",
        {"Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY},
        [
            "*the image EXPOSEs no port, so the API port is unknown; set `port` in [[]tool.goimage[]]"
            " (or for this image in [[][[]tool.goimage.image[]][]]). An image that serves no HTTP"
            " API (a queue worker, a job) sets `health = false` there instead.*"
        ],
        select="health",
    ),
    Case(
        "corrupt-baseline",
        {"Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY, ".goimage-baseline.json": "{not json"},
        ["*.goimage-baseline.json: not a pytest-goimage baseline*"],
        select="size",
    ),
    Case(
        "baseline-list",
        {"Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY, ".goimage-baseline.json": "[]"},
        ['*.goimage-baseline.json: not a pytest-goimage baseline (it has no "images" table)*'],
        select="size",
    ),
    Case(
        "baseline-size-not-a-number",
        {
            "Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY,
            ".goimage-baseline.json": '{"images": {"Dockerfile": {"size_bytes": "big"}}}',
        },
        [
            "*.goimage-baseline.json: not a pytest-goimage baseline ('Dockerfile' has no whole,"
            " positive number of bytes as size_bytes)*"
        ],
        select="size",
    ),
    Case(
        "baseline-size-zero",
        {
            "Dockerfile": "FROM alpine:3.22\n" + RUN_ENTRY,
            ".goimage-baseline.json": '{"images": {"Dockerfile": {"size_bytes": 0}}}',
        },
        [
            "*.goimage-baseline.json: not a pytest-goimage baseline ('Dockerfile' has no whole,"
            " positive number of bytes as size_bytes)*"
        ],
        select="size",
    ),
    Case(
        "build-arg-unknown-image",
        {"Dockerfile": "ARG BASE=alpine:3.22\nFROM ${BASE}\n" + RUN_ENTRY},
        [
            "*Dockerfile:2: base image alpine:0.0-missing (${BASE} as written) is not on the"
            " engine and could not be pulled*"
        ],
        toml='[tool.goimage]\nbuild_args = { BASE = "alpine:0.0-missing" }\n',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(pytester: pytest.Pytester, case: Case) -> None:
    if case.binary:
        go_app(pytester.path)
    elif "go.mod" not in case.files:
        (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    for name, content in case.files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    (pytester.path / "pyproject.toml").write_text(case.toml)
    result = pytester.runpytest_subprocess("--goimage", "-k", case.select, *case.extra_args)
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    assert "INTERNALERROR" not in out, out
    for pattern in case.expected:
        assert any(fnmatch.fnmatch(line, pattern) for line in out.splitlines()), (
            f"{pattern!r} not in:\n{out}"
        )
