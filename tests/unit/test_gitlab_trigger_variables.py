"""Variables a parent pipeline's trigger job passes to a child pipeline of the checkout
(gofacts/gitlab_ci/job_variables.started_ways): the trigger job's YAML variables (its own, the
pipeline's it inherits, its rules') are the child's pipeline variables, over all of the
child's YAML; `inherit: variables:` limits the pipeline's it passes, `trigger: forward:
yaml_variables: false` passes none, and each trigger job that starts the child file is one way
it runs. Job image pins and image builds (`image_pins.job_runs`) read them alike."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.gofacts.gitlab_ci import read_gitlab_ci, read_gitlab_image_builds
from pytest_goimage.gofacts.gitlab_ci.image_pins import job_runs

CHILD = """\
variables:
  GO_VERSION: "1.26"

build:
  image: docker:27
  script:
    - docker build --build-arg GO_VERSION=$GO_VERSION -t app .

test:
  image: golang:${GO_VERSION}-alpine
  variables:
    GO_VERSION: "1.26.8"
  script: [go test ./...]
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def runs_of(root: Path, files: dict[str, str]) -> list[tuple[str, str, dict[str, str], str]]:
    """(pipeline, job, {variable: "value from origin:line"}, note) per JobRun."""
    _write(root, files)
    return [
        (
            run.pipeline,
            run.name,
            {
                n: f"{v.value} from {v.origin} {v.value.file}:{v.value.line}"
                for n, v in run.variables.items()
            },
            run.note,
        )
        for run in job_runs([root], root)
    ]


def pins_of(root: Path) -> list[tuple[str, str, str, str]]:
    """(pipeline, job, resolved image, note) per image pin."""
    return [(p.pipeline, p.job, p.resolved, p.note) for p in read_gitlab_ci([root], root)]


def builds_of(root: Path) -> list[tuple[str, str, tuple[tuple[str, str, int], ...], str]]:
    """(job, GO_VERSION's value, where it came from, note) per image build."""
    return [
        (b.job, str(b.args[0].value), b.args[0].origins, b.note)
        for b in read_gitlab_image_builds([root], root)
    ]


def test_a_trigger_s_variables_override_the_child_s_global_and_job_variables(
    tmp_path: Path,
) -> None:
    """p17 of the user trial: the child pipeline builds and tests with the trigger's Go 1.22,
    not its own 1.26 (global) or 1.26.8 (job)."""
    runs = runs_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
stages: [build]

api-image:
  stage: build
  variables:
    GO_VERSION: "1.22"
  trigger:
    include: ci/image.yml
    strategy: depend
""",
            "ci/image.yml": CHILD,
        },
    )
    started = "started by trigger job api-image (.gitlab-ci.yml:3)"
    passed = {"GO_VERSION": "1.22 from variables passed by trigger job api-image .gitlab-ci.yml:6"}
    assert runs == [
        ("ci/image.yml", "build", passed, started),
        ("ci/image.yml", "test", passed, started),
    ]
    assert pins_of(tmp_path) == [
        (
            "ci/image.yml",
            "test",
            "golang:1.22-alpine",
            "GO_VERSION=1.22 from variables passed by trigger job api-image "
            f"(.gitlab-ci.yml:6); {started}",
        )
    ]
    assert builds_of(tmp_path) == [
        ("build", "1.22", (("GO_VERSION", ".gitlab-ci.yml", 6),), started)
    ]


def test_the_parent_s_global_variables_go_unless_inherit_variables_leaves_them_out(
    tmp_path: Path,
) -> None:
    """A trigger job inherits the parent's `variables:` as any job does and passes them on;
    `inherit: variables: false` passes only its own, a list only the globals it names."""
    runs = runs_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
variables:
  GO_VERSION: "1.21"
  IMAGE: app

everything:
  trigger:
    include: ci/all.yml

nothing:
  inherit:
    variables: false
  trigger:
    include: ci/none.yml

own-only:
  inherit:
    variables: false
  variables:
    IMAGE: api
  trigger:
    include: ci/own.yml

listed:
  inherit:
    variables: [IMAGE]
  trigger:
    include: ci/listed.yml
""",
            **{
                f"ci/{name}.yml": "variables:\n  GO_VERSION: '1.26'\n"
                f"{name}-test:\n  image: golang:$GO_VERSION\n  script: [go test ./...]\n"
                for name in ("all", "none", "own", "listed")
            },
        },
    )

    def passed(name: str, value: str, line: int) -> str:
        return f"{value} from variables passed by trigger job {name} .gitlab-ci.yml:{line}"

    child_go = {"GO_VERSION": "1.26 from variables ci/{}.yml:2"}
    assert runs == [
        (
            "ci/all.yml",
            "all-test",
            {
                "GO_VERSION": passed("everything", "1.21", 2),
                "IMAGE": passed("everything", "app", 3),
            },
            "started by trigger job everything (.gitlab-ci.yml:5)",
        ),
        ("ci/none.yml", "none-test", {"GO_VERSION": child_go["GO_VERSION"].format("none")}, ""),
        (
            "ci/own.yml",
            "own-test",
            {
                "GO_VERSION": child_go["GO_VERSION"].format("own"),
                "IMAGE": passed("own-only", "api", 19),
            },
            "started by trigger job own-only (.gitlab-ci.yml:15)",
        ),
        (
            "ci/listed.yml",
            "listed-test",
            {
                "GO_VERSION": child_go["GO_VERSION"].format("listed"),
                "IMAGE": passed("listed", "app", 3),
            },
            "started by trigger job listed (.gitlab-ci.yml:23)",
        ),
    ]
    assert [(job, image) for _, job, image, _ in pins_of(tmp_path)] == [
        ("all-test", "golang:1.21"),
        ("none-test", "golang:1.26"),
        ("own-test", "golang:1.26"),
        ("listed-test", "golang:1.26"),
    ]


def test_forward_yaml_variables_false_passes_none(tmp_path: Path) -> None:
    """`trigger: forward: yaml_variables: false` keeps the trigger job's variables (and the
    globals it inherits) in the parent; `pipeline_variables: true` forwards what the parent
    pipeline was itself started with, over the trigger's YAML variables."""
    runs = runs_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
variables:
  GO_VERSION: "1.21"

image-build:
  variables:
    GO_VERSION: "1.22"
  trigger:
    include: ci/image.yml
    forward:
      yaml_variables: false

nested:
  variables:
    GO_VERSION: "1.23"
  trigger:
    include: ci/nested.yml
""",
            "ci/image.yml": CHILD,
            "ci/nested.yml": """\
grandchild:
  variables:
    GO_VERSION: "1.24"
  trigger:
    include: ci/grandchild.yml
    forward:
      pipeline_variables: true
""",
            "ci/grandchild.yml": "leaf:\n  image: golang:$GO_VERSION\n  script: [go build ./...]\n",
        },
    )
    assert runs == [
        ("ci/image.yml", "build", {"GO_VERSION": "1.26 from variables ci/image.yml:2"}, ""),
        ("ci/image.yml", "test", {"GO_VERSION": "1.26.8 from variables ci/image.yml:12"}, ""),
        (
            "ci/grandchild.yml",
            "leaf",
            {"GO_VERSION": "1.23 from variables passed by trigger job nested .gitlab-ci.yml:14"},
            "started by trigger job nested (.gitlab-ci.yml:12); "
            "started by trigger job grandchild (ci/nested.yml:1)",
        ),
    ]
    assert builds_of(tmp_path) == [("build", "1.26", (("GO_VERSION", "ci/image.yml", 2),), "")]


def test_two_triggers_of_one_child_file_are_two_ways_it_runs(tmp_path: Path) -> None:
    """Each trigger job starts a child pipeline of its own from the same file, each way the
    trigger job runs (its `rules:variables` too, noted with the trigger's rule)."""
    runs = runs_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
api:
  variables:
    GO_VERSION: "1.25"
  trigger:
    include: ci/image.yml

worker:
  variables:
    GO_VERSION: "1.26.8"
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        GO_VERSION: "1.20"
    - when: on_success
  trigger:
    include:
      - local: ci/image.yml
""",
            "ci/image.yml": CHILD,
        },
    )
    api = "started by trigger job api (.gitlab-ci.yml:1)"
    worker = "started by trigger job worker (.gitlab-ci.yml:7)"
    tagged = (
        f"{worker}; may run: trigger job worker's rule `if: $CI_COMMIT_TAG` (.gitlab-ci.yml:11) "
        "depends on what is only known when the pipeline runs"
    )
    ways = [
        ("1.25 from variables passed by trigger job api .gitlab-ci.yml:3", api),
        ("1.26.8 from variables passed by trigger job worker .gitlab-ci.yml:9", worker),
        ("1.20 from rules:variables passed by trigger job worker .gitlab-ci.yml:13", tagged),
    ]
    assert [(job, run["GO_VERSION"], note) for _, job, run, note in runs] == [
        (job, value, note) for job in ("build", "test") for value, note in ways
    ]
    passed = "GO_VERSION={} from {} passed by trigger job {} (.gitlab-ci.yml:{}); {}"
    assert [(image, note) for _, _, image, note in pins_of(tmp_path)] == [
        ("golang:1.25-alpine", passed.format("1.25", "variables", "api", 3, api)),
        ("golang:1.26.8-alpine", passed.format("1.26.8", "variables", "worker", 9, worker)),
        ("golang:1.20-alpine", passed.format("1.20", "rules:variables", "worker", 13, tagged)),
    ]
    assert [(value, origins[0][2], note) for _, value, origins, note in builds_of(tmp_path)] == [
        ("1.25", 3, api),
        ("1.26.8", 9, worker),
        ("1.20", 13, tagged),
    ]


def test_only_a_child_a_trigger_with_variables_starts_takes_them(tmp_path: Path) -> None:
    """A child whose trigger job passes no variables, or that only a hidden template or a
    trigger job that never runs starts, runs with its own variables and no note; a sibling
    child that a trigger with variables starts takes them."""
    runs = runs_of(
        tmp_path,
        {
            ".gitlab-ci.yml": """\
plain:
  trigger:
    include: ci/plain.yml

.template:
  variables:
    GO_VERSION: "1.19"
  trigger:
    include: ci/hidden.yml

never:
  variables:
    GO_VERSION: "1.18"
  rules:
    - when: never
  trigger:
    include: ci/never.yml

passing:
  variables:
    GO_VERSION: "1.22"
  trigger:
    include: ci/passing.yml
""",
            **{
                f"ci/{name}.yml": "variables:\n  GO_VERSION: '1.26'\n"
                f"{name}-test:\n  image: golang:$GO_VERSION\n  script: [go test ./...]\n"
                for name in ("plain", "hidden", "never", "passing")
            },
        },
    )
    assert runs == [
        ("ci/plain.yml", "plain-test", {"GO_VERSION": "1.26 from variables ci/plain.yml:2"}, ""),
        ("ci/hidden.yml", "hidden-test", {"GO_VERSION": "1.26 from variables ci/hidden.yml:2"}, ""),
        ("ci/never.yml", "never-test", {"GO_VERSION": "1.26 from variables ci/never.yml:2"}, ""),
        (
            "ci/passing.yml",
            "passing-test",
            {"GO_VERSION": "1.22 from variables passed by trigger job passing .gitlab-ci.yml:21"},
            "started by trigger job passing (.gitlab-ci.yml:19)",
        ),
    ]
    assert [(job, image, note) for _, job, image, note in pins_of(tmp_path)][:3] == [
        ("plain-test", "golang:1.26", "GO_VERSION=1.26 from variables (ci/plain.yml:2)"),
        ("hidden-test", "golang:1.26", "GO_VERSION=1.26 from variables (ci/hidden.yml:2)"),
        ("never-test", "golang:1.26", "GO_VERSION=1.26 from variables (ci/never.yml:2)"),
    ]
