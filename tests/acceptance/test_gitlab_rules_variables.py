"""A GitLab CI rule that sets variables changes what its job builds where it matches: with
`ARG GO_VERSION=1.26.8` in Dockerfile.prod and the pipeline's `GO_VERSION: "1.26.8"`, a release
rule's `GO_VERSION: "1.21"` ships Go 1.21 from release branches. Before, `go-version` read the
job only without its rules and passed; now each rule with variables is a way the job runs, and
the build it makes there fails naming the rule's variable line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import outcomes

CONFIG = """
[tool.goimage]
dockerfiles = ["Dockerfile.prod"]
"""

PIPELINE = """\
variables:
  GO_VERSION: "1.26.8"

release:
  image: docker:27
  services: [docker:27-dind]
{rules}  script:
    - docker build -f Dockerfile.prod --build-arg GO_VERSION=$GO_VERSION -t app .
"""

RELEASE_RULE = """\
  rules:
    - if: $CI_COMMIT_BRANCH == "release"
      variables:
        GO_VERSION: "1.21"
    - when: on_success
"""


def _go_version(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest_subprocess("--goimage", "-v", "-p", "no:randomly", "-k", "go-version")


@pytest.mark.parametrize("rules", [RELEASE_RULE, ""], ids=["release-rule", "no-rules"])
def test_a_release_rule_s_older_go_fails_naming_its_variable_line(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, rules: str
) -> None:
    root = example_copy(CONFIG)
    (root / ".gitlab-ci.yml").write_text(PIPELINE.format(rules=rules))
    result = _go_version(pytester)
    if not rules:
        assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
        return
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*Dockerfile.prod: 1 Go version pin(s) are older than go.mod requires (Go 1.26.8):",
            ".gitlab-ci.yml:13: GitLab CI job release builds Dockerfile.prod with "
            "GO_VERSION=1.21: golang:1.21-alpine names Go 1.21 (GO_VERSION=1.21 from GO_VERSION "
            "at line 10*), go.mod requires 1.26.8 (go.mod:5 toolchain go1.26.8) — set GO_VERSION "
            "to '1.26.8' or newer on .gitlab-ci.yml:10",
        ],
        consecutive=True,
    )
