"""Two build diagnoses of user trial 10, on the errors BuildKit and Go printed and on real
folders: a COPY/ADD/RUN flag newer than the frontend that read the Dockerfile (Docker 20.10's
built-in one says "Unknown flag"), and a go.mod `replace` into a git submodule that is not
checked out (its folder empty), which is no missing COPY."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from pytest_goimage.build.buildkit_trace import Vertex
from pytest_goimage.build.diagnose import Diagnosis, explain
from pytest_goimage.build.engine_build import BuildTrace
from pytest_goimage.build.failed_build import FailedBuild, read_failed_build
from pytest_goimage.build.replaced_module import unchecked_submodule

GIT = shutil.which("git")
# As Docker 20.10's engine ends a build whose Dockerfile has a flag its frontend lacks.
PARSE_ERROR = (
    "failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile "
    "parse error line {line}: Unknown flag: {flag}"
)


def _failed(root: Path, trace: BuildTrace) -> FailedBuild:
    return read_failed_build(
        trace,
        dockerfile=root / "Dockerfile",
        dockerfile_label="Dockerfile",
        context=root,
        context_label=".",
        log_path=root / "build.log",
    )


def _parse_failure(tmp_path: Path, dockerfile: str, line: int, flag: str) -> Diagnosis:
    (tmp_path / "Dockerfile").write_text(dockerfile)
    trace = BuildTrace(error=PARSE_ERROR.format(line=line, flag=flag))
    return explain(_failed(tmp_path, trace))


def test_copy_exclude_names_the_frontend_that_has_it(tmp_path: Path) -> None:
    dockerfile = "FROM golang:1.26-alpine\nWORKDIR /src\nCOPY --exclude=**/*_test.go cmd ./cmd\n"
    assert _parse_failure(tmp_path, dockerfile, 3, "exclude") == Diagnosis(
        "Dockerfile:3: Dockerfile syntax error: Unknown flag: exclude. `COPY --exclude` is valid "
        "Dockerfile syntax, but this engine's built-in Dockerfile frontend knows it only with "
        "`# syntax=docker/dockerfile:1.19` (or later) as the first line (an engine with a newer "
        "built-in frontend knows it without it), so it refused the flag. Add that line where "
        "the engine can pull docker/dockerfile, or drop `--exclude`. Before "
        "docker/dockerfile:1.19 only the labs images had it (docker/dockerfile:1.7-labs and "
        f"later).\nFull build log: {tmp_path}/build.log",
        "dockerfile-syntax",
    )


@pytest.mark.parametrize(
    ("dockerfile", "line", "flag", "start"),
    [
        (
            "# syntax=docker/dockerfile:1.7\nFROM alpine:3.22\nCOPY --parents a/b.txt /\n",
            3,
            "parents",
            "Dockerfile:3: Dockerfile syntax error: Unknown flag: parents. `COPY --parents` is "
            "valid Dockerfile syntax, but the frontend the `# syntax=docker/dockerfile:1.7` "
            "directive (Dockerfile:1) names does not know it, so it refused the flag. Name "
            "docker/dockerfile:1.20 or later in that directive (`docker/dockerfile:1` is the "
            "newest 1.x), or drop `--parents`. Before docker/dockerfile:1.20 only the labs "
            "images had it (docker/dockerfile:1.7-labs and later).\n",
        ),
        (
            "FROM alpine:3.22\nCOPY --exlude=*.md . /src/\n",
            2,
            "exlude",
            "Dockerfile:2: Dockerfile syntax error: Unknown flag: exlude. Fix the instruction on "
            "that line.\n",
        ),
    ],
    ids=["older-syntax-directive", "no-frontend-has-it"],
)
def test_what_to_name_in_a_syntax_directive_and_a_flag_no_frontend_has(
    tmp_path: Path, dockerfile: str, line: int, flag: str, start: str
) -> None:
    message = _parse_failure(tmp_path, dockerfile, line, flag).message
    assert message.startswith(start), message


def test_run_security_sandbox_needs_no_entitlement(tmp_path: Path) -> None:
    dockerfile = "FROM alpine:3.22\nRUN --security=sandbox true\n"
    diagnosis = _parse_failure(tmp_path, dockerfile, 2, "security")
    assert "`# syntax=docker/dockerfile:1.20` (or later)" in diagnosis.message
    assert "(docker/dockerfile:1-labs).\n" in diagnosis.message
    assert "entitlement" not in diagnosis.message
    insecure = _parse_failure(tmp_path, dockerfile.replace("sandbox", "insecure"), 2, "security")
    assert insecure.message.endswith(
        "(docker/dockerfile:1-labs). `--security=insecure` also needs the security.insecure "
        "entitlement: a BuildKit started with `--allow-insecure-entitlement security.insecure`, "
        f"and a build run with `--allow security.insecure`.\nFull build log: {tmp_path}/build.log"
    )


# -- a replace into a submodule ----------------------------------------------------------------

GO_MOD = (
    "module example.com/svc\n\ngo 1.26.0\n\nrequire example.com/shared v0.0.0\n\n"
    "replace example.com/shared => ./libs/shared\n"
)
DOCKERFILE = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod ./
COPY libs ./libs
COPY cmd ./cmd
RUN CGO_ENABLED=0 go build -trimpath -o /out/svc ./cmd/svc
"""
STEP = "[build 5/5] RUN CGO_ENABLED=0 go build -trimpath -o /out/svc ./cmd/svc"
# What Go 1.26 printed in the trial's build (g4-nosub).
GO_SAID = (
    "#11 0.512 cmd/svc/main.go:8:2: example.com/shared@v0.0.0 (replaced by ./libs/shared): "
    "reading libs/shared/go.mod: open /src/libs/shared/go.mod: no such file or directory\n"
)
HEAD = (
    "Dockerfile:6: the build failed in step `RUN CGO_ENABLED=0 go build -trimpath -o /out/svc "
    "./cmd/svc`: go.mod:7 replaces example.com/shared with ./libs/shared"
)
SUBMODULE = (
    f"{HEAD}, but libs/shared is a git submodule that is not checked out (empty): run `git "
    "submodule update --init`, use `submodules: true` in actions/checkout, or "
    "GIT_SUBMODULE_STRATEGY: recursive in GitLab CI."
)


# A committer, and file:// submodules (git 2.38.1 refuses them by default).
GIT_SETTINGS = ("user.name=t", "user.email=t@example.com", "protocol.file.allow=always")


def git_in(root: Path, *args: str) -> None:
    """`git -C root args`, as a committer that may add file:// submodules."""
    settings = [word for setting in GIT_SETTINGS for word in ("-c", setting)]
    subprocess.run(
        [GIT or "git", "-C", str(root), *settings, *args], check=True, capture_output=True
    )


def repository_with_submodule(root: Path, lib: Path, files: Mapping[str, str]) -> None:
    """`root`, a git repository of `files` whose libs/shared is a git submodule, checked out:
    the module example.com/shared, committed in `lib`."""
    lib.mkdir()
    (lib / "go.mod").write_text("module example.com/shared\n\ngo 1.26.0\n")
    (lib / "shared.go").write_text('package shared\n\nconst Name = "shared"\n')
    git_in(lib, "init", "-q")
    git_in(lib, "add", "-A")
    git_in(lib, "commit", "-q", "-m", "lib")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git_in(root, "init", "-q")
    git_in(root, "submodule", "add", "-q", str(lib), "libs/shared")
    git_in(root, "add", "-A")
    git_in(root, "commit", "-q", "-m", "svc")


def _svc(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "go.mod").write_text(GO_MOD)
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "libs/shared").mkdir(parents=True)
    return root


def _replace_failure(root: Path) -> Diagnosis:
    trace = BuildTrace(error="exit code: 1")
    trace.vertexes["sha256:step"] = Vertex("sha256:step", STEP, error="exit code: 1")
    trace.logs["sha256:step"] = [GO_SAID.encode()]
    return explain(_failed(root, trace))


def _go_lines(root: Path) -> str:
    return (
        "\n    cmd/svc/main.go:8:2: example.com/shared@v0.0.0 (replaced by ./libs/shared): "
        "reading libs/shared/go.mod: open /src/libs/shared/go.mod: no such file or directory\n"
        f"Full build log: {root}/build.log"
    )


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_a_submodule_not_checked_out_is_named_with_the_ways_to_check_it_out(
    tmp_path: Path,
) -> None:
    root = tmp_path / "svc"
    files = {"go.mod": GO_MOD, "Dockerfile": DOCKERFILE}
    repository_with_submodule(root, tmp_path / "shared", files)
    # Checked out: not the submodule's fault.
    assert not unchecked_submodule(root / "libs/shared")
    git_in(root, "submodule", "deinit", "-q", "-f", "libs/shared")  # as a plain clone has it
    assert unchecked_submodule(root / "libs/shared")
    assert _replace_failure(root) == Diagnosis(SUBMODULE + _go_lines(root), "go-replace-missing")
    # Its folder gone too: still the submodule.
    (root / "libs/shared").rmdir()
    message = _replace_failure(root).message
    assert "libs/shared is a git submodule that is not checked out (missing): run" in message


def test_without_a_repository_gitmodules_says_it_is_a_submodule(tmp_path: Path) -> None:
    """A checkout without .git (a CI cache, an export) still has .gitmodules."""
    root = _svc(tmp_path / "svc")
    (root / ".gitmodules").write_text(
        '[submodule "libs/shared"]\n\tpath = libs/shared\n\turl = https://example.com/shared\n'
    )
    assert _replace_failure(root) == Diagnosis(SUBMODULE + _go_lines(root), "go-replace-missing")


def test_an_empty_folder_that_is_no_submodule_keeps_the_copy_advice(tmp_path: Path) -> None:
    root = _svc(tmp_path / "svc")
    (root / ".gitmodules").write_text('[submodule "other"]\n\tpath = libs/other\n\turl = x\n')
    assert not unchecked_submodule(root / "libs/shared")
    assert _replace_failure(root).message.startswith(
        f"{HEAD}: libs/shared/ is in the build context, but not in the builder when this step "
        "runs. COPY libs/shared/ before it, to the same place relative to go.mod.\n"
    )


def test_an_untracked_go_file_inside_a_submodule_is_for_the_submodule_to_commit(
    tmp_path: Path,
) -> None:
    """`git add` in the superproject cannot track a file of a submodule: the advice says to
    commit it in the submodule and then the submodule's new commit here (trial 10)."""
    from pytest_goimage.build.tracking import untracked_inputs

    root = tmp_path / "svc"
    root.mkdir()
    repository_with_submodule(
        root,
        tmp_path / "lib",
        {
            "go.mod": GO_MOD,
            "Dockerfile": "FROM scratch\nCOPY . /src\n",
            "main.go": "package main\n",
        },
    )
    (root / "libs/shared/extra.go").write_text("package shared\n")
    (missing,) = untracked_inputs(root, root / "Dockerfile")
    assert (missing.path, missing.submodule) == ("libs/shared/extra.go", "libs/shared")
    from types import SimpleNamespace

    from pytest_goimage.checks import tracked
    from pytest_goimage.config import parse_config
    from pytest_goimage.errors import CheckFailed

    config = parse_config({}, rootdir=root, source=root / "pyproject.toml")
    with pytest.raises(CheckFailed) as failed:
        tracked.run(SimpleNamespace(config=config), config.image("Dockerfile"))  # type: ignore[arg-type]
    assert (
        "; a file inside the submodule libs/shared is tracked by that repository: add and commit "
        "it there (`git -C libs/shared add ...`, then commit), then commit the submodule's new "
        "commit here (`git add libs/shared`):\n    libs/shared/extra.go is not tracked by git"
    ) in str(failed.value)
