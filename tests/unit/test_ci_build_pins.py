"""A CI build of a configured Dockerfile with build arguments of its own is a Go version pin
where those arguments change the Go of a golang FROM (gofacts/ci_build_pins.py, wired in
project_pins): before, `docker build --build-arg GO_VERSION=1.21` in a release workflow passed
`go-version` while the Dockerfile's default (what the plugin built and tested) was 1.26."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_goimage.gofacts.ci_build_pins import (
    cannot_build,
    format_cannot_build,
    format_not_tested,
    not_tested,
)
from pytest_goimage.gofacts.image_reference import valid_reference
from pytest_goimage.gofacts.project_pins import project_pins
from pytest_goimage.gofacts.versions import (
    SOURCE_CI_BUILD,
    SOURCE_DOCKERFILE,
    GoVersion,
    Pin,
    Shipped,
    format_misalignment,
    format_unpinned,
    misaligned,
    required_version,
    unpinned,
)
from tests.conftest import RELEASE_WORKFLOW

GO_MOD = "module example.com/svc\n\ngo 1.26.0\n\ntoolchain go1.26.8\n"
DOCKERFILE = """\
# Production image.
ARG GO_VERSION=1.26.8
ARG VARIANT=alpine
FROM golang:${GO_VERSION}-${VARIANT} AS build
RUN go build -o /out/api ./cmd/api
FROM scratch
COPY --from=build /out/api /api
"""


def image_job(*steps: str) -> str:
    """A workflow whose job `image` runs `steps` (each a step's YAML), from line 6 on."""
    lines = [line for step in steps for line in textwrap.dedent(step).strip("\n").split("\n")]
    return "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n" + "".join(
        f"      {line}\n" for line in lines
    )


def repo(
    root: Path, workflow: str, dockerfile: str = DOCKERFILE, *, name: str = "release.yml"
) -> Path:
    """A checkout at `root`: go.mod, Dockerfile.prod and `.github/workflows/<name>`."""
    (root / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text(GO_MOD)
    (root / "Dockerfile.prod").write_text(dockerfile)
    (root / ".github" / "workflows" / name).write_text(textwrap.dedent(workflow))
    return root


def ci_pins(
    root: Path, build_args: dict[str, str] | None = None, ignore: tuple[str, ...] = ()
) -> list[Pin]:
    dockerfiles = [(root / "Dockerfile.prod", build_args or {})]
    return [p for p in project_pins(root, root, dockerfiles, ignore) if p.source == SOURCE_CI_BUILD]


def test_an_older_go_passed_by_the_release_build_is_a_pin_that_fails(tmp_path: Path) -> None:
    root = repo(tmp_path, RELEASE_WORKFLOW.format(go="1.21"))
    pins = project_pins(root, root, [(root / "Dockerfile.prod", {})])
    [pin] = [p for p in pins if p.source == SOURCE_CI_BUILD]
    assert pin == Pin(
        ".github/workflows/release.yml",
        18,
        SOURCE_CI_BUILD,
        "job image builds Dockerfile.prod with GO_VERSION=1.21: golang:1.21-alpine",
        GoVersion.parse("1.21"),
        "GO_VERSION=1.21 from env.GO_VERSION at line 6",
        resolved="golang:1.21-alpine",
        version_arg="env.GO_VERSION",
        version_arg_line=6,
        job="image",
        shipped=Shipped(
            "Dockerfile.prod",
            4,
            (("GO_VERSION", "1.21"),),
            "golang:1.26.8-alpine (Go 1.26.8; GO_VERSION=1.26.8 from ARG default, line 2; "
            "VARIANT=alpine from ARG default, line 3)",
            "GO_VERSION=1.21",
        ),
    )
    bad = misaligned(pins, required_version(pins))
    assert bad == [pin]
    assert format_misalignment(bad, pins) == (
        ".github/workflows/release.yml:18: job image builds Dockerfile.prod with GO_VERSION=1.21: "
        "golang:1.21-alpine names Go 1.21 (GO_VERSION=1.21 from env.GO_VERSION at line 6), "
        "go.mod requires 1.26.8 (go.mod:5 toolchain go1.26.8) — set env.GO_VERSION to '1.26.8' "
        "or newer on .github/workflows/release.yml:6"
    )


def test_the_dockerfile_s_own_value_in_ci_is_no_pin(tmp_path: Path) -> None:
    """Of two builds, the one that passes the Dockerfile's own 1.26.8 is no pin."""
    root = repo(
        tmp_path,
        image_job(
            "- run: docker build --build-arg GO_VERSION=1.26.8 -f Dockerfile.prod .",
            "- run: docker build --build-arg GO_VERSION=1.21 -f Dockerfile.prod .",
        ),
    )
    assert [(p.line, p.raw) for p in ci_pins(root)] == [
        (7, "job image builds Dockerfile.prod with GO_VERSION=1.21: golang:1.21-alpine")
    ]


def test_a_newer_but_other_go_in_ci_is_not_the_image_tested(tmp_path: Path) -> None:
    """`1.26` satisfies go.mod's 1.26.8 (it floats to the newest 1.26.x), but it is not the
    1.26.8 this run built: the image CI ships is not the one tested."""
    pins = ci_pins(repo(tmp_path, RELEASE_WORKFLOW.format(go="1.26")))
    assert misaligned(pins, required_version(project_pins(tmp_path, tmp_path, []))) == []
    assert not_tested(pins) == pins
    assert format_not_tested(pins, "[tool.goimage]") == (
        ".github/workflows/release.yml:18: job image builds Dockerfile.prod with GO_VERSION=1.26 "
        "(GO_VERSION=1.26 from env.GO_VERSION at line 6), so the image CI ships is built FROM "
        "golang:1.26-alpine (Go 1.26, a tag that floats to the newest 1.26.x), but this run "
        "built and tested Dockerfile.prod:4 FROM golang:1.26.8-alpine (Go 1.26.8; "
        "GO_VERSION=1.26.8 from ARG default, line 2; VARIANT=alpine from ARG default, line 3): "
        "the image CI ships is not the image tested. Pin the CI value to the one tested, or add "
        'GO_VERSION = "1.26" to build_args in [tool.goimage] so that this run tests what ships; '
        'if that job\'s image does not ship, add "release.yml:image" to go_version_ignore in '
        "[tool.goimage]."
    )


def test_build_args_set_to_the_ci_value_test_what_ships(tmp_path: Path) -> None:
    root = repo(tmp_path, RELEASE_WORKFLOW.format(go="1.26"))
    assert [p.raw for p in not_tested(ci_pins(root))] == [
        "job image builds Dockerfile.prod with GO_VERSION=1.26: golang:1.26-alpine"
    ]
    assert ci_pins(root, {"GO_VERSION": "1.26"}) == []


def test_arguments_that_change_no_golang_from_change_nothing(tmp_path: Path) -> None:
    """VERSION and COMMIT (known or not), and a VARIANT that changes the image but not its Go;
    of a build that passes GO_VERSION too, only GO_VERSION is named."""
    build = """\
        - run: |
            docker build -f Dockerfile.prod \\
              --build-arg VERSION=${{ github.ref_name }} \\
              --build-arg COMMIT=$(git rev-parse HEAD) \\
              --build-arg VARIANT=bookworm .
    """
    go = (
        "- run: docker build -f Dockerfile.prod --build-arg VERSION=1 --build-arg GO_VERSION=1.21 ."
    )
    root = repo(tmp_path, image_job(build, go))
    assert [(p.line, p.raw) for p in ci_pins(root)] == [
        (11, "job image builds Dockerfile.prod with GO_VERSION=1.21: golang:1.21-alpine")
    ]


def test_a_value_only_the_run_knows_is_unpinned_where_it_decides_the_go(tmp_path: Path) -> None:
    output = """\
        - id: go
          run: echo "version=$(cat .go-version)" >> "$GITHUB_OUTPUT"
    """
    build = """\
        - uses: docker/build-push-action@v6
          with:
            file: Dockerfile.prod
            build-args: |
              GO_VERSION=${{ steps.go.outputs.version }}
              VERSION=${{ github.ref_name }}
    """
    root = repo(tmp_path, image_job(output, build))
    pins = ci_pins(root)
    assert unpinned(pins) == pins
    assert misaligned(pins, required_version(project_pins(root, root, []))) == []
    assert not_tested(pins) == []
    assert format_unpinned(pins) == (
        ".github/workflows/release.yml:12: job image builds Dockerfile.prod with "
        "GO_VERSION=${{ steps.go.outputs.version }} is not pinned: GO_VERSION cannot be resolved: "
        "cannot resolve ${{ steps.go.outputs.version }} (only env.X and matrix.x are read); it "
        "decides the golang FROM on Dockerfile.prod:4"
    )


def test_a_build_of_a_dockerfile_not_configured_is_no_pin(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        RELEASE_WORKFLOW.format(go="1.21").replace("./Dockerfile.prod", "./Dockerfile.debug"),
    )
    (root / "Dockerfile.debug").write_text(DOCKERFILE)
    assert ci_pins(root) == []
    # Configured, the same file's build is a pin.
    pins = project_pins(root, root, [(root / "Dockerfile.debug", {})])
    [pin] = [p for p in pins if p.source == SOURCE_CI_BUILD]
    assert pin.raw == "job image builds Dockerfile.debug with GO_VERSION=1.21: golang:1.21-alpine"


def test_go_version_ignore_leaves_the_job_out(tmp_path: Path) -> None:
    root = repo(tmp_path, RELEASE_WORKFLOW.format(go="1.21"))
    for entry in ("release.yml:image", "release.yml", ".github/workflows/release.yml"):
        [pin] = ci_pins(root, ignore=(entry,))
        assert pin.ignored == f"left out by go_version_ignore entry {entry!r}"
        assert misaligned([pin], required_version(project_pins(root, root, []))) == []
        assert not_tested([pin]) == []
    [pin] = ci_pins(root, ignore=("release.yml:docs",))
    assert not pin.ignored


def test_an_argument_the_build_does_not_pass_takes_its_default_not_the_configured_one(
    tmp_path: Path,
) -> None:
    """build_args GO_VERSION=1.26.8 over the default 1.25: CI does not read [tool.goimage], so
    a build that sets only VARIANT ships the default 1.25, as one that passes 1.25 does."""
    root = repo(
        tmp_path,
        image_job(
            "- run: docker build -f Dockerfile.prod --build-arg VARIANT=bookworm .",
            "- run: docker build -f Dockerfile.prod --build-arg GO_VERSION=1.25 .",
        ),
        DOCKERFILE.replace("GO_VERSION=1.26.8", "GO_VERSION=1.25"),
    )
    pins = ci_pins(root, {"GO_VERSION": "1.26.8"})
    assert [(p.line, p.raw) for p in pins] == [
        (
            6,
            "job image builds Dockerfile.prod with GO_VERSION left at its ARG default 1.25: "
            "golang:1.25-bookworm",
        ),
        (7, "job image builds Dockerfile.prod with GO_VERSION=1.25: golang:1.25-alpine"),
    ]
    assert format_not_tested(pins[:1], "[tool.goimage]").startswith(
        ".github/workflows/release.yml:6: job image builds Dockerfile.prod with GO_VERSION left at "
        "its ARG default 1.25, so the image CI ships is built FROM golang:1.25-bookworm (Go "
        "1.25, a tag that floats to the newest 1.25.x), but this run built and tested "
        "Dockerfile.prod:4 FROM golang:1.26.8-alpine "
        "(Go 1.26.8; GO_VERSION=1.26.8 from build_args; VARIANT=alpine from ARG default, line "
        "3): the image CI ships is not the image tested. Pin the CI value to the one tested, or "
        'set GO_VERSION = "1.25" in build_args in [tool.goimage]'
    )


def test_every_matrix_combination_and_an_arg_behind_another(tmp_path: Path) -> None:
    """`FROM ${BUILDER}` with `ARG BUILDER=golang:${GO_VERSION}-alpine`: CI's GO_VERSION still
    decides the Go; one pin per matrix value that differs, none for the tested one, none for a
    job that never runs."""
    root = repo(
        tmp_path,
        """\
        on: push
        jobs:
          image:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                go: ['1.25', '1.26.8']
            steps:
              - run: docker build -f Dockerfile.prod --build-arg GO_VERSION=${{ matrix.go }} .
          off:
            if: false
            runs-on: ubuntu-latest
            steps:
              - run: docker build -f Dockerfile.prod --build-arg GO_VERSION=1.10 .
        """,
        "ARG GO_VERSION=1.26.8\nARG BUILDER=golang:${GO_VERSION}-alpine\nFROM ${BUILDER}\n",
    )
    assert [
        (p.line, p.raw, str(p.version), p.version_arg, p.version_arg_line) for p in ci_pins(root)
    ] == [
        (
            9,
            "job image builds Dockerfile.prod with GO_VERSION=1.25: golang:1.25-alpine",
            "1.25",
            "matrix.go",
            7,
        )
    ]


def test_a_ci_value_that_floats_is_unpinned(tmp_path: Path) -> None:
    [pin] = ci_pins(repo(tmp_path, RELEASE_WORKFLOW.format(go="latest")))
    assert (pin.unpinned, pin.version, pin.note) == (
        True,
        None,
        "tag 'latest-alpine' names no Go version, so it floats with latest; "
        "GO_VERSION=latest from env.GO_VERSION at line 6",
    )


def test_a_gitlab_ci_build_is_a_pin_of_its_job(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(GO_MOD)
    (tmp_path / "Dockerfile.prod").write_text(DOCKERFILE)
    (tmp_path / ".gitlab-ci.yml").write_text(
        "variables:\n"
        '  GO_VERSION: "1.21"\n'
        "release:\n"
        "  image: docker:27\n"
        "  script:\n"
        "    - docker build --build-arg GO_VERSION=$GO_VERSION -t $IMAGE -f Dockerfile.prod .\n"
    )
    [pin] = ci_pins(tmp_path)
    assert (pin.file, pin.line, pin.raw, pin.pipeline, pin.version_arg, pin.version_arg_line) == (
        ".gitlab-ci.yml",
        6,
        "GitLab CI job release builds Dockerfile.prod with GO_VERSION=1.21: golang:1.21-alpine",
        ".gitlab-ci.yml",
        "GO_VERSION",
        2,
    )
    [ignored] = ci_pins(tmp_path, ignore=(".gitlab-ci.yml:release",))
    assert ignored.ignored == "left out by go_version_ignore entry '.gitlab-ci.yml:release'"


STAGED = """\
ARG GO_VERSION=1.26.8
ARG LINT_GO=1.26.8
FROM golang:${GO_VERSION}-alpine AS build
RUN go build -o /out/api ./cmd/api
FROM golang:${LINT_GO}-alpine AS lint
RUN go vet ./...
FROM alpine:3.22 AS docs
COPY docs /docs
FROM scratch AS final
COPY --from=build /out/api /api
"""


def test_a_stage_a_build_never_runs_is_no_pin_and_another_target_is_not_the_image_tested(
    tmp_path: Path,
) -> None:
    """BuildKit runs only the stages the target needs: `--target docs` runs no golang FROM, and
    the final image never runs the lint stage's. A CI build of another target than the
    configured one ships or tests another image: its Go counts against go.mod as any pin's
    (a user trial: a Go 1.25 `--target test` build passed), but it is no image this run
    claims to have tested."""
    root = repo(
        tmp_path,
        image_job(
            "- run: docker build -f Dockerfile.prod --target docs --build-arg GO_VERSION=1.21 .",
            "- run: docker build -f Dockerfile.prod --target final --build-arg LINT_GO=1.21 .",
            "- run: docker build -f Dockerfile.prod --build-arg GO_VERSION=1.22 .",
        ),
        STAGED,
    )
    # Only the third: the last stage (final) runs build's FROM, at line 3.
    assert [(p.line, p.raw) for p in ci_pins(root)] == [
        (8, "job image builds Dockerfile.prod with GO_VERSION=1.22: golang:1.22-alpine")
    ]
    # An image configured with target lint: the builds of final run the build stage, which
    # lint never runs; the older Go of the third is a pin, and no build claims lint's image.
    lint = project_pins(root, root, [(root / "Dockerfile.prod", {}, "lint")])
    built = [p for p in lint if p.source == SOURCE_CI_BUILD]
    assert [(p.line, p.raw, str(p.version), p.shipped) for p in built] == [
        (
            7,
            "job image builds Dockerfile.prod (target final): golang:1.26.8-alpine",
            "1.26.8",
            None,
        ),
        (
            8,
            "job image builds Dockerfile.prod with GO_VERSION=1.22: golang:1.22-alpine",
            "1.22",
            None,
        ),
    ]
    assert not_tested(built) == []
    # Its own pins are those of the stage lint runs: build's golang FROM on line 3 is listed
    # as not counted, with why.
    own = [(p.line, p.ignored) for p in lint if p.source == SOURCE_DOCKERFILE]
    assert own == [
        (
            3,
            "not counted: a build of target lint does not run this stage (no stage it runs is "
            "built FROM, copies or mounts from it)",
        ),
        (5, ""),
    ]


def test_an_unknown_value_that_decides_the_image_s_name_is_an_unpinned_note(
    tmp_path: Path,
) -> None:
    """`FROM ${IMAGE}:${GO_VERSION}` with IMAGE only the job knows: whether it is golang at all
    is unknown, so the build is reported as unpinned, not passed in silence."""
    root = repo(
        tmp_path,
        image_job(
            "- run: docker build -f Dockerfile.prod --build-arg IMAGE=${{ vars.BUILDER }} "
            "--build-arg GO_VERSION=1.21 ."
        ),
        "ARG IMAGE=golang\nARG GO_VERSION=1.26.8\nFROM ${IMAGE}:${GO_VERSION}\n",
    )
    [pin] = ci_pins(root)
    assert pin.unpinned
    assert "IMAGE cannot be resolved" in pin.note
    assert "it decides the golang FROM on Dockerfile.prod:3" in pin.note


def test_a_stage_named_through_a_variable_is_followed_as_buildkit_expands_it(
    tmp_path: Path,
) -> None:
    """`FROM build-${MODE}`: BuildKit expands the name before it looks the stage up."""
    root = repo(
        tmp_path,
        image_job("- run: docker build -f Dockerfile.prod --build-arg GO_VERSION=1.22 ."),
        "ARG GO_VERSION=1.26.8\nARG MODE=release\nFROM golang:${GO_VERSION} AS build-release\n"
        "FROM golang:1.26.8 AS build-debug\nFROM build-${MODE} AS final\n",
    )
    assert [(p.line, p.raw) for p in ci_pins(root)] == [
        (6, "job image builds Dockerfile.prod with GO_VERSION=1.22: golang:1.22")
    ]


def test_what_only_the_job_knows_is_no_pin_and_a_build_that_cannot_start_is_one(
    tmp_path: Path,
) -> None:
    """A target only the job knows, a function that changes folder before a build, a value
    assigned before `source` may override it: none is a failure here. An ARG without default
    the build does not pass leaves its FROM `golang:-alpine`, which the engine refuses: that
    build cannot start (trial 16: go-version passed on build_args CI does not read)."""
    root = repo(
        tmp_path,
        image_job(
            '- run: docker build -f Dockerfile.prod --target "$T" --build-arg GO_VERSION=1.22 .',
            "- run: |\n    enter() { cd svc; }\n    enter\n"
            "    docker build -f Dockerfile.prod --build-arg GO_VERSION=1.22 .",
            "- run: |\n    GO_VERSION=1.22\n    source ./versions.env\n"
            "    docker build -f Dockerfile.prod --build-arg GO_VERSION=$GO_VERSION .",
            "- run: docker build -f Dockerfile.prod .",
        ),
        "ARG GO_VERSION\nFROM golang:${GO_VERSION}-alpine\n",
    )
    pins = ci_pins(root, {"GO_VERSION": "1.26.8"})
    # The `source` one as unpinned: its value is the job's to know.
    assert [(p.line, p.unpinned, bool(p.cannot_build)) for p in pins] == [
        (14, True, False),
        (15, False, True),
    ]
    assert "`source`" in pins[0].note
    assert cannot_build(pins) == [pins[1]]
    assert format_cannot_build(pins[1:], "[tool.goimage]") == (
        ".github/workflows/release.yml:15: job image builds Dockerfile.prod without GO_VERSION, "
        "which the ARG at Dockerfile.prod:1 declares without a default, so its FROM at "
        "Dockerfile.prod:2 becomes golang:-alpine, which the engine refuses (invalid reference "
        'format): that build fails before its first step (this run passed GO_VERSION = "1.26.8" '
        "from build_args). Give the ARG a default (`ARG GO_VERSION=1.26.8`), or pass "
        "GO_VERSION=1.26.8 to that build (`--build-arg`, or build-push-action's `build-args`); "
        "if that job's image does not ship, add "
        '"release.yml:image" to go_version_ignore in [tool.goimage].'
    )


def test_an_argument_left_empty_where_the_from_stays_a_name_is_no_pin(tmp_path: Path) -> None:
    """`golang:1.26${SUFFIX}` without SUFFIX is `golang:1.26`, which the engine takes; an
    argument passed from the job's environment (`--build-arg GO_VERSION`) is CI's to know."""
    root = repo(
        tmp_path,
        image_job(
            "- run: docker build -f Dockerfile.prod .",
            "- run: docker build -f Dockerfile.prod --build-arg GO_VERSION .",
        ),
        "ARG GO_VERSION=1.26.8\nARG SUFFIX\nFROM golang:${GO_VERSION}${SUFFIX}\n",
    )
    assert cannot_build(ci_pins(root, {"SUFFIX": "-alpine"})) == []
    root = repo(
        tmp_path / "env",
        image_job("- run: docker build -f Dockerfile.prod --build-arg GO_VERSION ."),
        "ARG GO_VERSION\nFROM golang:${GO_VERSION}-alpine\n",
    )
    assert cannot_build(ci_pins(root, {"GO_VERSION": "1.26.8"})) == []


def test_options_only_the_job_knows_in_an_unquoted_variable_are_a_note(tmp_path: Path) -> None:
    """`docker build $EXTRA ...` with $EXTRA from a step's output may pass any argument: where
    an ARG decides the golang FROM that is an unpinned note (never a pass in silence, never a
    failure); a Dockerfile whose FROM no ARG decides has no pin from it."""
    workflow = image_job(
        """
        - run: docker build $EXTRA -f Dockerfile.prod .
          env:
            EXTRA: ${{ steps.meta.outputs.args }}
        """
    )
    root = repo(tmp_path, workflow)
    [pin] = ci_pins(root)
    assert (pin.line, pin.version, pin.unpinned) == (6, None, True)
    assert pin.raw == "job image builds Dockerfile.prod with $EXTRA"
    assert pin.note.startswith("$EXTRA holds more of the build's options, and ")
    assert pin.note.endswith("it decides the golang FROM on Dockerfile.prod:4")
    fixed = DOCKERFILE.replace("${GO_VERSION}-${VARIANT}", "1.26.8-alpine")
    assert ci_pins(repo(tmp_path / "fixed", workflow, fixed)) == []


def test_a_floating_tested_tag_is_pinned_to_ci_s_patch_not_the_other_way(tmp_path: Path) -> None:
    """The Dockerfile says `golang:1.26`, CI passes 1.26.8: today perhaps the same image, but
    pinning CI to the floating tag (the old advice) would make what ships float too (trial 10)."""
    floating = DOCKERFILE.replace("ARG GO_VERSION=1.26.8", "ARG GO_VERSION=1.26")
    pins = ci_pins(repo(tmp_path, RELEASE_WORKFLOW.format(go="1.26.8"), floating))
    assert not_tested(pins) == pins
    message = format_not_tested(pins, "[tool.goimage]")
    assert (
        "the image CI ships is not the image tested. This run's tag floats to the newest 1.26.x "
        "(today it may be CI's 1.26.8, tomorrow not): pin the Dockerfile's value to 1.26.8, or "
        'add GO_VERSION = "1.26.8" to build_args in [tool.goimage], so that this run tests what '
        "ships; " in message
    )
    assert "Pin the CI value" not in message


def test_a_script_s_assignment_and_a_gotoolchain_are_named_as_written(tmp_path: Path) -> None:
    """The value's line is the script's `export` (not the build's), and GOTOOLCHAIN's advice is
    a value the go command takes (`go1.26.8`, not `1.26.8`)."""
    exported = repo(
        tmp_path / "exported",
        image_job(
            """
            - run: |
                export GO_VERSION=1.24
                echo "building with Go $GO_VERSION"
                docker build --build-arg GO_VERSION -f Dockerfile.prod .
            """
        ),
    )
    pins = project_pins(exported, exported, [(exported / "Dockerfile.prod", {})])
    assert format_misalignment(misaligned(pins, required_version(pins)), pins) == (
        ".github/workflows/release.yml:9: job image builds Dockerfile.prod with GO_VERSION=1.24: "
        "golang:1.24-alpine names Go 1.24 (GO_VERSION=1.24 from GO_VERSION at line 7), go.mod "
        "requires 1.26.8 (go.mod:5 toolchain go1.26.8) — set GO_VERSION to '1.26.8' or newer on "
        ".github/workflows/release.yml:7"
    )
    toolchain = repo(
        tmp_path / "toolchain",
        image_job("- run: docker build --build-arg GOTOOLCHAIN=go1.25.0 -f Dockerfile.prod ."),
        DOCKERFILE.replace("AS build\n", "AS build\nARG GOTOOLCHAIN=local\n"),
    )
    pins = project_pins(toolchain, toolchain, [(toolchain / "Dockerfile.prod", {})])
    message = format_misalignment(misaligned(pins, required_version(pins)), pins)
    assert message.endswith(
        "— set GOTOOLCHAIN to 'go1.26.8' or newer on .github/workflows/release.yml:6"
    ), message


def test_a_stage_named_through_a_platform_argument_counts_every_stage_it_can_name(
    tmp_path: Path,
) -> None:
    """`FROM build-${TARGETARCH}`: BuildKit fills TARGETARCH per platform, so each stage the
    name can match is built by some build; the stage filter dropped both (review, 409842b)."""
    dockerfile = (
        "ARG TARGETARCH\n"
        "FROM golang:1.22 AS build-amd64\nRUN go build -o /out/app .\n"
        "FROM golang:1.22 AS build-arm64\nRUN GOARCH=arm64 go build -o /out/app .\n"
        "FROM golang:1.21 AS tools\nRUN go install example.com/tool@v1\n"
        "FROM build-${TARGETARCH} AS build\n"
        "FROM scratch\nCOPY --from=build /out/app /app\n"
    )
    root = repo(tmp_path, image_job("- run: echo no build"), dockerfile)
    pins = project_pins(root, root, [(root / "Dockerfile.prod", {})])
    own = [(p.line, bool(p.ignored)) for p in pins if p.source == SOURCE_DOCKERFILE]
    assert own == [(2, False), (4, False), (6, True)]
    assert [p.line for p in misaligned(pins, required_version(pins))] == [2, 4]


def test_a_floating_tested_value_from_build_args_is_set_there(tmp_path: Path) -> None:
    """This run's `golang:1.26` came from build_args: the advice sets that key (it exists), it
    does not speak of the Dockerfile's value (review of f1c977e)."""
    root = repo(tmp_path, RELEASE_WORKFLOW.format(go="1.26.8"))
    pins = ci_pins(root, {"GO_VERSION": "1.26"})
    assert not_tested(pins) == pins
    message = format_not_tested(pins, "[tool.goimage]")
    assert (
        "This run's tag floats to the newest 1.26.x (today it may be CI's 1.26.8, tomorrow not): "
        'set GO_VERSION = "1.26.8" in build_args in [tool.goimage], so that this run tests what '
        "ships; " in message
    ), message


def test_a_golang_image_behind_a_registry_or_builder_variable_is_still_golang(
    tmp_path: Path,
) -> None:
    """Trial 12: `FROM ${REGISTRY}/golang:${GO_VERSION}-bookworm` (a company mirror) and `FROM
    ${BUILDER}` with `ARG BUILDER=golang:...` were taken for images that do not set
    GOTOOLCHAIN=local, so their Go was "not counted" (auto) and CI's older Go passed. They are
    the golang image: CI's 1.21 fails as it does for a literal `golang:`."""
    for index, (args, base) in enumerate(
        [
            (
                "ARG REGISTRY=mirror.example.com/library\n",
                "${REGISTRY}/golang:${GO_VERSION}-alpine",
            ),
            ("ARG BUILDER=golang:${GO_VERSION}-alpine\n", "${BUILDER}"),
        ]
    ):
        dockerfile = DOCKERFILE.replace("ARG VARIANT=alpine\n", args).replace(
            "golang:${GO_VERSION}-${VARIANT}", base
        )
        root = repo(tmp_path / str(index), RELEASE_WORKFLOW.format(go="1.21"), dockerfile)
        pins = project_pins(root, root, [(root / "Dockerfile.prod", {})])
        own = [p for p in pins if p.file == "Dockerfile.prod"]
        assert [(p.line, p.ignored) for p in own] == [(4, "")], base
        bad = misaligned(pins, required_version(pins))
        assert [(p.file, p.line, str(p.version)) for p in bad] == [
            (".github/workflows/release.yml", 18, "1.21")
        ], base


@pytest.mark.parametrize(
    ("reference", "valid"),
    [
        ("golang:1.26.8-alpine", True),
        ("mirror.example:5000/library/golang:1.26@sha256:" + "ab" * 32, True),
        ("golang", True),
        ("golang:-alpine", False),  # an empty version before the suffix
        ("golang:", False),
        ("Golang:1.26", False),  # uppercase in the repository
        (":1.26", False),
        ("golang:1.26@sha256:", False),
    ],
)
def test_an_image_reference_is_read_as_the_engine_reads_it(reference: str, valid: bool) -> None:
    assert valid_reference(reference) is valid


@pytest.mark.parametrize(
    ("step", "advice"),
    [
        (
            "- run: docker build -f Dockerfile.prod --build-arg VARIANT=bookworm .",
            "pass `--build-arg GO_VERSION=1.26.8` or newer",
        ),
        (
            """\
            - uses: docker/build-push-action@v6
              with:
                file: Dockerfile.prod
                build-args: |
                  VARIANT=bookworm
            """,
            "add `GO_VERSION=1.26.8` (or newer) to the step's `build-args`",
        ),
    ],
    ids=["docker-build", "build-push-action"],
)
def test_an_argument_left_at_an_old_default_is_passed_as_the_build_takes_arguments(
    tmp_path: Path, step: str, advice: str
) -> None:
    """The fix for a default older than go.mod is an argument the build does not pass yet,
    written as that build takes one: build-push-action has no `--build-arg` (trial 20)."""
    root = repo(
        tmp_path, image_job(step), DOCKERFILE.replace("GO_VERSION=1.26.8", "GO_VERSION=1.25")
    )
    pins = project_pins(root, root, [(root / "Dockerfile.prod", {"GO_VERSION": "1.26.8"})])
    bad = misaligned(pins, required_version(pins))
    assert [p.source for p in bad] == [SOURCE_CI_BUILD]
    assert format_misalignment(bad, pins).endswith(
        f"— {advice} on .github/workflows/release.yml:6, which leaves it at the Dockerfile's "
        "ARG default"
    )


@pytest.mark.parametrize(
    ("passes", "advice"),
    [
        (
            "bake:api",
            "set GO_VERSION to '1.26.8' or newer in the `args` of bake target api, or pass "
            "`--set api.args.GO_VERSION=1.26.8`",
        ),
        (
            "compose:api",
            "set GO_VERSION to '1.26.8' or newer in service api's `build.args`, or pass "
            "`--build-arg GO_VERSION=1.26.8`",
        ),
    ],
)
def test_an_argument_a_bake_or_compose_build_leaves_at_its_default_names_its_target(
    passes: str, advice: str
) -> None:
    """A bake target takes its arguments from its `args` or a `--set`, a compose service
    from its `build.args`: no `--build-arg` for bake, and the target named (the review)."""
    go_mod = Pin("go.mod", 3, "go.mod go", "go 1.26.8", GoVersion.parse("1.26.8"))
    bake = Pin(
        ".github/workflows/release.yml",
        9,
        SOURCE_CI_BUILD,
        "job image builds Dockerfile.prod: golang:1.25-alpine",
        GoVersion.parse("1.25"),
        version_arg=f"{passes} GO_VERSION",
        version_arg_line=9,
    )
    assert format_misalignment([bake], [go_mod, bake]).endswith(
        f"— {advice} on .github/workflows/release.yml:9, which leaves it at the Dockerfile's "
        "ARG default"
    )
