"""A release workflow that builds a configured Dockerfile with build arguments of its own ships
an image the plugin never built: with `ARG GO_VERSION=1.26.8` in Dockerfile.prod the plugin
builds and tests Go 1.26.8, while `build-args: GO_VERSION=1.21` in CI ships Go 1.21. Before,
`go-version` passed such a release gate; now the CI build is a pin of its own, and a Go other
than the one tested fails with the way out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RELEASE_WORKFLOW, outcomes

CONFIG = """
[tool.goimage]
dockerfiles = ["Dockerfile.prod"]
"""


def _release(root: Path, go: str) -> None:
    (root / ".github" / "workflows" / "release.yml").write_text(RELEASE_WORKFLOW.format(go=go))


def _go_version(pytester: pytest.Pytester, outcome: str, lines: list[str] | None = None) -> None:
    """`--goimage -k go-version` ends with Dockerfile.prod's check `outcome`, printing `lines`."""
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-p", "no:randomly", "-k", "go-version"
    )
    assert outcomes(result) == {"Dockerfile.prod::go-version": outcome}, result.stdout.str()
    if lines:
        result.stdout.fnmatch_lines(lines, consecutive=True)


def test_a_release_build_with_an_older_go_fails_naming_its_line(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    _release(example_copy(CONFIG), "1.21")
    _go_version(
        pytester,
        "FAILED",
        [
            "*Dockerfile.prod: 1 Go version pin(s) are older than go.mod requires (Go 1.26.8):",
            ".github/workflows/release.yml:18: job image builds Dockerfile.prod with "
            "GO_VERSION=1.21: golang:1.21-alpine names Go 1.21 (GO_VERSION=1.21 from "
            "env.GO_VERSION at line 6), go.mod requires 1.26.8 (go.mod:5 toolchain go1.26.8) — "
            "set env.GO_VERSION to '1.26.8' or newer on .github/workflows/release.yml:6",
            'A workflow job whose image does not ship can be left out: add "release.yml:image" '
            "to go_version_ignore in [[]tool.goimage[]].",
        ],
    )


def test_a_release_build_with_the_dockerfile_s_own_go_passes(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    _release(example_copy(CONFIG), "1.26.8")
    _go_version(pytester, "PASSED")


def test_build_args_set_to_the_ci_value_test_what_ships(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """The example's own CD workflow passes `--build-arg GO_VERSION=${{ env.GO_VERSION }}`:
    at 1.26 it is new enough for go.mod, but not the 1.26.8 the plugin built; with build_args
    at the CI value the plugin builds what ships, and the check passes."""
    root = example_copy(CONFIG)
    cd = root / ".github" / "workflows" / "cd.yml"
    cd.write_text(cd.read_text().replace("GO_VERSION: '1.26.8'", "GO_VERSION: '1.26'"))
    _go_version(
        pytester,
        "FAILED",
        [
            "*Dockerfile.prod: 1 CI image build(s) ship a Go this run did not test:",
            ".github/workflows/cd.yml:59: job images builds Dockerfile.prod with GO_VERSION=1.26 "
            "(GO_VERSION=1.26 from env.GO_VERSION at line 12), so the image CI ships is built "
            "FROM golang:1.26-alpine (Go 1.26, a tag that floats to the newest 1.26.x), but this "
            "run built and tested Dockerfile.prod:5 FROM golang:1.26.8-alpine (Go 1.26.8; "
            "GO_VERSION=1.26.8 from ARG default, line 3): the image CI ships is not the image "
            'tested. Pin the CI value to the one tested, or add GO_VERSION = "1.26" to '
            "build_args in [[]tool.goimage[]] so that this run tests what ships; if that job's "
            'image does not ship, add "cd.yml:images" to go_version_ignore in [[]tool.goimage[]].',
        ],
    )
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\ndockerfiles = ["Dockerfile.prod"]\nbuild_args = { GO_VERSION = "1.26" }\n'
    )
    _go_version(pytester, "PASSED")


def test_a_release_build_that_leaves_an_arg_without_default_empty_cannot_start(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """Trial 16: the team gives GO_VERSION in build_args only (a Makefile passes it); the
    release job does not, so its FROM is `golang:-alpine` and CI's build cannot start, while
    this run's build with build_args passed."""
    root = example_copy(CONFIG + 'build_args = { GO_VERSION = "1.26.8" }\n')
    prod = root / "Dockerfile.prod"
    prod.write_text(prod.read_text().replace("ARG GO_VERSION=1.26.8", "ARG GO_VERSION"))
    workflow = RELEASE_WORKFLOW.format(go="1.26.8").replace(
        "            GO_VERSION=${{ env.GO_VERSION }}\n", ""
    )
    (root / ".github" / "workflows" / "release.yml").write_text(workflow)
    _go_version(
        pytester,
        "FAILED",
        [
            "*Dockerfile.prod: 1 CI image build(s) cannot start:",
            ".github/workflows/release.yml:12: job image builds Dockerfile.prod without "
            "GO_VERSION, which the ARG at Dockerfile.prod:3 declares without a default, so its "
            "FROM at Dockerfile.prod:5 becomes golang:-alpine, which the engine refuses (invalid "
            "reference format): that build fails before its first step (this run passed "
            'GO_VERSION = "1.26.8" from build_args). Give the ARG a default (`ARG '
            "GO_VERSION=1.26.8`), or pass GO_VERSION=1.26.8 to that build (`--build-arg`, or "
            "build-push-action's `build-args`); if that job's image does not ship, add "
            '"release.yml:image" to go_version_ignore in [[]tool.goimage[]].',
        ],
    )
