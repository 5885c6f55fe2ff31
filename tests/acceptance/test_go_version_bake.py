"""A release workflow that builds its images with `docker buildx bake`: the Go the image ships
is whatever the bake file's variable and CI's environment give GO_VERSION, which the plugin
never built. Before, go-version did not read bake at all and passed; now buildx itself prints
the definition CI builds (`docker buildx bake --print`, with CI's environment only) and each
target of a configured Dockerfile is a CI build pin. Real buildx (the `buildx_config`
fixture), the example project, and a subprocess run as a user's."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import outcomes

CONFIG = """
[tool.goimage]
dockerfiles = ["Dockerfile.prod"]
"""

BAKE_FILE = """\
variable "GO_VERSION" {
  default = "1.21"
}

target "prod" {
  dockerfile = "Dockerfile.prod"
  args = {
    GO_VERSION = GO_VERSION
  }
}
"""

BAKE_WORKFLOW = """\
name: release
on:
  push:
    tags: ["v*"]
{env}jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
      - uses: docker/bake-action@v6
        with:
          source: .
          targets: prod
          push: true
"""


@pytest.fixture
def with_buildx(monkeypatch: pytest.MonkeyPatch, buildx_config: Path) -> None:
    """A docker CLI with a real buildx for the runs (DOCKER_CONFIG's cli-plugins)."""
    monkeypatch.setenv("DOCKER_CONFIG", str(buildx_config))


@pytest.fixture
def without_buildx(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A docker CLI without buildx: a DOCKER_CONFIG with no cli-plugins (a skip where this
    machine has buildx installed system-wide)."""
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))  # no cli-plugins there
    probe = subprocess.run(
        ["docker", "buildx", "version"], capture_output=True, check=False, env=dict(os.environ)
    )
    if probe.returncode == 0:
        pytest.skip("this machine's docker CLI has buildx installed system-wide")


def _project(copy: Callable[..., Path], env: str = "") -> Path:
    root = copy(CONFIG)
    (root / "docker-bake.hcl").write_text(BAKE_FILE)
    (root / ".github" / "workflows" / "release.yml").write_text(BAKE_WORKFLOW.format(env=env))
    return root


def _go_version(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "--goimage", "-v", "-rA", "-p", "no:randomly", "-k", "go-version"
    )


def test_a_bake_variable_s_older_go_fails_pointing_at_the_bake_file(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    with_buildx: None,
) -> None:
    monkeypatch.setenv("GO_VERSION", "1.26.8")  # the laptop's own shell: not CI's environment
    _project(example_copy)
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*Dockerfile.prod: 1 Go version pin(s) are older than go.mod requires (Go 1.26.8):",
            ".github/workflows/release.yml:11: job image builds Dockerfile.prod with "
            "GO_VERSION=1.21: golang:1.21-alpine names Go 1.21 (GO_VERSION=1.21 from GO_VERSION "
            "at docker-bake.hcl:2; bake target prod), go.mod requires 1.26.8 (go.mod:5 "
            "toolchain go1.26.8) — set GO_VERSION to '1.26.8' or newer on docker-bake.hcl:2",
        ],
        consecutive=True,
    )


def test_ci_s_environment_sets_the_bake_variable(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, with_buildx: None
) -> None:
    """The workflow's env overrides the variable's default, as in CI: at the Go the plugin
    built it passes, and at another it fails as "not the image tested", naming the env line."""
    root = _project(example_copy, env='env:\n  GO_VERSION: "1.26.8"\n')
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
    workflow = root / ".github" / "workflows" / "release.yml"
    workflow.write_text(workflow.read_text().replace('"1.26.8"', '"1.26"'))
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*Dockerfile.prod: 1 CI image build(s) ship a Go this run did not test:",
            ".github/workflows/release.yml:13: job image builds Dockerfile.prod with "
            "GO_VERSION=1.26 (GO_VERSION=1.26 from env.GO_VERSION at line 6; bake target prod), "
            "so the image CI ships is built FROM golang:1.26-alpine (Go 1.26, a tag that floats "
            "to the newest 1.26.x), but this run built and tested Dockerfile.prod:5 FROM "
            "golang:1.26.8-alpine*",
        ]
    )


def test_a_gitlab_job_s_bake_set_override_is_read(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, with_buildx: None
) -> None:
    root = example_copy(CONFIG)
    (root / "docker-bake.hcl").write_text(BAKE_FILE.replace('"1.21"', '"1.26.8"'))
    (root / ".gitlab-ci.yml").write_text(
        "release:\n"
        "  image: docker:27\n"
        "  services: [docker:27-dind]\n"
        "  script:\n"
        "    - docker buildx bake --set prod.args.GO_VERSION=1.22.12 --push prod\n"
    )
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            ".gitlab-ci.yml:5: GitLab CI job release builds Dockerfile.prod with "
            "GO_VERSION=1.22.12: golang:1.22.12-alpine names Go 1.22.12 (GO_VERSION=1.22.12 from "
            "prod.args.GO_VERSION at line 5; bake target prod), go.mod requires 1.26.8 (go.mod:5 "
            "toolchain go1.26.8) — set prod.args.GO_VERSION to '1.26.8' or newer on .gitlab-ci.yml:5",
        ]
    )


def test_without_buildx_the_bake_is_a_note_that_says_what_to_install(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, without_buildx: None
) -> None:
    """Only buildx reads a bake file as CI does: without it the Go is not known, which the
    check says (a warning naming the workflow line) instead of passing in silence."""
    _project(example_copy)
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*.github/workflows/release.yml:11: UnpinnedGoVersionWarning: "
            ".github/workflows/release.yml:11: job image's `docker buildx bake` "
            "is not pinned: which Go its bake targets build with is not known: buildx is not "
            "installed on this machine (`docker buildx version` fails), and only buildx reads a "
            "bake or compose file as CI's build does: install it (Debian: the docker-buildx package; "
            "elsewhere https://docs.docker.com/build/install-buildx/)",
        ]
    )


def test_without_buildx_ci_calls_that_share_the_reason_share_one_warning(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, without_buildx: None
) -> None:
    """Trial 13: each compose call of a workflow repeated the whole install-buildx advice.
    Calls that share a reason are one warning naming each call; the bake call, whose reason
    names its bake targets, stays one of its own."""
    root = _project(example_copy)
    (root / "compose.yaml").write_text(
        "services:\n  api:\n    build:\n      dockerfile: Dockerfile.prod\n"
    )
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "name: ci\non: push\njobs:\n  stack:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker compose build\n"
        "      - run: docker compose up --build -d\n"
    )
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
    install = (
        "buildx is not installed on this machine (`docker buildx version` fails), and only "
        "buildx reads a bake or compose file as CI's build does: install it (Debian: the "
        "docker-buildx package; elsewhere https://docs.docker.com/build/install-buildx/)"
    )
    result.stdout.fnmatch_lines(
        [
            "*.github/workflows/ci.yml:8: UnpinnedGoVersionWarning: 2 CI builds are not pinned, "
            f"all for one reason: which Go its services build with is not known: {install}:",
            "      .github/workflows/ci.yml:8: job stack's `docker compose build`",
            "      .github/workflows/ci.yml:9: job stack's `docker compose up --build`",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*.github/workflows/release.yml:11: UnpinnedGoVersionWarning: "
            ".github/workflows/release.yml:11: job image's `docker buildx bake` "
            f"is not pinned: which Go its bake targets build with is not known: {install}",
        ]
    )
    assert result.stdout.str().count("buildx is not installed") == 2, result.stdout.str()


COMPOSE_FILE = """\
services:
  api:
    build:
      context: ..
      dockerfile: Dockerfile.prod
      args:
        GO_VERSION: ${GO_VERSION:-1.26.8}
  db:
    image: postgres:16
"""


def _compose_project(copy: Callable[..., Path]) -> Path:
    """The example with deploy/compose.yaml, whose deploy/.env pins Go 1.22 for CI."""
    root = copy(CONFIG)
    (root / "deploy").mkdir()
    (root / "deploy" / "compose.yaml").write_text(COMPOSE_FILE)
    (root / "deploy" / ".env").write_text("# pinned for the release\nGO_VERSION=1.22\n")
    return root


def test_a_compose_build_s_env_file_sets_the_go_ci_ships(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, with_buildx: None
) -> None:
    """`docker compose -f deploy/compose.yaml build` reads deploy/.env (the project folder's):
    its GO_VERSION is the Go CI ships, read as compose reads it, and named where it is set."""
    root = _compose_project(example_copy)
    (root / ".github" / "workflows" / "release.yml").write_text(
        "name: release\non: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker compose -f deploy/compose.yaml build --pull api\n"
    )
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            ".github/workflows/release.yml:8: job image builds Dockerfile.prod with "
            "GO_VERSION=1.22: golang:1.22-alpine names Go 1.22 (GO_VERSION=1.22 from GO_VERSION "
            "at deploy/.env:2; compose service api), go.mod requires 1.26.8 (go.mod:5 toolchain "
            "go1.26.8) — set GO_VERSION to '1.26.8' or newer on deploy/.env:2",
        ]
    )
    (root / "deploy" / ".env").unlink()  # the compose file's own default: the Go tested
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()


@pytest.mark.parametrize(
    ("command", "line"),
    [
        ("docker compose -f deploy/compose.yaml up --build -d --wait db api", 9),
        ("docker compose -f deploy/compose.yaml run --rm --build api go test --build ./...", 9),
        ("docker compose -f deploy/compose.yaml up --build -d db", None),
        ("docker compose -f deploy/compose.yaml up -d --wait", 9),
        ("docker compose -f deploy/compose.yaml up -d --no-build", None),
    ],
    ids=["up", "run", "up-db-only", "up-on-an-empty-runner", "up-no-build"],
)
def test_an_integration_job_s_compose_up_ships_the_go_it_builds(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    with_buildx: None,
    command: str,
    line: int | None,
) -> None:
    """An integration job that starts its stack with `docker compose up --build` (or `run
    --build`) builds the service's image as `compose build` would, with deploy/.env's Go. Before,
    only `compose build` was read: this job's Go 1.22 build passed go-version. A plain `up`
    builds it too, on a runner that starts without its image (api names none); one that
    starts only the database, or says `--no-build`, builds nothing of this project."""
    root = _compose_project(example_copy)
    (root / ".github" / "workflows" / "integration.yml").write_text(
        "name: integration\non: push\njobs:\n  stack:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: |\n"
        f"          {command}\n          docker compose -f deploy/compose.yaml down\n"
    )
    result = _go_version(pytester)
    if line is None:
        assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
        assert "integration.yml" not in result.stdout.str()  # read, and no note about it
        return
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            f".github/workflows/integration.yml:{line}: job stack builds Dockerfile.prod with "
            "GO_VERSION=1.22: golang:1.22-alpine names Go 1.22 (GO_VERSION=1.22 from GO_VERSION "
            "at deploy/.env:2; compose service api), go.mod requires 1.26.8*",
        ]
    )


def _git_commit(root: Path) -> None:
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )


def test_a_local_untracked_override_does_not_stand_in_for_ci_s_checkout(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, with_buildx: None
) -> None:
    """A developer's git-ignored docker-bake.override.hcl (one of bake's default files) set the
    Go the plugin saw; CI's clean checkout has only the tracked files, so it must not count
    (a review found it passing). CI's own DOCKER_CONFIG and `${{ github.workspace }}` in the
    job's env do not break the print (the second stopped buildx being found, the first
    crashed on the checkout's marker)."""
    root = _project(
        example_copy,
        env="env:\n  DOCKER_CONFIG: ${{ github.workspace }}/.docker-ci\n",
    )
    (root / ".gitignore").write_text(
        (root / ".gitignore").read_text() + "\n/docker-bake.override.hcl\n"
    )
    _git_commit(root)
    (root / "docker-bake.override.hcl").write_text(
        'variable "GO_VERSION" {\n  default = "1.26.8"\n}\n'
    )
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            ".github/workflows/release.yml:13: job image builds Dockerfile.prod with "
            "GO_VERSION=1.21: golang:1.21-alpine names Go 1.21 (GO_VERSION=1.21 from GO_VERSION "
            "at docker-bake.hcl:2; bake target prod)*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_bake_of_a_file_only_the_job_knows_is_a_note(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, with_buildx: None
) -> None:
    """docker/metadata-action's bake file is a step's output: which Go the targets get is not
    known, and the check says so instead of passing in silence."""
    root = _project(example_copy)
    workflow = root / ".github" / "workflows" / "release.yml"
    workflow.write_text(
        workflow.read_text().replace(
            "          targets: prod\n",
            "          targets: prod\n          files: |\n            ./docker-bake.hcl\n"
            "            cwd://${{ steps.meta.outputs.bake-file }}\n",
        )
    )
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*UnpinnedGoVersionWarning: .github/workflows/release.yml:11: job image's "
            "`docker buildx bake` is not pinned: which Go its bake targets build with is not "
            "known: which bake file it reads is only known when the job runs: *steps.meta*",
        ]
    )


@pytest.mark.parametrize(
    ("ci_file", "text", "pointer", "option"),
    [
        (
            ".github/workflows/integration.yml",
            "name: integration\non: push\njobs:\n  stack:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: actions/checkout@v4\n"
            "      - working-directory: deploy\n"
            "        run: docker compose --env-file .env.ci up -d --build --wait\n",
            ".github/workflows/integration.yml:9: job stack builds",
            "--env-file",
        ),
        (
            ".github/workflows/integration.yml",
            "name: integration\non: push\njobs:\n  stack:\n    runs-on: ubuntu-latest\n"
            "    env:\n      COMPOSE_ENV_FILES: deploy/.env.ci\n"
            "    steps:\n      - uses: actions/checkout@v4\n"
            "      - run: docker compose -f deploy/compose.yaml up -d --build api\n",
            ".github/workflows/integration.yml:10: job stack builds",
            "COMPOSE_ENV_FILES",
        ),
        (
            ".gitlab-ci.yml",
            "integration:\n  image: docker:27\n  services: [docker:27-dind]\n  script:\n"
            "    - cd deploy\n    - docker compose --env-file=.env.ci up -d --build\n",
            ".gitlab-ci.yml:6: GitLab CI job integration builds",
            "--env-file",
        ),
    ],
    ids=["github-env-file", "github-compose-env-files", "gitlab-env-file"],
)
def test_a_compose_env_file_sets_the_go_in_place_of_the_project_s_env(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    with_buildx: None,
    ci_file: str,
    text: str,
    pointer: str,
    option: str,
) -> None:
    """`docker compose --env-file .env.ci up --build` (or COMPOSE_ENV_FILES) reads .env.ci
    instead of deploy/.env, whose Go is the one tested: buildx prints the Go of .env.ci, and
    the check names its line. Before, deploy/.env's Go passed. Without the file in the
    checkout compose stops, and the check says so instead of reading deploy/.env."""
    root = _compose_project(example_copy)
    (root / "deploy" / ".env").write_text("GO_VERSION=1.26.8\n")
    (root / "deploy" / ".env.ci").write_text("# CI's own pins\nGO_VERSION=1.22\n")
    (root / ci_file).write_text(text)
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            f"{pointer} Dockerfile.prod with GO_VERSION=1.22: golang:1.22-alpine names Go 1.22 "
            "(GO_VERSION=1.22 from GO_VERSION at deploy/.env.ci:2; compose service api), go.mod "
            "requires 1.26.8 (go.mod:5 toolchain go1.26.8) — set GO_VERSION to '1.26.8' or "
            "newer on deploy/.env.ci:2",
        ]
    )
    (root / "deploy" / ".env.ci").unlink()
    result = _go_version(pytester)
    assert outcomes(result) == {"Dockerfile.prod::go-version": "PASSED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            f"*UnpinnedGoVersionWarning: {pointer.partition(' builds')[0]}'s `docker compose up "
            "--build` is not pinned: which Go its services build with is not known: its env "
            f"file deploy/.env.ci ({option}) is not in the checkout, and compose stops without "
            "it (an earlier step of the job may make it)",
        ]
    )
