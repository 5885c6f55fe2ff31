"""A committed go.work that asks for a newer Go than the builder has: the real build fails
with Go's `go.work requires go >= ...`, and the build check names go.work (not go.mod) as what
asks for it, beside go-version's finding before any build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import commit_checkout, go_workspace_repo, outcomes


def test_the_build_names_go_work_as_what_needs_the_newer_go(pytester: pytest.Pytester) -> None:
    go_workspace_repo(pytester)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build or go-version")
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"go-version": "FAILED", "build": "FAILED"}, out
    assert (
        "the builder image runs Go 1.26.8 but go.work requires Go >= 1.27.0. Use a builder "
        "image with Go 1.27.0 or newer (FROM at Dockerfile:1), or lower go.work's go/toolchain "
        "line." in " ".join(out.split())
    ), out


MONO_DOCKERFILE = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY go.work ./
COPY pkg/ pkg/
COPY services/ services/
RUN CGO_ENABLED=0 go build -o /out/{svc} ./services/{svc}

FROM alpine:3.22
COPY --from=build /out/{svc} /usr/local/bin/{svc}
ENTRYPOINT ["/usr/local/bin/{svc}"]
"""

MONO_CONFIG = """\
[tool.goimage]
bucket = false
health = false

[[tool.goimage.image]]
dockerfile = "services/api/Dockerfile"
project = "services/api"

[[tool.goimage.image]]
dockerfile = "services/worker/Dockerfile"
project = "services/worker"
"""


def _two_service_workspace(root: Path, work_go: str) -> None:
    """go.work at the top (`go {work_go}`) over pkg/common and two services that import it;
    no go.mod at the top; each Dockerfile builds from the repository's top."""
    (root / "go.work").write_text(
        f"go {work_go}\n\nuse (\n\t./pkg/common\n\t./services/api\n\t./services/worker\n)\n"
    )
    (root / "pkg/common").mkdir(parents=True)
    (root / "pkg/common/go.mod").write_text("module example.com/mono/common\n\ngo 1.26\n")
    (root / "pkg/common/common.go").write_text('package common\n\nconst Name = "mono"\n')
    for svc in ("api", "worker"):
        folder = root / "services" / svc
        folder.mkdir(parents=True)
        (folder / "go.mod").write_text(
            f"module example.com/mono/{svc}\n\ngo 1.26\n\nrequire example.com/mono/common v0.0.0\n"
        )
        (folder / "main.go").write_text(
            'package main\n\nimport "example.com/mono/common"\n\n'
            "func main() { println(common.Name) }\n"
        )
        (folder / "Dockerfile").write_text(MONO_DOCKERFILE.format(svc=svc))
    (root / "pyproject.toml").write_text(MONO_CONFIG)
    commit_checkout(root, "")


def test_a_workspace_without_go_mod_at_the_top_is_configured_from_the_top(
    pytester: pytest.Pytester,
) -> None:
    """Trial 13 F7: a go.work monorepo needed a module as the top-level `project` and the
    other image named `../worker/Dockerfile` with context `../..`. With each entry naming its
    module, the images are named from the top and every check reads its own go.mod."""
    _two_service_workspace(pytester.path, "1.26")
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-rA", "-k", "go-version or tracked or build or static"
    )
    out = result.stdout.str()
    assert outcomes(result) == {
        f"services/{svc}/Dockerfile::{check}": "PASSED"
        for svc in ("api", "worker")
        for check in ("go-version", "tracked", "build", "static")
    }, out


def test_a_workspace_without_go_mod_at_the_top_still_fails_on_go_work_s_go(
    pytester: pytest.Pytester,
) -> None:
    _two_service_workspace(pytester.path, "1.27")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-rA", "-k", "go-version")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result) == {
        "services/api/Dockerfile::go-version": "FAILED",
        "services/worker/Dockerfile::go-version": "FAILED",
    }, out
    for svc in ("api", "worker"):
        assert (
            f"[goimage go-version] services/{svc}/Dockerfile: 1 Go version pin(s) build in the "
            "workspace go.work and are older than it requires (Go 1.27):" in out
        ), out


def test_a_module_s_own_dockerfile_built_from_the_top_is_told_its_context(
    pytester: pytest.Pytester,
) -> None:
    """An entry that names its module but keeps the top as the context (the review of F7):
    the Dockerfile copies go.mod from its own folder, and the failure says to make that folder
    the context; the advice, followed, builds."""
    root = pytester.path
    folder = root / "services" / "api"
    folder.mkdir(parents=True)
    (folder / "go.mod").write_text("module example.com/api\n\ngo 1.26\n")
    (folder / "main.go").write_text("package main\n\nfunc main() {}\n")
    (folder / "Dockerfile").write_text(
        "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY go.mod ./\nCOPY *.go ./\n"
        "RUN CGO_ENABLED=0 go build -o /out/api .\n\n"
        'FROM scratch\nCOPY --from=build /out/api /api\nENTRYPOINT ["/api"]\n'
    )
    entry = (
        '[[tool.goimage.image]]\ndockerfile = "services/api/Dockerfile"\nproject = "services/api"\n'
    )
    (root / "pyproject.toml").write_text(f"[tool.goimage]\nbucket = false\n\n{entry}")
    commit_checkout(root, "")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-rA", "-k", "build")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result) == {"services/api/Dockerfile::build": "FAILED"}, out
    assert (
        f"services/api/Dockerfile:3: COPY/ADD source 'go.mod' is not in the build context '.' "
        f"({root}), but "
        f"{folder / 'go.mod'} exists beside the Dockerfile: this Dockerfile expects its own folder "
        'as its build context. Set `context = "services/api"` for services/api/Dockerfile in '
        "[tool.goimage] (or its [[tool.goimage.image]] entry)." in out
    ), out
    (root / "pyproject.toml").write_text(
        f'[tool.goimage]\nbucket = false\n\n{entry}context = "services/api"\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-rA", "-k", "build")
    assert outcomes(result) == {"services/api/Dockerfile::build": "PASSED"}, result.stdout.str()


def test_static_compares_a_binary_built_in_the_workspace_with_go_work_s_toolchain(
    pytester: pytest.Pytester,
) -> None:
    """Trial 17's false pass: go.work's `toolchain go1.26.9` over go.mods that ask for 1.26, a
    builder with Go 1.26.8 (GOTOOLCHAIN=local builds anyway): static compared the go1.26.8
    binary with go.mod only."""
    _two_service_workspace(pytester.path, "1.26\ntoolchain go1.26.9")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "static")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result) == {
        "services/api/Dockerfile::static": "FAILED",
        "services/worker/Dockerfile::static": "FAILED",
    }, out
    for svc in ("api", "worker"):
        assert (
            f"/usr/local/bin/{svc} in goimage/" in out
            and f"was built with go1.26.8, but go.work requires Go 1.26.9 (go.work:2 toolchain "
            f"go1.26.9): its builder image golang:1.26.8-alpine (services/{svc}/Dockerfile:1) "
            "has an older Go."
            in out
        ), out
