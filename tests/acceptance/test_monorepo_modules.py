"""A monorepo's second service, its own Go module, configured under the first one's `project`
(a user trial): its binary was compared with the other module's go.mod, and passed. Now the
image names its own go.mod, and an entry's `project` checks it against that one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import go_app, outcomes

WORKER = 'FROM scratch\nCOPY services/worker/app /worker\nENTRYPOINT ["/worker"]\n'
CONFIG = """\
[tool.goimage]
project = "services/api"
dockerfiles = ["../worker/Dockerfile"]

[[tool.goimage.image]]
dockerfile = "../worker/Dockerfile"
context = "../.."
"""


def _monorepo(root: Path) -> None:
    """services/api (module example.com/api) and services/worker (example.com/tiny, built on
    this machine, whose go.mod then asks for a toolchain no Go has yet)."""
    worker = root / "services" / "worker"
    worker.mkdir(parents=True)
    go_app(worker)
    (worker / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n\ntoolchain go1.99.0\n")
    (worker / "Dockerfile").write_text(WORKER)
    api = root / "services" / "api"
    api.mkdir()
    (api / "go.mod").write_text("module example.com/api\n\ngo 1.26\n")


def test_a_second_module_is_checked_against_its_own_go_mod(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = pytester.path
    _monorepo(root)
    (root / "pyproject.toml").write_text(CONFIG)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "static", "-p", "no:randomly")
    assert outcomes(result, short=True) == {"static": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage static[]] ../worker/Dockerfile: /worker in goimage/*:* is module "
            "example.com/tiny (its Go build info; services/worker/go.mod), but its Go version is "
            "compared with services/api/go.mod, module example.com/api: set project = "
            "'services/worker' in this image's [[][[]tool.goimage.image[]][]] entry, so that it "
            "is checked against its own go.mod."
        ]
    )
    # The advice taken: the binary is compared with the worker's go.mod, which it misses.
    (root / "pyproject.toml").write_text(CONFIG + 'project = "services/worker"\n')
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "static", "-p", "no:randomly")
    assert outcomes(result, short=True) == {"static": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage static[]] ../worker/Dockerfile: /worker in goimage/*:* was built with "
            "go1.*, but go.mod requires Go 1.99.0 (services/worker/go.mod:5 toolchain go1.99.0)*"
        ]
    )


def test_a_bad_project_in_an_entry_names_the_entry(pytester: pytest.Pytester) -> None:
    root = pytester.path
    _monorepo(root)
    (root / "pyproject.toml").write_text(CONFIG + 'project = "services/nowhere"\n')
    result = pytester.runpytest_subprocess("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*pyproject.toml: [[][[]tool.goimage.image[]][]] '../worker/Dockerfile' project = "
            "'services/nowhere' is not a directory below *; set it to the folder that holds go.mod."
        ]
    )
