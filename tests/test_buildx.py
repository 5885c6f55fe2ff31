"""A buildx builder (GOIMAGE_BUILDER): plain progress read back, or a clear 'install buildx'."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.buildx import parse_plain_progress
from pytest_goimage.diagnose import diagnose


def _buildkit_cli() -> str:
    """The CLI that builds with BuildKit here without buildx (Debian's 20.10 docker)."""
    for candidate in ("/usr/bin/docker", shutil.which("docker") or ""):
        if candidate and Path(candidate).exists():
            version = subprocess.run(
                [candidate, "version", "--format", "{{.Client.Version}}"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            if version.split(".")[0].isdigit() and int(version.split(".")[0]) < 23:
                return candidate
    pytest.skip("no docker CLI here prints BuildKit's plain progress without buildx")


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
    message = diagnose(
        trace,
        dockerfile=tmp_path / "Dockerfile",
        dockerfile_label="Dockerfile",
        context=tmp_path,
        context_label=".",
        log_path=None,
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
