"""A monorepo's second service, its own Go module, configured under the first one's `project`
(a user trial): its binary was compared with the other module's go.mod, and passed. Now the
image names its own go.mod, and an entry's `project` checks it against that one."""

from __future__ import annotations

import json
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


def _workflow(go_version: str) -> str:
    # setup-go v6 sets GOTOOLCHAIN=local: the job runs `go_version` (v5's would switch).
    return (
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-go@v6\n        with:\n"
        f"          go-version: '{go_version}'\n      - run: go test ./...\n"
    )


def _two_modules(root: Path, api_go_mod: str, worker_go_mod: str) -> Path:
    """services/api and services/worker, each a module with an empty Dockerfile (go-version
    reads no image); the workflows folder, made."""
    for service, go_mod in {"api": api_go_mod, "worker": worker_go_mod}.items():
        (root / "services" / service).mkdir(parents=True)
        (root / "services" / service / "go.mod").write_text(
            f"module example.com/{service}\n\n{go_mod}"
        )
        (root / "services" / service / "Dockerfile").write_text("FROM scratch\n")
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    return workflows


def test_go_version_ignore_of_one_module_leaves_the_others_checked(
    pytester: pytest.Pytester,
) -> None:
    """A review: in a monorepo each module is compared with every workflow, and the advice to
    leave the api's workflow out of the worker's check went to the top-level list, which left
    it out of the api's own check too (a false pass)."""
    root = pytester.path
    workflows = _two_modules(root, "go 1.26.5\n", "go 1.26.0\n\ntoolchain go1.26.9\n")
    (workflows / "api.yml").write_text(_workflow("1.26.5"))
    (workflows / "worker.yml").write_text(_workflow("1.26.9"))
    config = (
        '[tool.goimage]\nproject = "services/api"\n'
        'dockerfiles = ["Dockerfile", "../worker/Dockerfile"]\n\n'
        '[[tool.goimage.image]]\ndockerfile = "../worker/Dockerfile"\nproject = "services/worker"\n'
    )
    (root / "pyproject.toml").write_text(config)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "go-version")
    assert outcomes(result) == {
        "Dockerfile::go-version": "PASSED",
        "../worker/Dockerfile::go-version": "FAILED",
    }, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            'A workflow job that does not build this module can be left out: add "api.yml:test" '
            "to go_version_ignore in the [[][[]tool.goimage.image[]][]] entry of "
            "../worker/Dockerfile (a list there replaces the top-level one for that image only)."
        ]
    )
    # The advice taken, and the api's own pin falling behind: the api's check still sees it.
    (root / "pyproject.toml").write_text(config + 'go_version_ignore = ["api.yml:test"]\n')
    (workflows / "api.yml").write_text(_workflow("1.26.0"))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "go-version")
    assert outcomes(result) == {
        "Dockerfile::go-version": "FAILED",
        "../worker/Dockerfile::go-version": "PASSED",
    }, result.stdout.str()


def test_a_workflow_following_another_modules_go_mod_is_that_modules_pin(
    pytester: pytest.Pytester,
) -> None:
    """A user trial: a monorepo's workflow jobs each set up Go from their own module's go.mod
    (`go-version-file: services/api/go.mod`). The worker, which needs a newer Go, was compared
    with the api's job and failed, unless a go_version_ignore entry named it by hand."""
    root = pytester.path
    workflows = _two_modules(root, "go 1.26.5\n", "go 1.26.9\n")
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n"
        + "".join(
            f"  {service}:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/setup-go@v6\n        with:\n"
            f"          go-version-file: services/{service}/go.mod\n"
            f"      - run: go test ./...\n        working-directory: services/{service}\n"
            for service in ("api", "worker")
        )
    )
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\nproject = "services/api"\n'
        'dockerfiles = ["Dockerfile", "../worker/Dockerfile"]\n\n'
        '[[tool.goimage.image]]\ndockerfile = "../worker/Dockerfile"\nproject = "services/worker"\n'
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "go-version", "--goimage-report=report.json"
    )
    assert outcomes(result) == {
        "Dockerfile::go-version": "PASSED",
        "../worker/Dockerfile::go-version": "PASSED",
    }, result.stdout.str()
    report = json.loads((root / "report.json").read_text())
    said = {
        image["dockerfile"]: image["checks"]["go-version"]["message"] for image in report["images"]
    }
    other = (
        "follows services/{}/go.mod, the Go of module folder services/{}, another image's "
        "`project`: compared with that module"
    )
    assert other.format("worker", "worker") in said["Dockerfile"], said
    assert other.format("api", "api") not in said["Dockerfile"], said
    assert other.format("api", "api") in said["../worker/Dockerfile"], said
    assert other.format("worker", "worker") not in said["../worker/Dockerfile"], said
