"""A monorepo's `replace example.com/lib => ../lib` built from the module's own folder: the
real build fails in `go mod download`, and the message says the folder is outside the build
context and how to build it (a real BuildKit build on the stand-in golang image)."""

from __future__ import annotations

import pytest

from tests.conftest import outcomes

DOCKERFILE = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/server ./cmd/server

FROM scratch
COPY --from=build /bin/server /server
ENTRYPOINT ["/server"]
"""


def test_a_replace_outside_the_build_context_is_named(pytester: pytest.Pytester) -> None:
    root = pytester.path
    (root / "lib").mkdir()
    (root / "lib/go.mod").write_text("module example.com/lib\n\ngo 1.26.0\n")
    (root / "lib/lib.go").write_text('package lib\n\nfunc Name() string { return "lib" }\n')
    svc = root / "svc"
    (svc / "cmd/server").mkdir(parents=True)
    (svc / "go.mod").write_text(
        "module example.com/svc\n\ngo 1.26.0\n\nrequire example.com/lib v0.0.0\n\n"
        "replace example.com/lib => ../lib\n"
    )
    (svc / "cmd/server/main.go").write_text(
        'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Name()) }\n'
    )
    (svc / "Dockerfile").write_text(DOCKERFILE)
    (root / "pyproject.toml").write_text('[tool.goimage]\nproject = "svc"\n')
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build")
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"build": "FAILED"}, out
    flat = " ".join(out.split())
    assert (
        "Dockerfile:4: the build failed in step `RUN go mod download`: go.mod:7 replaces "
        f"example.com/lib with ../lib, and {root}/lib is outside the build context ({svc}): the "
        "build never sees it. Build from a context that holds both modules" in flat
    ), out
    assert "reading /lib/go.mod: open /lib/go.mod: no such file or directory" in flat, out
