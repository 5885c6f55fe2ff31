"""`provenance` by the revision label, on real images: a stale label, a label in capitals, an
image that runs no Go program, and images that record no commit (skipped, or failed under
require_provenance)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.acceptance.test_release_gate import PYTESTER_FILES, commit_all
from tests.conftest import go_app, outcomes

# Runs no Go program: only its label can say which commit it is.
LABELLED_SHELL = """\
FROM alpine:3.22
ARG GIT_SHA
LABEL org.opencontainers.image.revision=$GIT_SHA
CMD ["/bin/sh"]
"""
UNLABELLED_SHELL = 'FROM alpine:3.22\nCMD ["/bin/sh"]\n'
# A Go binary built without VCS stamping (go_app: -buildvcs=false), and no label.
UNSTAMPED_GO = 'FROM alpine:3.22\nCOPY app /usr/local/bin/app\nENTRYPOINT ["/usr/local/bin/app"]\n'

HOW_TO_RECORD = (
    "record it: declare `ARG GIT_SHA` and `LABEL org.opencontainers.image.revision=$GIT_SHA` "
    'in the final stage and set build_args = { GIT_SHA = "{git.head}" } in [tool.goimage] '
    "(the commit checked out, in CI too), or send .git in the build context to a builder "
    "that has git, so that Go stamps vcs.revision (-buildvcs)"
).replace("[", "[[]")  # fnmatch: a literal [


@pytest.fixture
def labelled_base(docker_client: docker.DockerClient, tmp_path: Path) -> Iterator[str]:
    """A base image that carries a revision label of its own (as one built with
    docker/metadata-action does): the images built FROM it inherit it."""
    tag = f"goimage-test/labelled-base:{os.getpid()}"
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.22\nLABEL org.opencontainers.image.revision=" + "c0ffee" * 6 + "c0ff\n"
    )
    subprocess.run(
        ["docker", "build", "-q", "-t", tag, str(tmp_path)],
        env={**os.environ, "DOCKER_BUILDKIT": "0"},
        check=True,
        capture_output=True,
    )
    yield tag
    docker_client.images.remove(tag, force=True)


@pytest.fixture
def project(pytester: pytest.Pytester, labelled_base: str) -> tuple[Path, str, str]:
    """Four Dockerfiles in a repository with two commits: (root, first commit, HEAD).
    pyproject.toml stays out of the build context, so writing it after the commit changes
    no build input."""
    root = pytester.path
    go_app(root)
    for name, text in {
        "Dockerfile.stale": LABELLED_SHELL,
        "Dockerfile.capitals": LABELLED_SHELL,
        "Dockerfile.docs": UNLABELLED_SHELL,
        "Dockerfile.go": UNSTAMPED_GO,
        "Dockerfile.inherited": f'FROM {labelled_base}\nCMD ["/bin/sh"]\n',
    }.items():
        (root / name).write_text(text)
    (root / ".gitignore").write_text("app\npyproject.toml\n" + PYTESTER_FILES)
    (root / ".dockerignore").write_text("pyproject.toml\n.git\n" + PYTESTER_FILES)
    first = commit_all(root, "first")
    (root / "README").write_text("second\n")
    head = commit_all(root, "second")
    return root, first, head


def write_config(root: Path, first: str, head: str, *, required: bool) -> None:
    (root / "pyproject.toml").write_text(
        "[tool.goimage]\n"
        'dockerfiles = ["Dockerfile.stale", "Dockerfile.capitals", "Dockerfile.docs", '
        '"Dockerfile.go", "Dockerfile.inherited"]\n'
        f"require_provenance = {'true' if required else 'false'}\n"
        "[[tool.goimage.image]]\n"
        'dockerfile = "Dockerfile.stale"\n'
        f'build_args = {{ GIT_SHA = "{first}" }}\n'
        "[[tool.goimage.image]]\n"
        'dockerfile = "Dockerfile.capitals"\n'
        f'build_args = {{ GIT_SHA = "{head.upper()}" }}\n'
    )


def test_provenance_by_label_and_without_recorded_facts(
    project: tuple[Path, str, str], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root, first, head = project
    write_config(root, first, head, required=False)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-rs", "-k", "provenance")
    assert outcomes(result) == {
        "Dockerfile.stale::provenance": "FAILED",
        "Dockerfile.capitals::provenance": "PASSED",
        "Dockerfile.docs::provenance": "SKIPPED",
        "Dockerfile.go::provenance": "SKIPPED",
        "Dockerfile.inherited::provenance": "SKIPPED",
    }, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage provenance[]] Dockerfile.stale: image goimage/*:* is not the commit "
            f"under test: its org.opencontainers.image.revision label says {first}, but HEAD "
            f"is {head}: the image was built from another commit (build_args sets GIT_SHA = "
            f"'{first}' in the [[][[]tool.goimage.image[]][]] entry of Dockerfile.stale: write "
            '`GIT_SHA = "{git.head}"` there, which passes HEAD on each run). Rebuild it from '
            "HEAD; a release must ship what was tested.",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] Dockerfile.docs: provenance not verified: image goimage/*:* records "
            "no commit (no vcs.revision in its Go build info, no "
            f"org.opencontainers.image.revision label); {HOW_TO_RECORD}.",
            "SKIPPED [[]1[]] Dockerfile.go: provenance not verified: image goimage/*:* records "
            "no commit (no vcs.revision in its Go build info, no "
            f"org.opencontainers.image.revision label); {HOW_TO_RECORD}.",
        ],
        consecutive=False,
    )
    # The base image's revision is not this image's: no commit recorded, not a stale one.
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] Dockerfile.inherited: provenance not verified: image goimage/*:* "
            "records no commit (no vcs.revision in its Go build info, its "
            "org.opencontainers.image.revision label comes from the base image (no LABEL of the "
            f"final stage sets it)); {HOW_TO_RECORD}."
        ]
    )


def test_require_provenance_fails_every_image_that_records_no_commit(
    project: tuple[Path, str, str], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The image that runs no Go program too: a gate that requires provenance must not let it
    through as a skip."""
    root, first, head = project
    write_config(root, first, head, required=True)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "provenance", "--goimage-report=report.json"
    )
    assert outcomes(result) == {
        "Dockerfile.stale::provenance": "FAILED",
        "Dockerfile.capitals::provenance": "PASSED",
        "Dockerfile.docs::provenance": "FAILED",
        "Dockerfile.go::provenance": "FAILED",
        "Dockerfile.inherited::provenance": "FAILED",
    }, result.stdout.str()
    for dockerfile in ("Dockerfile.docs", "Dockerfile.go"):
        result.stdout.fnmatch_lines(
            [
                f"[[]goimage provenance[]] {dockerfile}: provenance cannot be verified: image "
                "goimage/*:* records no commit (no vcs.revision in its Go build info, no "
                f"org.opencontainers.image.revision label); {HOW_TO_RECORD}. "
                "require_provenance = true in [[]tool.goimage[]] makes that a failure."
            ]
        )
    report = (root / "report.json").read_text()
    assert (
        f"commit {head} (label org.opencontainers.image.revision; no Go build info to read)"
        in report
    )


# goreleaser's shape: the Dockerfile copies a binary built beforehand, outside the build.
LABELLED = "ARG GIT_SHA\nLABEL org.opencontainers.image.revision=$GIT_SHA\n"
PREBUILT = (
    f'FROM alpine:3.22\nCOPY app /usr/local/bin/app\n{LABELLED}ENTRYPOINT ["/usr/local/bin/app"]\n'
)
# The whole context, ignored files among tracked ones: only named sources count.
WHOLE_TREE = f'FROM alpine:3.22\nCOPY . /src\n{LABELLED}CMD ["/bin/sh"]\n'
# An ignore rule matches it, but it was force-added: HEAD has it.
FORCE_ADDED = f'FROM alpine:3.22\nCOPY tool.bin /tool.bin\n{LABELLED}CMD ["/bin/sh"]\n'


def test_an_ignored_file_the_image_copies_in_by_name_is_not_vouched_for_by_the_label(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A user trial: an ignored binary built from an older commit, copied in by a labelled
    Dockerfile, passed provenance on the label. Now it is not verified (a failure under
    require_provenance). Ignored files inside a tracked source and an ignored name that git
    tracks anyway (`git add -f`) are HEAD's and pass."""
    root = pytester.path
    go_app(root)
    dockerfiles = {
        "Dockerfile.prebuilt": PREBUILT,
        "Dockerfile.required": PREBUILT,
        "Dockerfile.glob": PREBUILT.replace("COPY app", "COPY dist/app_linux_*/app"),
        "Dockerfile.tree": WHOLE_TREE,
        "Dockerfile.forced": FORCE_ADDED,
    }
    for name, text in dockerfiles.items():
        (root / name).write_text(text)
    (root / "tool.bin").write_text("tool\n")
    (root / "dist" / "app_linux_amd64").mkdir(parents=True)  # goreleaser's output folder
    (root / "dist" / "app_linux_amd64" / "app").write_bytes((root / "app").read_bytes())
    (root / ".gitignore").write_text("/app\n*.bin\n/dist/\npyproject.toml\n" + PYTESTER_FILES)
    (root / ".dockerignore").write_text("pyproject.toml\n.git\n" + PYTESTER_FILES)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-f", "tool.bin"], check=True)
    commit_all(root, "first")
    listed = ", ".join(f'"{name}"' for name in dockerfiles)
    (root / "pyproject.toml").write_text(
        f'[tool.goimage]\ndockerfiles = [{listed}]\nbuild_args = {{ GIT_SHA = "{{git.head}}" }}\n'
        '[[tool.goimage.image]]\ndockerfile = "Dockerfile.required"\nrequire_provenance = true\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-rs", "-k", "provenance")
    assert outcomes(result) == {
        "Dockerfile.prebuilt::provenance": "SKIPPED",
        "Dockerfile.required::provenance": "FAILED",
        "Dockerfile.glob::provenance": "SKIPPED",
        "Dockerfile.tree::provenance": "PASSED",
        "Dockerfile.forced::provenance": "PASSED",
    }, result.stdout.str()
    why = (
        "the image's own stage copies in app (.gitignore:1: /app), which git ignores: made "
        "outside the image's build, so the org.opencontainers.image.revision label, which names "
        "the commit the image was built at, does not vouch for it. Build it in a stage of the "
        "Dockerfile, or build a Go binary in the checkout without -buildvcs=false, so that Go "
        "stamps its vcs.revision"
    )
    result.stdout.fnmatch_lines(
        [
            f"[[]goimage provenance[]] Dockerfile.required: provenance cannot be verified: {why}. "
            "require_provenance = true in [[]tool.goimage[]] makes that a failure.",
            f"SKIPPED [[]1[]] Dockerfile.prebuilt: provenance not verified: {why}.",
            "SKIPPED [[]1[]] Dockerfile.glob: provenance not verified: the image's own stage "
            "copies in dist/app_linux_amd64/app (.gitignore:3: /dist/), which git ignores: *",
        ],
        consecutive=False,
    )


# Trial 35B's d8: the builder copies the whole context, reads VERSION into -ldflags and copies
# static/ forward; the final stage takes only the builder's output.
BUILDER_TAKES_ALL = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN mkdir -p /out/static && cp -r static/. /out/static/ && \\
    CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$(cat VERSION 2>/dev/null || echo dev)" -o /out/app .
FROM alpine:3.22
ARG GIT_SHA
LABEL org.opencontainers.image.revision=$GIT_SHA
COPY --from=build /out/ /app/
ENTRYPOINT ["/app/app"]
"""


def test_a_file_git_does_not_track_that_a_builder_stage_takes_in_is_not_head(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 35B's false pass: an untracked VERSION and static page reached the image through
    the builder's `COPY . .` and `COPY --from`, and provenance passed on a label naming HEAD.
    The same checkout with them committed passes."""
    root = pytester.path
    go_app(root)
    (root / "app").unlink()  # built in the image
    (root / "static").mkdir()
    (root / "static" / "index.html").write_text("<h1>committed</h1>\n")
    (root / "Dockerfile").write_text(BUILDER_TAKES_ALL)
    (root / ".gitignore").write_text(PYTESTER_FILES)
    (root / ".dockerignore").write_text(".git\n" + PYTESTER_FILES)
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\nbuild_args = { GIT_SHA = "{git.head}" }\nrequire_provenance = true\n'
    )
    commit_all(root, "first")
    (root / "VERSION").write_text("9.9.9-local\n")
    (root / "static" / "extra.html").write_text("<h1>untracked</h1>\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "provenance")
    result.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(result.stdout.str().split())
    assert (
        "its build context holds 2 file(s) git does not track (VERSION, static/extra.html) that "
        "the build copies in (VERSION, static/extra.html only in a builder stage, whose output "
        "the image takes), which a clean checkout of HEAD does not have; commit them, or keep "
        "them out of the build context (.dockerignore)"
    ) in flat, flat

    commit_all(root, "second")
    again = pytester.runpytest_subprocess("--goimage", "-k", "provenance")
    again.assert_outcomes(passed=1, deselected=11)


def test_an_uncommitted_build_argument_is_not_the_commit_under_test(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 35B's false pass: `TAGS = "debug"` edited into pyproject.toml's build_args, never
    committed, changed the `go build -tags`; the label named HEAD and provenance passed. A
    runtime setting's edit (env) changes no image and still passes."""
    root = pytester.path
    go_app(root)
    (root / "app").unlink()  # built in the image
    (root / "Dockerfile").write_text(
        "FROM golang:1.26-alpine AS build\nWORKDIR /src\nCOPY go.mod main.go ./\nARG TAGS=\n"
        'RUN CGO_ENABLED=0 go build -trimpath -tags "$TAGS" -o /out/app .\n'
        "FROM alpine:3.22\nARG GIT_SHA\nLABEL org.opencontainers.image.revision=$GIT_SHA\n"
        'COPY --from=build /out/app /app/app\nENTRYPOINT ["/app/app"]\n'
    )
    (root / ".gitignore").write_text(PYTESTER_FILES)
    (root / ".dockerignore").write_text(".git\npyproject.toml\n" + PYTESTER_FILES)
    committed = '[tool.goimage]\nbuild_args = { GIT_SHA = "{git.head}", TAGS = "" }\n'
    (root / "pyproject.toml").write_text(committed)
    commit_all(root, "first")
    (root / "pyproject.toml").write_text(committed + 'env = { LOG_LEVEL = "debug" }\n')
    pytester.runpytest_subprocess("--goimage", "-rs", "-k", "provenance").assert_outcomes(
        passed=1, deselected=11
    )
    (root / "pyproject.toml").write_text(committed.replace('TAGS = ""', 'TAGS = "debug"'))
    result = pytester.runpytest_subprocess("--goimage", "-k", "provenance")
    result.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(result.stdout.str().split())
    assert (
        "is not the commit under test: its settings in pyproject.toml differ from HEAD's in "
        "build_args.TAGS (uncommitted), which decide what is built, so a clean checkout of HEAD "
        "builds another image; commit them."
    ) in flat, flat


# The commit linked into the binary with -X (ARG TRIM: -trimpath, whose build info leaves
# -ldflags out); no .git in the context, no revision label.
LINKS_COMMIT = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod main.go ./
ARG GIT_SHA
ARG TRIM=
RUN CGO_ENABLED=0 go build $TRIM -ldflags "-s -w -X main.commit=${GIT_SHA}" -o /out/app .
FROM alpine:3.22
COPY --from=build /out/app /app/app
ENTRYPOINT ["/app/app"]
"""


def test_a_commit_linked_in_with_x_is_the_record_where_there_is_no_other(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 35B p07: `-ldflags "-X main.commit=$GIT_SHA"`, no .git sent, no label: the image
    was "no commit recorded". Go's build info keeps the -ldflags, so the commit is read there:
    HEAD's passes, a stale one fails naming the build argument; -trimpath drops -ldflags from
    the build info, and the skip says so."""
    root = pytester.path
    go_app(root)
    (root / "app").unlink()  # built in the image
    for name in ("Dockerfile.head", "Dockerfile.stale", "Dockerfile.trim"):
        (root / name).write_text(LINKS_COMMIT)
    (root / ".gitignore").write_text("pyproject.toml\n" + PYTESTER_FILES)
    (root / ".dockerignore").write_text(".git\npyproject.toml\n" + PYTESTER_FILES)
    first = commit_all(root, "first")
    (root / "README").write_text("second\n")
    head = commit_all(root, "second")
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\ndockerfiles = ["Dockerfile.head", "Dockerfile.stale", "Dockerfile.trim"]\n'
        'build_args = { GIT_SHA = "{git.head}" }\n'
        '[[tool.goimage.image]]\ndockerfile = "Dockerfile.stale"\n'
        f'build_args = {{ GIT_SHA = "{first}" }}\n'
        '[[tool.goimage.image]]\ndockerfile = "Dockerfile.trim"\n'
        'build_args = { TRIM = "-trimpath" }\n'
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "provenance", "--goimage-report=r.json"
    )
    flat = " ".join(result.stdout.str().split())
    assert outcomes(result) == {
        "Dockerfile.head::provenance": "PASSED",
        "Dockerfile.stale::provenance": "FAILED",
        "Dockerfile.trim::provenance": "SKIPPED",
    }, flat
    report = json.loads((root / "r.json").read_text())
    said = {i["dockerfile"]: i["checks"]["provenance"]["message"] for i in report["images"]}
    assert f": commit {head} (-X main.commit in its -ldflags); " in said["Dockerfile.head"], said
    assert (
        f"is not the commit under test: its Go binary's `-X main.commit` says {first}, but HEAD "
        f"is {head}: the image was built from another commit (build_args sets GIT_SHA = "
        f"'{first}' in the [[tool.goimage.image]] entry of Dockerfile.stale: write `GIT_SHA = "
        '"{git.head}"` there, which passes HEAD on each run).'
    ) in flat, flat
    assert (
        "Its `go build` (Dockerfile.trim:6) links the commit in with `-X main.commit`, but it "
        "builds with -trimpath, whose build info leaves -ldflags out, so the binary does not "
        "say which commit it holds: record it with the label as well"
    ) in said["Dockerfile.trim"], said
