"""GitLab CI `rules:variables` and `workflow:rules:variables` (gofacts/gitlab_ci/job_variables.py):
which rule matches is only known when the pipeline runs, so each rule that sets variables is a
way the job may run, as a `parallel: matrix` combination is, and the job's `image:` pins and its
image builds (`image_pins.job_runs`) are read once per way. GitLab's seed assembles them: a
workflow rule's variables over the pipeline's `variables:` (not over the job's own), a job
rule's over everything the job has; a `when: never` rule runs nothing."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.gofacts.gitlab_ci import read_gitlab_ci, read_gitlab_image_builds
from pytest_goimage.gofacts.gitlab_ci.image_pins import job_runs
from pytest_goimage.gofacts.versions import Pin

UNKNOWN = "depends on what is only known when the pipeline runs"
RELEASE = 'its rule `if: $CI_COMMIT_BRANCH == "release"`'
TAG = "the workflow rule `if: $CI_COMMIT_TAG`"


def may(rule: str, line: int) -> str:
    """The note of a pin the rule `rule` at `line` sets variables for."""
    return f"may run: {rule} (.gitlab-ci.yml:{line}) {UNKNOWN}"


def _write(root: Path, text: str) -> None:
    (root / ".gitlab-ci.yml").write_text(text)


def pins_of(root: Path, text: str) -> list[Pin]:
    _write(root, text)
    return read_gitlab_ci([root], root)


def facts(pins: list[Pin]) -> list[tuple[str, str, str]]:
    """(job, resolved image, note) per pin, each pinning the Go of its tag (if any)."""
    for pin in pins:
        tag = pin.resolved.split(":")[1].split("-")[0]
        assert str(pin.version) == tag if pin.version else "$" in tag
    return [(p.job, p.resolved, p.note) for p in pins]


def runs_of(root: Path, text: str) -> list[tuple[str, dict[str, str], str]]:
    """(job, {variable: "value from origin at line"}, note) per JobRun."""
    _write(root, text)
    return [
        (
            run.name,
            {n: f"{v.value} from {v.origin}:{v.value.line}" for n, v in run.variables.items()},
            run.note,
        )
        for run in job_runs([root], root)
    ]


def test_a_job_rule_s_variables_are_one_more_way_the_job_runs(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        """\
variables:
  GO_VERSION: "1.26"

test:
  image: golang:$GO_VERSION
  variables:
    GO_VERSION: "1.26.8"
  rules:
    - if: $CI_COMMIT_BRANCH == "release"
      variables:
        GO_VERSION: "1.22"
    - when: on_success
  script: [go test ./...]
""",
    )
    assert facts(pins) == [
        ("test", "golang:1.26.8", "GO_VERSION=1.26.8 from variables (.gitlab-ci.yml:7)"),
        (
            "test",
            "golang:1.22",
            f"GO_VERSION=1.22 from rules:variables (.gitlab-ci.yml:11); {may(RELEASE, 9)}",
        ),
    ]
    assert pins[1].version_arg == "GO_VERSION"


def test_a_workflow_rule_s_variables_override_the_pipeline_s_not_the_job_s(
    tmp_path: Path,
) -> None:
    pins = pins_of(
        tmp_path,
        """\
workflow:
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        GO_VERSION: "1.21"
    - when: always

variables:
  GO_VERSION: "1.26"

test:
  image: golang:${GO_VERSION}-alpine
  script: [go test ./...]

own:
  image: golang:${GO_VERSION}-alpine
  variables:
    GO_VERSION: "1.26.8"
  script: [go build ./...]
""",
    )
    assert facts(pins) == [
        ("test", "golang:1.26-alpine", "GO_VERSION=1.26 from variables (.gitlab-ci.yml:9)"),
        (
            "test",
            "golang:1.21-alpine",
            f"GO_VERSION=1.21 from workflow:rules:variables (.gitlab-ci.yml:5); {may(TAG, 3)}",
        ),
        ("own", "golang:1.26.8-alpine", "GO_VERSION=1.26.8 from variables (.gitlab-ci.yml:18)"),
    ]


def test_workflow_rules_times_job_rules_each_with_its_notes(tmp_path: Path) -> None:
    """p09 of the user trial: each way is a JobRun, the image builds read them all."""
    text = """\
workflow:
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        IMAGE_GO: "1.21"
    - when: always

variables:
  GO_VERSION: "1.26"
  IMAGE_GO: "1.26"

build-image:
  image: docker:27
  rules:
    - if: $CI_COMMIT_BRANCH == "release"
      variables:
        GO_VERSION: "1.22"
    - when: on_success
  script:
    - docker build --build-arg GO_VERSION=$GO_VERSION -t x .

tag-image:
  image: docker:27
  script:
    - docker build --build-arg GO_VERSION=$IMAGE_GO -t x .
"""
    release, tag = may(RELEASE, 15), may(TAG, 3)
    base = {"GO_VERSION": "1.26 from variables:9", "IMAGE_GO": "1.26 from variables:10"}
    tagged = {**base, "IMAGE_GO": "1.21 from workflow:rules:variables:5"}
    assert runs_of(tmp_path, text) == [
        ("build-image", base, ""),
        (
            "build-image",
            {**base, "GO_VERSION": "1.22 from rules:variables:17"},
            release,
        ),
        ("build-image", tagged, tag),
        (
            "build-image",
            {**tagged, "GO_VERSION": "1.22 from rules:variables:17"},
            f"{tag}; {release}",
        ),
        ("tag-image", base, ""),
        ("tag-image", tagged, tag),
    ]
    builds = read_gitlab_image_builds([tmp_path], tmp_path)
    assert [(b.job, b.args[0].value, b.args[0].origins) for b in builds] == [
        ("build-image", "1.26", (("GO_VERSION", ".gitlab-ci.yml", 9),)),
        ("build-image", "1.22", (("GO_VERSION", ".gitlab-ci.yml", 17),)),
        ("tag-image", "1.26", (("IMAGE_GO", ".gitlab-ci.yml", 10),)),
        ("tag-image", "1.21", (("IMAGE_GO", ".gitlab-ci.yml", 5),)),
    ]


def test_never_rules_and_rules_never_reached_set_nothing(tmp_path: Path) -> None:
    """A `when: never` rule's variables never reach a job, nor those of a rule after one that
    always matches; without a rule free of variables the job never runs without them."""
    runs = runs_of(
        tmp_path,
        """\
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
      when: never
      variables:
        GO: "1.10"
    - if: $CI_COMMIT_TAG
      variables:
        GO: "1.26.8"

never-first:
  rules:
    - if: $CI_COMMIT_BRANCH == "old"
      when: never
      variables:
        GO: "1.11"
    - when: manual
    - if: $CI_COMMIT_BRANCH == "main"
      variables:
        GO: "1.12"
  script: [go test ./...]

only-rule-variables:
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      variables:
        GO: "1.25"
  script: [go test ./...]

all-never:
  rules:
    - if: $CI_COMMIT_TAG
      when: never
      variables:
        GO: "1.13"
  script: [go test ./...]
""",
    )
    tag = may(TAG, 7)
    main = may('its rule `if: $CI_COMMIT_BRANCH == "main"`', 25)
    assert runs == [
        ("never-first", {"GO": "1.26.8 from workflow:rules:variables:9"}, tag),
        (
            "only-rule-variables",
            {"GO": "1.25 from rules:variables:27"},
            f"{tag}; {main}",
        ),
    ]


def test_rules_without_if(tmp_path: Path) -> None:
    """A rule without `if:` matches on `changes:` or `exists:`, which the note names; one
    without any condition always matches: its variables are the job's, no other way remains,
    and after a rule that may match it applies only where that one does not."""
    pins = pins_of(
        tmp_path,
        """\
changes:
  image: golang:$GO
  variables:
    GO: "1.26"
  rules:
    - changes:
        - go.mod
      variables:
        GO: "1.24"
    - when: on_success
  script: [go build ./...]

always:
  image: golang:$GO
  variables:
    GO: "1.26"
  rules:
    - variables:
        GO: "1.23"
    - if: $CI_COMMIT_TAG
      variables:
        GO: "1.9"
  script: [go build ./...]

after-if:
  image: golang:$GO
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        GO: "1.26"
    - variables:
        GO: "1.22"
  script: [go build ./...]
""",
    )
    rule = "GO={} from rules:variables (.gitlab-ci.yml:{}); {}"
    assert facts(pins) == [
        ("changes", "golang:1.26", "GO=1.26 from variables (.gitlab-ci.yml:4)"),
        ("changes", "golang:1.24", rule.format("1.24", 9, may("its rule's `changes:`", 7))),
        ("always", "golang:1.23", "GO=1.23 from rules:variables (.gitlab-ci.yml:19)"),
        (
            "after-if",
            "golang:1.26",
            rule.format("1.26", 30, may("its rule `if: $CI_COMMIT_TAG`", 28)),
        ),
        (
            "after-if",
            "golang:1.22",
            rule.format(
                "1.22",
                32,
                "may run: its rule with variables at .gitlab-ci.yml:32 applies where no rule "
                "before it matches",
            ),
        ),
    ]


def test_rules_from_a_reference_and_inherit(tmp_path: Path) -> None:
    """Rules spliced in by `!reference` set their variables too; a job that inherits no
    pipeline variables takes no workflow rule's either (they are the pipeline's)."""
    pins = pins_of(
        tmp_path,
        """\
workflow:
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        GO: "1.21"
    - when: always

variables:
  GO: "1.26"

.release-rules:
  rules:
    - if: $CI_COMMIT_BRANCH == "release"
      variables:
        GO: "1.22"

referenced:
  image: golang:$GO
  rules:
    - !reference [.release-rules, rules]
    - when: on_success
  inherit:
    variables: false
  script: [go build ./...]
""",
    )
    assert facts(pins) == [
        (
            "referenced",
            "golang:$GO",
            "cannot resolve GO: it is not set in the pipeline's variables or inputs (a CI/CD "
            "variable of the project's settings is not in the checkout); set a default in "
            "`variables:` (an input: a `default:` in its `spec:`, or `inputs:` where it is "
            "included)",
        ),
        (
            "referenced",
            "golang:1.22",
            f"GO=1.22 from rules:variables (.gitlab-ci.yml:15); {may(RELEASE, 13)}",
        ),
    ]


def test_a_rule_s_gotoolchain_and_gowork(tmp_path: Path) -> None:
    """Every variable a rule sets counts, not only the image's: GOTOOLCHAIN changes the Go the
    job runs, GOWORK=off leaves go.work out."""
    pins = pins_of(
        tmp_path,
        """\
test:
  image: golang:1.26
  rules:
    - if: $CI_COMMIT_TAG
      variables:
        GOTOOLCHAIN: go1.27.1
    - if: $CI_COMMIT_BRANCH == "solo"
      variables:
        GOWORK: "off"
    - when: on_success
  script: [go test ./...]
""",
    )
    assert [(str(p.version), p.workspace_off) for p in pins] == [
        ("1.26", False),
        ("1.27.1", False),
        ("1.26", True),
    ]
