"""`pytest --goimage` builds real images with BuildKit; broken variants fail with their cause."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from tests.conftest import go_app, image_tags, shared_dir

BACKEND_ONLY = """
[tool.goimage]
dockerfiles = ["backend/Dockerfile"]
"""


def test_example_builds_every_dockerfile_once_under_xdist(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """All three Dockerfiles build (RUN --mount=type=cache included), each exactly once."""
    example_copy(
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile", "Dockerfile.prod", "backend/Dockerfile"]
        """,
    )
    pytester.makepyfile(
        test_model="""
        def test_model(goimage):
            assert goimage.id.startswith("sha256:")
            assert goimage.config.exposed_ports == goimage.config.ports == ["8080/tcp"]
            assert goimage.config.entrypoint or goimage.config.cmd
            if goimage.dockerfile == "Dockerfile.prod":
                assert goimage.config.user == "65532:65532"
            assert goimage.size > 1_000_000
            instructions = [layer.instruction for layer in goimage.layers]
            # The layer that copies the binary in, named by its destination.
            binary = {"Dockerfile": "/app/main", "Dockerfile.prod": "/app/api",
                      "backend/Dockerfile": "/usr/local/bin/bookmark-api"}[goimage.dockerfile]
            copies = [i for i in instructions if i.startswith("COPY ") and i.split()[-1] == binary]
            assert len(copies) == 1, instructions
            assert sum(layer.size for layer in goimage.layers) == goimage.size
        """,
        test_images="""
        def test_images(goimage):
            assert goimage.tag.startswith("goimage/")
            assert goimage.read_file(goimage.command[0])[:4] == b"\\x7fELF"
        """,
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-n", "2", "-p", "xdist", "-v", "-k", "build or images or model"
    )
    result.assert_outcomes(passed=9)  # xdist does not report deselected items
    # Workers have no terminal: the controller prints their progress, naming the worker.
    for dockerfile in ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile"):
        result.stdout.fnmatch_lines(
            [
                # The controller prints from a thread, so a line may follow pytest's own
                # unfinished `PASSED` line rather than start one.
                f"*goimage {dockerfile} [[]gw?[]]: building goimage/*",
                # A Dockerfile step, also when BuildKit reports it cached and done at once.
                f"*goimage {dockerfile} [[]gw?[]]: [[]*/*[]] *",
                f"*goimage {dockerfile} [[]gw?[]]: built in *s (*steps cached)",
            ]
        )
    builds = (shared_dir(result) / "builds.log").read_text().splitlines()
    dockerfiles = sorted(line.split("\t")[0] for line in builds)
    assert dockerfiles == ["Dockerfile", "Dockerfile.prod", "backend/Dockerfile"], builds
    # The run's tags are removed at the end (BuildKit's cache keeps reruns fast); an image
    # whose content another run also built keeps that other run's tag.
    run_id = shared_dir(result).name.split("-", 1)[0]
    left = [t for t in image_tags(docker_client) if run_id in t]
    assert left == []


def test_rerun_reuses_the_build_cache(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    example_copy(BACKEND_ONLY)
    pytester.runpytest_subprocess("--goimage", "-k", "build").assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build")
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    # No Dockerfile step ran: each came from BuildKit's cache, or, when another test's build of
    # the same steps ran at the same moment, from that build (BuildKit solves a shared step
    # once and reports it to the build that asked first).
    counts = re.search(
        r"built in [\d.]+s \((\d+)/(\d+) steps cached"
        r"(?:, (\d+) done by another build of the same steps running beside it)?\)",
        out,
    )
    assert counts, out
    cached, steps, shared = (int(n or 0) for n in counts.groups())
    assert steps == 6, out
    assert cached + shared == steps, out
    # -v shows each step this build's progress reported once, the cached ones as cached
    # (BuildKit reports them started and done at once).
    shown = re.findall(r"goimage backend/Dockerfile: \[[^\]]*\d/\d\] (?!FROM )(.*)", out)
    assert len(shown) == cached, out
    assert all(line.endswith(" (cached)") for line in shown), out


def _fail_message(result: pytest.RunResult) -> str:
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Traceback" not in out
    return out


def test_go_syntax_error_names_file_line_and_step(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = example_copy(BACKEND_ONLY)
    config_go = root / "backend/pkg/config/config.go"
    config_go.write_text(config_go.read_text() + "\nfunc broken( {\n")
    out = _fail_message(pytester.runpytest_subprocess("--goimage", "-k", "build"))
    assert "[goimage build] backend/Dockerfile:13: the build failed in step `RUN" in out
    assert re.search(r"backend/pkg/config/config\.go:\d+:\d+: syntax error", out), out
    assert "Go compile errors" in out
    assert "Full build log: " in out


SHARED_BUILDER = """FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app ./cmd/app

FROM alpine:3.22
COPY --from=build /app /app
"""


def test_a_failing_go_test_in_a_run_is_named_as_a_test_failure(pytester: pytest.Pytester) -> None:
    """A user trial: `RUN go test ./... && go build` with a failing test was reported as "Go
    compile errors" with `go build ./...` as the fix, and without the `--- FAIL` line."""
    (pytester.path / "go.mod").write_text("module example.com/shop\n\ngo 1.26\n")
    (pytester.path / "main.go").write_text("package main\n\nfunc main() {}\n")
    (pytester.path / "main_test.go").write_text(
        'package main\n\nimport "testing"\n\nfunc TestPrice(t *testing.T) {\n'
        '\tt.Errorf("got %d, want %d", 1, 0)\n}\n'
    )
    (pytester.path / "Dockerfile").write_text(
        "FROM golang:1.26-alpine AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN CGO_ENABLED=0 go test ./... && CGO_ENABLED=0 go build -o /app .\n"
        'FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n'
    )
    out = _fail_message(pytester.runpytest_subprocess("--goimage", "-k", "build"))
    assert "Go compile errors" not in out, out
    pattern = (
        "[[]goimage build[]] Dockerfile:4: the build failed in step `RUN CGO_ENABLED=0 go test "
        "./... && CGO_ENABLED=0 go build -o /app .`: `go test` failed in this RUN (TestPrice, "
        "example.com/shop), so the image was not built: fix the test or the code it tests "
        "(the same `go test` locally shows it, unless the test depends on the build's "
        "environment), or run the tests in CI outside the image build."
    )
    lines = out.splitlines()
    at = next((i for i, line in enumerate(lines) if fnmatch.fnmatchcase(line, pattern)), None)
    assert at is not None, out
    assert lines[at + 1 : at + 3] == [
        "    --- FAIL: TestPrice (0.00s)",
        "        main_test.go:6: got 1, want 0",
    ], out


def test_a_variable_in_copy_from_names_its_line_and_the_stage_to_write(
    pytester: pytest.Pytester,
) -> None:
    """A user trial: `COPY --from=${BUILDER_STAGE}` failed "before any step ran" with BuildKit's
    image-reference error, naming no line: BuildKit expands no variable in `--from`."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        "ARG BUILDER_STAGE=build\nFROM alpine:3.22 AS build\nCOPY app /out/app\n"
        "FROM alpine:3.22\nARG BUILDER_STAGE\nCOPY --from=${BUILDER_STAGE} /out/app /app\n"
        'ENTRYPOINT ["/app"]\n'
    )
    out = _fail_message(pytester.runpytest_subprocess("--goimage", "-k", "build"))
    assert (
        "[goimage build] Dockerfile:6: `--from=${BUILDER_STAGE}` names a variable, and BuildKit "
        "expands none in a `from` (it takes the text as an image name, which it cannot parse). "
        "Make the variable a stage instead: `FROM ${BUILDER_STAGE} AS builder-stage` after the "
        "stages it may name, then `COPY --from=builder-stage`"
    ) in out, out


def test_a_failing_step_two_images_share_is_explained_for_each(pytester: pytest.Pytester) -> None:
    """A dev and a prod Dockerfile with the same builder stage, built at the same moment:
    BuildKit runs the identical failing step once and sends its output to one build only.
    Each image's failure still names its own line and the Go error (before, the second said
    "failed before any step ran" and "the step printed nothing")."""
    (pytester.path / "go.mod").write_text("module example.com/shared\n\ngo 1.26\n")
    (pytester.path / "cmd/app").mkdir(parents=True)
    (pytester.path / "cmd/app/main.go").write_text(
        "package main\n\nfunc main() { undefinedCall() }\n"
    )
    (pytester.path / "Dockerfile").write_text(SHARED_BUILDER + 'ENTRYPOINT ["/app"]\n')
    (pytester.path / "Dockerfile.prod").write_text(
        SHARED_BUILDER + 'USER 65532\nENTRYPOINT ["/app"]\n'
    )
    pytester.makepyprojecttoml('[tool.goimage]\ndockerfiles = ["Dockerfile", "Dockerfile.prod"]\n')
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    for dockerfile in ("Dockerfile", "Dockerfile.prod"):
        assert (
            f"[goimage build] {dockerfile}:4: the build failed in step `RUN CGO_ENABLED=0 go "
            "build -o /app ./cmd/app`: Go compile errors:\n"
            "    cmd/app/main.go:3:15: undefined: undefinedCall"
        ) in out, out
    assert "printed nothing" not in out


def test_missing_package_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """The seed story: main.go imports a package that never reached the build context."""
    root = example_copy(BACKEND_ONLY)
    shutil.rmtree(root / "backend/pkg/storage")
    out = _fail_message(pytester.runpytest_subprocess("--goimage", "-k", "build"))
    assert (
        "Go package github.com/example/bookmark-sync/backend/pkg/storage is imported but its "
        "source is not in the build context '.'" in out
    ), out
    # Go loads main's imports in sorted order: pkg/api comes before pkg/storage, so the
    # import that fails first is api.go's.
    assert (
        "backend/pkg/api/api.go:20:2: no required module provides package "
        "github.com/example/bookmark-sync/backend/pkg/storage" in out
    ), out


def test_go_older_than_go_mod_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    root = example_copy(BACKEND_ONLY)
    go_mod = root / "go.mod"
    text = re.sub(r"(?m)^go .*$", "go 1.27.0", go_mod.read_text())
    go_mod.write_text(re.sub(r"(?m)^toolchain .*$", "toolchain go1.27.3", text))
    out = _fail_message(pytester.runpytest_subprocess("--goimage", "-k", "build"))
    assert "the builder image runs Go 1.26.8 but go.mod requires Go >= 1.27.0" in out, out
    assert "FROM at backend/Dockerfile:4" in out


def test_wrong_context_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    root = example_copy(
        """
        [tool.goimage]
        [[tool.goimage.image]]
        dockerfile = "backend/Dockerfile"
        context = "backend"
        """
    )
    (root / "Dockerfile").unlink()
    (root / "Dockerfile.prod").unlink()
    out = _fail_message(pytester.runpytest_subprocess("--goimage", "-k", "build"))
    # BuildKit resolves COPY sources in parallel: whichever it misses first is named.
    # BuildKit resolves COPY sources in parallel and names whichever it misses first; the
    # message names every source of that COPY that is missing, and the value to set.
    assert re.search(
        r"backend/Dockerfile:8: COPY/ADD sources 'go\.mod', 'go\.sum' are not in the build "
        r"context 'backend'|backend/Dockerfile:12: COPY/ADD source 'backend/?' is not in the build "
        r"context 'backend'",
        out,
    ), out
    assert f"this Dockerfile expects {root} as its build context" in out
    assert 'Set `context = "."` for backend/Dockerfile in [tool.goimage]' in out


def test_node_ids_are_dockerfile_and_check(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """Node ids are <dockerfile>::<check>, relative to `project`, and -k selects them."""
    example_copy("")
    # The Go module lives in a subfolder of the rootdir.
    project = pytester.path / "services" / "api"
    project.mkdir(parents=True)
    for child in list(pytester.path.iterdir()):
        if child.name not in ("services", "pyproject.toml"):
            child.rename(project / child.name)
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\nproject = "services/api"\ndockerfiles = ["backend/Dockerfile"]\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "--collect-only", "-q")
    checks = [
        "go-version",
        "tracked",
        "build",
        "static",
        "size",
        "secrets",
        "user",
        "metadata",
        "provenance",
        "bucket",
        "health",
    ]
    result.stdout.fnmatch_lines(
        [f"backend/Dockerfile::{check}" for check in checks] + ["goimage::parity"]
    )
    selected = pytester.runpytest_subprocess("--goimage", "--collect-only", "-q", "-k", "static")
    selected.stdout.fnmatch_lines(["backend/Dockerfile::static", "*1/12 tests collected*"])
    # The repository's check by the node id a failure prints (`FAILED goimage::parity`).
    parity = pytester.runpytest_subprocess("--goimage", "--collect-only", "-q", "goimage::parity")
    parity.stdout.fnmatch_lines(["goimage::parity", "*1/12 tests collected*"])

    # A node id as printed selects that check; its path from here works too, and the rest of
    # the arguments still go to pytest. Under xdist every worker selects the same.
    pytester.makepyfile(test_mine="def test_mine():\n    pass\n")
    for args in (
        ["backend/Dockerfile::go-version", "test_mine.py"],
        ["services/api/backend/Dockerfile::go-version", "test_mine.py", "-n", "2"],
    ):
        named = pytester.runpytest_subprocess(
            "--goimage", "-p", "xdist", "-v", "--goimage-report=r.json", *args
        )
        named.assert_outcomes(passed=2)
        checks_of = json.loads((pytester.path / "r.json").read_text())["images"][0]["checks"]
        assert checks_of["go-version"]["outcome"] == "passed"
        assert checks_of["static"]["message"] == "not run: not named on the command line"
        # `<id> PASSED`, or under xdist `[gw0] [ 50%] PASSED <id>`
        assert re.search(
            r"PASSED backend/Dockerfile::go-version|go-version PASSED", named.stdout.str()
        )
    whole = pytester.runpytest_subprocess("--goimage", "--collect-only", "-q", "backend/Dockerfile")
    whole.stdout.fnmatch_lines([f"backend/Dockerfile::{check}" for check in checks])
    typo = pytester.runpytest_subprocess("--goimage", "backend/Dockerfile::statik")
    assert typo.ret == pytest.ExitCode.USAGE_ERROR
    typo.stderr.fnmatch_lines(
        [
            "ERROR: backend/Dockerfile::statik: backend/Dockerfile has no check 'statik'; its checks are go-version, *"
        ]
    )


def test_shared_build_args_apply_where_declared(pytester: pytest.Pytester) -> None:
    """A top-level build argument that only some Dockerfiles declare builds them all, as
    BuildKit does; one that no Dockerfile declares is a typo and fails each build."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nARG VERSION\nRUN test -n "$VERSION"\nCOPY app /app\n'
        'ENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "Dockerfile.prod").write_text(
        'FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    )
    pyproject = pytester.path / "pyproject.toml"
    pyproject.write_text('[tool.goimage]\nbuild_args = { VERSION = "1.2.3" }\n')
    pytester.runpytest_subprocess("--goimage", "-k", "build").assert_outcomes(passed=2)

    pyproject.write_text('[tool.goimage]\nbuild_args = { VERSON = "1.2.3" }\n')
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*Dockerfile: build_args VERSON is not declared by any ARG in the Dockerfile, so "
            "BuildKit would ignore it. Did you mean VERSON -> VERSION?*"
        ]
    )


def test_keep_commands_work_when_no_container_ran(
    pytester: pytest.Pytester, docker_client: docker.DockerClient
) -> None:
    """A build-only --goimage-keep run: the printed commands still run cleanly."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "--goimage-keep", "-k", "build")
    result.assert_outcomes(passed=1)
    commands = [line.strip() for line in result.stdout.lines if line.strip().startswith("docker ")]
    assert len(commands) == 3, result.stdout.str()
    for command in commands:
        subprocess.run(command, shell=True, check=True, capture_output=True)
    tag = commands[-1].split()[-1]
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(tag)


def test_unparsable_go_mod_shows_the_line_go_names(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """`go: errors parsing go.mod:` says nothing by itself; the next line has the cause."""
    root = example_copy(BACKEND_ONLY)
    go_mod = root / "go.mod"
    go_mod.write_text(re.sub(r"(?m)^go .*$", "go 1.26.x", go_mod.read_text()))
    out = _fail_message(pytester.runpytest_subprocess("--goimage", "-k", "build"))
    assert "[goimage build] backend/Dockerfile:" in out, out
    assert "go.mod in the build context cannot be parsed" in out, out
    assert re.search(r"go\.mod:\d+: invalid go version '1\.26\.x'", out), out


def test_placeholder_that_looks_like_a_heredoc_builds_with_its_build_arg(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """`<<VERSION>>` in a sed expression is no heredoc to BuildKit: the ARG after it is
    declared, so the build argument reaches the build (the hand-written reader refused it)."""
    go_app(pytester.path)
    (pytester.path / "version.txt").write_text("<<VERSION>>\n")
    (pytester.path / "Dockerfile").write_text(
        "FROM alpine:3.22\n"
        "COPY version.txt /version.txt\n"
        "RUN sed -i 's/<<VERSION>>/dev/' /version.txt\n"
        "ARG GIT_SHA\n"
        'RUN test "$GIT_SHA" = 0123abc && grep -qx dev /version.txt\n'
        "COPY app /app\n"
        'ENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\nbuild_args = { GIT_SHA = "0123abc" }\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(passed=1)
