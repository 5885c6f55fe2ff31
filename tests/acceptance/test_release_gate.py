"""The release gate on real images: `metadata`, `provenance`, the SBOM and `parity`; each
broken variant fails the right check with the right message."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import docker
import jsonschema
import pytest

from pytest_goimage.report.json_report import load_schema
from pytest_goimage.report.sbom import sbom_path
from tests.conftest import EXAMPLE, buildkit_cli, go_app, go_version_modules, outcomes


def test_missing_label_and_root_user_fail_metadata(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    example_copy(
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile", "Dockerfile.prod"]

        [[tool.goimage.image]]
        dockerfile = "Dockerfile"
        metadata = { user = "non-root", expose = [8080] }

        [[tool.goimage.image]]
        dockerfile = "Dockerfile.prod"
        metadata = { labels = ["org.opencontainers.image.source"], user = "non-root" }
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata")
    assert outcomes(result) == {
        "Dockerfile::metadata": "FAILED",
        "Dockerfile.prod::metadata": "FAILED",
    }
    result.stdout.fnmatch_lines(
        [
            "[[]goimage metadata[]] Dockerfile: image goimage/*:* does not meet its metadata "
            "policy (pyproject.toml [[]tool.goimage[]] metadata): it runs as root (no USER "
            'instruction), the policy says user = "non-root". Fix the Dockerfile (LABEL, '
            "EXPOSE, USER, HEALTHCHECK, ENTRYPOINT, CMD, WORKDIR, ENV) or the policy.",
            "[[]goimage metadata[]] Dockerfile.prod: image goimage/*:* does not meet its "
            "metadata policy (pyproject.toml [[]tool.goimage[]] metadata): label "
            "org.opencontainers.image.source is missing. Fix the Dockerfile (LABEL, EXPOSE, "
            "USER, HEALTHCHECK, ENTRYPOINT, CMD, WORKDIR, ENV) or the policy.",
        ]
    )


@pytest.mark.parametrize(
    ("user_lines", "expected"),
    [
        (
            "RUN echo 'svc:x:0:0::/:/sbin/nologin' >> /etc/passwd\nUSER svc\n",
            "it runs as USER svc, and the image's /etc/passwd gives 'svc' uid 0: it runs as "
            'root, the policy says user = "non-root". Fix the Dockerfile*',
        ),
        (
            "USER appuser\n",
            "it runs as USER appuser, but the image's /etc/passwd defines no user 'appuser', so "
            "the engine refuses to start it (`unable to find user appuser`). Fix the Dockerfile*",
        ),
        ("RUN echo 'svc:x:10001:10001::/:/sbin/nologin' >> /etc/passwd\nUSER svc\n", None),
    ],
    ids=["named-uid-0", "name-not-defined", "named-non-root"],
)
def test_non_root_policy_looks_the_named_user_up(
    pytester: pytest.Pytester, no_leaks: None, user_lines: str, expected: str | None
) -> None:
    """Trial 14: `metadata = { user = "non-root" }` passed `USER svc` whose uid in the image's
    /etc/passwd is 0; the engine runs that as root."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        f'FROM alpine:3.22\nCOPY app /app\n{user_lines}ENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\nmetadata = { user = "non-root" }\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata")
    if expected is None:
        assert outcomes(result) == {"Dockerfile::metadata": "PASSED"}, result.stdout.str()
        return
    assert outcomes(result) == {"Dockerfile::metadata": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage metadata[]] Dockerfile: image goimage/*:* does not meet its metadata "
            f"policy (pyproject.toml [[]tool.goimage[]] metadata): {expected}"
        ]
    )


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        (
            'FROM alpine:3.22\nCOPY app /app\nARG RUNAS\nUSER ${RUNAS}\nENTRYPOINT ["/app"]\n',
            "it runs as root (`USER ${RUNAS}` (Dockerfile:4) resolved to an empty user, because "
            "RUNAS is not set (`ARG RUNAS` has no default and build_args does not set it)), the "
            'policy says user = "non-root". Fix the Dockerfile*',
        ),
        (
            "FROM alpine:3.22 AS builder\nRUN adduser -D -u 10001 app\nUSER app\n"
            "COPY app /home/app/app\n"
            'FROM alpine:3.22\nCOPY --from=builder /home/app/app /app\nENTRYPOINT ["/app"]\n',
            "it runs as root (no USER instruction in the stages it is built FROM; `USER app` "
            "(Dockerfile:3) is in the stage builder, which the image is not built FROM, and a "
            "USER sets the user of its own stage only (COPY --from takes files, not the user)), "
            'the policy says user = "non-root". Fix the Dockerfile*',
        ),
    ],
    ids=["user-from-an-unset-arg", "user-in-the-builder-stage"],
)
def test_non_root_policy_names_the_user_instruction_behind_root(
    pytester: pytest.Pytester, no_leaks: None, dockerfile: str, expected: str
) -> None:
    """The metadata policy said "no USER instruction" for a Dockerfile that has one: `USER
    ${RUNAS}` with RUNAS unset, or `USER app` in the builder stage. It says which, and why it
    left root, as the `user` check does."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(dockerfile)
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\nmetadata = { user = "non-root" }\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata")
    assert outcomes(result) == {"Dockerfile::metadata": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage metadata[]] Dockerfile: image goimage/*:* does not meet its metadata "
            f"policy (pyproject.toml [[]tool.goimage[]] metadata): {expected}"
        ]
    )


def git(root: Path, *args: str) -> str:
    """Run git in `root` as a fixed author (commits need one; the machine may have none)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "release-gate",
        "GIT_AUTHOR_EMAIL": "gate@example.com",
        "GIT_COMMITTER_NAME": "release-gate",
        "GIT_COMMITTER_EMAIL": "gate@example.com",
    }
    done = subprocess.run(
        ["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def commit_all(root: Path, message: str) -> str:
    """Commit everything in `root` (a new repository the first time); the new HEAD."""
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


# pytester writes these into the project while it runs (HOME is the project there, so Go's
# caches too): not part of any commit.
PYTESTER_FILES = "stdout\nstderr\nrunpytest-*\n.cache/\n.config/\ngo/\n"


def example_release_table() -> str:
    """The example's own [tool.goimage] (its release policy included)."""
    text = (EXAMPLE / "pyproject.toml").read_text()
    return text[text.index("[tool.goimage]") :]


def test_example_passes_the_release_gate(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """In a git checkout the example's images carry HEAD in their revision label."""
    root = example_copy(example_release_table())
    (root / ".gitignore").write_text((root / ".gitignore").read_text() + PYTESTER_FILES)
    head = commit_all(root, "example")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata or provenance")
    assert outcomes(result) == {
        f"{dockerfile}::{check}": "PASSED"
        for dockerfile in ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile")
        for check in ("metadata", "provenance")
    }, result.stdout.str()
    report = pytester.runpytest_subprocess(
        "--goimage", "-k", "provenance", "--goimage-report=report.json", "--junitxml=junit.xml"
    )
    document = json.loads((root / "report.json").read_text())
    # The commit the gate compares with the one it releases, and a clean checkout.
    assert document["git"] == {"commit": head, "modified": [], "untracked": []}
    checks = document["images"][1]["checks"]
    assert re.fullmatch(
        rf"goimage/\S+: commit {head} \(label org\.opencontainers\.image\.revision\); not built "
        r"with -trimpath: \d+ local paths leak into the binary, such as /go/pkg/mod/\S+\.go, "
        r"/src/backend/\S+\.go, /usr/local/go/src/\S+\.go \(add -trimpath to go build\)",
        checks["provenance"]["message"],
    ), (checks["provenance"], report.stdout.str())


def test_image_from_an_older_commit_fails_provenance(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The binary was built (and stamped) at the first commit; the image ships it at the second."""
    root = pytester.path
    go_app(root)
    (root / ".gitignore").write_text("app\n" + PYTESTER_FILES)
    (root / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /usr/local/bin/app\nENTRYPOINT ["/usr/local/bin/app"]\n'
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    old = commit_all(root, "first")
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-buildvcs=true"}
    subprocess.run(["go", "build", "-o", "app", "."], cwd=root, env=env, check=True)
    (root / "main.go").write_text("package main\n\nfunc main() { println(2) }\n")
    head = commit_all(root, "second")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "provenance")
    assert outcomes(result) == {"Dockerfile::provenance": "FAILED"}
    result.stdout.fnmatch_lines(
        [
            "[[]goimage provenance[]] Dockerfile: image goimage/*:* is not the commit under "
            f"test: its Go binary was built from commit {old} (*Z), but HEAD is {head}. "
            "Rebuild it from HEAD; a release must ship what was tested."
        ]
    )


REVISION = "org.opencontainers.image.revision"
GIT_BUILDER = """\
# A builder with git, so that Go stamps vcs.* from the .git the context sends.
FROM goimage-standin/debian:bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends git >/dev/null
COPY --from=golang:1.26.8-alpine /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:/usr/bin:/bin GOTOOLCHAIN=local CGO_ENABLED=0
WORKDIR /src
COPY . .
RUN go build -o /out/app .
FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""


def test_dockerignore_dropping_a_tracked_file_fails_provenance(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """.git goes into the context, a tracked .go file does not: Go stamps vcs.modified=true."""
    root = pytester.path
    go_app(root)
    (root / "tools").mkdir()
    (root / "tools/gen.go").write_text("//go:build tools\n\npackage tools\n")
    (root / ".gitignore").write_text("app\n" + PYTESTER_FILES)
    (root / ".dockerignore").write_text("app\ntools/gen.go\n" + PYTESTER_FILES)
    (root / "Dockerfile").write_text(GIT_BUILDER)
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    head = commit_all(root, "tools")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "provenance")
    assert outcomes(result) == {"Dockerfile::provenance": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage provenance[]] Dockerfile: image goimage/*:* is not the commit under "
            "test: its Go binary says vcs.modified=true: the build context sends .git but not "
            "1 tracked file(s) (tools/gen.go; .dockerignore:2: tools/gen.go), so git in the "
            "builder sees them deleted. Keep .git out of the context (add it to the ignore "
            "file) and record the commit with a label, or stop ignoring tracked files. Rebuild "
            "it from HEAD; a release must ship what was tested."
        ]
    )
    assert head in git(root, "log", "-1", "--format=%H")


def test_a_stale_label_beside_a_binary_that_is_head_names_the_label(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 35B: the binary's vcs.revision was HEAD, a hard-coded label named another commit,
    and the failure blamed "a stale GIT_SHA build argument" and said to rebuild. The image is
    HEAD's; the label is what misleads."""
    root = pytester.path
    go_app(root)
    stale = "0123456789abcdef0123456789abcdef01234567"
    (root / ".gitignore").write_text("app\n" + PYTESTER_FILES)
    (root / ".dockerignore").write_text("app\n" + PYTESTER_FILES)
    (root / "Dockerfile").write_text(
        GIT_BUILDER.replace("FROM scratch\n", f"FROM scratch\nLABEL {REVISION}={stale}\n")
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    head = commit_all(root, "first")
    result = pytester.runpytest_subprocess("--goimage", "-k", "provenance")
    result.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(result.stdout.str().split())
    assert (
        "is HEAD's commit by its Go binary's vcs.revision, but its "
        f"{REVISION} label says {stale}, set by `LABEL {REVISION}=...` (Dockerfile:10), another "
        "commit: everything that reads the label (registries, scanners, deploy tools) is told a "
        "wrong commit; set it from HEAD (`ARG GIT_SHA`, the label's value `$GIT_SHA`, and "
        'build_args = { GIT_SHA = "{git.head}" } in [tool.goimage]), or drop the label.'
    ) in flat, flat
    assert "Rebuild it from HEAD" not in flat
    assert head in git(root, "log", "-1", "--format=%H")


def test_an_empty_label_names_the_build_argument_ci_passes(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 35B: GitLab's shape, `LABEL ...=$CI_COMMIT_SHA`, run where no one passes it: the
    label is empty, and the failure said "no label" and told to declare an `ARG GIT_SHA`."""
    root = pytester.path
    go_app(root)
    # pyproject.toml outside git: the second run's build_args are no uncommitted edit.
    (root / ".gitignore").write_text("app\npyproject.toml\n" + PYTESTER_FILES)
    (root / "Dockerfile").write_text(
        f'FROM alpine:3.22\nARG CI_COMMIT_SHA\nLABEL {REVISION}=$CI_COMMIT_SHA\nCMD ["/bin/sh"]\n'
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\nrequire_provenance = true\n")
    commit_all(root, "first")
    result = pytester.runpytest_subprocess("--goimage", "-k", "provenance")
    result.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(result.stdout.str().split())
    assert ("Dockerfile: provenance cannot be verified: image goimage/") in flat, flat
    assert (
        f"records no commit (no vcs.revision in its Go build info, and its {REVISION} label is "
        f"empty: `LABEL {REVISION}=...` (Dockerfile:3) takes $CI_COMMIT_SHA, which this build "
        'gave no value; set build_args = { CI_COMMIT_SHA = "{git.head}" } in [tool.goimage] '
        "(the commit checked out, in CI too)). require_provenance = true"
    ) in flat, flat
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\nrequire_provenance = true\nbuild_args = { CI_COMMIT_SHA = "{git.head}" }\n'
    )
    pytester.runpytest_subprocess("--goimage", "-k", "provenance").assert_outcomes(
        passed=1, deselected=11
    )


def test_the_report_names_the_layers_the_image_a_team_pushes_must_have(
    pytester: pytest.Pytester, docker_client: docker.DockerClient, no_leaks: None
) -> None:
    """Trial 35B: the tested image is removed at the end of the run, and the team pushes its own
    build, whose ID differs (the run's images carry the plugin's labels). The report's `layers`
    are what that build must have to be the tested content; a build of another content does
    not."""
    root = pytester.path
    go_app(root)
    (root / "Dockerfile").write_text(
        "FROM alpine:3.22\nARG GIT_SHA\nLABEL org.opencontainers.image.revision=$GIT_SHA\n"
        'COPY app /app/app\nENTRYPOINT ["/app/app"]\n'
    )
    (root / ".dockerignore").write_text(PYTESTER_FILES + "report.json\n")
    (root / "pyproject.toml").write_text('[tool.goimage]\nbuild_args = { GIT_SHA = "abc1234" }\n')
    report = root / "report.json"
    result = pytester.runpytest_subprocess("--goimage", "-k", "size", f"--goimage-report={report}")
    result.assert_outcomes(passed=1, deselected=11)
    (image,) = json.loads(report.read_text())["images"]
    assert image["layers"] and all(re.fullmatch(r"sha256:[0-9a-f]{64}", d) for d in image["layers"])
    jsonschema.validate(json.loads(report.read_text()), load_schema())
    cli = buildkit_cli()
    assert cli is not None, "no BuildKit docker CLI (make bootstrap installs one)"
    tag = f"goimage-test/pushed:{os.getpid()}"
    try:
        for app, same in ((b"", True), (b"\n# another build\n", False)):
            (root / "app").write_bytes((root / "app").read_bytes() + app)
            subprocess.run(
                [cli, "build", "-q", "-t", tag, "--build-arg", "GIT_SHA=abc1234", str(root)],
                env={**os.environ, "DOCKER_BUILDKIT": "1"},
                check=True,
                capture_output=True,
            )
            pushed = docker_client.api.inspect_image(tag)
            assert pushed["Id"] != image["image_id"]
            assert (pushed["RootFS"]["Layers"] == image["layers"]) is same
    finally:
        docker_client.images.remove(tag, force=True)


# Writes each image's Go binary, read with the plugin's own reader, where the outer test can
# run `go version -m` on it (the images themselves are removed at the end of the run).
EXTRACT_BINARIES = """
from pathlib import Path


def test_extract_binary(goimage):
    out = Path("binaries") / goimage.dockerfile.replace("/", "_")
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(goimage.read_file(goimage.binary_path))
"""


def test_sbom_flag_writes_one_valid_sbom_per_image_linked_from_the_report(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    root = example_copy(example_release_table())
    pytester.makepyfile(test_extract=EXTRACT_BINARIES)
    result = pytester.runpytest_subprocess(
        "--goimage",
        "-v",
        "-k",
        "build or extract",
        "--goimage-sbom=sbom",
        "--goimage-report=report.json",
    )
    dockerfiles = ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile")
    assert outcomes(result) == {f"{d}::build": "PASSED" for d in dockerfiles}, result.stdout.str()
    result.assert_outcomes(passed=6, deselected=31)  # 3 images x 10 checks, and parity
    report = json.loads((root / "report.json").read_text())
    jsonschema.Draft202012Validator(load_schema()).validate(report)
    linked = [image["sbom"] for image in report["images"]]
    assert sorted(linked) == sorted(f"sbom/{p.name}" for p in (root / "sbom").iterdir())
    assert len(linked) == 3
    result.stdout.fnmatch_lines(
        [
            "goimage: SBOM (CycloneDX) of 3 image(s) written to sbom: Dockerfile, "
            "Dockerfile.prod, backend/Dockerfile"
        ]
    )
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    for image in report["images"]:
        text = (root / image["sbom"]).read_text()
        assert validator.validate_str(text) is None, image["sbom"]
        bom = json.loads(text)
        assert bom["metadata"]["component"]["version"] == image["image_id"]
        binary = root / "binaries" / image["dockerfile"].replace("/", "_")
        libraries = {(c["name"], c["version"]) for c in bom["components"] if c["type"] == "library"}
        assert libraries == go_version_modules(binary), image["dockerfile"]
        assert len(libraries) > 10


def test_pytest_s_log_file_is_the_run_s_own_output_not_a_change_to_the_checkout(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """A team's `log_file` (ini or `--log-file`) is written by the run into the checkout, as
    its JUnit file is: the report's `git` does not list it as untracked, or the gate's
    `.git.untracked == []` would fail every run of a clean checkout."""
    root = example_copy(
        example_release_table() + '[tool.pytest.ini_options]\nlog_file = "pytest.log"\n'
    )
    (root / ".gitignore").write_text((root / ".gitignore").read_text() + PYTESTER_FILES)
    head = commit_all(root, "example")
    for extra in ([], ["--log-file=logs/run.log"]):
        pytester.runpytest_subprocess(
            "--goimage", "-k", "go-version", "--goimage-report=report.json", *extra
        )
        written = {"pytest.log"} if not extra else {"logs/run.log"}
        assert {p for p in written if (root / p).is_file()} == written  # pytest wrote it
        document = json.loads((root / "report.json").read_text())
        assert document["git"] == {"commit": head, "modified": [], "untracked": []}, extra
        for path in ("report.json", *written):  # the next run writes its own
            (root / path).unlink()
    (root / "logs" / "run.log").write_text("an earlier run's\n")  # not this run's: listed
    # Without pytest's logging plugin there is no log_file setting at all: still a report.
    off = pytester.runpytest_subprocess(
        "-p", "no:logging", "--goimage", "-k", "go-version", "--goimage-report=report.json"
    )
    assert off.ret == 0, off.stdout.str() + off.stderr.str()
    assert json.loads((root / "report.json").read_text())["outcome"] == "passed"
    (root / "notes.txt").write_text("a file the team left\n")  # the check still sees others
    pytester.runpytest_subprocess("--goimage", "-k", "go-version", "--goimage-report=report.json")
    document = json.loads((root / "report.json").read_text())
    assert document["git"]["untracked"] == ["logs/run.log", "notes.txt"]


def test_a_test_password_that_is_part_of_a_dockerfile_or_check_name_masks_neither(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """Trial 12: `DB_PASSWORD = "prod"` (a test password) was masked inside the item's own
    names, so `Dockerfile.prod` became `Dockerfile.***`, an image no configuration has (an
    INTERNALERROR, exit 3), and `version` turned `go-version` into `go-***` (its report entry
    "not run": a passing run's report said failed). Names stay; values are still masked."""
    table = example_release_table().replace(
        'STORAGE_USE_SSL = "false"\n',
        'STORAGE_USE_SSL = "false"\nDB_PASSWORD = "prod"\nAPI_TOKEN = "version"\n',
    )
    assert 'DB_PASSWORD = "prod"' in table
    root = example_copy(table)
    (root / ".gitignore").write_text((root / ".gitignore").read_text() + PYTESTER_FILES)
    commit_all(root, "example")
    result = pytester.runpytest_subprocess(
        "--goimage",
        "-k",
        "go-version or tracked",
        "--goimage-report=report.json",
        "--junitxml=junit.xml",
    )
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    document = json.loads((root / "report.json").read_text())
    assert document["outcome"] == "passed"
    assert [image["dockerfile"] for image in document["images"]] == [
        "Dockerfile",
        "Dockerfile.prod",
        "backend/Dockerfile",
    ]
    assert {image["checks"]["go-version"]["outcome"] for image in document["images"]} == {"passed"}
    junit = (root / "junit.xml").read_text()
    assert '<property name="dockerfile" value="Dockerfile.prod" />' in junit
    assert '<property name="check" value="go-version" />' in junit
    # A built image's tag and SBOM file are names too (review: `dockerfile-***` in both).
    # An earlier run's SBOMs of images this run does not build go: a step that uploads the
    # folder must not publish them; a file of the team's own stays.
    earlier = [sbom_path(root / "sbom", d) for d in ("Dockerfile", "backend/Dockerfile")]
    for stale in earlier:
        stale.parent.mkdir(exist_ok=True)
        stale.write_text("{}")
    (root / "sbom" / "README.txt").write_text("uploaded by the release job\n")
    built = pytester.runpytest_subprocess(
        "--goimage", "-k", "Dockerfile.prod and build", "--goimage-report=built.json",
        "--goimage-sbom=sbom",
    )  # fmt: skip
    assert built.ret == 0, built.stdout.str()
    (image,) = json.loads((root / "built.json").read_text())["images"][1:2]
    assert "-dockerfile-prod-" in image["tag"], image
    assert "prod" in image["sbom"] and (root / image["sbom"]).is_file(), image
    assert sorted(p.name for p in (root / "sbom").iterdir()) == sorted(
        ["README.txt", Path(image["sbom"]).name]
    )


def test_example_images_pass_parity(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The example's three Dockerfiles build the same program the same way."""
    root = example_copy(example_release_table())
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "parity", "--goimage-report=report.json", "--junitxml=junit.xml"
    )
    assert outcomes(result) == {"goimage::parity": "PASSED"}, result.stdout.str()
    report = json.loads((root / "report.json").read_text())
    jsonschema.Draft202012Validator(load_schema()).validate(report)
    assert report["outcome"] == "passed"
    messages = {image["checks"]["parity"]["message"] for image in report["images"]}
    (message,) = messages
    assert re.fullmatch(
        r"3 images \(Dockerfile, Dockerfile\.prod, backend/Dockerfile\) build "
        r"github\.com/example/bookmark-sync/backend/cmd/api alike: go1\.\d+\.\d+, "
        r"CGO_ENABLED=0, GOOS=linux, GOARCH=amd64, -trimpath=\(not set\), -tags=\(not set\), "
        r'-ldflags=-w -s -extldflags "-static", \d+ modules',
        message,
    ), message
    junit = (root / "junit.xml").read_text()
    assert re.search(r'<testcase classname="goimage" name="parity" time="[\d.]+">', junit), junit


FAST_DOCKERFILE = """\
FROM golang:1.26.8-alpine AS build
WORKDIR /src
# A newer Go for this image only: what parity is there to catch.
ENV GOTOOLCHAIN=go1.27.3
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY backend/ ./backend/
RUN --mount=type=cache,target=/go/pkg/mod \\
    CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \\
    go build -trimpath -ldflags='-w -s -extldflags "-static"' -o /out/api ./backend/cmd/api
FROM alpine:3.22
COPY --from=build /out/api /app/api
EXPOSE 8080
ENTRYPOINT ["/app/api"]
"""


def test_dockerfiles_that_differ_in_trimpath_and_go_version_fail_parity(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = example_copy(
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile.prod", "Dockerfile.fast", "docs.Dockerfile"]
        """
    )
    (root / "Dockerfile.fast").write_text(FAST_DOCKERFILE)
    (root / "docs.Dockerfile").write_text(
        'FROM alpine:3.22\nENTRYPOINT ["/bin/busybox", "httpd", "-f"]\n'
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "parity", "--goimage-report=report.json"
    )
    assert outcomes(result) == {"goimage::parity": "FAILED"}, result.stdout.str()
    # -ldflags are the same text in both, but Go records none under -trimpath: no difference.
    result.stdout.fnmatch_lines(
        [
            "[[]goimage parity[]] pyproject.toml: images that build the same program differ in "
            "how they build it: Dockerfile.prod, Dockerfile.fast build "
            "github.com/example/bookmark-sync/backend/cmd/api but differ in go, -trimpath, so "
            "what ships is not built the way it was tested. Build them alike (the lines below), "
            'or accept a difference on purpose with parity_ignore = [[]"go", "-trimpath"[]] in '
            "[[]tool.goimage[]].",
            "  go:",
            "    Dockerfile.prod  go1.26.8  Dockerfile.prod:5: FROM golang:${GO_VERSION}-alpine "
            "AS build",
            "    Dockerfile.fast  go1.27.3  Dockerfile.fast:4: ENV GOTOOLCHAIN=go1.27.3",
            "  -trimpath:",
            "    Dockerfile.prod  (not set)  Dockerfile.prod:17: go build "
            "-ldflags='-w -s -extldflags \"-static\"' -a -installsuffix cgo",
            "    Dockerfile.fast  true       Dockerfile.fast:10: go build -trimpath "
            "-ldflags='-w -s -extldflags \"-static\"' -o /out/api .…",
        ],
        consecutive=True,
    )
    assert "  -ldflags:" not in result.stdout.str()
    report = json.loads((root / "report.json").read_text())
    assert report["outcome"] == "failed"
    # The docs image was compared with nothing: its parity is skipped, saying why.
    parity = [image["checks"]["parity"] for image in report["images"]]
    assert [check["outcome"] for check in parity] == ["failed", "failed", "skipped"]
    assert parity[2]["message"] == "docs.Dockerfile: not compared: runs no Go program"
    # The same images with both differences declared on purpose.
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\ndockerfiles = ["Dockerfile.prod", "Dockerfile.fast"]\n'
        'parity_ignore = ["go", "-trimpath"]\n'
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "parity", "--goimage-report=report.json"
    )
    assert outcomes(result) == {"goimage::parity": "PASSED"}, result.stdout.str()
    # The pass says which facts differ on purpose, not the first image's values as everyone's.
    report = json.loads((root / "report.json").read_text())
    message = report["images"][0]["checks"]["parity"]["message"]
    assert message.startswith(
        "2 images (Dockerfile.prod, Dockerfile.fast) build "
        "github.com/example/bookmark-sync/backend/cmd/api alike: go differs (accepted by "
        "parity_ignore), CGO_ENABLED=0, GOOS=linux, GOARCH=amd64, -trimpath differs (accepted "
        "by parity_ignore), -tags="
    ), message
    assert "go1.26.8" not in message and "go1.27.3" not in message, message


LABELLED = (
    "FROM alpine:3.22\nCOPY app /app\nARG GIT_SHA\n"
    'LABEL org.opencontainers.image.revision=$GIT_SHA\nENTRYPOINT ["/app"]\n'
)


def test_a_dockerfile_head_does_not_hold_is_not_the_commit_under_test(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A user trial's images named HEAD, and provenance passed, although HEAD has no copy of
    the Dockerfile that built them: one never committed, one outside the repository."""
    root = pytester.path
    go_app(root)
    (root / ".gitignore").write_text(PYTESTER_FILES)  # app is committed: HEAD's binary
    (root / "Dockerfile").write_text(LABELLED)
    outside = root.parent / f"{root.name}.Dockerfile"
    outside.write_text(LABELLED)
    (root / "pyproject.toml").write_text(
        "[tool.goimage]\n"
        f'dockerfiles = ["Dockerfile", "Dockerfile.new", "../{outside.name}"]\n'
        'build_args = { GIT_SHA = "{git.head}" }\n'
    )
    commit_all(root, "first")
    (root / "Dockerfile.new").write_text(LABELLED)  # never committed
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "provenance")
    assert outcomes(result) == {
        "Dockerfile::provenance": "PASSED",
        "Dockerfile.new::provenance": "FAILED",
        f"../{outside.name}::provenance": "FAILED",
    }, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage provenance[]] Dockerfile.new: image goimage/*:* is not the commit under "
            "test: git does not track Dockerfile.new, so a clean checkout of HEAD cannot build "
            "this image; commit it. Rebuild it from HEAD; a release must ship what was tested.",
            f"[[]goimage provenance[]] ../{outside.name}: image goimage/*:* is not the commit "
            f"under test: {outside} is outside the repository ({root}), so HEAD does not record "
            "how the image is built; keep it in the repository. Rebuild it from HEAD; a release "
            "must ship what was tested.",
        ]
    )


def test_an_empty_revision_outside_a_checkout_is_traced_to_git_head(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A user trial's copy without .git: `{git.head}` gave "", and metadata blamed the
    Dockerfile's LABEL."""
    root = pytester.path
    go_app(root)
    (root / "Dockerfile").write_text(LABELLED)
    (root / "pyproject.toml").write_text(
        "[tool.goimage]\n"
        'build_args = { GIT_SHA = "{git.head}" }\n'
        'metadata = { labels = { "org.opencontainers.image.revision" = "[0-9a-f]{40}" } }\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata")
    assert outcomes(result) == {"Dockerfile::metadata": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage metadata[]] Dockerfile: image goimage/*:* does not meet its metadata "
            "policy (pyproject.toml [[]tool.goimage[]] metadata): label "
            "org.opencontainers.image.revision is empty. The build argument GIT_SHA was empty "
            "because `{git.head}` in build_args had no commit to give: "
            f"{root} is not inside a git repository; run in a checkout with a commit."
        ]
    )


def test_a_tracked_report_inside_the_context_is_named_as_the_runs_own(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A user trial's script committed its report.json; the next run removed it at the start,
    and provenance asked to commit or stash it."""
    root = pytester.path
    go_app(root)
    (root / ".gitignore").write_text(PYTESTER_FILES)
    (root / "Dockerfile").write_text(LABELLED.replace("COPY app /app", "COPY . /srv"))
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\nbuild_args = { GIT_SHA = "{git.head}" }\nbinary = "/srv/app"\n'
    )
    (root / "report.json").write_text("{}")
    commit_all(root, "with a report")
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "provenance", "--goimage-report=report.json"
    )
    assert outcomes(result) == {"Dockerfile::provenance": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage provenance[]] Dockerfile: image goimage/*:* is not the commit under "
            "test: git tracks report.json, which this run writes (--goimage-report, --junitxml, "
            "pytest's log_file) inside the build context, *; stop tracking it (`git rm --cached`, and ignore it) "
            "or write it outside the build context. Rebuild *"
        ]
    )
