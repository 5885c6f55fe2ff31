"""`tracked`, and the seed story: a .gitignore rule for runtime data hid a Go package."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, go_app

TOML = """
[tool.goimage]
dockerfiles = ["backend/Dockerfile"]
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def repo_with_gitignore(root: Path, rules: str) -> int:
    """Commit the project with `rules` appended to .gitignore; returns the line of the last rule."""
    gitignore = root / ".gitignore"
    text = gitignore.read_text() + rules
    gitignore.write_text(text)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    return len(text.splitlines())


def test_example_is_fully_tracked(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    repo_with_gitignore(example_copy(TOML), "")
    pytester.runpytest("--goimage", "-k", "tracked").assert_outcomes(passed=1)


def test_ignored_go_package_is_named_with_its_rule(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    root = example_copy(TOML)
    line = repo_with_gitignore(root, "\n# runtime data\nstorage/\n")
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Go build input(s) in build context '.' are not tracked by git" in out
    assert f"backend/pkg/storage/client.go is ignored by git (.gitignore:{line}: storage/)" in out
    assert "Narrow the ignore rule (anchor it, e.g. `/storage/` for runtime data)" in out


def test_never_added_file_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    root = example_copy(TOML)
    repo_with_gitignore(root, "")
    (root / "backend/pkg/api/extra.go").write_text("package api\n")
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*backend/pkg/api/extra.go is not tracked by git (never added)*"])


def test_dockerignored_files_do_not_count(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """Files .dockerignore keeps out of the context are not build inputs."""
    root = example_copy(TOML)
    repo_with_gitignore(root, "")
    (root / "tools").mkdir()
    (root / "tools" / "gen.go").write_text("package tools\n")
    with (root / ".dockerignore").open("a") as ignore:
        ignore.write("tools/\n")
    pytester.runpytest("--goimage", "-k", "tracked").assert_outcomes(passed=1)


def test_files_no_copy_takes_and_test_files_go_build_skips_do_not_count(
    pytester: pytest.Pytester,
) -> None:
    """A user trial: the Dockerfile copies go.mod and cmd/ only, and git ignores a scratch
    tool (`/tools/scratch/`) and local test files (`*_local_test.go`). Neither reaches the
    image's build, yet tracked failed on both. A test file counts where a RUN runs go test."""
    go_app(pytester.path)
    (pytester.path / "cmd/api").mkdir(parents=True)
    (pytester.path / "cmd/api/main.go").write_text("package main\n\nfunc main() {}\n")
    (pytester.path / "cmd/api/debug_local_test.go").write_text("package main\n")
    (pytester.path / "tools/scratch").mkdir(parents=True)
    (pytester.path / "tools/scratch/main.go").write_text("package main\n")
    (pytester.path / ".gitignore").write_text("/tools/scratch/\n*_local_test.go\napp\n")
    build = "RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api\n"
    dockerfile = "FROM golang:1.26-alpine\nWORKDIR /src\nCOPY go.mod ./\nCOPY cmd/ cmd/\n{}"
    (pytester.path / "Dockerfile").write_text(dockerfile.format(build))
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    git(pytester.path, "init", "-q")
    git(pytester.path, "add", "-A")
    git(pytester.path, "commit", "-qm", "initial")
    pytester.runpytest("--goimage", "-k", "tracked").assert_outcomes(passed=1)
    # The build runs the tests: the ignored test file is an input a clean checkout lacks.
    (pytester.path / "Dockerfile").write_text(dockerfile.format("RUN go test ./...\n" + build))
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "cmd/api/debug_local_test.go is ignored by git (.gitignore:2: *_local_test.go)" in out
    assert "tools/scratch" not in out, out
    # A COPY of the whole context takes the scratch tool in too.
    (pytester.path / "Dockerfile").write_text(
        dockerfile.replace("COPY go.mod ./\nCOPY cmd/ cmd/", "COPY . .").format(build)
    )
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    assert "tools/scratch/main.go is ignored by git (.gitignore:1: /tools/scratch/)" in (
        result.stdout.str()
    )


def test_outside_git_it_is_skipped(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    example_copy(TOML)
    result = pytester.runpytest("--goimage", "-k", "tracked", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*is not inside a git repository, so there is no clean checkout*"])


def test_clean_checkout_build_points_at_the_ignore_rule(
    example_copy: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The laptop builds; CI's clean clone fails with 'is not in std' and the rule is named."""
    laptop = example_copy(TOML)
    line = repo_with_gitignore(laptop, "\n# runtime data\nstorage/\n")
    ci, result = _build_in_a_clean_clone(laptop, tmp_path_factory)
    assert not (ci / "backend/pkg/storage").exists()
    out = result.stdout
    assert result.returncode == 1, out
    assert (
        "Go package github.com/example/bookmark-sync/backend/pkg/storage is imported but its "
        "source is not in the build context '.'" in out
    ), out
    assert f"A git ignore rule hides backend/pkg/storage/ (.gitignore:{line}: storage/)" in out, out
    assert "Traceback" not in out


def _build_in_a_clean_clone(
    laptop: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`git clone` of the laptop's checkout, as CI has it, and `pytest --goimage -k build` there."""
    ci = tmp_path_factory.mktemp("ci") / "checkout"
    subprocess.run(["git", "clone", "-q", str(laptop), str(ci)], check=True)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--goimage", "-k", "build", "-p", "no:cacheprovider"],
        cwd=ci,
        capture_output=True,
        text=True,
        check=False,
    )
    return ci, result


def test_a_dockerfiles_own_ignore_file_wins_as_in_buildkit(pytester: pytest.Pytester) -> None:
    """`Dockerfile.dockerignore` replaces `.dockerignore` for that Dockerfile, as the docker CLI
    does: the build sends `app` (which .dockerignore excludes for other Dockerfiles), and
    `tracked` ignores the scratch sources that only the Dockerfile's own file keeps out."""
    root = pytester.path
    go_app(root)
    (root / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nCOPY . /src\nENTRYPOINT ["/app"]\n'
    )
    (root / ".dockerignore").write_text("app\n")
    (root / "Dockerfile.dockerignore").write_text(
        "# the binary goes in; scratch stays out\nscratch/\n"
    )
    (root / "pyproject.toml").write_text('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    (root / "scratch").mkdir()
    (root / "scratch" / "try.go").write_text("package scratch\n")  # never committed
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "tracked or build")
    result.assert_outcomes(passed=2)

    # Without the Dockerfile's own file, .dockerignore applies: `app` is not sent, and the
    # build names the COPY that failed; scratch/try.go is sent but untracked.
    (root / "Dockerfile.dockerignore").unlink()
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "tracked or build")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert "scratch/try.go" in out
    assert "Dockerfile:2" in out and "app" in out


def test_go_files_of_a_submodule_count_as_tracked(pytester: pytest.Pytester) -> None:
    """A vendored dependency kept as a git submodule is in every clean (recursive) checkout."""
    lib = pytester.path.parent / f"{pytester.path.name}-lib"
    lib.mkdir()
    (lib / "go.mod").write_text("module example.com/lib\n\ngo 1.26\n")
    (lib / "lib.go").write_text("package lib\n")
    git(lib, "init", "-q")
    git(lib, "add", "-A")
    git(lib, "commit", "-qm", "lib")
    root = pytester.path
    go_app(root)
    (root / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nCOPY third_party/ /src/third_party/\nENTRYPOINT ["/app"]\n'
    )
    (root / "pyproject.toml").write_text('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    git(root, "init", "-q")
    git(
        root,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(lib),
        "third_party/lib",
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    pytester.runpytest("--goimage", "-k", "tracked").assert_outcomes(passed=1)
    # An untracked file inside the submodule is still named.
    (root / "third_party/lib/extra.go").write_text("package lib\n")
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    assert "third_party/lib/extra.go" in result.stdout.str()


# A single-page app's build output, embedded into the API binary; `npm run build` makes it on
# the laptop, and the usual .gitignore keeps it out of git.
ASSETS_GO = 'package main\n\nimport "embed"\n\n//go:embed dist\nvar assets embed.FS\n'
FRONTEND_STAGE = (
    "FROM alpine:3.22 AS web\nRUN mkdir /dist && echo '<html></html>' > /dist/index.html\n\n"
)


def _with_built_frontend(root: Path) -> int:
    """The example with backend/cmd/api embedding its dist/, committed with `dist/` ignored;
    returns the line of that rule."""
    api = root / "backend/cmd/api"
    (api / "assets.go").write_text(ASSETS_GO)
    (api / "dist").mkdir()
    (api / "dist/index.html").write_text("<html></html>\n")
    return repo_with_gitignore(root, "\n# made by `npm run build`\ndist/\n")


def test_an_ignored_folder_that_go_embed_takes_is_named_with_its_directive(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    line = _with_built_frontend(example_copy(TOML))
    result = pytester.runpytest("--goimage", "-k", "tracked")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert (
        f"backend/cmd/api/dist/index.html is ignored by git (.gitignore:{line}: dist/), "
        "embedded by backend/cmd/api/assets.go:5 (//go:embed dist)" in out
    ), out
    assert "list it in the .dockerignore instead, so that no build takes this machine's" in out


def test_a_folder_that_a_stage_builds_and_copies_in_needs_no_commit(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """The frontend built in the Dockerfile and copied over the context's dist/: CI's build
    makes it too, so git need not hold it."""
    root = example_copy(TOML)
    dockerfile = root / "backend/Dockerfile"
    text = dockerfile.read_text().replace("FROM golang", FRONTEND_STAGE + "FROM golang", 1)
    text = text.replace(
        "COPY backend/ ./backend/\n",
        "COPY backend/ ./backend/\nCOPY --from=web /dist ./backend/cmd/api/dist\n",
    )
    dockerfile.write_text(text)
    _with_built_frontend(root)
    pytester.runpytest("--goimage", "-k", "tracked").assert_outcomes(passed=1)


def test_clean_checkout_build_names_the_ignored_folder_go_embed_wants(
    example_copy: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The laptop has dist/; CI's clean clone fails with Go's 'pattern dist: no matching files
    found', which the build check traces to the ignore rule instead of calling it a compile
    error."""
    laptop = example_copy(TOML)
    line = _with_built_frontend(laptop)
    ci, result = _build_in_a_clean_clone(laptop, tmp_path_factory)
    assert not (ci / "backend/cmd/api/dist").exists()
    out = result.stdout
    assert result.returncode == 1, out
    assert (
        "backend/cmd/api/assets.go:5 embeds `dist` (//go:embed), and a git ignore rule hides "
        f"backend/cmd/api/dist (.gitignore:{line}: dist/), so a clean checkout (CI) lacks it" in out
    ), out
    assert "backend/cmd/api/assets.go:5:12: pattern dist: no matching files found" in out
    assert "Go compile errors" not in out and "Traceback" not in out, out


def test_a_checkout_git_refuses_fails_the_git_checks_with_the_way_out(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI job that runs its tests in a container over a checkout made by another user: git
    refuses the repository ("dubious ownership"). `tracked` skipped it as "not inside a git
    repository" and the gate passed without it; now each check that needs git fails with the
    command that makes it readable."""
    if os.geteuid() != 0:
        pytest.skip("giving the checkout to another user needs root")
    root = example_copy((EXAMPLE / "pyproject.toml").read_text())
    repo_with_gitignore(root, "")
    for path in [root, *root.rglob("*")]:
        os.lchown(path, 65534, 65534)
    (root.parent / "empty.gitconfig").touch()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(root.parent / "empty.gitconfig"))
    result = pytester.runpytest(
        "--goimage",
        "-p",
        "no:cacheprovider",
        "-k",
        "Dockerfile.prod and (tracked or metadata or provenance)",
    )
    result.assert_outcomes(failed=3)
    refused = (
        f"git refuses to read the repository at {root}: it belongs to user 65534 "
        f"({pwd.getpwuid(65534).pw_name}) and this run is user 0 (root)"
    )
    way_out = (
        f"`git config --global --add safe.directory {root}`, or run pytest as the user who owns it."
    )
    out = result.stdout.str()
    for start in (
        "[goimage tracked] Dockerfile.prod: cannot tell whether build context '.' is tracked: ",
        "[goimage provenance] Dockerfile.prod: provenance cannot be verified: ",
        "The build argument GIT_SHA was empty because `{git.head}` in build_args had no commit "
        "to give: ",
    ):
        assert start + refused in out, out
    assert out.count(way_out) == 3, out
    assert "not inside a git repository" not in out, out
