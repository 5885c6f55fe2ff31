"""A parent pipeline's trigger job passes its variables to the child pipeline it starts, over
the child's own: with `ARG GO_VERSION=1.26.8` in Dockerfile.prod and the child's
`GO_VERSION: "1.26.8"`, a trigger's `GO_VERSION: "1.21"` makes the child build ship Go 1.21.
Before, `go-version` read the child only with its own variables and passed; now the build it
makes fails naming the trigger's variable line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import outcomes

CONFIG = """
[tool.goimage]
dockerfiles = ["Dockerfile.prod"]
"""

PARENT = """\
release-image:
{variables}  trigger:
    include: ci/image.yml
    strategy: depend
"""

TRIGGER_VARIABLES = """\
  variables:
    GO_VERSION: "1.21"
"""

CHILD = """\
variables:
  GO_VERSION: "1.26.8"

release:
  image: docker:27
  services: [docker:27-dind]
  script:
    - docker build -f Dockerfile.prod --build-arg GO_VERSION=$GO_VERSION -t app .
"""


def _go_version(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest_subprocess("--goimage", "-v", "-p", "no:randomly", "-k", "go-version")


@pytest.mark.parametrize(
    "variables", [TRIGGER_VARIABLES, ""], ids=["trigger-variables", "no-trigger-variables"]
)
def test_a_trigger_s_older_go_fails_naming_its_variable_line(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, variables: str
) -> None:
    root = example_copy(CONFIG)
    (root / ".gitlab-ci.yml").write_text(PARENT.format(variables=variables))
    (root / "ci").mkdir()
    (root / "ci/image.yml").write_text(CHILD)
    result = _go_version(pytester)
    if not variables:
        assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
        return
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*Dockerfile.prod: 1 Go version pin(s) are older than go.mod requires (Go 1.26.8):",
            "ci/image.yml:8: GitLab CI job release builds Dockerfile.prod with GO_VERSION=1.21: "
            "golang:1.21-alpine names Go 1.21 (GO_VERSION=1.21 from GO_VERSION at "
            ".gitlab-ci.yml:3; started by trigger job release-image (.gitlab-ci.yml:1)*), "
            "go.mod requires 1.26.8 (go.mod:5 toolchain go1.26.8) — set GO_VERSION to '1.26.8' "
            "or newer on .gitlab-ci.yml:3",
        ],
        consecutive=True,
    )
