"""A buildx builder (GOIMAGE_BUILDER): plain progress read back, or a clear 'install buildx'."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_goimage.build.buildx import parse_plain_progress
from pytest_goimage.build.diagnose import explain
from pytest_goimage.build.failed_build import read_failed_build
from tests.conftest import buildkit_cli


def _buildkit_cli() -> str:
    """The CLI that builds with BuildKit here without buildx (Debian's 20.10 docker)."""
    cli = buildkit_cli()
    if cli is None:
        pytest.skip("no docker CLI here prints BuildKit's plain progress without buildx")
    return cli


def test_plain_progress_of_a_real_failed_build(tmp_path: Path) -> None:
    """The same failure read from `--progress=plain` is diagnosed like an Engine API build."""
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.22\nRUN echo ok\nRUN echo 'main.go:3:1: syntax error: unexpected }' >&2"
        " && false\n"
    )
    output = subprocess.run(
        [_buildkit_cli(), "build", "--progress=plain", "--no-cache", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DOCKER_BUILDKIT": "1"},
    )
    assert output.returncode != 0
    trace = parse_plain_progress(output.stdout + output.stderr)
    failed = trace.failed_step()
    assert failed is not None and failed.name.startswith("[3/3] RUN echo")
    assert "exit code: 1" in trace.error
    assert "main.go:3:1: syntax error" in trace.output(failed.digest)
    message = explain(
        read_failed_build(
            trace,
            dockerfile=tmp_path / "Dockerfile",
            dockerfile_label="Dockerfile",
            context=tmp_path,
            context_label=".",
            log_path=None,
        )
    ).message
    assert message.startswith("Dockerfile:3: the build failed in step `RUN echo")
    assert "main.go:3:1: syntax error: unexpected }" in message


def test_builder_without_buildx_says_what_to_install(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    monkeypatch.setenv("GOIMAGE_BUILDER", "remote-buildkit")
    has_buildx = any(
        subprocess.run([c, "buildx", "version"], capture_output=True, check=False).returncode == 0
        for c in filter(None, [shutil.which("docker"), "/usr/bin/docker"])
        if Path(c).exists()
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    if has_buildx:  # a machine with buildx: the unknown builder is named by buildx itself
        assert "remote-buildkit" in out
    else:
        assert (
            "GOIMAGE_BUILDER=remote-buildkit asks for a buildx builder, but no docker CLI here "
            "has the buildx plugin" in out
        ), out
        assert "unset GOIMAGE_BUILDER to build through the engine API" in out


def test_build_through_a_buildx_builder(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    buildx_config: Path,
    no_leaks: None,
) -> None:
    """A real `docker buildx build --load` on the engine's builder: the image is inspected like
    any other, and a failure is diagnosed from buildx's plain progress."""
    root = example_copy('[tool.goimage]\ndockerfiles = ["backend/Dockerfile"]\n')
    monkeypatch.setenv("DOCKER_CONFIG", str(buildx_config))
    monkeypatch.setenv("GOIMAGE_BUILDER", "default")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build or static")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["goimage backend/Dockerfile: built in *s (*steps cached)"])

    config_go = root / "backend/pkg/config/config.go"
    # Not test_build's broken line: the same failing step, built at the same moment on the
    # same engine, is run once by BuildKit, and only one of the two builds gets its output.
    config_go.write_text(config_go.read_text() + "\nfunc brokenUnderBuildx( {\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "backend/Dockerfile:13: the build failed in step `RUN" in out, out
    assert re.search(r"backend/pkg/config/config\.go:\d+:\d+: syntax error", out), out
    assert "Traceback" not in out

    # A builder that does not exist is named as such, not as a failed step.
    monkeypatch.setenv("GOIMAGE_BUILDER", "nosuch")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    out = " ".join(result.stdout.str().split())
    assert "backend/Dockerfile: buildx has no builder 'nosuch' (chosen by GOIMAGE_BUILDER" in out
    assert "`docker buildx create --name nosuch ...`" in out, out
    assert "(no step)" not in out


def test_secret_mounts_through_a_buildx_builder(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, buildx_config: Path
) -> None:
    """buildx has the BuildKit session an Engine API build lacks, but pytest-goimage gives it
    no --secret: an optional secret mount is skipped and the image builds, as the engine-API
    message says; a required one fails, named with its line and what to do."""
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    step = "RUN --mount=type=secret,id=netrc,target=/root/.netrc{} \\\n    true\n"
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n" + step.format(""))
    (pytester.path / "Dockerfile.ci").write_text("FROM alpine:3.22\n" + step.format(",required"))
    pytester.makepyprojecttoml('[tool.goimage]\ndockerfiles = ["Dockerfile", "Dockerfile.ci"]\n')
    monkeypatch.setenv("DOCKER_CONFIG", str(buildx_config))
    monkeypatch.setenv("GOIMAGE_BUILDER", "default")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage build[]] Dockerfile.ci:2: this RUN's "
            "`--mount=type=secret,id=netrc,target=/root/.netrc,required` requires a build "
            "secret (id netrc), and pytest-goimage passes `docker buildx build` no `--secret` or "
            '`--ssh`, so BuildKit has none to mount ("secret netrc not found"). Make the build '
            "work without it: vendor the private modules (`go mod vendor`, commit vendor/) so no "
            "step needs credentials, or, where the step works without it, drop `required=true` "
            "from the mount: BuildKit then skips it."
        ]
    )
