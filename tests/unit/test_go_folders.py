"""The folders a CI job runs Go in (gofacts/workflows/go_folders.py) and the module those
folders build (gofacts/module_folders.py): a job that builds only a `tools/` module with its
own go.mod and its own Go is not compared with the service's go.mod (trial 12, F4), and
anything not known for sure still counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pytest_goimage.gofacts.project_pins import project_pins
from pytest_goimage.gofacts.versions import Pin
from pytest_goimage.gofacts.workflows.actions_yaml import load_workflow, mapping_of
from pytest_goimage.gofacts.workflows.building_jobs import Builds, script_builds, step_builds
from pytest_goimage.gofacts.workflows.composite import repository_actions
from pytest_goimage.gofacts.workflows.go_folders import (
    GITHUB_ROOTS,
    GITLAB_ROOTS,
    job_folders,
    script_folders,
)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("go test ./...", ["."]),
        ("cd tools && go build ./...", ["tools"]),
        ("cd tools\ngo generate ./...\ngo test ./...", ["tools", "tools"]),
        ("cd ./tools/ ; go vet ./...", ["tools"]),
        ("cd tools || exit 1\ngo build", ["tools"]),
        ('cd "$GITHUB_WORKSPACE/tools"\ngo vet ./...', ["tools"]),
        ("cd ${GITHUB_WORKSPACE}/tools/gen; go run .", ["tools/gen"]),
        ("cd tools\ncd ..\ngo test ./...", ["."]),
        ("(cd tools && go build ./...)\ngo test ./...", ["tools", "."]),
        ("go -C tools build ./...", ["tools"]),
        ("go -C=tools build ./...", ["tools"]),
        ("go build -o bin/app ./cmd/app", ["."]),
        ("cd tools && sudo -E go build", ["tools"]),
        ("cd tools && CGO_ENABLED=0 go build", ["tools"]),
        ("cd tools && golangci-lint run ./...", ["tools"]),
        ("cd tools\ngo install github.com/x/y@v1.2.3\necho done", []),
        ("echo hello", []),
        # Not known for sure: the job counts, as it did before.
        ("mkdir -p out && cd out && go build ..", None),
        ("if [ -d tools ]; then cd tools; fi\ngo build ./...", None),
        ("for d in a b; do cd $d; go test ./...; done", None),
        ("cd $MODULE && go test ./...", None),
        ("cd ../other && go build", None),
        ("cd /src && go build", None),
        ("cd ~ && go build", None),
        ("cd tools; cd -; go build", None),
        ("cd; go build", None),
        ("pushd tools; popd; go build", None),
        ("cd tools && make build", None),
        ("cd tools && ./build.sh", None),
        ("cd tools && golangci-lint run --config x.yml --path-prefix y -d z", None),
        ("go -C $DIR build", None),
        ("cd tools | tee log; go build", None),
        ("echo 'unclosed", None),
        ("pushd tools && go build", ["tools"]),
        ("pushd tools\ngo build ./...", ["tools"]),
        # The go command sent to another go.mod or go.work, or a cd by CDPATH (the review).
        ("cd tools && go build -modfile=../go.mod ./...", None),
        ("cd tools && GOFLAGS=-modfile=../go.mod go build ./...", None),
        ("export GOWORK=$PWD/ci/go.work\ncd tools\ngo build ./...", None),
        ("cd tools\ngo work use ..\ngo build ./...", None),
        ("CDPATH=.. cd tools; go build", None),
        ("cd tools && env --chdir=.. go build ./...", None),
        ("cd tools && env -C .. go build ./...", None),
        ("cd tools && sudo -D .. go build ./...", None),
        ("cd tools\nfind .. -name go.mod -execdir go build ./... \\;", None),
        ("build() { go build ./...; }\ncd tools\nbuild", None),
        ("cd tools && goreleaser build --snapshot", None),
        # `export GOWORK=off` leaves workspace mode for what follows: the folder's go.mod
        # decides; a prefix holds for its one command only, so which mode the others run in is
        # not read (the review).
        ("export GOWORK=off\ncd tools && go build ./...", ["tools"]),
        ("cd tools && GOWORK=off go vet ./... && go build ./...", None),
    ],
)
def test_script_folders(script: str, expected: list[str] | None) -> None:
    assert script_folders(script, ".", GITHUB_ROOTS) == expected


def test_script_folders_start_where_the_step_starts() -> None:
    assert script_folders("cd ../api && go test ./...", "services/tools", GITHUB_ROOTS) == [
        "services/api"
    ]
    assert script_folders("go test ./...", None, GITHUB_ROOTS) is None


def test_gitlab_s_project_folder_is_the_repository_top() -> None:
    assert script_folders('cd "$CI_PROJECT_DIR/tools" && go build', ".", GITLAB_ROOTS) == ["tools"]
    assert script_folders('cd "$GITHUB_WORKSPACE/tools" && go build', ".", GITLAB_ROOTS) is None


def _job(text: str, name: str = "build") -> tuple[tuple[str, ...] | None, list[bool]]:
    top = load_workflow(text, "ci.yml")
    jobs = top["jobs"]
    assert isinstance(jobs, yaml.MappingNode)
    job_node = mapping_of(jobs)[name]
    assert isinstance(job_node, yaml.MappingNode)
    job = mapping_of(job_node)
    steps_node = job["steps"]
    assert isinstance(steps_node, yaml.SequenceNode)
    steps = [mapping_of(s) for s in steps_node.value]
    running = ["run" in s or "golangci" in str(s.get("uses", "")) for s in steps]
    return job_folders(steps, running, job, top), running


WORKFLOW = """\
on: push
{workflow_defaults}
jobs:
  build:
    runs-on: ubuntu-latest
{job_defaults}
    steps:
      - uses: actions/checkout@v4
{checkout_with}
      - uses: actions/setup-go@v5
        with:
          go-version: '1.22'
      - run: go build ./...
{step_extra}
"""


WORKFLOW_ON = """\
on: push
jobs:
  build:
    runs-on: {runs_on}
    steps:
      - run: go build ./...
"""


def _workflow(
    workflow_defaults: str = "",
    job_defaults: str = "",
    step_extra: str = "",
    checkout_with: str = "",
) -> str:
    return WORKFLOW.format(
        workflow_defaults=workflow_defaults,
        job_defaults=job_defaults,
        step_extra=step_extra,
        checkout_with=checkout_with,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_workflow(), (".",)),
        (_workflow(step_extra="        working-directory: tools"), ("tools",)),
        (_workflow(step_extra="        working-directory: ./tools/"), ("tools",)),
        (
            _workflow(step_extra="        working-directory: ${{ github.workspace }}/tools"),
            ("tools",),
        ),
        (
            _workflow(job_defaults="    defaults:\n      run:\n        working-directory: tools"),
            ("tools",),
        ),
        (
            _workflow(workflow_defaults="defaults:\n  run:\n    working-directory: tools"),
            ("tools",),
        ),
        # The step's own wins over the job's default, which wins over the workflow's.
        (
            _workflow(
                workflow_defaults="defaults:\n  run:\n    working-directory: a",
                job_defaults="    defaults:\n      run:\n        working-directory: b",
                step_extra="        working-directory: c",
            ),
            ("c",),
        ),
        (
            _workflow(
                workflow_defaults="defaults:\n  run:\n    working-directory: a",
                job_defaults="    defaults:\n      run:\n        working-directory: b",
            ),
            ("b",),
        ),
        # Not known: the job counts.
        (_workflow(step_extra="        working-directory: ${{ matrix.module }}"), None),
        (_workflow(step_extra="        working-directory: ../elsewhere"), None),
        (_workflow(step_extra="        shell: pwsh"), None),
        (
            _workflow(job_defaults="    defaults:\n      run:\n        shell: pwsh"),
            None,
        ),
        (_workflow(step_extra="        shell: bash -el {0}"), (".",)),
        (_workflow(checkout_with="        with:\n          path: src"), None),
        (_workflow(step_extra="        shell: ''"), None),
        (_workflow(step_extra="        shell: ' '"), None),
        (_workflow(step_extra="        env:\n          GOWORK: ci/go.work"), (None)),
        (_workflow(step_extra="        env:\n          GOWORK: 'off'"), (".",)),
        (_workflow(job_defaults="    env:\n      GOFLAGS: -modfile=ci/go.mod"), None),
        (_workflow(workflow_defaults="env:\n  CDPATH: tools"), None),
        # An earlier step's `>> $GITHUB_ENV` sets it for the steps after.
        (
            _workflow(checkout_with="      - run: echo GOWORK=$PWD/ci/go.work >> $GITHUB_ENV"),
            None,
        ),
        # Windows runs `run:` with pwsh; a matrix `os` may be Windows.
        (WORKFLOW_ON.format(runs_on="windows-latest"), None),
        (WORKFLOW_ON.format(runs_on="${{ matrix.os }}"), None),
        (WORKFLOW_ON.format(runs_on="[self-hosted, linux]"), (".",)),
    ],
)
def test_job_folders(text: str, expected: tuple[str, ...] | None) -> None:
    assert _job(text)[0] == expected


LINT = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: golangci/golangci-lint-action@v8
{with_block}
"""


@pytest.mark.parametrize(
    ("with_block", "expected"),
    [
        ("", (".",)),
        ("        with:\n          version: v2.1\n", (".",)),
        ("        with:\n          working-directory: tools\n", ("tools",)),
        ("        with:\n          working-directory: ${{ matrix.dir }}\n", None),
    ],
)
def test_a_go_build_action_runs_in_its_own_folder_input(
    with_block: str, expected: tuple[str, ...] | None
) -> None:
    assert _job(LINT.format(with_block=with_block))[0] == expected


def test_an_action_whose_folder_is_not_known_makes_the_job_s_folders_unknown() -> None:
    text = LINT.format(with_block="").replace(
        "golangci/golangci-lint-action@v8", "./.github/actions/build"
    )
    top = load_workflow(text, "ci.yml")
    jobs = top["jobs"]
    assert isinstance(jobs, yaml.MappingNode)
    job_node = mapping_of(jobs)["build"]
    assert isinstance(job_node, yaml.MappingNode)
    job = mapping_of(job_node)
    steps_node = job["steps"]
    assert isinstance(steps_node, yaml.SequenceNode)
    steps = [mapping_of(s) for s in steps_node.value]
    assert job_folders(steps, [False, True], job, top) is None


# A service module at the top of the repository (go 1.26) and a tools module below it, with an
# older Go of its own (go 1.22) that a CI job sets up for it.
SERVICE_GO_MOD = "module example.com/svc\n\ngo 1.26.0\n\ntoolchain go1.26.2\n"
TOOLS_GO_MOD = "module example.com/svc/tools\n\ngo 1.22.0\n"
# The tools job's setup-go is v6, which sets GOTOOLCHAIN=local: the job runs Go 1.22 itself, not
# go.mod's (v5's Go 1.22 would switch to go.mod's by itself).
TOOLS_WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.2'
      - run: go test ./...
  tools:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v6
        with:
          go-version: '1.22'
      - run: {script}
{extra}
"""


def _repository(tmp_path: Path, script: str, extra: str = "") -> Path:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "tools").mkdir()
    (tmp_path / "go.mod").write_text(SERVICE_GO_MOD)
    (tmp_path / "tools" / "go.mod").write_text(TOOLS_GO_MOD)
    (tmp_path / "Dockerfile").write_text("FROM golang:1.26.2\n")
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(
        TOOLS_WORKFLOW.format(script=script, extra=extra)
    )
    return tmp_path


def _tools_pin_ignored(root: Path) -> str:
    pins = project_pins(root, root, [(root / "Dockerfile", {})])
    by_line = {p.line: p for p in pins if p.file == ".github/workflows/ci.yml"}
    assert by_line[9].ignored == ""  # the service's own test job always counts
    return by_line[17].ignored


@pytest.mark.parametrize(
    ("script", "extra"),
    [
        ("go generate ./...", "        working-directory: tools"),
        ("cd tools && go build ./...", ""),
        ("go -C tools build ./...", ""),
    ],
)
def test_a_job_that_runs_go_only_in_another_module_is_not_counted(
    tmp_path: Path, script: str, extra: str
) -> None:
    root = _repository(tmp_path, script, extra)
    assert _tools_pin_ignored(root) == (
        "not counted: job tools runs the Go toolchain only in tools, which builds "
        "tools/go.mod, another module than this one (go.mod): its Go is that module's"
    )


COMPOSITE_SETUP = """\
name: setup
runs:
  using: composite
  steps:
    - uses: actions/setup-go@v5
      with:
        go-version: '1.22'
    - run: go version
      shell: bash
"""
COMPOSITE_JOB = """\
on: push
jobs:
  tools:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: tools
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
      - run: go vet ./...
"""


@pytest.mark.parametrize(
    ("more", "ignored"),
    [
        (
            "",
            "not counted: job tools runs the Go toolchain only in tools, which builds "
            "tools/go.mod, another module than this one (go.mod): its Go is that module's",
        ),
        # A step that never runs does not count (the review).
        (
            "    - if: false\n      run: go build ./...\n      shell: bash\n",
            "not counted: job tools runs the Go toolchain only in tools, which builds "
            "tools/go.mod, another module than this one (go.mod): its Go is that module's",
        ),
        # A task runner in the action may run Go anywhere: the job counts, the note says where.
        ("    - run: make deps\n      shell: bash\n", ""),
    ],
)
def test_a_local_composite_action_is_judged_by_its_own_steps(
    tmp_path: Path, more: str, ignored: str
) -> None:
    """Trial 17's false failure: a job that sets Go up through a local composite action and
    runs Go only in another module's folder counted for every module, where the same steps
    written inline did not: the action was "a local action that may run Go"."""
    root = _repository(tmp_path, "true")
    (root / ".github" / "workflows" / "ci.yml").write_text(COMPOSITE_JOB)
    (root / ".github" / "actions" / "setup").mkdir(parents=True)
    (root / ".github" / "actions" / "setup" / "action.yml").write_text(COMPOSITE_SETUP + more)
    pins = project_pins(root, root, [(root / "Dockerfile", {})])
    [pin] = [p for p in pins if p.job == "tools"]
    assert (str(pin.version), pin.ignored) == ("1.22", ignored)
    step = yaml.compose("\n\nuses: ./.github/actions/setup\n")
    assert isinstance(step, yaml.MappingNode)
    verdict = step_builds(mapping_of(step), "tools", repository_actions(root, root))
    if ignored:
        assert verdict == Builds(False, "")
    else:  # the action file's line, and the workflow's line that uses it
        assert verdict.why.startswith(
            "counted: job tools runs `make deps` (.github/actions/setup/action.yml:10, in the "
            "action the step at line 3 uses), and what make runs is not read"
        ), verdict


@pytest.mark.parametrize(
    ("script", "extra"),
    [
        # It builds the service too.
        ("(cd tools && go build ./...) ; go test ./...", ""),
        # A task runner in tools/ may `cd` anywhere first.
        ("cd tools && make", ""),
        # No go.mod in that folder or above it but the service's.
        ("go build ./...", "        working-directory: docs"),
    ],
)
def test_a_job_that_may_build_this_module_still_counts(
    tmp_path: Path, script: str, extra: str
) -> None:
    root = _repository(tmp_path, script, extra)
    (root / "docs").mkdir()
    assert _tools_pin_ignored(root) == ""


def test_in_a_workspace_the_job_counts_unless_it_turns_the_workspace_off(tmp_path: Path) -> None:
    """With a go.work that uses both modules, `go build` in tools/ runs in workspace mode,
    where go.work's requirement covers the service module too; GOWORK=off leaves it."""
    root = _repository(tmp_path, "go build ./...", "        working-directory: tools")
    (root / "go.work").write_text("go 1.26.2\n\nuse (\n\t.\n\t./tools\n)\n")
    assert _tools_pin_ignored(root) == ""
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.write_text(
        workflow.read_text().replace("- run: go build", "- run: export GOWORK=off; go build")
    )
    assert _tools_pin_ignored(root).startswith("not counted: job tools runs the Go toolchain")


def test_a_nested_service_module_counts_the_job_that_runs_in_its_folder(tmp_path: Path) -> None:
    """The service in services/api, a job with `working-directory: services/api`: its own."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    api = tmp_path / "services" / "api"
    api.mkdir(parents=True)
    (api / "go.mod").write_text(SERVICE_GO_MOD)
    (api / "Dockerfile").write_text("FROM golang:1.26.2\n")
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(
        TOOLS_WORKFLOW.format(
            script="go test ./...", extra="        working-directory: services/api/internal"
        )
    )
    pins = project_pins(tmp_path, api, [(api / "Dockerfile", {})])
    tools = [p for p in pins if p.line == 17]
    assert [p.ignored for p in tools] == [""]


def _go_project(pytester: pytest.Pytester, script: str, extra: str) -> None:
    pytester.makefile(".toml", pyproject="[tool.goimage]\n")
    _repository(pytester.path, script, extra)
    pytester.path.joinpath("Dockerfile").write_text(
        "FROM golang:1.26.2 AS build\nFROM scratch\nCOPY --from=build /app /app\n"
    )


def test_the_go_version_check_passes_and_says_why_the_tools_job_is_not_counted(
    pytester: pytest.Pytester,
) -> None:
    _go_project(pytester, "go generate ./...", "        working-directory: tools")
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-report=r.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["images"][0]["checks"]["go-version"]["message"] == (
        "4 Go version pin(s) agree with go.mod, which requires Go 1.26.2; not counted:\n"
        ".github/workflows/ci.yml:17: go-version 1.22: not counted: job tools runs the Go "
        "toolchain only in tools, which builds tools/go.mod, another module than this one "
        "(go.mod): its Go is that module's"
    )


def test_the_go_version_check_still_fails_a_tools_job_that_also_builds_the_service(
    pytester: pytest.Pytester,
) -> None:
    _go_project(pytester, "cd tools && go generate ./... && cd .. && go build ./...", "")
    result = pytester.runpytest("--goimage", "-k", "go-version")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*.github/workflows/ci.yml:17: go-version 1.22 names Go 1.22, go.mod requires 1.26.2*"]
    )


PIPELINE = """\
test:
  image: golang:1.26.2
  script:
    - go test ./...
tools:
  image: golang:1.22
  before_script:
    - {before}
  script:
    - go generate ./...
"""


@pytest.mark.parametrize(
    ("before", "counted"),
    [
        ("cd tools", False),
        ('cd "$CI_PROJECT_DIR/tools"', False),
        ("cd $TOOLS_DIR", True),
        ("echo start", True),
    ],
)
def test_a_gitlab_job_s_cd_holds_for_its_later_script_lines(
    tmp_path: Path, before: str, counted: bool
) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "go.mod").write_text(SERVICE_GO_MOD)
    (tmp_path / "tools" / "go.mod").write_text(TOOLS_GO_MOD)
    (tmp_path / "Dockerfile").write_text("FROM golang:1.26.2\n")
    (tmp_path / ".gitlab-ci.yml").write_text(PIPELINE.format(before=before))
    pins = project_pins(tmp_path, tmp_path, [(tmp_path / "Dockerfile", {})])
    ignored = {p.job: p.ignored for p in pins if p.file == ".gitlab-ci.yml"}
    assert ignored["test"] == ""
    assert ignored["tools"] == (
        ""
        if counted
        else "not counted: job tools runs the Go toolchain only in tools, which builds "
        "tools/go.mod, another module than this one (go.mod): its Go is that module's"
    )


def test_a_tools_module_that_replaces_the_service_with_its_folder_builds_it(
    tmp_path: Path,
) -> None:
    """`replace example.com/svc => ../` (also through a module it replaces in turn): the go
    command builds the service's packages in that job and holds its Go to the service's go
    line (`go: module ../ requires go >= ...`), so the job counts (the review)."""
    root = _repository(tmp_path, "go build ./...", "        working-directory: tools")
    tools = root / "tools" / "go.mod"
    tools.write_text(
        TOOLS_GO_MOD + "\nrequire example.com/svc v0.0.0\n\nreplace example.com/svc => ../\n"
    )
    assert _tools_pin_ignored(root) == ""
    (root / "lib").mkdir()
    (root / "lib" / "go.mod").write_text(
        "module example.com/lib\n\ngo 1.22.0\n\nreplace (\n\texample.com/svc => ..\n)\n"
    )
    tools.write_text(TOOLS_GO_MOD + "\nreplace example.com/lib => ../lib // local\n")
    assert _tools_pin_ignored(root) == ""
    (root / "lib" / "go.mod").write_text("module example.com/lib\n\ngo 1.22.0\n")
    assert _tools_pin_ignored(root).startswith("not counted: job tools runs the Go toolchain")


def test_a_folder_reached_through_a_symbolic_link_is_not_known(tmp_path: Path) -> None:
    """bash's `cd tools` keeps the path as written and the go command looks up go.mod from
    it, not from where the link points: the job counts (the review)."""
    root = _repository(tmp_path, "cd linked && go build ./...")
    (root / "linked").symlink_to(root / "tools")
    assert _tools_pin_ignored(root) == ""


def test_a_job_s_folders_are_named_once(tmp_path: Path) -> None:
    root = _repository(tmp_path, "cd tools && go vet ./... && go test ./...")
    assert _tools_pin_ignored(root) == (
        "not counted: job tools runs the Go toolchain only in tools, which builds "
        "tools/go.mod, another module than this one (go.mod): its Go is that module's"
    )


def test_govulncheck_s_work_dir_and_a_docker_step_s_own_image(tmp_path: Path) -> None:
    """govulncheck-action's `work-dir` is its folder; a `uses: docker://golang` step runs its
    own command, in no folder read here, so its image pin counts as before."""
    root = _repository(tmp_path, "echo lint", "")
    workflow = root / ".github" / "workflows" / "ci.yml"
    workflow.write_text(
        workflow.read_text().replace(
            "      - run: echo lint\n",
            "      - uses: golang/govulncheck-action@v1\n        with:\n          work-dir: tools\n"
            "      - uses: docker://golang:1.22\n        with:\n          entrypoint: go\n"
            "          args: build ./...\n",
        )
    )
    pins = project_pins(root, root, [(root / "Dockerfile", {})])
    tools = {p.line: p.ignored for p in pins if p.job == "tools"}
    assert tools[17].startswith("not counted: job tools runs the Go toolchain only in tools,")
    assert tools[21] == ""  # the docker step's golang:1.22


def test_a_nested_checkout_s_pipeline_names_its_folders_from_the_rootdir(tmp_path: Path) -> None:
    """The service in svc/ with its own .gitlab-ci.yml: its job's `cd tools` is svc/tools,
    another module; its `go test` at the top of svc/ is the service's own."""
    svc = tmp_path / "svc"
    (svc / "tools").mkdir(parents=True)
    (svc / "go.mod").write_text(SERVICE_GO_MOD)
    (svc / "tools" / "go.mod").write_text(TOOLS_GO_MOD)
    (svc / "Dockerfile").write_text("FROM golang:1.26.2\n")
    (svc / ".gitlab-ci.yml").write_text(PIPELINE.format(before="cd tools"))
    pins = project_pins(tmp_path, svc, [(svc / "Dockerfile", {})])
    ignored = {p.job: p.ignored for p in pins if p.file == "svc/.gitlab-ci.yml"}
    assert ignored == {
        "test": "",
        "tools": "not counted: job tools runs the Go toolchain only in svc/tools, which builds "
        "svc/tools/go.mod, another module than this one (svc/go.mod): its Go is that module's",
    }


def test_a_nested_project_s_own_workflows_name_folders_from_it(tmp_path: Path) -> None:
    svc = tmp_path / "svc"
    svc.mkdir()
    _repository(svc, "go generate ./...", "        working-directory: tools")
    pins = project_pins(tmp_path, svc, [(svc / "Dockerfile", {})])
    tools = [p.ignored for p in pins if p.job == "tools"]
    assert tools == [
        "not counted: job tools runs the Go toolchain only in svc/tools, which builds "
        "svc/tools/go.mod, another module than this one (svc/go.mod): its Go is that module's"
    ]


@pytest.mark.parametrize(
    ("script", "builds", "why"),
    [
        # find runs the command after -exec/-execdir: Go there is Go (the review).
        ("find . -name go.mod -execdir go build ./... \\;", True, ""),
        ("find . -name go.mod -exec sh -c 'cd $(dirname {}) && go test' \\;", True, ""),
        # `\;` ends find's command; it is no program of its own that may run Go.
        ("find docs -name '*.md' -exec cat {} \\;", False, ""),
    ],
)
def test_find_s_exec_runs_its_command(script: str, builds: bool, why: str) -> None:
    verdict = script_builds(script, 3, "docs")
    assert verdict.builds is builds
    assert (why in verdict.why) if why else verdict.why == ""


def test_a_quoted_replacement_path_is_read_as_go_reads_it(tmp_path: Path) -> None:
    root = _repository(tmp_path, "go build ./...", "        working-directory: tools")
    (root / "tools" / "go.mod").write_text(
        TOOLS_GO_MOD + '\nrequire example.com/svc v0.0.0\n\nreplace example.com/svc => "../"\n'
    )
    assert _tools_pin_ignored(root) == ""


PASS_THROUGH_SETUP = """\
name: setup
inputs:
  go-version:
    required: false{default}
  go-version-file:
    default: .go-version
runs:
  using: composite
  steps:
    - uses: actions/setup-go@v5
      with:
        go-version: ${{{{ inputs.go-version }}}}
        go-version-file: ${{{{ inputs.go-version-file }}}}
"""


@pytest.mark.parametrize("default", ["\n    default: ''", ""])
def test_an_empty_go_version_input_of_a_composite_action_reads_its_version_file(
    tmp_path: Path, default: str
) -> None:
    """Trial 17's false pass: a shared setup action passing both inputs on to setup-go, called
    without `go-version`: setup-go reads go-version-file, but the pin was "not pinned" (an
    input "given when the workflow is run by hand") and the old `.go-version` passed. An input
    with no default that the step does not give is empty, as Actions makes it."""
    root = _repository(tmp_path, "true")
    (root / ".go-version").write_text("1.25.3\n")
    (root / ".github" / "workflows" / "ci.yml").write_text(
        COMPOSITE_JOB.replace("tools", "test").replace("working-directory: test", "shell: bash")
    )
    (root / ".github" / "actions" / "setup").mkdir(parents=True)
    (root / ".github" / "actions" / "setup" / "action.yml").write_text(
        PASS_THROUGH_SETUP.format(default=default)
    )
    [pin] = [p for p in project_pins(root, root, [(root / "Dockerfile", {})]) if p.job]
    assert (pin.source, str(pin.version), pin.unpinned, pin.resolved) == (
        "setup-go go-version-file",
        "1.25.3",
        False,
        ".go-version",
    )


def _composite_repo(tmp_path: Path, action: str, workflow: str) -> list[Pin]:
    """The job pins of a one-module repository whose workflow uses a local action."""
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.26.0\n")
    (tmp_path / ".go-version").write_text("1.26.0\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "actions" / "setup").mkdir(parents=True)
    (tmp_path / ".github" / "actions" / "setup" / "action.yml").write_text(action)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(workflow)
    return [p for p in project_pins(tmp_path, tmp_path, []) if p.job]


def test_a_caller_s_env_in_a_composite_action_reads_the_caller_s_inputs(tmp_path: Path) -> None:
    """The review of trial 17's fixes: the job's `GO_VERSION: ${{ inputs.go-version }}` is the
    workflow_dispatch input (a run by hand gives it), not the action's input of that name,
    which the step leaves empty: no confident pin from go-version-file."""
    action = (
        "name: setup\ninputs:\n  go-version:\n    description: unused\nruns:\n  using: composite\n"
        "  steps:\n    - uses: actions/setup-go@v5\n      with:\n"
        "        go-version: ${{ env.GO_VERSION }}\n        go-version-file: .go-version\n"
    )
    workflow = (
        "on:\n  workflow_dispatch:\n    inputs:\n      go-version:\n        default: ''\njobs:\n"
        "  t:\n    runs-on: ubuntu-latest\n    env:\n      GO_VERSION: ${{ inputs.go-version }}\n"
        "    steps:\n      - uses: ./.github/actions/setup\n      - run: go build ./...\n"
    )
    [pin] = _composite_repo(tmp_path, action, workflow)
    assert (pin.source, pin.unpinned, pin.version) == ("setup-go go-version", True, None)
    assert "inputs.go-version is given when the workflow is run by hand" in pin.note


def test_an_empty_go_version_file_installs_nothing_and_an_earlier_setup_go_counts(
    tmp_path: Path,
) -> None:
    """The review: an action passing on two inputs the step leaves empty made an empty
    go-version-file pin that "installed" a Go, and the job's own setup-go 1.22 before it was
    left out as replaced: a false pass."""
    action = PASS_THROUGH_SETUP.format(default="").replace(
        "  go-version-file:\n    default: .go-version\n",
        "  go-version-file:\n    required: false\n",
    )
    workflow = (
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.22'\n"
        "      - uses: ./.github/actions/setup\n      - run: go build ./...\n"
    )
    pins = _composite_repo(tmp_path, action, workflow)
    assert [(str(p.version), p.ignored) for p in pins if p.version] == [("1.22", "")]
    [empty] = [p for p in pins if p.version is None]
    assert empty.note.startswith("go-version-file ${{ inputs.go-version-file }} is empty")
