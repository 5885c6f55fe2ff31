"""`docker buildx bake` in CI files, read as bake calls: a workflow's `run:` command, a
`docker/bake-action` step and a GitLab CI script line, each with its files, targets, `--set`
overrides, folder, line and the environment CI gives bake (its variables come from there)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pytest_goimage.gofacts.bake_request import BakeCall, BakeRequest, bake_request
from pytest_goimage.gofacts.gitlab_ci import read_gitlab_image_builds
from pytest_goimage.gofacts.image_build_values import Resolved
from pytest_goimage.gofacts.workflows.image_builds import read_image_builds, workflow_image_builds

WORKFLOW = ".github/workflows/release.yml"

ACTION = """\
name: release
on: push
env:
  GO_VERSION: "1.24.4"
  REGISTRY: ghcr.io/acme
jobs:
  images:
    runs-on: ubuntu-latest
    env:
      TAG: ${{ github.ref_name }}
    steps:
      - uses: actions/checkout@v4
      - run: echo "BUILD_DATE=$(date -u +%F)" >> "$GITHUB_ENV"
      - uses: docker/bake-action@v6
        with:
          source: .
          workdir: deploy
          files: |
            docker-bake.hcl
            ./docker-bake.ci.hcl
          targets: api,worker
          set: |
            *.platform=linux/amd64
            api.args.GO_VERSION=${{ env.GO_VERSION }}
            *.cache-from=type=gha,scope=${{ github.ref_name }}
          push: true
"""


def only_bakes(found: list[object]) -> list[BakeCall]:
    bakes = [b for b in found if isinstance(b, BakeCall)]
    assert len(bakes) == len(found), found  # no image build besides them
    return bakes


def test_a_bake_action_step_with_files_targets_sets_and_the_job_s_environment() -> None:
    (call,) = only_bakes(list(workflow_image_builds(ACTION, WORKFLOW)))
    assert (call.file, call.line, call.job, call.workdir) == (WORKFLOW, 14, "images", "deploy")
    assert call.files == (Resolved("docker-bake.hcl"), Resolved("./docker-bake.ci.hcl"))
    assert call.targets == (Resolved("api"), Resolved("worker"))
    assert [(o.key, o.line) for o in call.sets] == [
        ("*.platform", 23),
        ("api.args.GO_VERSION", 24),
        ("*.cache-from", 25),
    ]
    values = {o.key: o.value for o in call.sets if o.value is not None}
    assert values["*.platform"].text == "linux/amd64"
    assert values["api.args.GO_VERSION"].text == "1.24.4"
    assert values["api.args.GO_VERSION"].origins == (("env.GO_VERSION", WORKFLOW, 4),)
    assert values["*.cache-from"].text is None  # github.ref_name: only the run knows
    env = dict(call.env)
    assert sorted(env) == ["BUILD_DATE", "GO_VERSION", "REGISTRY", "TAG"]
    assert (env["GO_VERSION"].text, env["REGISTRY"].text) == ("1.24.4", "ghcr.io/acme")
    assert env["GO_VERSION"].origins == (("env.GO_VERSION", WORKFLOW, 4),)
    assert env["TAG"].text is None and "github.ref_name" in env["TAG"].why
    assert env["BUILD_DATE"].text is None and "$GITHUB_ENV" in env["BUILD_DATE"].why


def test_a_remote_bake_definition_is_nothing_of_the_checkout() -> None:
    text = ACTION.replace("source: .", "source: https://github.com/acme/infra.git#main")
    (call,) = only_bakes(list(workflow_image_builds(text, WORKFLOW)))
    assert call.workdir is None


def test_a_run_step_s_bake_command_with_its_folder_exports_and_prefix() -> None:
    text = """\
on: push
jobs:
  images:
    runs-on: ubuntu-latest
    env:
      REGISTRY: ghcr.io/acme
    steps:
      - working-directory: build
        run: |
          export GO_VERSION=1.23.2
          LOCAL_ONLY=1
          cd ci
          TAG=v1 docker buildx bake \\
            -f ../docker-bake.hcl --file=override.hcl \\
            --set '*.args.GO_VERSION=1.23.2' --push --progress plain \\
            api migrate
          docker bake --print
          env GO_VERSION=1.21 docker buildx --builder ci bake --set api.args.GO_VERSION \\
            --var REGISTRY=ghcr.io/x --load api
          docker buildx bake --call check api
          docker buildx bake --list targets
"""
    first, second = only_bakes(list(workflow_image_builds(text, WORKFLOW)))
    assert (first.line, first.workdir) == (13, "build/ci")
    assert first.files == (Resolved("../docker-bake.hcl"), Resolved("override.hcl"))
    assert first.targets == (Resolved("api"), Resolved("migrate"))
    assert [(o.key, o.value and o.value.text, o.line) for o in first.sets] == [
        ("*.args.GO_VERSION", "1.23.2", 15)
    ]
    env = {name: value.text for name, value in first.env}
    # The exported variable and the prefix are in bake's environment; LOCAL_ONLY is not.
    assert env == {"GO_VERSION": "1.23.2", "REGISTRY": "ghcr.io/acme", "TAG": "v1"}
    # `--print`, `--check`, `--list` build nothing; `env NAME=...` and `--var` are bake's
    # environment, and `--set KEY` alone takes its value from there.
    assert (second.line, second.workdir, second.targets) == (18, "build/ci", (Resolved("api"),))
    assert [(o.key, o.value) for o in second.sets] == [("api.args.GO_VERSION", None)]
    env = {name: value.text for name, value in second.env}
    assert env == {"GO_VERSION": "1.21", "REGISTRY": "ghcr.io/x"}


def test_bake_s_alias_f_is_a_bake() -> None:
    text = """\
on: push
jobs:
  images:
    runs-on: ubuntu-latest
    steps:
      - run: docker buildx f --set '*.args.GO_VERSION=1.22.1' api
"""
    (call,) = only_bakes(list(workflow_image_builds(text, WORKFLOW)))
    assert (call.line, call.targets) == (6, (Resolved("api"),))
    assert [(o.key, o.value and o.value.text) for o in call.sets] == [
        ("*.args.GO_VERSION", "1.22.1")
    ]


def test_a_nested_project_s_bake_runs_in_its_folder_named_from_the_rootdir(tmp_path: Path) -> None:
    workflows = tmp_path / "svc" / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "release.yml").write_text(
        "on: push\njobs:\n  images:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker buildx bake api\n"
    )
    (call,) = only_bakes(list(read_image_builds(tmp_path / "svc", tmp_path)))
    assert (call.file, call.line, call.workdir) == ("svc/.github/workflows/release.yml", 6, "svc")


def test_a_gitlab_job_s_bake_with_the_job_s_variables(tmp_path: Path) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(
        """\
variables:
  GO_VERSION: "1.22.8"
build-images:
  image: docker:27
  services: [docker:27-dind]
  variables:
    REGISTRY: $CI_REGISTRY_IMAGE
  script:
    - cd deploy
    - |
      docker buildx bake \\
        --set "*.args.GO_VERSION=$GO_VERSION" \\
        release
"""
    )
    (call,) = only_bakes(list(read_gitlab_image_builds([tmp_path], tmp_path)))
    assert (call.file, call.line, call.job, call.workdir) == (
        ".gitlab-ci.yml",
        11,
        "build-images",
        "deploy",
    )
    assert call.targets == (Resolved("release"),)
    ((override),) = call.sets
    assert (override.key, override.line) == ("*.args.GO_VERSION", 12)
    assert override.value is not None and override.value.text == "1.22.8"
    assert override.value.origins == (("GO_VERSION", ".gitlab-ci.yml", 2),)
    env = dict(call.env)
    assert env["GO_VERSION"].text == "1.22.8"
    assert env["REGISTRY"].text is None  # a variable of the project's settings
    assert sorted(env) == ["GO_VERSION", "REGISTRY"]


def test_docker_compose_build_is_a_bake_of_its_compose_files_and_services() -> None:
    """bake reads compose files as `docker compose build` does; its `--build-arg`s are one
    `--set` for every service, and a bare `--build-arg NAME` takes NAME from the shell."""
    text = """\
on: push
jobs:
  images:
    runs-on: ubuntu-latest
    env:
      GO_VERSION: "1.24.1"
    steps:
      - run: |
          docker compose -f deploy/compose.yaml --project-directory . --profile ci build \\
            --build-arg VERSION=1.2.3 --build-arg GO_VERSION --pull api worker
          docker-compose build
          docker compose up -d
          docker compose push api
"""
    first, second, up = only_bakes(list(workflow_image_builds(text, WORKFLOW)))
    assert (up.line, up.started, up.rebuild, up.only) == (12, "up", False, ())
    assert (first.compose, first.line, first.workdir) == (True, 9, ".")
    assert first.files == (Resolved("deploy/compose.yaml"),)
    assert first.project == Resolved(".")
    assert first.targets == (Resolved("api"), Resolved("worker"))
    sets = [(o.key, o.value and o.value.text) for o in first.sets]
    assert sets == [("*.args.VERSION", "1.2.3"), ("*.args.GO_VERSION", "1.24.1")]
    assert (second.compose, second.line, second.files, second.targets) == (True, 11, (), ())


def test_compose_up_run_and_create_are_builds_of_the_services_they_start() -> None:
    """compose builds what it starts: `up` and `create` the services named (all without one),
    `run` its one service (the words after it are the container's command, whose own options
    are not compose's), each that builds with `--build`, else those it has no image of
    (bake_builds asks the compose files which). `--no-build` (also `--no-build=true`) builds
    nothing; `--build=false` is no `--build`; bundled letters (`-dt 5`) take their value."""
    text = """\
on: push
jobs:
  integration:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker compose -f compose.ci.yaml up --build -d --wait --wait-timeout 60 api worker
          docker compose --profile e2e up -dt 5 --build
          docker compose run --rm -Te CGO_ENABLED=0 --build --no-deps api go test --build ./...
          docker-compose --project-directory deploy create --build --pull never
          docker compose up -d
          docker compose up --build --no-build api
          docker compose run --rm api go build --build ./...
          docker compose -p ci up --exit-code-from tests --build=false tests
          docker compose up --no-build=true --build
"""
    up, all_up, run, create, plain, run_plain, named = only_bakes(
        list(workflow_image_builds(text, WORKFLOW))
    )
    assert (up.compose, up.line, up.files) == (True, 7, (Resolved("compose.ci.yaml"),))
    # bake prints every service that builds (an image-only one is no target of it); those
    # `up` starts are kept from what it prints.
    assert (up.targets, up.only) == ((), (Resolved("api"), Resolved("worker")))
    assert (up.started, up.rebuild, up.tool()) == ("up", True, "docker compose up --build")
    assert (all_up.line, all_up.files, all_up.only, all_up.sets) == (8, (), (), ())
    assert all_up.profiles == (Resolved("e2e"),)
    assert (run.line, run.only, run.tool()) == (9, (Resolved("api"),), "docker compose run --build")
    assert (up.dependencies, run.dependencies) == (True, False)
    assert (create.line, create.project, create.only) == (10, Resolved("deploy"), ())
    assert (plain.line, plain.only, plain.rebuild, plain.tool()) == (
        11,
        (),
        False,
        "docker compose up",
    )
    assert (run_plain.line, run_plain.only, run_plain.rebuild) == (13, (Resolved("api"),), False)
    assert (named.line, named.only, named.rebuild) == (14, (Resolved("tests"),), False)


def test_a_compose_build_is_printed_from_its_project_folder(tmp_path: Path) -> None:
    """compose reads a file's relative paths and its `.env` from the project folder (the first
    file's, or `--project-directory`); without `-f`, the folder's compose file and override."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "deploy" / "compose.override.yaml").write_text("services: {}\n")
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")
    files = (Resolved("deploy/compose.yaml"), Resolved("deploy/compose.ci.yaml"))
    call = BakeCall(WORKFLOW, 3, "b", ".", files=files, compose=True)
    request = bake_request(call, tmp_path)
    assert isinstance(request, BakeRequest)
    assert (request.workdir, request.files) == ("deploy", ("compose.yaml", "compose.ci.yaml"))
    request = bake_request(BakeCall(WORKFLOW, 3, "b", "deploy", compose=True), tmp_path)
    assert isinstance(request, BakeRequest)
    assert (request.workdir, request.files) == ("deploy", ("compose.yaml", "compose.override.yaml"))
    request = bake_request(BakeCall(WORKFLOW, 3, "b", ".", compose=True), tmp_path)
    assert isinstance(request, BakeRequest)
    assert (request.workdir, request.files) == (".", ("docker-compose.yml",))
    moved = BakeCall(WORKFLOW, 3, "b", ".", files=files[:1], compose=True, project=Resolved("."))
    request = bake_request(moved, tmp_path)
    assert isinstance(request, BakeRequest)
    assert (request.workdir, request.files) == (".", ("deploy/compose.yaml",))
    (tmp_path / "empty").mkdir()
    assert bake_request(BakeCall(WORKFLOW, 3, "b", "empty", compose=True), tmp_path) == (
        "no compose file in empty (compose then looks in the folders above)"
    )
    unknown = BakeCall(WORKFLOW, 3, "b", ".", compose=True, project=Resolved(None, "job"))
    assert bake_request(unknown, tmp_path) == (
        "its --project-directory is only known when the job runs: job"
    )


def test_where_bake_action_reads_its_definition() -> None:
    """v6 and later read the definition from the Git context (the repository's root, not
    `workdir`); `{{defaultContext}}:sub` from that folder; a local `source` is the folder (v7);
    v5 ran in `workdir`; a remote source is another repository's; `call: check` builds nothing."""
    cases = {
        ("v6", ""): ".",
        ("v6", "workdir: deploy"): ".",
        ("v5", "workdir: deploy"): "deploy",
        ("v6", "source: '{{defaultContext}}:deploy'"): "deploy",
        ("v7", "source: ./deploy"): "deploy",
        ("v7", "source: ."): ".",
        ("v6", "source: https://github.com/acme/infra.git#main"): None,
        ("v6", "workdir: ${{ steps.dir.outputs.path }}"): None,
    }
    for (version, line), folder in cases.items():
        text = (
            "on: push\njobs:\n  images:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - uses: docker/bake-action@{version}\n        with:\n"
            + (f"          {line}\n" if line else "")
            + "          targets: api\n"
        )
        (call,) = only_bakes(list(workflow_image_builds(text, WORKFLOW)))
        assert call.workdir == folder, (version, line)
    checks = ACTION.replace("push: true", "call: check")
    assert list(workflow_image_builds(checks, WORKFLOW)) == []


def test_a_compose_command_s_env_files_as_ci_names_them(tmp_path: Path) -> None:
    """`--env-file` (also `--env-file=F`, repeated: a later one wins) and the job's
    COMPOSE_ENV_FILES, which counts only without `--env-file`, name the files compose reads its
    variables from instead of the project's `.env`; each path is relative to the folder the
    command runs in, and the request names them from the project folder bake runs in."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "ci").mkdir()
    for name in ("deploy/compose.yaml", "deploy/.env.ci", "ci/base.env", "ci/release.env"):
        (tmp_path / name).write_text("services: {}\n" if name.endswith("yaml") else "A=1\n")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "integration.yml").write_text(
        """\
on: push
jobs:
  stack:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - working-directory: deploy
        run: docker compose --env-file .env.ci up -d --build
      - run: |
          docker compose -f deploy/compose.yaml --env-file=ci/base.env \\
            --env-file ci/release.env build api
      - env:
          COMPOSE_ENV_FILES: ci/base.env,ci/release.env
        run: |
          docker compose -f deploy/compose.yaml up -d --build --wait
          docker compose --env-file deploy/.env.ci -f deploy/compose.yaml up -d --build
"""
    )
    (tmp_path / ".gitlab-ci.yml").write_text(
        """\
integration:
  image: docker:27
  services: [docker:27-dind]
  variables:
    COMPOSE_ENV_FILES: .env.ci
  script:
    - cd deploy
    - docker compose up -d --build
"""
    )
    found = [
        *read_image_builds(tmp_path, tmp_path),
        *read_gitlab_image_builds([tmp_path], tmp_path),
    ]
    up, build, listed, both, gitlab = only_bakes(found)
    assert (up.line, up.workdir, up.env_files) == (8, "deploy", (Resolved(".env.ci"),))
    assert (build.line, build.env_files) == (
        10,
        (Resolved("ci/base.env"), Resolved("ci/release.env")),
    )
    assert (listed.line, listed.env_files) == (15, ())
    assert dict(listed.env)["COMPOSE_ENV_FILES"].text == "ci/base.env,ci/release.env"
    assert (both.line, both.env_files) == (16, (Resolved("deploy/.env.ci"),))
    assert (gitlab.line, gitlab.workdir, gitlab.env_files) == (8, "deploy", ())

    def env_files(call: BakeCall) -> tuple[str, ...] | None:
        request = bake_request(call, tmp_path)
        assert isinstance(request, BakeRequest), request
        assert request.workdir == "deploy"
        return request.env_files

    assert env_files(up) == (".env.ci",)
    assert env_files(build) == ("../ci/base.env", "../ci/release.env")
    assert env_files(listed) == ("../ci/base.env", "../ci/release.env")
    assert env_files(both) == (".env.ci",)  # --env-file: COMPOSE_ENV_FILES does not count
    assert env_files(gitlab) == (".env.ci",)
    assert env_files(replace(up, env_files=())) is None  # the project's .env, as before
