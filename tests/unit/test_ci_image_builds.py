"""The image builds of GitHub Actions workflows and GitLab CI jobs (gofacts/workflows/
image_builds.py, gofacts/gitlab_ci/image_builds.py, gofacts/image_build_command.py): which
Dockerfile each build builds and with which build arguments, as CI resolves them.

A corpus of the shapes Go repositories use to build their release images (written for these
tests, modelled on public workflows, none copied), each with every build it must give: nothing
more, nothing less, in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from pytest_goimage.gofacts.gitlab_ci import read_gitlab_image_builds
from pytest_goimage.gofacts.image_build_values import ImageBuild
from pytest_goimage.gofacts.workflows.image_builds import read_image_builds, workflow_image_builds
from tests.conftest import RELEASE_WORKFLOW

WORKFLOW = ".github/workflows/release.yml"
NOT_SET = "{} is not set in the CI file (the job's env or variables), so it is only known when the job runs"


class Built(NamedTuple):
    line: int
    job: str
    dockerfile: str
    args: tuple[tuple[str, str | None, int, str], ...] = ()  # name, value, line, why unresolved
    target: str = ""
    note: str = ""


def built(build: ImageBuild) -> Built:
    args = tuple((a.name, a.value, a.line, a.why) for a in build.args)
    return Built(build.line, build.job, build.dockerfile, args, build.target, build.note)


def arg(name: str, value: str | None, line: int, why: str = "") -> tuple[str, str | None, int, str]:
    return (name, value, line, why)


CASES = [
    pytest.param(
        RELEASE_WORKFLOW.format(go="1.21"),
        [
            Built(
                12,
                "image",
                "Dockerfile.prod",
                (
                    arg("GO_VERSION", "1.21", 18),
                    arg(
                        "VERSION",
                        None,
                        19,
                        "cannot resolve ${{ github.ref_name }} (only env.X and matrix.x are read)",
                    ),
                ),
            )
        ],
        id="build-push-action: multi-line build-args, workflow env, a value only the run knows",
    ),
    pytest.param(
        """\
on: push
env:
  GO_VERSION: "1.21"
jobs:
  image:
    runs-on: ubuntu-latest
    env:
      GO_VERSION: "1.22"
    steps:
      - uses: docker/build-push-action@v5
        with:
          build-args: |
            "GO_VERSION=${{ env.GO_VERSION }}"
            LDFLAGS=-s,-w
      - uses: docker/build-push-action@v6
        env:
          GO_VERSION: "1.23"
        with:
          context: ./backend
          target: prod
          build-args: GO_VERSION
      - uses: docker/build-push-action@v6
        with:
          context: backend
          file: ./Dockerfile.prod
      - uses: docker/build-push-action@v6
        with:
          context: "{{defaultContext}}:svc"
""",
        [
            # The job's env over the workflow's; a quoted CSV record, a comma kept in a value.
            Built(
                10,
                "image",
                "Dockerfile",
                (arg("GO_VERSION", "1.22", 13), arg("LDFLAGS", "-s,-w", 14)),
            ),
            # The step's env; `NAME` alone takes the step's environment.
            Built(15, "image", "backend/Dockerfile", (arg("GO_VERSION", "1.23", 21),), "prod"),
            # `file` is relative to the workspace, not to the context.
            Built(22, "image", "Dockerfile.prod"),
            Built(26, "image", "svc/Dockerfile"),
        ],
        id="build-push-action: default context and file, env at job and step level",
    ),
    pytest.param(
        """\
on: push
env:
  GO_VERSION: "1.21"
defaults:
  run:
    working-directory: services
jobs:
  image:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: services/api
    steps:
      - run: docker build --build-arg GO_VERSION=1.24 -f Dockerfile -t app .
      - run: |
          docker buildx build \\
            --build-arg "GO_VERSION=${GO_VERSION}" \\
            --file=../worker/Dockerfile --target=prod ../worker
        working-directory: services/api
      - run: docker image build --build-arg=GO_VERSION=${{ env.GO_VERSION }} -f=Dockerfile.ci .
        working-directory: .
      - run: podman build --build-arg GO_VERSION podman
        working-directory: ${{ github.workspace }}
        env:
          GO_VERSION: "1.25"
      - run: buildah bud -f ${{ github.workspace }}/Dockerfile.prod --build-arg GO_VERSION=${GO_VERSION:-1.20} .
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: docker build --build-arg GO_VERSION=${UNSET:-1.19} --build-arg X=$UNSET .
""",
        [
            # The job's working-directory over the workflow's; -f relative to it.
            Built(14, "image", "services/api/Dockerfile", (arg("GO_VERSION", "1.24", 14),)),
            # A continued line, a quoted `${X}`, `--file=`, `--target=`, the context positional.
            Built(
                16, "image", "services/worker/Dockerfile", (arg("GO_VERSION", "1.21", 17),), "prod"
            ),
            Built(20, "image", "Dockerfile.ci", (arg("GO_VERSION", "1.21", 20),)),
            # podman builds the context's Containerfile where it has one.
            Built(22, "image", "podman/Containerfile", (arg("GO_VERSION", "1.25", 22),)),
            # The workspace path is the checkout's root, whatever the working-directory.
            Built(26, "image", "Dockerfile.prod", (arg("GO_VERSION", "1.21", 26),)),
            Built(
                30,
                "lint",
                "services/Dockerfile",
                (arg("GO_VERSION", "1.19", 30), arg("X", None, 30, NOT_SET.format("$UNSET"))),
            ),
        ],
        id="run: docker, buildx, image build, podman, buildah; working-directory; shell values",
    ),
    pytest.param(
        """\
on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - run: |
          export GO_VERSION=1.26
          cd services/api
          sudo -E docker --context ci build --build-arg GO_VERSION=$GO_VERSION .
          (cd ../worker && docker build .)
          docker build -f Dockerfile.dev ../..
          if [ -n "$PUSH" ]; then cd /tmp; fi
          docker build .
      - run: |
          docker run --rm golang:1.21 go version
          docker buildx bake release
          docker build - < Dockerfile
          docker build https://github.com/example/app.git
          GO_VERSION=1.20 docker build --build-arg GO_VERSION .
""",
        [
            # What the script exports; a `cd` at the top holds for the commands after it.
            Built(9, "image", "services/api/Dockerfile", (arg("GO_VERSION", "1.26", 9),)),
            # A subshell's own `cd`; after it the shell is where it was.
            Built(10, "image", "services/worker/Dockerfile"),
            Built(11, "image", "services/api/Dockerfile.dev"),
            # After a `cd` that may not run, and to a folder outside the checkout: no build
            # read. Nor `docker run`, a Dockerfile from stdin or a URL context.
            Built(19, "image", "Dockerfile", (arg("GO_VERSION", "1.20", 19),)),
        ],
        id="run: exports, cd, subshells, sudo and global flags; what is no Dockerfile build",
    ),
    pytest.param(
        """\
on: push
env:
  GO_VERSION: "1.21"
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker build --build-arg GO_VERSION=$GO_VERSION .
          GO_VERSION=1.26.8
          docker build --build-arg GO_VERSION=$GO_VERSION --build-arg RC=${GO_VERSION}rc1 .
          if [ -f .go-version ]; then GO_VERSION=$(cat .go-version); fi
          docker build --build-arg GO_VERSION=$GO_VERSION .
""",
        [
            # Each build sees what the script assigned before it, not after.
            Built(9, "image", "Dockerfile", (arg("GO_VERSION", "1.21", 9),)),
            Built(
                11,
                "image",
                "Dockerfile",
                (arg("GO_VERSION", "1.26.8", 11), arg("RC", "1.26.8rc1", 11)),
            ),
            Built(
                13,
                "image",
                "Dockerfile",
                (
                    arg(
                        "GO_VERSION",
                        None,
                        13,
                        "$GO_VERSION is set in a branch, loop or function of the script, or "
                        "read by it, so it is only "
                        "known when the job runs",
                    ),
                ),
            ),
        ],
        id="run: assignments in order, and one in a branch",
    ),
    pytest.param(
        """\
on: push
env:
  GO_VERSION: '1.26.8'
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - name: production image
        run: >-
          docker build -f Dockerfile.prod
          --build-arg GO_VERSION=${{ env.GO_VERSION }}
          -t app:prod .
      - run: docker build -f Dockerfile.prod
          --build-arg GO_VERSION=1.22
          .
""",
        [
            # YAML folds these into one line; each word keeps the line it is written on.
            Built(10, "image", "Dockerfile.prod", (arg("GO_VERSION", "1.26.8", 11),)),
            Built(13, "image", "Dockerfile.prod", (arg("GO_VERSION", "1.22", 14),)),
        ],
        id="run: a folded script and a plain one over several lines",
    ),
    pytest.param(
        """\
on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - run: |  # the release image
          go version | tee go-version; docker build --build-arg GO_VERSION=1.21 .
      - run: "docker build -f Dockerfile.prod
          --build-arg GO_VERSION=1.22 ."
""",
        [
            # The `|` of the block's header is not the pipe of its first line.
            Built(7, "image", "Dockerfile", (arg("GO_VERSION", "1.21", 7),)),
            # A quoted script over several lines: its quotes are not in the value.
            Built(8, "image", "Dockerfile.prod", (arg("GO_VERSION", "1.22", 9),)),
        ],
        id="run: a pipe on a block's first line, a quoted script over several lines",
    ),
    pytest.param(
        """\
on: push
jobs:
  images:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        go: ['1.25', '1.26']
        variant: [alpine]
        include:
          - go: '1.24'
            variant: bookworm
    steps:
      - uses: docker/build-push-action@v6
        if: matrix.go != '1.24'
        with:
          file: Dockerfile.prod
          build-args: |
            GO_VERSION=${{ matrix.go }}
            VARIANT=${{ matrix.variant }}
""",
        [
            Built(
                13,
                "images",
                "Dockerfile.prod",
                (arg("GO_VERSION", "1.25", 18), arg("VARIANT", "alpine", 19)),
            ),
            Built(
                13,
                "images",
                "Dockerfile.prod",
                (arg("GO_VERSION", "1.26", 18), arg("VARIANT", "alpine", 19)),
            ),
        ],
        id="matrix: one build per combination; a step `if:` false in one of them",
    ),
    pytest.param(
        """\
on:
  workflow_call:
    inputs:
      go:
        type: string
        default: '1.21'
jobs:
  images:
    runs-on: ubuntu-latest
    steps:
      - id: go
        run: echo "version=$(cat .go-version)" >> "$GITHUB_OUTPUT"
      - run: echo "GO_FROM_FILE=$(cat .go-version)" >> $GITHUB_ENV
      - uses: docker/build-push-action@v6
        if: github.event_name == 'push'
        with:
          build-args: |
            GO_VERSION=${{ steps.go.outputs.version }}
            TOKEN=${{ secrets.TOKEN }}
            GO_FROM_FILE=${{ env.GO_FROM_FILE }}
            CALLER=${{ inputs.go }}
      - run: docker build --build-arg GO_VERSION=$(cat .go-version) --build-arg G2=$GO_FROM_FILE .
""",
        [
            Built(
                14,
                "images",
                "Dockerfile",
                (
                    arg(
                        "GO_VERSION",
                        None,
                        18,
                        "cannot resolve ${{ steps.go.outputs.version }} (only env.X and matrix.x "
                        "are read)",
                    ),
                    arg(
                        "TOKEN",
                        None,
                        19,
                        "cannot resolve ${{ secrets.TOKEN }} (only env.X and matrix.x are read)",
                    ),
                    arg(
                        "GO_FROM_FILE",
                        None,
                        20,
                        "GO_FROM_FILE is written to $GITHUB_ENV by an earlier step, so it is only "
                        "known when the job runs",
                    ),
                    arg(
                        "CALLER",
                        None,
                        21,
                        "inputs.go is set by each caller of this reusable workflow, default '1.21' "
                        "at line 6",
                    ),
                ),
                note="may run: its `if: github.event_name == 'push'` depends on what is only "
                "known when the workflow runs (line 15)",
            ),
            Built(
                22,
                "images",
                "Dockerfile",
                (
                    arg(
                        "GO_VERSION",
                        None,
                        22,
                        "`$(cat .go-version)` runs a command only when the job runs",
                    ),
                    arg(
                        "G2",
                        None,
                        22,
                        "GO_FROM_FILE is written to $GITHUB_ENV by an earlier step, so it is only "
                        "known when the job runs",
                    ),
                ),
            ),
        ],
        id="unresolvable: step outputs, secrets, $GITHUB_ENV, command substitution, inputs",
    ),
    pytest.param(
        """\
on: push
jobs:
  never:
    if: false
    runs-on: ubuntu-latest
    steps:
      - run: docker build --build-arg GO_VERSION=1.10 .
  never-either:
    if: ${{ false }}
    runs-on: ubuntu-latest
    steps:
      - run: docker build --build-arg GO_VERSION=1.10 .
  caller:
    uses: ./.github/workflows/build.yml
""",
        [],
        id="jobs that never run, and a reusable workflow's caller",
    ),
    pytest.param(
        """\
on: push
jobs:
  image:
    runs-on: ubuntu-latest
    env:
      GO_VERSION: "1.26.8"
    steps:
      - run: |
          pushd legacy
          docker build --build-arg GO_VERSION=1.22 .
          popd
          docker build --build-arg GO_VERSION=1.23 .
      - run: |
          build_legacy() { cd legacy; docker build --build-arg GO_VERSION=1.22 .; }
          build_legacy
      - run: |
          source ./versions.env
          docker build --build-arg GO_VERSION=$GO_VERSION .
      - run: |
          read -r GO_VERSION < .go-version
          docker build --build-arg GO_VERSION .
      - run: docker buildx build -f Dockerfile --build-arg GO_VERSION=1.21 https://github.com/o/r.git
""",
        [
            # pushd is followed, and popd back to where it was.
            Built(10, "image", "legacy/Dockerfile", (arg("GO_VERSION", "1.22", 10),)),
            Built(12, "image", "Dockerfile", (arg("GO_VERSION", "1.23", 12),)),
            # A function that changes folder: where its build runs is not known.
            Built(
                18,
                "image",
                "Dockerfile",
                (
                    arg(
                        "GO_VERSION",
                        None,
                        18,
                        "the script reads variables from a file or `eval` before the build "
                        "(`source`, `.`), so $GO_VERSION is only known when the job runs",
                    ),
                ),
            ),
            Built(
                21,
                "image",
                "Dockerfile",
                (
                    arg(
                        "GO_VERSION",
                        None,
                        21,
                        "$GO_VERSION is set in a branch, loop or function of the script, or "
                        "read by it, so it is only "
                        "known when the job runs",
                    ),
                ),
            ),
        ],
        id="pushd and popd, a function's cd, source, read, a remote context",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_workflow_image_builds(text: str, expected: list[Built]) -> None:
    found = workflow_image_builds(text, WORKFLOW, lambda path: path == "podman/Containerfile")
    # A `docker buildx bake` is a bake call, read in tests/unit/test_bake_reading.py.
    assert [built(b) for b in found if isinstance(b, ImageBuild)] == expected


def test_a_nested_project_s_workflow_names_its_dockerfile_from_the_rootdir(tmp_path: Path) -> None:
    workflows = tmp_path / "svc" / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "release.yml").write_text(
        "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: docker build -f build/Dockerfile .\n"
    )
    builds = read_image_builds(tmp_path / "svc", tmp_path)
    assert [(b.file, b.line, b.dockerfile) for b in builds] == [
        ("svc/.github/workflows/release.yml", 6, "svc/build/Dockerfile")
    ]


PIPELINE = """\
variables:
  GO_VERSION: "1.21"
  BUILDER: "golang:${GO_VERSION}"

.docker:
  image: docker:27
  services: [docker:27-dind]

release:
  extends: .docker
  script:
    - docker build --build-arg GO_VERSION=$GO_VERSION -t $CI_REGISTRY_IMAGE -f Dockerfile.prod .
    - |
      docker build \\
        --build-arg "GO_VERSION=${GO_VERSION}" \\
        --build-arg COMMIT=$CI_COMMIT_SHA \\
        -f $CI_PROJECT_DIR/backend/Dockerfile backend

matrix:
  extends: .docker
  parallel:
    matrix:
      - GO_VERSION: ["1.25", "1.26"]
  script:
    - docker build --build-arg GO_VERSION --build-arg BUILDER=$BUILDER .

never:
  extends: .docker
  rules:
    - when: never
  script:
    - docker build --build-arg GO_VERSION=1.10 .
"""


def test_gitlab_ci_image_builds(tmp_path: Path) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(PIPELINE)
    builds = read_gitlab_image_builds([tmp_path], tmp_path)
    assert {b.pipeline for b in builds} == {".gitlab-ci.yml"}
    assert [built(b) for b in builds] == [
        Built(12, "release", "Dockerfile.prod", (arg("GO_VERSION", "1.21", 12),)),
        Built(
            14,
            "release",
            "backend/Dockerfile",
            (
                arg("GO_VERSION", "1.21", 15),
                arg("COMMIT", None, 16, NOT_SET.format("$CI_COMMIT_SHA")),
            ),
        ),
        # `parallel: matrix` over the global variable; nested variables expanded as GitLab does.
        Built(
            25,
            "matrix",
            "Dockerfile",
            (arg("GO_VERSION", "1.25", 25), arg("BUILDER", "golang:1.25", 25)),
        ),
        Built(
            25,
            "matrix",
            "Dockerfile",
            (arg("GO_VERSION", "1.26", 25), arg("BUILDER", "golang:1.26", 25)),
        ),
    ]
    assert builds[0].args[0].origins == (("GO_VERSION", ".gitlab-ci.yml", 2),)


KANIKO_PIPELINE = """\
variables:
  GO_VERSION: "1.25"

build:
  image:
    name: gcr.io/kaniko-project/executor:v1.23.2-debug
    entrypoint: [""]
  script:
    - /kaniko/executor
      --context "${CI_PROJECT_DIR}"
      --dockerfile "${CI_PROJECT_DIR}/Dockerfile.prod"
      --build-arg GO_VERSION=${GO_VERSION}
      --destination "${CI_REGISTRY_IMAGE}:${CI_COMMIT_TAG}"
      --cache=true
      --target release

worker:
  image: gcr.io/kaniko-project/executor:debug
  script:
    - cd backend
    - executor -c dir://. -f Dockerfile --build-arg=GO_VERSION=1.26 --no-push
    # The default context is kaniko's /workspace/, outside the checkout: no build read.
    - executor --no-push

api:
  image: gcr.io/kaniko-project/executor:debug
  script:
    # A relative --dockerfile that is not in the folder it runs in: kaniko takes the
    # context's (a review's false pass read the root's Dockerfile).
    - /kaniko/executor --context "${CI_PROJECT_DIR}/api" --dockerfile Dockerfile.api
      --build-arg GO_VERSION=1.24 --no-push
    # Without --dockerfile: `Dockerfile` where it runs (the checkout's root) first.
    - /kaniko/executor --context "${CI_PROJECT_DIR}/api" --no-push
"""


def test_kaniko_builds_in_gitlab_are_read_as_docker_builds(tmp_path: Path) -> None:
    """GitLab's documented way to build without Docker: kaniko's executor, its context and
    Dockerfile from CI_PROJECT_DIR, `dir://` and the short options too."""
    (tmp_path / ".gitlab-ci.yml").write_text(KANIKO_PIPELINE)
    (tmp_path / "api").mkdir()
    (tmp_path / "api/Dockerfile.api").write_text("FROM golang:1.26-alpine\n")
    (tmp_path / "Dockerfile").write_text("FROM golang:1.26-alpine\n")
    builds = read_gitlab_image_builds([tmp_path], tmp_path)
    assert [built(b) for b in builds] == [
        Built(9, "build", "Dockerfile.prod", (arg("GO_VERSION", "1.25", 12),), "release"),
        Built(21, "worker", "backend/Dockerfile", (arg("GO_VERSION", "1.26", 21),)),
        Built(30, "api", "api/Dockerfile.api", (arg("GO_VERSION", "1.24", 31),)),
        Built(33, "api", "Dockerfile"),
    ]


# Each shape a GitLab script line is written in: the job's script from line 3 on (line 2 for a
# script given as one string), with the lines its build and its GO_VERSION argument are on.
GITLAB_SHAPES = [
    pytest.param(
        """\
    - |
      docker build --build-arg GO_VERSION=1.21 -t app .
""",
        4,
        4,
        id="a block of one line",
    ),
    pytest.param(
        """\
    - |-  # the release image
      docker build --build-arg GO_VERSION=1.21 -t app .
""",
        4,
        4,
        id="a block of one line, its header with a chomping indicator and a comment",
    ),
    pytest.param(
        """\
    - |
      echo "$GO_VERSION" | tee go-version
      docker build \\
        --build-arg GO_VERSION=1.21 \\
        -f Dockerfile .
""",
        5,
        6,
        id="a block over several lines, continued with backslashes",
    ),
    pytest.param(
        """\
    - >
      docker build
      --build-arg GO_VERSION=1.21
      -t app .
""",
        4,
        5,
        id="a folded block",
    ),
    pytest.param(
        """\
    - >
      docker build \\
        --build-arg GO_VERSION=1.21 \\
        -t app .
""",
        4,
        5,
        id="a folded block whose more indented lines keep their backslashes and line breaks",
    ),
    pytest.param(
        "    - docker build --build-arg GO_VERSION=1.21 .\n",
        3,
        3,
        id="a plain line",
    ),
    pytest.param(
        """\
    - docker build
      --build-arg GO_VERSION=1.21
      .
""",
        3,
        4,
        id="a plain scalar over several lines",
    ),
    pytest.param(
        '    - "docker build --build-arg GO_VERSION=1.21 ."\n',
        3,
        3,
        id="a quoted line",
    ),
    pytest.param(
        """\
    - 'docker build
      --build-arg GO_VERSION=1.21 .'
""",
        3,
        4,
        id="a quoted scalar over several lines",
    ),
    pytest.param(
        """\
    - "docker build --label \\"team=api\\"
      --build-arg GO_VERSION=1.21 --label \\"tier=web\\" ."
""",
        3,
        4,
        id="a double-quoted scalar over several lines with escaped quotes",
    ),
    pytest.param(
        """\
    - "docker build --label x=1 \\
      --label \\"tier=web\\" \\
      --build-arg GO_VERSION=1.21 ."
""",
        3,
        5,
        id="a double-quoted scalar over several lines, its line break escaped",
    ),
    pytest.param(
        """\
    - 'docker build --label ''team=api''
      --label ''tier=web'' --build-arg GO_VERSION=1.21 .'
""",
        3,
        4,
        id="a single-quoted scalar over several lines with doubled quotes",
    ),
    pytest.param(
        "  script: docker build --build-arg GO_VERSION=1.21 .\n",
        2,
        2,
        id="a script given as one string",
    ),
    pytest.param(
        """\
  script: |
    docker build --build-arg GO_VERSION=1.21 .
""",
        3,
        3,
        id="a script given as one block",
    ),
]


@pytest.mark.parametrize(("script", "build_line", "arg_line"), GITLAB_SHAPES)
def test_a_gitlab_script_line_names_the_line_each_word_is_written_on(
    tmp_path: Path, script: str, build_line: int, arg_line: int
) -> None:
    header = "build:\n" if script.startswith("  script:") else "build:\n  script:\n"
    (tmp_path / ".gitlab-ci.yml").write_text(header + script)
    builds = read_gitlab_image_builds([tmp_path], tmp_path)
    assert [(b.line, [(a.name, a.value, a.line) for a in b.args]) for b in builds] == [
        (build_line, [("GO_VERSION", "1.21", arg_line)])
    ]


def test_a_gitlab_script_line_keeps_its_lines_where_an_input_is_interpolated(
    tmp_path: Path,
) -> None:
    """`$[[ inputs.go ]]` is replaced by a shorter value: the words after it are still on the
    lines they are written on."""
    (tmp_path / ".gitlab-ci.yml").write_text(
        """\
spec:
  inputs:
    go:
      default: "1.21"
---
build:
  script:
    - >
      docker build --build-arg GO_VERSION=$[[ inputs.go ]]
      --build-arg=ALPINE=3.20 .
"""
    )
    builds = read_gitlab_image_builds([tmp_path], tmp_path)
    assert [built(b) for b in builds] == [
        Built(9, "build", "Dockerfile", (arg("GO_VERSION", "1.21", 9), arg("ALPINE", "3.20", 10)))
    ]


def test_a_gitlab_build_behind_keywords_and_wrappers_but_not_xargs(tmp_path: Path) -> None:
    """The shell's keywords and the wrappers (`sudo -E`, `time -p`) come before the build;
    a build through xargs takes words from its input, so its arguments are not written: none
    is read."""
    (tmp_path / ".gitlab-ci.yml").write_text(
        """\
build:
  script:
    - if [ -n "$CI_COMMIT_TAG" ]; then docker build --build-arg GO_VERSION=1.21 .; fi
    - '! docker build --build-arg GO_VERSION=1.22 .'
    - echo 1.23 | xargs -I{} docker build --build-arg GO_VERSION={} .
    - time -p nohup sudo -E docker build --build-arg GO_VERSION=1.24 .
"""
    )
    builds = read_gitlab_image_builds([tmp_path], tmp_path)
    assert [(b.line, [(a.name, a.value) for a in b.args]) for b in builds] == [
        (3, [("GO_VERSION", "1.21")]),
        (4, [("GO_VERSION", "1.22")]),
        (6, [("GO_VERSION", "1.24")]),
    ]


def test_folders_after_popd_and_cd_dash_and_the_shell_s_own_folder() -> None:
    """`popd` goes back to where `pushd` left, `cd -` to the folder before; `"$PWD"`, `$(pwd)`
    and `` `pwd` `` are the folder the build runs in (a user trial: each build here was
    dropped, and its older Go passed)."""
    text = """\
on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - working-directory: services
        run: |
          pushd api
          docker build --target build .
          popd
          docker build --build-arg GO_VERSION=1.23 -f api/Dockerfile api
          cd worker
          cd -
          docker build --build-arg GO_VERSION=1.22 -t a "$PWD/api"
          docker build -t b $(pwd)
          cd "$PWD/api" && docker build -t c `pwd`
          popd
          docker build .
"""
    found = workflow_image_builds(text, WORKFLOW)
    assert [built(b) for b in found] == [
        Built(9, "image", "services/api/Dockerfile", target="build"),
        Built(11, "image", "services/api/Dockerfile", (arg("GO_VERSION", "1.23", 11),)),
        Built(14, "image", "services/api/Dockerfile", (arg("GO_VERSION", "1.22", 14),)),
        Built(15, "image", "services/Dockerfile"),
        Built(16, "image", "services/api/Dockerfile"),
        # A `popd` with nothing pushed fails in bash: where the next build runs is not known.
    ]


def test_build_arguments_held_in_an_unquoted_variable_are_the_build_s() -> None:
    """`docker build $BUILD_ARGS .`: the shell splits the variable's value into options (on
    whitespace; quotes in a value stay, as bash keeps them), so its `--build-arg`s are the
    build's where the variable stands (a later one of a name wins), pointing at where the
    variable is set; `-f` and `--target` in it count; a value only the job knows may hold any
    argument. A quoted `"$ARGS"` is one word; a variable after the context is still split."""
    text = """\
on: push
env:
  BUILD_ARGS: --build-arg GO_VERSION=1.21 --build-arg APP=svc --build-arg "QUOTED=1"
  OPTS: -f Dockerfile.prod --target build --build-arg GO_VERSION=1.22
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - run: docker build $BUILD_ARGS --build-arg APP=api -t svc .
      - run: docker build ${{ steps.meta.outputs.args }} $EXTRA -t svc .
        env:
          EXTRA: ${{ steps.meta.outputs.extra }}
      - run: docker build "$BUILD_ARGS" -t svc .
      - run: docker build --build-arg GO_VERSION=1.26 -t svc . $BUILD_ARGS
      - run: docker build -t svc $OPTS .
      - run: |
          args=(--build-arg GO_VERSION=1.20)
          docker build "${args[@]}" -t svc .
"""
    found = workflow_image_builds(text, WORKFLOW)
    first, second, third, fourth, fifth, sixth = found
    for build in found:
        assert isinstance(build, ImageBuild)
    assert [(a.name, a.value, a.origins) for a in first.args] == [  # type: ignore[union-attr]
        ("GO_VERSION", "1.21", (("GO_VERSION in env.BUILD_ARGS", WORKFLOW, 3),)),
        ("APP", "svc", (("APP in env.BUILD_ARGS", WORKFLOW, 3),)),
        ("APP", "api", ()),
    ]
    ((name, value, why),) = [(a.name, a.value, a.why) for a in second.args]  # type: ignore[union-attr]
    assert (name, value) == ("*", None)
    assert why.startswith("$EXTRA holds more of the build's options, and ")
    assert third.args == ()  # type: ignore[union-attr]
    # After the context, and later than the explicit 1.26: its 1.21 is what docker uses.
    assert [(a.name, a.value) for a in fourth.args] == [  # type: ignore[union-attr]
        ("GO_VERSION", "1.26"),
        ("GO_VERSION", "1.21"),
        ("APP", "svc"),
    ]
    assert (fourth.dockerfile, fifth.dockerfile, fifth.target) == (  # type: ignore[union-attr]
        "Dockerfile",
        "Dockerfile.prod",
        "build",
    )
    assert [a.name for a in sixth.args] == ["*"]  # an array: only the job knows its words  # type: ignore[union-attr]


def test_a_gitlab_variable_yaml_reads_as_a_number_is_refused_not_go_1_2(tmp_path: Path) -> None:
    """`GO_VERSION: 1.20` is the float 1.2 to YAML, and GitLab refuses such a pipeline: the
    build's Go is not 1.2 (trial 10: it failed as Go 1.2 with advice to set 1.26.0)."""
    (tmp_path / ".gitlab-ci.yml").write_text(
        "variables:\n  GO_VERSION: 1.20\nbuild:\n  image: docker:27\n"
        "  script: [docker build --build-arg GO_VERSION=$GO_VERSION .]\n"
    )
    (build,) = read_gitlab_image_builds([tmp_path], tmp_path)
    assert isinstance(build, ImageBuild)
    ((name, value, why),) = [(a.name, a.value, a.why) for a in build.args]
    assert (name, value) == ("GO_VERSION", None)
    assert why == (
        "GitLab refuses this pipeline: GO_VERSION: `1.20`, which YAML reads as the number 1.2, "
        "and a variable's value must be a string or an integer; quote it"
    )


def test_cd_dash_after_popd_goes_back_where_popd_left() -> None:
    """`popd` changes folder as `cd` does, so a `cd -` after it goes back to the pushed one
    (bash: `pushd deploy; popd; cd -` ends in deploy)."""
    text = image_job_text("pushd deploy\npopd\ncd -\ndocker build .")
    (build,) = workflow_image_builds(text, WORKFLOW)
    assert isinstance(build, ImageBuild) and build.dockerfile == "deploy/Dockerfile"


def image_job_text(script: str) -> str:
    lines = "".join(f"          {line}\n" for line in script.splitlines())
    return f"on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n{lines}"


def test_a_gitlab_assignment_in_another_file_is_named_with_its_file(tmp_path: Path) -> None:
    """`default: before_script` in .gitlab-ci.yml exports the value, the job that builds is in
    an included file: the value's line is .gitlab-ci.yml's, not the build file's (review)."""
    (tmp_path / "ci").mkdir()
    (tmp_path / ".gitlab-ci.yml").write_text(
        "include:\n  - local: ci/build.yml\ndefault:\n  before_script:\n"
        "    - export GO_VERSION=1.22\n"
    )
    (tmp_path / "ci" / "build.yml").write_text(
        "build-image:\n  image: docker:27\n  script:\n"
        "    - docker build --build-arg GO_VERSION=$GO_VERSION -t x .\n"
    )
    (build,) = read_gitlab_image_builds([tmp_path], tmp_path)
    assert isinstance(build, ImageBuild)
    assert (build.file, build.line) == ("ci/build.yml", 4)
    assert [(a.value, a.origins) for a in build.args] == [
        ("1.22", (("GO_VERSION", ".gitlab-ci.yml", 5),))
    ]
