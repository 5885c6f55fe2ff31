"""GitLab CI pipelines (gofacts/gitlab_ci): the golang image each job runs in, on the shapes Go
teams write their `.gitlab-ci.yml` in, each read as GitLab composes the pipeline."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from pytest_goimage.errors import WorkflowError
from pytest_goimage.gofacts.ci_ignore import apply_ignore
from pytest_goimage.gofacts.gitlab_ci import gitlab_ci_jobs, read_gitlab_ci
from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.project_pins import project_pins
from pytest_goimage.gofacts.versions import (
    SOURCE_GITLAB_IMAGE,
    Pin,
    format_misalignment,
    misaligned,
    required_version,
)
from tests.conftest import gitlab_project


def pins_of(root: Path, files: dict[str, str]) -> list[Pin]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return read_gitlab_ci([root], root)


def facts(pins: list[Pin]) -> list[tuple[str, str, str, str | None]]:
    """(where, job, resolved image, version or None) per pin."""
    return [
        (f"{p.file}:{p.line}", p.job, p.resolved, str(p.version) if p.version else None)
        for p in pins
    ]


def test_no_pipeline_no_pins(tmp_path: Path) -> None:
    assert read_gitlab_ci([tmp_path], tmp_path) == []


def test_global_image_and_a_job_of_its_own(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
image: golang:1.25

stages: [test, build]

test:
  stage: test
  script:
    - go test -race ./...

build:
  stage: build
  image: golang:1.26.8-alpine
  script:
    - CGO_ENABLED=0 go build -o app ./cmd/app
""",
        },
    )
    assert facts(pins) == [
        (".gitlab-ci.yml:1", "test", "golang:1.25", "1.25"),
        (".gitlab-ci.yml:12", "build", "golang:1.26.8-alpine", "1.26.8"),
    ]
    gomod = gomod_pins("module m\n\ngo 1.26.8\n", "go.mod")
    bad = misaligned(pins, required_version(gomod))
    assert format_misalignment(bad, gomod + pins) == (
        ".gitlab-ci.yml:1: GitLab CI job test: image golang:1.25 names Go 1.25, go.mod requires "
        "1.26.8 (go.mod:3 go 1.26.8) — use image golang:1.26.8 or newer"
    )


def test_default_image_from_a_variable_names_the_variable(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
variables:
  GO_VERSION: "1.26"
  ALPINE_VERSION: "3.22"

default:
  image: golang:${GO_VERSION}-alpine${ALPINE_VERSION}

unit:
  script: [go test ./...]
""",
        },
    )
    (pin,) = pins
    assert (pin.resolved, str(pin.version), pin.version_arg) == (
        "golang:1.26-alpine3.22",
        "1.26",
        "GO_VERSION",
    )
    assert pin.note == (
        "GO_VERSION=1.26 from variables (.gitlab-ci.yml:2); "
        "ALPINE_VERSION=3.22 from variables (.gitlab-ci.yml:3)"
    )


def test_templates_extends_anchors_and_image_mappings(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
.go-base: &go-base
  image:
    name: golang:1.24-bookworm
    entrypoint: [""]
  before_script:
    - go mod download

.go-new:
  image: golang:1.26

lint:
  <<: *go-base
  script: [go vet ./...]

test:
  extends: [.go-base, .go-new]
  script: [go test ./...]

race:
  extends: .go-base
  image: golang:1.26.8
  script: [go test -race ./...]

.hidden-job:
  image: golang:1.10
  script: [go test ./...]
""",
        },
    )
    assert facts(pins) == [
        (".gitlab-ci.yml:3", "lint", "golang:1.24-bookworm", "1.24"),
        (".gitlab-ci.yml:9", "test", "golang:1.26", "1.26"),  # the later parent wins
        (".gitlab-ci.yml:21", "race", "golang:1.26.8", "1.26.8"),
    ]


def test_local_includes_references_and_the_main_file_winning(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
include:
  - local: ci/go.yml
  - '/ci/extra/*.yml'
  - project: platform/ci-templates
    file: /go/lint.yml
  - remote: https://example.com/ci.yml

variables:
  GO_VERSION: "1.26.8"

test:
  extends: .go
  script:
    - !reference [.prepare, script]
    - go test ./...
""",
            "ci/go.yml": """\
variables:
  GO_VERSION: "1.21"

.go:
  image: golang:$GO_VERSION

.prepare:
  script:
    - go mod download
""",
            "ci/extra/release.yml": """\
release:
  image: golang:1.25
  script: [goreleaser release --clean]
""",
        },
    )
    # Included files come first, as GitLab merges them under the main file.
    assert facts(pins) == [
        ("ci/extra/release.yml:2", "release", "golang:1.25", "1.25"),
        ("ci/go.yml:5", "test", "golang:1.26.8", "1.26.8"),
    ]
    assert pins[1].note == "GO_VERSION=1.26.8 from variables (.gitlab-ci.yml:9)"
    assert gitlab_ci_jobs([tmp_path], tmp_path) == {".gitlab-ci.yml": ["release", "test"]}


def test_parallel_matrix_gives_one_pin_per_version(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
test:
  image: golang:${GO}
  parallel:
    matrix:
      - GO: ["1.25", "1.26"]
        OS: [linux, darwin]
      - GO: "1.24"
  script: [GOOS=$OS go build ./...]
""",
        },
    )
    assert facts(pins) == [
        (".gitlab-ci.yml:2", "test", "golang:1.25", "1.25"),
        (".gitlab-ci.yml:2", "test", "golang:1.26", "1.26"),
        (".gitlab-ci.yml:2", "test", "golang:1.24", "1.24"),
    ]
    assert pins[0].note == "GO=1.25 from parallel:matrix (.gitlab-ci.yml:5)"


def test_variables_in_variables_value_forms_and_inherit(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
variables:
  GO_VERSION:
    value: "1.26.8"
    description: The Go release CI builds with
  GO_IMAGE: golang:${GO_VERSION}-alpine
  PRICE: $$5

default:
  image: $GO_IMAGE

test:
  script: [go test ./...]

no-default:
  inherit:
    default: false
  script: [go test ./...]

own-variables:
  image: $GO_IMAGE
  inherit:
    variables: [GO_IMAGE]
  variables:
    GO_VERSION: "1.25"
  script: [go test ./...]
""",
        },
    )
    assert facts(pins) == [
        (".gitlab-ci.yml:9", "test", "golang:1.26.8-alpine", "1.26.8"),
        (".gitlab-ci.yml:20", "own-variables", "golang:1.25-alpine", "1.25"),
    ]


def test_images_that_are_not_go_or_not_known_give_no_pin(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
lint:
  image: golangci/golangci-lint:v1.61
  script: [golangci-lint run]

docker:
  image: docker:27
  services: [docker:27-dind]
  script: [docker build -t app .]

custom:
  image: $BUILD_IMAGE
  script: [go build ./...]

runner-default:
  script: [go build ./...]

trigger-child:
  trigger:
    include: ci/child.yml
""",
        },
    )
    assert pins == []


def test_registry_prefixes_from_ci_variables_still_read_the_tag(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
test:
  image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/golang:1.26.8
  script: [go test ./...]
mirror:
  image: registry.example.com/mirror/docker.io/library/golang:1.25@sha256:0123
  script: [go test ./...]
""",
        },
    )
    assert facts(pins) == [
        (
            ".gitlab-ci.yml:2",
            "test",
            "${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/golang:1.26.8",
            "1.26.8",
        ),
        (
            ".gitlab-ci.yml:5",
            "mirror",
            "registry.example.com/mirror/docker.io/library/golang:1.25@sha256:0123",
            "1.25",
        ),
    ]


def test_unpinned_images_say_why(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
variables:
  FLOAT_GO: 1.20
  BOOL_GO: yes

settings:
  image: golang:$GO_FROM_SETTINGS
  script: [go test ./...]
float:
  image: golang:$FLOAT_GO
  script: [go test ./...]
bool:
  image: golang:$BOOL_GO
  script: [go test ./...]
latest:
  image: golang:latest
  script: [go test ./...]
untagged:
  image: golang
  script: [go test ./...]
""",
        },
    )
    assert [(p.job, p.version, p.unpinned, p.note) for p in pins] == [
        (
            "settings",
            None,
            True,
            "cannot resolve GO_FROM_SETTINGS: it is not set in the pipeline's variables or "
            "inputs (a CI/CD variable of the project's settings is not in the checkout); set a "
            "default in `variables:` (an input: a `default:` in its `spec:`, or `inputs:` where "
            "it is included)",
        ),
        (
            "float",
            None,
            True,
            "GitLab refuses this pipeline: FLOAT_GO: `1.20`, which YAML reads as the number 1.2, "
            "and a variable's value must be a string or an integer; quote it; FLOAT_GO=1.2 from "
            "variables (.gitlab-ci.yml:2)",
        ),
        (
            "bool",
            None,
            True,
            "GitLab refuses this pipeline: BOOL_GO: `yes`, which YAML reads as a boolean, and a "
            "variable's value must be a string or an integer; quote it; BOOL_GO=true from "
            "variables (.gitlab-ci.yml:3)",
        ),
        ("latest", None, True, "tag 'latest' names no Go version, so it floats with latest"),
        ("untagged", None, True, "untagged (latest)"),
    ]


def test_a_job_that_runs_no_go_is_not_counted_and_one_that_may_says_why(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
default:
  image: golang:1.21

docs:
  script:
    - npm ci
    - npx vitepress build docs

make:
  script:
    - make test

never:
  rules:
    - when: never
  script: [go test ./...]
""",
        },
    )
    assert [(p.job, p.ignored, p.note) for p in pins] == [
        (
            "docs",
            "not counted: job docs never runs the Go toolchain on the module (every script line "
            "runs a program that runs no Go)",
            "",
        ),
        (
            "make",
            "",
            "counted: job make runs `make test` (line 11), and what make runs is not read, so it "
            "may run the Go toolchain; list the job in go_version_ignore if it does not",
        ),
    ]


def test_go_version_ignore_names_a_job_through_the_pipeline(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": "include: [{local: ci/old.yml}]\n",
            "ci/old.yml": "legacy:\n  image: golang:1.19\n  script: [go test ./...]\n",
        },
    )
    (ignored,) = apply_ignore(pins, [".gitlab-ci.yml:legacy"])
    assert ignored.ignored == "left out by go_version_ignore entry '.gitlab-ci.yml:legacy'"
    assert apply_ignore(pins, [".gitlab-ci.yml:other"]) == pins


def test_a_spec_header_is_skipped(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
spec:
  inputs:
    stage:
      default: test
---
test:
  image: golang:1.26.8
  script: [go test ./...]
""",
        },
    )
    assert facts(pins) == [(".gitlab-ci.yml:7", "test", "golang:1.26.8", "1.26.8")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "test:\n  image: golang:1.26\n  script: [go test\n",
            ".gitlab-ci.yml:4: not valid YAML (*); GitLab would refuse this pipeline too.*",
        ),
        ("- a\n- b\n", ".gitlab-ci.yml: a GitLab CI file is one mapping of jobs and keywords*"),
        (
            "test:\n  script: !reference .setup\n",
            ".gitlab-ci.yml:2: `!reference` takes a list of names*",
        ),
    ],
)
def test_a_pipeline_gitlab_would_refuse_names_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(WorkflowError) as caught:
        pins_of(tmp_path, {".gitlab-ci.yml": text})
    assert fnmatch.fnmatch(str(caught.value), message), str(caught.value)


def test_an_include_of_itself_stops_at_gitlabs_limit(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="more than 150 included files"):
        pins_of(tmp_path, {".gitlab-ci.yml": "include: [{local: .gitlab-ci.yml}]\n"})


# Through pytest: the go-version check with a GitLab pipeline ----------------------------------


def test_go_version_fails_on_a_gitlab_job_and_says_where_to_fix_it(
    pytester: pytest.Pytester,
) -> None:
    gitlab_project(pytester)
    result = pytester.runpytest("--goimage", "-k", "go-version")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage go-version[]] Dockerfile: 1 Go version pin(s) are older than go.mod "
            "requires (Go 1.26.0):",
            ".gitlab-ci.yml:5: GitLab CI job test: image golang:${GO_VERSION}-alpine names Go "
            "1.25 (GO_VERSION=1.25 from variables (.gitlab-ci.yml:2)), go.mod requires 1.26.0 "
            '(go.mod:3 go 1.26.0) — set GO_VERSION: "1.26.0" or newer where it is set',
            "A GitLab CI job that does not build this module can be left out: add "
            '".gitlab-ci.yml:test" to go_version_ignore in [[]tool.goimage[]].',
            "Not counted:",
            ".gitlab-ci.yml:11: GitLab CI job docs: image golang:1.20: not counted: job docs "
            "never runs the Go toolchain on the module (every script line runs a program that "
            "runs no Go)",
        ]
    )


def test_go_version_ignore_takes_a_gitlab_job_and_refuses_a_typo(
    pytester: pytest.Pytester,
) -> None:
    gitlab_project(pytester, 'go_version_ignore = [".gitlab-ci.yml:test"]\n')
    pytester.runpytest("--goimage", "-k", "go-version").assert_outcomes(passed=1)
    gitlab_project(pytester, 'go_version_ignore = [".gitlab-ci.yml:tset"]\n')
    result = pytester.runpytest("--goimage", "-k", "go-version")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: *pyproject.toml: [[]tool.goimage[]] go_version_ignore entry "
            "'.gitlab-ci.yml:tset': the GitLab CI pipeline has no job 'tset' (did you mean "
            "'test'?); its jobs are docs, test."
        ]
    )


# A review's findings: GitLab's order, its wildcards, inputs, child pipelines, odd YAML -------


def test_a_reference_sees_what_extends_gave_its_target(tmp_path: Path) -> None:
    """GitLab merges `extends` first and resolves `!reference` tags after (Gitlab::Ci::Config):
    `!reference [.go, image]` is the image `.go` gets from `.go-base`."""
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
.go-base:
  image: golang:1.21
  variables:
    GO_VERSION: "1.22"
.go:
  extends: .go-base
build:
  image: !reference [.go, image]
  script: [go build ./...]
vet:
  variables: !reference [.go, variables]
  image: golang:$GO_VERSION
  script: [go vet ./...]
""",
        },
    )
    assert facts(pins) == [
        (".gitlab-ci.yml:2", "build", "golang:1.21", "1.21"),
        (".gitlab-ci.yml:12", "vet", "golang:1.22", "1.22"),
    ]


def test_include_wildcards_match_as_gitlab_documents_them(tmp_path: Path) -> None:
    """`ci/**.yml` is every .yml below ci/; `ci/**/*.yml` only those in its subfolders."""
    files = {
        "ci/top.yml": "top:\n  image: golang:1.24\n  script: [go test ./...]\n",
        "ci/sub/build.yml": "build:\n  image: golang:1.25\n  script: [go build ./...]\n",
        "ci/sub/deep/lint.yml": "lint:\n  image: golang:1.26\n  script: [go vet ./...]\n",
    }
    every = pins_of(tmp_path / "every", {".gitlab-ci.yml": "include: 'ci/**.yml'\n", **files})
    assert sorted(p.job for p in every) == ["build", "lint", "top"]
    below = pins_of(tmp_path / "below", {".gitlab-ci.yml": "include: 'ci/**/*.yml'\n", **files})
    assert sorted(p.job for p in below) == ["build", "lint"]
    one = pins_of(tmp_path / "one", {".gitlab-ci.yml": "include: '/ci/*.yml'\n", **files})
    assert [p.job for p in one] == ["top"]


def test_spec_inputs_take_the_include_inputs_else_their_defaults(tmp_path: Path) -> None:
    template = """\
spec:
  inputs:
    go:
      default: "1.26"
    job:
      default: test
---
$[[ inputs.job ]]:
  image: golang:$[[ inputs.go ]]-alpine
  script: [go test ./...]
"""
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
include:
  - local: ci/go.yml
  - local: ci/go.yml
    inputs:
      go: "1.21"
      job: old-test
  - local: ci/unset.yml
""",
            "ci/go.yml": template,
            "ci/unset.yml": "spec:\n  inputs:\n    go:\n---\nunset:\n  image: golang:$[[ inputs.go ]]\n"
            "  script: [go test ./...]\n",
        },
    )
    assert [(p.job, p.resolved, str(p.version)) for p in pins if p.version] == [
        ("test", "golang:1.26-alpine", "1.26"),
        ("old-test", "golang:1.21-alpine", "1.21"),
    ]
    (unset,) = [p for p in pins if not p.version]
    assert unset.note.startswith("cannot resolve input go: it is not set in the pipeline's")


def test_child_pipelines_from_the_checkout_are_read(tmp_path: Path) -> None:
    """A monorepo's parent pipeline starts one child pipeline per service."""
    pins = pins_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
api:
  trigger:
    include: services/api/.gitlab-ci.yml
    strategy: depend
worker:
  trigger:
    include:
      - local: services/worker/ci.yml
""",
            "services/api/.gitlab-ci.yml": "api-test:\n  image: golang:1.19\n"
            "  script: [go test ./...]\n",
            "services/worker/ci.yml": "worker-test:\n  image: golang:1.26\n"
            "  script: [go test ./...]\n",
        },
    )
    assert facts(pins) == [
        ("services/api/.gitlab-ci.yml:2", "api-test", "golang:1.19", "1.19"),
        ("services/worker/ci.yml:2", "worker-test", "golang:1.26", "1.26"),
    ]
    assert [p.pipeline for p in pins] == ["services/api/.gitlab-ci.yml", "services/worker/ci.yml"]
    assert gitlab_ci_jobs([tmp_path], tmp_path) == {
        ".gitlab-ci.yml": [],
        "services/api/.gitlab-ci.yml": ["api-test"],
        "services/worker/ci.yml": ["worker-test"],
    }


def test_a_yaml_alias_that_holds_itself_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match=r"\.gitlab-ci\.yml: nests too deep to read"):
        pins_of(tmp_path, {".gitlab-ci.yml": "x: &a [*a]\ntest:\n  script: [go test]\n"})


# A subfolder's pipeline, and go_version_ignore entries that name one pipeline ----------------

ROOT_INCLUDING_SVC = """\
include:
  - local: svc/.gitlab-ci.yml
lint:
  image: golang:1.22
  script: [go vet ./...]
"""
SVC_PIPELINE = "svc-test:\n  image: golang:1.23\n  script: [cd svc && go test ./...]\n"


def _checkout(root: Path, files: dict[str, str]) -> Path:
    for name, text in {**files, "svc/go.mod": "module x\n\ngo 1.26.0\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "svc"


def test_a_subfolders_pipeline_the_root_includes_is_read_once(tmp_path: Path) -> None:
    # The Go module in svc/ has a .gitlab-ci.yml that the root pipeline includes: its job is
    # the root pipeline's, one pin (it was also read as a pipeline of its own: two).
    project = _checkout(
        tmp_path, {".gitlab-ci.yml": ROOT_INCLUDING_SVC, "svc/.gitlab-ci.yml": SVC_PIPELINE}
    )
    pins = [p for p in project_pins(tmp_path, project, []) if p.source == SOURCE_GITLAB_IMAGE]
    assert facts(pins) == [
        ("svc/.gitlab-ci.yml:2", "svc-test", "golang:1.23", "1.23"),
        (".gitlab-ci.yml:4", "lint", "golang:1.22", "1.22"),
    ]
    assert [p.pipeline for p in pins] == [".gitlab-ci.yml", ".gitlab-ci.yml"]


def test_an_ignore_entry_with_a_path_leaves_out_that_pipelines_job_only(tmp_path: Path) -> None:
    # svc/ is a repository of its own (a submodule): its pipeline is read apart, and both
    # pipelines have a job named lint.
    project = _checkout(
        tmp_path,
        {
            ".gitlab-ci.yml": "lint:\n  image: golang:1.22\n  script: [go vet ./...]\n",
            "svc/.gitlab-ci.yml": "lint:\n  image: golang:1.23\n  script: [go vet ./...]\n",
        },
    )

    def ignored(entry: str) -> list[tuple[str, bool]]:
        pins = project_pins(tmp_path, project, [], [entry])
        return [(p.file, bool(p.ignored)) for p in pins if p.source == SOURCE_GITLAB_IMAGE]

    assert ignored("svc/.gitlab-ci.yml:lint") == [
        (".gitlab-ci.yml", False),
        ("svc/.gitlab-ci.yml", True),
    ]
    assert ignored(".gitlab-ci.yml:lint") == [
        (".gitlab-ci.yml", True),
        ("svc/.gitlab-ci.yml", True),
    ]


CHILD_PARENT = """\
api:
  trigger:
    include: ci/api.yml
docs:
  image: golang:1.20
  script: [go test ./...]
"""


def _child_project(pytester: pytest.Pytester, goimage: str = "") -> None:
    gitlab_project(pytester, goimage)
    pytester.path.joinpath(".gitlab-ci.yml").write_text(CHILD_PARENT)
    pytester.path.joinpath("ci").mkdir(exist_ok=True)
    pytester.path.joinpath("ci/api.yml").write_text(
        "api-test:\n  image: golang:1.25\n  script: [go test ./...]\n"
    )


def test_a_child_pipelines_job_is_named_through_its_file(pytester: pytest.Pytester) -> None:
    _child_project(pytester, 'go_version_ignore = [".gitlab-ci.yml:docs"]\n')
    result = pytester.runpytest("--goimage", "-k", "go-version")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "ci/api.yml:2: GitLab CI job api-test: image golang:1.25 names Go 1.25, *",
            "A GitLab CI job that does not build this module can be left out: add "
            '"ci/api.yml:api-test" to go_version_ignore in [[]tool.goimage[]].',
        ]
    )
    _child_project(pytester, 'go_version_ignore = [".gitlab-ci.yml:docs", "ci/api.yml:api-test"]\n')
    pytester.runpytest("--goimage", "-k", "go-version").assert_outcomes(passed=1)


def test_an_ignore_entry_naming_an_included_file_or_a_child_without_the_job_is_refused(
    pytester: pytest.Pytester,
) -> None:
    _child_project(pytester, 'go_version_ignore = ["ci/api.yml:docs"]\n')
    result = pytester.runpytest("--goimage", "-k", "go-version")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: *pyproject.toml: [[]tool.goimage[]] go_version_ignore entry 'ci/api.yml:docs': "
            "the GitLab CI pipeline ci/api.yml has no job 'docs'; its jobs are api-test."
        ]
    )
    gitlab_project(pytester, 'go_version_ignore = ["svc/.gitlab-ci.yml:test"]\n')
    result = pytester.runpytest("--goimage", "-k", "go-version")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: *pyproject.toml: [[]tool.goimage[]] go_version_ignore entry "
            "'svc/.gitlab-ci.yml:test': svc/.gitlab-ci.yml is not a GitLab CI pipeline GitLab "
            "runs here (an included file's jobs belong to the pipeline that includes it); the "
            "pipelines are .gitlab-ci.yml. Use .gitlab-ci.yml:job, or a pipeline's path."
        ]
    )
