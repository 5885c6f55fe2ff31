"""Three images of user trial 10, built for real on the engine: a shell-form ENTRYPOINT (or
CMD) on an image without /bin/sh, which `static` passed although no container of it can
start; COPY/ADD/RUN flags newer than the engine's built-in Dockerfile frontend, which were
"Unknown flag ... Fix the instruction on that line"; and a go.mod `replace` into a git
submodule the checkout left empty, which was told to COPY a folder the Dockerfile copies."""

from __future__ import annotations

import fnmatch
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import outcomes
from tests.unit.test_newer_flag_and_submodule_diagnoses import (
    DOCKERFILE,
    GO_MOD,
    git_in,
    repository_with_submodule,
)

# -- 1. static: shell form needs /bin/sh -------------------------------------------------------

EXEC_FORM = 'ENTRYPOINT ["/app/api"]'
SHELL_IMAGES = {
    # The example's FROM scratch image with its ENTRYPOINT in shell form (the trial's d6) ...
    "Dockerfile.shell": ("Dockerfile.prod", EXEC_FORM, "ENTRYPOINT /app/api"),
    # ... with CMD alone in shell form, which is then what runs ...
    "Dockerfile.cmd": ("Dockerfile.prod", EXEC_FORM, "CMD /app/api"),
    # ... as written, exec form on scratch ...
    "Dockerfile.exec": ("Dockerfile.prod", EXEC_FORM, EXEC_FORM),
    # ... and shell form on alpine, which has /bin/sh.
    "Dockerfile.alpine": ("Dockerfile", 'ENTRYPOINT ["/app/main"]', "ENTRYPOINT /app/main"),
}


def _line(text: str, wanted: str) -> int:
    return text.splitlines().index(wanted) + 1


def test_shell_form_on_an_image_without_a_shell_fails_static(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    names = ", ".join(f'"{name}"' for name in SHELL_IMAGES)
    root = example_copy(f"[tool.goimage]\ndockerfiles = [{names}]\nhealth = false\n")
    lines = {}
    for name, (source, written, replacement) in SHELL_IMAGES.items():
        text = (root / source).read_text()
        assert written in text.splitlines()
        text = text.replace(written, replacement)
        (root / name).write_text(text)
        lines[name] = _line(text, replacement)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "static", "--goimage-report=report.json"
    )
    out = result.stdout.str()
    assert outcomes(result) == {
        "Dockerfile.shell::static": "FAILED",
        "Dockerfile.cmd::static": "FAILED",
        "Dockerfile.exec::static": "PASSED",
        "Dockerfile.alpine::static": "PASSED",
    }, out
    for name, keyword in (("Dockerfile.shell", "ENTRYPOINT"), ("Dockerfile.cmd", "CMD")):
        expected = (
            f"[[]goimage static[]] {name}: no container of goimage/*:* can start, because its "
            f"{keyword} is in shell form (`{keyword} /app/api` at {name}:{lines[name]} runs "
            f"`/bin/sh -c /app/api`) and the image has no /bin/sh: write it in exec form, "
            f'`{keyword} [[]"/app/api"[]]`.'
        )
        assert any(fnmatch.fnmatch(line, expected) for line in out.splitlines()), (
            f"{expected!r} not in:\n{out}"
        )
    report = json.loads((root / "report.json").read_text())
    passed = {
        image["dockerfile"]: image["checks"]["static"]["message"]
        for image in report["images"]
        if image["checks"]["static"]["outcome"] == "passed"
    }
    # Exec form on scratch, and shell form where alpine's /bin/sh runs it.
    assert sorted(passed) == ["Dockerfile.alpine", "Dockerfile.exec"], passed
    assert passed["Dockerfile.exec"].startswith("/app/api: static, CGO_ENABLED=0, go1."), passed
    assert passed["Dockerfile.alpine"].startswith("/app/main: static, CGO_ENABLED=0, go1.")


# -- 2. build: a flag newer than the engine's built-in frontend --------------------------------

LABS_SINCE_1_7 = "docker/dockerfile:1.7-labs and later"


def _newer_flag(keyword: str, flag: str, minimum: str, labs: str) -> str:
    return (
        f"`{keyword} --{flag}` is valid Dockerfile syntax, but this engine's built-in Dockerfile "
        f"frontend knows it only with `# syntax=docker/dockerfile:{minimum}` (or later) as the "
        "first line (an engine with a newer built-in frontend knows it without it), so it "
        "refused the flag. Add that line where the engine can pull docker/dockerfile, or drop "
        f"`--{flag}`. Before docker/dockerfile:{minimum} only the labs images had it ({labs})."
    )


def test_copy_exclude_in_the_example_says_which_frontend_has_it(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The trial's d12: `COPY --exclude` in the example's development Dockerfile."""
    root = example_copy('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    text = (root / "Dockerfile").read_text()
    assert "COPY . .\n" in text
    (root / "Dockerfile").write_text(
        text.replace("COPY . .\n", "COPY --exclude=**/*_test.go . .\n")
    )
    line = _line((root / "Dockerfile").read_text(), "COPY --exclude=**/*_test.go . .")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build")
    out = result.stdout.str()
    assert outcomes(result) == {"Dockerfile::build": "FAILED"}, out
    expected = (
        f"[goimage build] Dockerfile:{line}: Dockerfile syntax error: Unknown flag: exclude. "
        + _newer_flag("COPY", "exclude", "1.19", LABS_SINCE_1_7)
    )
    assert expected in out.splitlines(), out
    assert "Fix the instruction on that line" not in out


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        (
            "COPY --parents cmd/app/main.go /src/",
            "Unknown flag: parents. " + _newer_flag("COPY", "parents", "1.20", LABS_SINCE_1_7),
        ),
        (
            "ADD --exclude=*_test.go cmd /src/cmd",
            "Unknown flag: exclude. " + _newer_flag("ADD", "exclude", "1.19", LABS_SINCE_1_7),
        ),
        (
            "ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.10.1 /buildkit",
            "Unknown flag: keep-git-dir. "
            + _newer_flag("ADD", "keep-git-dir", "1.6", "docker/dockerfile:1.5-labs and later"),
        ),
        (
            "RUN --security=insecure true",
            "Unknown flag: security. "
            + _newer_flag("RUN", "security", "1.20", "docker/dockerfile:1-labs")
            + " `--security=insecure` also needs the security.insecure entitlement: a BuildKit "
            "started with `--allow-insecure-entitlement security.insecure`, and a build run "
            "with `--allow security.insecure`.",
        ),
    ],
    ids=["copy-parents", "add-exclude", "add-keep-git-dir", "run-security"],
)
def test_a_labs_flag_says_which_frontend_has_it(
    pytester: pytest.Pytester, instruction: str, expected: str
) -> None:
    (pytester.path / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (pytester.path / "cmd/app").mkdir(parents=True)
    (pytester.path / "cmd/app/main.go").write_text("package main\n\nfunc main() {}\n")
    (pytester.path / "Dockerfile").write_text(f"FROM alpine:3.22\n{instruction}\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    out = result.stdout.str()
    wanted = f"[goimage build] Dockerfile:2: Dockerfile syntax error: {expected}"
    assert wanted in out.splitlines(), f"{wanted!r} not in:\n{out}"


# -- 3. build: a replace into a git submodule that is not checked out --------------------------

GIT = shutil.which("git")
# The trial's Dockerfile: the builder stage of the unit test's, and an image of the program.
SVC_DOCKERFILE = f"""\
{DOCKERFILE}
FROM alpine:3.22
COPY --from=build /out/svc /usr/local/bin/svc
ENTRYPOINT ["/usr/local/bin/svc"]
"""
SVC_MAIN = 'package main\n\nimport "example.com/shared"\n\nfunc main() { println(shared.Name) }\n'


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_a_replace_into_a_submodule_not_checked_out_says_to_check_it_out(
    pytester: pytest.Pytester, tmp_path: Path, no_leaks: None
) -> None:
    """The trial's g4-nosub: the repository is cloned without its submodules, so libs/shared
    is an empty folder, which `COPY libs ./libs` copies as it is."""
    root = pytester.path
    files = {
        "go.mod": GO_MOD,
        "cmd/svc/main.go": SVC_MAIN,
        "Dockerfile": SVC_DOCKERFILE,
        "pyproject.toml": "[tool.goimage]\n",
        ".gitignore": "stdout\nstderr\nrunpytest-*\n",
    }
    repository_with_submodule(root, tmp_path / "shared", files)
    # What a clone without --recurse-submodules leaves: the submodule's folder, empty.
    git_in(root, "submodule", "deinit", "-q", "-f", "libs/shared")
    assert list((root / "libs/shared").iterdir()) == []
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build")
    out = result.stdout.str()
    assert outcomes(result) == {"Dockerfile::build": "FAILED"}, out
    expected = (
        "[goimage build] Dockerfile:6: the build failed in step `RUN CGO_ENABLED=0 go build "
        "-trimpath -o /out/svc ./cmd/svc`: go.mod:7 replaces example.com/shared with "
        "./libs/shared, but libs/shared is a git submodule that is not checked out (empty): run "
        "`git submodule update --init`, use `submodules: true` in actions/checkout, or "
        "GIT_SUBMODULE_STRATEGY: recursive in GitLab CI."
    )
    assert expected in out.splitlines(), f"{expected!r} not in:\n{out}"
    assert "not in the builder when this step runs" not in out
    # Checked out, the same repository builds.
    git_in(root, "submodule", "update", "--init")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build")
    assert outcomes(result) == {"Dockerfile::build": "PASSED"}, result.stdout.str()
