"""Build failures a user trial found unclear, each built for real on the engine: a bind-mounted
go.sum the module does not have, vendor/ out of step with go.mod, a COPY/ADD flag newer than
the engine's built-in Dockerfile frontend, and secret or ssh mounts the build cannot serve."""

from __future__ import annotations

import fnmatch
import glob

import pytest

GO_MOD = "module example.com/tiny\n\ngo 1.26\n"
MAIN_GO = "package main\n\nfunc main() {}\n"

# `docker init`'s Go template, trimmed: go.sum is bind-mounted whether the module has one or not.
DOCKER_INIT = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
# Download dependencies as a separate step to take advantage of Docker's caching.
RUN --mount=type=cache,target=/go/pkg/mod/ \\
    --mount=type=bind,source=go.sum,target=go.sum \\
    --mount=type=bind,source=go.mod,target=go.mod \\
    go mod download -x
RUN --mount=type=bind,target=. CGO_ENABLED=0 go build -o /bin/server .

FROM alpine:3.22
COPY --from=build /bin/server /bin/
ENTRYPOINT ["/bin/server"]
"""

COPY_GO_SUM = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
"""


def _failure(pytester: pytest.Pytester, files: dict[str, str]) -> str:
    """Write `files` (a go.mod without dependencies unless they hold one) and a bare
    [tool.goimage], run the build check; what it printed."""
    for name, text in {"go.mod": GO_MOD, **files}.items():
        (pytester.path / name).parent.mkdir(parents=True, exist_ok=True)
        (pytester.path / name).write_text(text)
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    out = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in out, out
    result.assert_outcomes(failed=1)
    return out


def _shows(out: str, expected: str) -> None:
    """`expected` (an fnmatch pattern, lines and all) is in `out`, or the assertion shows both."""
    assert fnmatch.fnmatch(out, f"*{expected}*"), f"{expected!r} not in:\n{out}"


@pytest.mark.parametrize(
    ("dockerfile", "go_mod", "expected"),
    [
        (
            DOCKER_INIT,
            GO_MOD,
            "[[]goimage build[]] Dockerfile:4: this RUN bind-mounts go.sum "
            "(`--mount=type=bind,source=go.sum,target=go.sum`), and the build context '.' (*) "
            "has no go.sum. Its go.mod requires no modules, and Go writes no go.sum for a module "
            "without dependencies: drop that mount (`go mod download` needs only go.mod).\n"
            "Full build log: *",
        ),
        (
            COPY_GO_SUM,
            GO_MOD + "\nrequire example.com/dep v1.0.0\n",
            "[[]goimage build[]] Dockerfile:3: this COPY copies go.sum, and the build context "
            "'.' (*) has no go.sum. A module with dependencies needs one: run `go mod tidy` and "
            "commit go.sum (a module with no dependencies has none: then drop go.sum from that "
            "COPY).\nFull build log: *",
        ),
    ],
    ids=["docker-init-bind-mount", "copy-with-dependencies"],
)
def test_a_go_sum_the_module_lacks_is_named_with_its_line(
    pytester: pytest.Pytester, dockerfile: str, go_mod: str, expected: str
) -> None:
    out = _failure(pytester, {"Dockerfile": dockerfile, "go.mod": go_mod, "main.go": MAIN_GO})
    _shows(out, expected)
    assert "COPY/ADD source" not in out


VENDORED = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod ./
COPY vendor/ vendor/
COPY *.go ./
RUN CGO_ENABLED=0 go build -mod=vendor -o /out/app .
"""


def test_inconsistent_vendoring_shows_what_go_found_and_the_fix(
    pytester: pytest.Pytester,
) -> None:
    """`go get` bumped go.mod and nobody ran `go mod vendor`: Go's lines under its header name
    each module that differs and its own advice; the message used to stop at the header."""
    files = {
        "Dockerfile": VENDORED,
        "go.mod": GO_MOD + "\nrequire example.com/dep v1.1.0\n",
        "main.go": 'package main\n\nimport _ "example.com/dep"\n\nfunc main() {}\n',
        "vendor/modules.txt": "# example.com/dep v1.0.0\n## explicit; go 1.26\nexample.com/dep\n",
        "vendor/example.com/dep/dep.go": "package dep\n",
    }
    out = _failure(pytester, files)
    _shows(
        out,
        "[[]goimage build[]] Dockerfile:6: the build failed in step `RUN CGO_ENABLED=0 go build "
        "-mod=vendor -o /out/app .`: vendor/ does not match go.mod (go: inconsistent "
        "vendoring): the build reads vendor/ (-mod=vendor, Go's default where "
        "vendor/modules.txt exists), and vendor/modules.txt lists other modules or versions "
        "than go.mod requires. Run `go mod vendor` and commit vendor/ with go.mod (`go build "
        "-mod=vendor ./...` shows the same locally).\n"
        "    go: inconsistent vendoring in /src:\n"
        "        example.com/dep@v1.1.0: is explicitly required in go.mod, but not marked as "
        "explicit in vendor/modules.txt\n"
        "        example.com/dep@v1.0.0: is marked as explicit in vendor/modules.txt, but not "
        "explicitly required in go.mod\n"
        "        To ignore the vendor directory, use -mod=readonly or -mod=mod.\n"
        "        To sync the vendor directory, run:\n"
        "            go mod vendor\n"
        "Full build log: *",
    )
    assert "exit code" not in out


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        (
            "COPY --link main.go /main.go",
            "[[]goimage build[]] Dockerfile:2: Dockerfile syntax error: Unknown flag: link. "
            "`COPY --link` is valid Dockerfile syntax, but this engine's built-in Dockerfile "
            "frontend knows it only with `# syntax=docker/dockerfile:1.4` (or later) as the "
            "first line (Docker 23 and later know it without it), so it refused the flag. Add "
            "that line where the engine can pull docker/dockerfile, or drop `--link`.",
        ),
        (
            "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc"
            "68d https://example.com/app.tar.gz /srv/",
            "[[]goimage build[]] Dockerfile:2: Dockerfile syntax error: Unknown flag: checksum. "
            "`ADD --checksum` is valid Dockerfile syntax, but this engine's built-in Dockerfile "
            "frontend knows it only with `# syntax=docker/dockerfile:1.6` (or later) as the "
            "first line (an engine with a newer built-in frontend knows it without it), so it "
            "refused the flag. Add that line where the engine can pull docker/dockerfile, or "
            "drop `--checksum`.",
        ),
    ],
    ids=["copy-link", "add-checksum"],
)
def test_a_flag_newer_than_the_engine_frontend_says_which_syntax_has_it(
    pytester: pytest.Pytester, instruction: str, expected: str
) -> None:
    dockerfile = f"FROM alpine:3.22\n{instruction}\n"
    _shows(_failure(pytester, {"Dockerfile": dockerfile, "main.go": MAIN_GO}), f"\n{expected}\n")


SESSION_FIX = (
    "Make the build work without it: vendor the private modules (`go mod vendor`, commit "
    "vendor/) so no step needs credentials, or, where the step works without it, {optional} "
    "and build through buildx (`builder` in [[]tool.goimage[]] or GOIMAGE_BUILDER; `default` "
    "is the docker CLI's own builder): pytest-goimage passes buildx no `--secret` or `--ssh` "
    "either, but its BuildKit skips an optional mount it is given nothing for."
)


@pytest.mark.parametrize(
    ("mount", "wanted", "optional"),
    [
        (
            "--mount=type=secret,id=netrc,target=/root/.netrc",
            "a build secret (id netrc)",
            "keep the mount optional",
        ),
        (
            "--mount=type=secret,id=netrc,required=true",
            "a build secret (id netrc)",
            "drop `required=true` from the mount",
        ),
        ("--mount=type=ssh", "the SSH agent", "keep the mount optional"),
    ],
    ids=["optional-secret", "required-secret", "ssh"],
)
def test_a_secret_or_ssh_mount_says_the_build_has_no_session(
    pytester: pytest.Pytester, mount: str, wanted: str, optional: str
) -> None:
    """The Engine API build has no BuildKit session: BuildKit says only "no active sessions"."""
    dockerfile = f"FROM alpine:3.22\nWORKDIR /src\nRUN {mount} \\\n    true\n"
    out = _failure(pytester, {"Dockerfile": dockerfile})
    expected = (
        f"[[]goimage build[]] Dockerfile:3: this RUN's `{mount}` asks BuildKit for {wanted}, "
        "and pytest-goimage's build has no BuildKit session to provide it: it builds through "
        "the Engine API, which carries no `--secret` or `--ssh`, so BuildKit fails every secret "
        'and ssh mount, required or not ("no active sessions"). '
        + SESSION_FIX.format(optional=optional)
    )
    _shows(out, f"\n{expected}\n")


def test_a_run_exec_form_that_is_not_json_gets_the_form_to_write(
    pytester: pytest.Pytester,
) -> None:
    """`RUN ["go", "build", ...` without its `]`: BuildKit runs it as a shell form, whose shell
    looks for a program called `["go",`; the build said only "[go,: not found"."""
    dockerfile = (
        "FROM golang:1.26-alpine AS build\nWORKDIR /src\nCOPY . .\n"
        'RUN ["go", "build", "-o", "/app", "."\n'
        'FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n'
    )
    out = _failure(pytester, {"Dockerfile": dockerfile, "main.go": MAIN_GO})
    expected = (
        '[goimage build] Dockerfile:4: `RUN ["go", "build", "-o", "/app", "."` is not valid '
        "JSON: its closing `]` is missing. BuildKit then runs it in shell form, `/bin/sh -c "
        '\'["go", "build", "-o", "/app", "."\'`, and the step failed (exit code: 127): '
        'the shell looks for a program called `[go,`. Write `RUN ["go", "build", "-o", '
        '"/app", "."]`, or a shell form without the brackets.\n'
        "    /bin/sh: [go,: not found\nFull build log: "
    )
    _shows(out, glob.escape(expected))
