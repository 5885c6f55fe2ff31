"""provenance's rules that need no image: whose revision label it is, what a label that is not
HEAD is called, which local changes reach the image, and which strings in a binary are local
source paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.build.changed_inputs import build_files_not_in_head, changed_inputs
from pytest_goimage.checks.provenance import _own_label, _worktree_note
from pytest_goimage.config import ImageConfig, parse_config
from pytest_goimage.gofacts.git_head import worktree_link
from pytest_goimage.gofacts.revision_label import label_problem
from pytest_goimage.gofacts.source_paths import local_source_paths
from tests.unit.test_git_head import git

HEAD = "5092c1f3e0a4b6d8c2e4f6a8b0c2d4e6f8a0b2c4"


def image_of(root: Path, dockerfile: str, **table: object) -> ImageConfig:
    (root / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    (root / "Dockerfile").write_text(dockerfile)
    config = parse_config(
        {"dockerfiles": ["Dockerfile"], **table}, rootdir=root, source=root / "pyproject.toml"
    )
    return config.images[0]


@pytest.mark.parametrize(
    ("dockerfile", "target", "own"),
    [
        # Set in the final stage, or in the stage it is built FROM.
        (
            "FROM alpine\nARG GIT_SHA\nLABEL org.opencontainers.image.revision=$GIT_SHA\n",
            None,
            True,
        ),
        (
            "FROM alpine AS base\nLABEL org.opencontainers.image.revision=$GIT_SHA\n"
            'FROM base\nCMD ["/app"]\n',
            None,
            True,
        ),
        # Set in a builder stage only, or nowhere: the base image's label.
        (
            "FROM golang AS build\nLABEL org.opencontainers.image.revision=x\n"
            "FROM ubuntu:24.04\nCOPY --from=build /app /app\n",
            None,
            False,
        ),
        ('FROM ghcr.io/example/base:1\nCMD ["/app"]\n', None, False),
        # target = the stage that sets it.
        (
            "FROM alpine AS release\nLABEL org.opencontainers.image.revision=$GIT_SHA\n"
            'FROM alpine AS debug\nCMD ["sh"]\n',
            "release",
            True,
        ),
    ],
)
def test_a_revision_label_is_the_builds_own_only_when_its_stages_set_it(
    tmp_path: Path, dockerfile: str, target: str | None, own: bool
) -> None:
    table = {"target": target} if target else {}
    assert _own_label(image_of(tmp_path, dockerfile, **table)) is own


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        (HEAD, None),
        (HEAD[:7], None),
        (HEAD.upper(), None),
        (
            HEAD[:5],
            "its org.opencontainers.image.revision label '5092c' is too short to name a commit "
            "(git's abbreviations have at least 7 characters); record the full commit "
            "(`{git.head}` in build_args)",
        ),
        (
            "v1.4.2",
            "its org.opencontainers.image.revision label says 'v1.4.2', which is not a commit's "
            "object name; set it to the commit (`{git.head}` in build_args)",
        ),
        (
            "1b3010461c3255708ff88392edb50dc2a6e488a4",
            "its org.opencontainers.image.revision label says "
            f"1b3010461c3255708ff88392edb50dc2a6e488a4, but HEAD is {HEAD}: the image was built "
            "from another commit (a stale GIT_SHA build argument?)",
        ),
    ],
)
def test_what_a_label_that_is_not_head_is_called(label: str, problem: str | None) -> None:
    assert label_problem(label, HEAD) == problem


def test_a_commit_written_into_build_args_is_named_with_the_table_to_fix() -> None:
    """Trial 18: `build_args = { GIT_SHA = "<an older commit>" }` was only "a stale GIT_SHA
    build argument?", naming neither the table nor `{git.head}`."""
    old = "1b3010461c3255708ff88392edb50dc2a6e488a4"
    written = {"GIT_SHA": (old.upper(), "[tool.goimage]"), "GO_VERSION": ("1.26.8", "[x]")}
    assert label_problem(old, HEAD, written) == (
        f"its org.opencontainers.image.revision label says {old}, but HEAD is {HEAD}: the "
        f"image was built from another commit (build_args sets GIT_SHA = '{old}' in "
        '[tool.goimage]: write `GIT_SHA = "{git.head}"` there, which passes HEAD on each run)'
    )


def test_only_changes_the_dockerfile_takes_in_make_the_image_not_head(tmp_path: Path) -> None:
    image = image_of(tmp_path, "FROM golang\nCOPY go.mod main.go ./\nRUN go build -o /app .\n")
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_api.py").write_text("def test(): pass\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "tests" / "test_api.py").write_text("def test(): assert 1\n")
    assert changed_inputs(image) == []
    (tmp_path / "main.go").write_text("package main // a local fix\n")
    assert changed_inputs(image) == [
        "its build context holds 1 tracked file(s) changed since HEAD (main.go), so the image "
        "is not HEAD's content whatever its label says; commit or stash them"
    ]


def test_local_source_paths_are_absolute_ones_only() -> None:
    data = (
        b"\x00/src/backend/cmd/api/main.go\x00internal/abi/abi.go\x00"
        b"/go/pkg/mod/github.com/minio/minio-go/v7@v7.0.80/api.go\x00runtime/proc.go\x00"
    )
    assert local_source_paths(data) == {
        "/src/backend/cmd/api/main.go",
        "/go/pkg/mod/github.com/minio/minio-go/v7@v7.0.80/api.go",
    }


def test_a_deleted_input_is_named_deleted_not_only_changed(tmp_path: Path) -> None:
    """Trial 35B: a deleted tracked file was listed as "changed", and looked for in vain."""
    image = image_of(tmp_path, "FROM golang\nCOPY . .\nRUN go build -o /app .\n")
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / "util.go").write_text("package main\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "util.go").unlink()
    (tmp_path / "main.go").write_text("package main // a local fix\n")
    assert changed_inputs(image) == [
        "its build context holds 2 tracked file(s) changed since HEAD (main.go, util.go: "
        "deleted), so the image is not HEAD's content whatever its label says; commit or stash "
        "them"
    ]


def test_a_path_that_continues_a_longer_one_is_not_a_local_path() -> None:
    """A relative path's tail, a path after `//`, or after a word, is no absolute path; one at
    the very start of the data is."""
    data = b"/first/a.go\x00pkg/x/b.go\x00//c/d.go\x00word/e/f.go\x00.@+~-/g/h.go\x00 /i/j.go"
    assert local_source_paths(data) == {"/first/a.go", "/i/j.go"}


def test_an_edited_dockerfile_or_ignore_file_makes_the_image_not_head(tmp_path: Path) -> None:
    """They decide the build whether or not a COPY takes them in."""
    image = image_of(tmp_path, "FROM golang\nCOPY go.mod main.go ./\nRUN go build -o /app .\n")
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / ".dockerignore").write_text("tests/\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "Dockerfile").write_text(
        "FROM golang\nCOPY go.mod main.go ./\nRUN go build -ldflags=-X=main.v=evil -o /app .\n"
    )
    (tmp_path / ".dockerignore").write_text("tests/\n*.md\n")
    assert changed_inputs(image) == [
        "its build context holds 2 tracked file(s) changed since HEAD (Dockerfile, "
        ".dockerignore), so the image is not HEAD's content whatever its label says; commit "
        "or stash them"
    ]


UNTRACKED_DOCKERFILE = """\
FROM golang AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM alpine
COPY --from=build /app /app
COPY config/ /etc/app/
"""


def test_a_file_git_does_not_track_that_the_image_copies_in_makes_it_not_head(
    tmp_path: Path,
) -> None:
    """A clean checkout of HEAD (CI) builds the image without it: the user trial's
    `config/local.yaml`, which passed with a label that named HEAD."""
    image = image_of(tmp_path, UNTRACKED_DOCKERFILE)
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config/app.yaml").write_text("level: info\n")
    (tmp_path / ".gitignore").write_text("*.local\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    # What does not count: what git ignores, and pytest's own caches in the checkout.
    (tmp_path / "config/dev.local").write_text("debug: true\n")
    (tmp_path / "config/__pycache__").mkdir()
    (tmp_path / "config/__pycache__/conf.cpython-311.pyc").write_bytes(b"\x00")
    assert changed_inputs(image) == []
    (tmp_path / "config/local.yaml").write_text("level: debug\n")
    assert changed_inputs(image) == [
        "its build context holds 1 file(s) git does not track (config/local.yaml) that the "
        "image's own stage copies in, which a clean checkout of HEAD does not have; commit "
        "them, or keep them out of the build context (.dockerignore)"
    ]
    (tmp_path / ".dockerignore").write_text("config/local.yaml\n.dockerignore\n")
    assert changed_inputs(image) == []


def test_a_file_git_does_not_track_that_only_a_builder_takes_in_counts(tmp_path: Path) -> None:
    """Trial 35B's false pass: the builder's `COPY . .` took an untracked VERSION into
    `-ldflags` and an untracked static/ into the image through `COPY --from`. A stage the build
    of the target skips does not count."""
    image = image_of(
        tmp_path,
        "FROM golang AS build\nWORKDIR /src\nCOPY go.mod *.go VERSION* ./\n"
        'RUN go build -ldflags "-X main.version=$(cat VERSION)" -o /out/app .\n'
        "FROM golang AS lint\nCOPY docs/ /docs/\n"
        "FROM alpine\nCOPY --from=build /out/ /app/\n",
    )
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / ".gitignore").write_text("*.local\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "main.go.local").write_text("ignored\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/notes.md").write_text("only the lint stage takes it\n")
    assert changed_inputs(image) == []
    (tmp_path / "VERSION").write_text("9.9.9-local\n")
    assert changed_inputs(image) == [
        "its build context holds 1 file(s) git does not track (VERSION) that the build copies "
        "in (VERSION only in a builder stage, whose output the image takes), which a clean "
        "checkout of HEAD does not have; commit them, or keep them out of the build context "
        "(.dockerignore)"
    ]
    (tmp_path / ".dockerignore").write_text("VERSION\n")
    git(tmp_path, "add", ".dockerignore")
    git(tmp_path, "commit", "-qm", "ignore")
    assert changed_inputs(image) == []


def test_the_plugins_own_outputs_in_the_checkout_do_not_count(tmp_path: Path) -> None:
    """A final stage that copies the whole context (`COPY . /app`) after a run that wrote its
    baseline and SBOMs into the checkout: the next run must not call those "not HEAD"."""
    image = image_of(tmp_path, "FROM alpine\nCOPY . /app\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / ".goimage-baseline.json").write_text('{"images": {}}')
    (tmp_path / "sbom").mkdir()
    (tmp_path / "sbom/dockerfile-dd2c0e.cdx.json").write_text("{}")
    (tmp_path / "extra.txt").write_text("a local note\n")
    outputs = [image.baseline, tmp_path / "sbom"]
    assert changed_inputs(image, outputs) == [
        "its build context holds 1 file(s) git does not track (extra.txt) that the image's own "
        "stage copies in, which a clean checkout of HEAD does not have; commit them, or keep "
        "them out of the build context (.dockerignore)"
    ]


def test_the_reports_a_run_writes_into_the_context_are_named_as_such(tmp_path: Path) -> None:
    """A user trial committed report.json inside the context: the run removes it at its start,
    and provenance said "commit or stash" it, which no commit can satisfy. An untracked
    junit.xml of an earlier run does not count either."""
    image = image_of(tmp_path, "FROM alpine\nCOPY . /app\n")
    (tmp_path / "report.json").write_text('{"outcome": "passed"}')
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "report.json").unlink()  # the run's own removal of a stale report
    (tmp_path / "junit.xml").write_text("<testsuites/>")
    reports = [tmp_path / "report.json", tmp_path / "junit.xml"]
    assert changed_inputs(image, (), reports) == [
        "git tracks report.json, which this run writes (--goimage-report, --junitxml, pytest's "
        "log_file) inside the build context, so every run changes the context the image is built from; stop "
        "tracking it (`git rm --cached`, and ignore it) or write it outside the build context"
    ]


def test_an_untracked_file_a_run_of_the_image_binds_in_counts(tmp_path: Path) -> None:
    image = image_of(
        tmp_path,
        "FROM alpine\nRUN --mount=type=bind,source=config,target=/c cp /c/app.yaml /etc/\n",
    )
    (tmp_path / "config").mkdir()
    (tmp_path / "config/app.yaml").write_text("level: info\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "config/local.yaml").write_text("level: debug\n")
    (problem,) = changed_inputs(image)
    assert problem.startswith("its build context holds 1 file(s) git does not track (config/")


def test_a_dockerfile_in_a_submodule_is_in_head(tmp_path: Path) -> None:
    """A review's false failure: the Dockerfile lives in a committed submodule (docker/), which
    every recursive clone checks out; "git does not track it; commit it" could not be done."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "Dockerfile").write_text("FROM alpine\n")
    git(shared, "init", "-q")
    git(shared, "add", "-A")
    git(shared, "commit", "-qm", "docker")
    root = tmp_path / "svc"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    git(root, "init", "-q")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(shared), "docker")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    image = parse_config(
        {"dockerfiles": ["docker/Dockerfile"]}, rootdir=root, source=root / "pyproject.toml"
    ).images[0]
    assert build_files_not_in_head(image, root) == []
    (root / "Dockerfile.new").write_text("FROM alpine\n")
    image = parse_config(
        {"dockerfiles": ["Dockerfile.new"]}, rootdir=root, source=root / "pyproject.toml"
    ).images[0]
    assert build_files_not_in_head(image, root) == [
        "git does not track Dockerfile.new, so a clean checkout of HEAD cannot build this "
        "image; commit it"
    ]


def test_a_worktree_sends_a_link_file_for_git_that_the_builder_cannot_follow(
    tmp_path: Path,
) -> None:
    """Trial 35B: in a `git worktree`, `.git` is a file pointing outside the context; the
    advice "send .git in the build context" was what the build already did."""
    main = tmp_path / "main"
    main.mkdir()
    image_of(main, "FROM alpine\nCOPY . .\n")
    git(main, "init", "-q")
    git(main, "add", "-A")
    git(main, "commit", "-qm", "first")
    assert worktree_link(main) is None  # a repository, not a link
    git(main, "worktree", "add", "-q", str(tmp_path / "feature"))
    link = worktree_link(tmp_path / "feature")
    assert link is not None and link.endswith("/main/.git/worktrees/feature"), link
    image = image_of(tmp_path / "feature", "FROM alpine\nCOPY . .\n")
    assert _worktree_note(image) == (
        f". The .git this context sends is a link file (`gitdir: {link}`, as `git worktree add` "
        "writes it) to a repository outside the context, so git in the builder finds none and Go "
        "stamps nothing: build from the main checkout, or record the commit with the label"
    )
    (tmp_path / "feature" / ".dockerignore").write_text(".git\n")
    assert _worktree_note(image) == ""  # not sent: the usual advice stands
    assert worktree_link(tmp_path / "nowhere") is None
