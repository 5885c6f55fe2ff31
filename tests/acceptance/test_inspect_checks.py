"""`go-version`, `static` and `size` on real images; each broken variant fails only its check."""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from tests.conftest import go_app, outcomes

# These tests are about inspection; bucket and health have their own tests.
NOT_RUNTIME = "go-version or tracked or build or static or size"

BACKEND_ONLY = """
[tool.goimage]
dockerfiles = ["backend/Dockerfile"]
"""


def test_example_passes_every_inspection(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    example_copy(
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile", "Dockerfile.prod", "backend/Dockerfile"]
        size_budget = "40MB"
        """
    )
    pytester.makepyfile(
        test_binary="""
        def test_binary_facts(goimage):
            binary = goimage.binary
            assert binary.static and binary.facts.interpreter is None
            assert binary.go_version == "go1.26.8"
            assert binary.build_info.cgo_enabled is False
            assert binary.build_info.path == "github.com/example/bookmark-sync/backend/cmd/api"
            deps = {m.path: m.version for m in binary.build_info.deps}
            assert deps["github.com/minio/minio-go/v7"] == "v7.4.1"
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", f"{NOT_RUNTIME} or binary")
    result.assert_outcomes(passed=15, skipped=3)
    # Docker-free checks run before any build.
    lines = [line for line in result.stdout.lines if "::" in line and "PASSED" in line]
    assert all("go-version" in line for line in lines[:3]), lines


def test_builder_older_than_toolchain(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    """The seed story, today's versions: go.mod's toolchain is newer than the builder tag."""
    root = example_copy(BACKEND_ONLY)
    dockerfile = root / "backend/Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace("golang:1.26.8-alpine", "golang:1.25-alpine")
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "go-version")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*backend/Dockerfile: 1 Go version pin(s) are older than go.mod requires (Go 1.26.8):",
            "backend/Dockerfile:4: golang:1.25-alpine names Go 1.25, go.mod requires 1.26.8 "
            "(go.mod:5 toolchain go1.26.8) — use golang:1.26.8-alpine or newer",
        ]
    )


def test_old_go_hidden_behind_arg_and_in_ci(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    root = example_copy(
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile.prod"]
        """
    )
    prod = root / "Dockerfile.prod"
    prod.write_text(prod.read_text().replace("ARG GO_VERSION=1.26.8", "ARG GO_VERSION=1.25.3"))
    ci = root / ".github/workflows/ci.yml"
    # setup-go v6 sets GOTOOLCHAIN=local, so the job runs 1.24 (v5's would switch to go.mod's).
    ci.write_text(
        ci.read_text().replace("'1.26.8'", "'1.24'").replace("setup-go@v5", "setup-go@v6")
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "go-version")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "2 Go version pin(s) are older than go.mod requires (Go 1.26.8)" in out
    assert re.search(
        r"Dockerfile\.prod:\d+: golang:\$\{GO_VERSION\}-alpine names Go 1\.25\.3", out
    ), out
    assert re.search(r"\.github/workflows/ci\.yml:\d+: go-version '?1\.24'? names Go 1\.24", out), (
        out
    )


def test_build_args_fix_the_pin(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    root = example_copy(
        """
        [tool.goimage]
        dockerfiles = ["Dockerfile.prod"]
        build_args = { GO_VERSION = "1.26.8" }
        """
    )
    prod = root / "Dockerfile.prod"
    prod.write_text(prod.read_text().replace("ARG GO_VERSION=1.26.8", "ARG GO_VERSION=1.25.3"))
    pytester.runpytest_subprocess("--goimage", "-k", "go-version").assert_outcomes(passed=1)


def test_dynamic_binary_fails_static_only(pytester: pytest.Pytester) -> None:
    """A Go binary linked against glibc: cgo on, as a builder with gcc produces silently."""
    go_app(pytester.path, cgo=True)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /usr/local/bin/app\nENTRYPOINT ["/usr/local/bin/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", NOT_RUNTIME)
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    assert outcomes(result)["Dockerfile::static"] == "FAILED"
    out = result.stdout.str()
    assert "/usr/local/bin/app in goimage/" in out
    assert (
        "is not a static Go binary: it asks for the ELF interpreter /lib64/ld-linux-x86-64.so.2"
        in out
    )
    assert "it needs shared libraries libc.so.6" in out
    assert "it was built with CGO_ENABLED=1" in out
    assert "Build settings: -buildmode=exe, CGO_ENABLED=1, GOARCH=amd64, GOOS=linux" in out

    # Started, it cannot even exec (alpine has no glibc loader): bucket says why, pointing at
    # the static check instead of at storage settings.
    dockerfile = pytester.path / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("COPY", "EXPOSE 8080\nCOPY"))
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\nbucket = "uploads"\n')
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket or health")
    assert outcomes(result) == {"Dockerfile::bucket": "FAILED", "Dockerfile::health": "FAILED"}
    out = result.stdout.str()
    # An exited container is named without an address (whether its port was still mapped
    # when it died is a race with the engine).
    assert (
        "GET /health on container port 8080/tcp never answered 2xx: the container exited with "
        "code 1" in out
    ), out
    assert "its entrypoint could not be started" in out, out
    assert "the static check names them" in out
    assert "exec /usr/local/bin/app: no such file or directory" in out
    assert "Check the storage settings" not in out


STRAY_FILE = """
FROM alpine:3.22 AS base
RUN mkdir -p /var/cache && dd if=/dev/urandom of=/var/cache/blob bs=1M count=12 2>/dev/null
RUN rm /var/cache/blob
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
"""


def test_stray_large_file_over_budget(pytester: pytest.Pytester) -> None:
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(textwrap.dedent(STRAY_FILE))
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\nsize_budget = "8MB"\n')
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", NOT_RUNTIME)
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    assert outcomes(result)["Dockerfile::size"] == "FAILED"
    out = result.stdout.str()
    assert re.search(
        r"Dockerfile: image goimage/\S+ is too big: [\d.]+ MB is over the size_budget of 8\.0 MB",
        out,
    ), out
    assert re.search(r"12\.6 MB\s+RUN mkdir -p /var/cache && dd if=/dev/urandom", out), out
    assert "Wasted: 12.6 MB in files that later layers delete or overwrite:" in out
    assert "/var/cache/blob (deleted by `RUN rm /var/cache/blob`)" in out, out
    # A budget is raised by editing it; the baseline flag would not help here.
    assert "Shrink the image or raise size_budget in [tool.goimage]." in out
    assert "--goimage-update-baseline" not in out


@pytest.fixture
def imported_base(docker_client: docker.DockerClient) -> Iterator[str]:
    """A base image made by `docker import` (as debootstrap-built and other tool-made bases
    are): its one layer, 3 MB of random bytes, has no CreatedBy in the history."""
    name = f"goimage-test.invalid/{uuid.uuid4().hex[:12]}/imported"
    blob = os.urandom(3_000_000)
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        member = tarfile.TarInfo("blob")
        member.size = len(blob)
        tar.addfile(member, io.BytesIO(blob))
    docker_client.api.import_image_from_data(archive.getvalue(), repository=name, tag="1")
    try:
        yield f"{name}:1"
    finally:
        docker_client.images.remove(f"{name}:1", noprune=False)


def test_a_base_layer_without_an_instruction_is_named_in_the_size_failure(
    pytester: pytest.Pytester, imported_base: str
) -> None:
    """Trial 13 F9: the largest layers listed the imported base's layer with a blank label."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        f'FROM {imported_base}\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\nsize_budget = "1MB"\n')
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "size")
    assert outcomes(result)["Dockerfile::size"] == "FAILED"
    out = result.stdout.str()
    assert re.search(
        r"\n\s+3\.0 MB  \(no instruction in the image history; its comment: Imported from -\)\n",
        out,
    ), out


def test_size_regression_against_baseline(pytester: pytest.Pytester) -> None:
    go_app(pytester.path)
    dockerfile = pytester.path / "Dockerfile"
    dockerfile.write_text('FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\nsize_tolerance = "10%"\n')
    # With `size` deselected the flag writes nothing, and says so.
    result = pytester.runpytest_subprocess("--goimage", "--goimage-update-baseline", "-k", "build")
    result.stdout.fnmatch_lines(
        ["goimage: --goimage-update-baseline wrote nothing: no size check*"]
    )
    assert not (pytester.path / ".goimage-baseline.json").exists()
    result = pytester.runpytest_subprocess(
        "--goimage", "--goimage-update-baseline", "-k", NOT_RUNTIME
    )
    result.assert_outcomes(passed=4, skipped=1)
    result.stdout.fnmatch_lines(
        ["goimage: baseline updated in *.goimage-baseline.json for Dockerfile"]
    )
    baseline = json.loads((pytester.path / ".goimage-baseline.json").read_text())
    size = baseline["images"]["Dockerfile"]["size_bytes"]
    assert 2_000_000 < size < 10_000_000
    # Unchanged: within tolerance.
    pytester.runpytest_subprocess("--goimage", "-k", NOT_RUNTIME).assert_outcomes(
        passed=4, skipped=1
    )
    # A change that doubles the image.
    (pytester.path / "assets.bin").write_bytes(os.urandom(size))
    dockerfile.write_text(
        dockerfile.read_text().replace(
            "COPY app /app", "COPY app /app\nCOPY assets.bin /srv/assets.bin"
        )
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", NOT_RUNTIME)
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    out = result.stdout.str()
    assert outcomes(result)["Dockerfile::size"] == "FAILED"
    assert re.search(
        r"grew \+\d+\.\d% over the baseline [\d.]+ MB in \.goimage-baseline\.json \(tolerance 10%\)",
        out,
    ), out
    assert re.search(r"COPY assets\.bin /srv/assets\.bin", out), out
    assert "Shrink the image or accept the new size with --goimage-update-baseline." in out


def test_baseline_in_a_new_folder_or_a_directory(pytester: pytest.Pytester) -> None:
    """`baseline` names a file in a folder not made yet: the flag makes it. `baseline` names a
    directory: size fails naming the key, and the flag does not claim it wrote anything."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\nbaseline = "ci/sizes/baseline.json"\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "--goimage-update-baseline", "-k", "size")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["goimage: baseline updated in */ci/sizes/baseline.json for Dockerfile"]
    )
    written = json.loads((pytester.path / "ci/sizes/baseline.json").read_text())
    assert written["images"]["Dockerfile"]["size_bytes"] > 2_000_000
    assert os.listdir(pytester.path / "ci/sizes") == ["baseline.json"]  # no temporary left

    (pytester.path / "sizes").mkdir()
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\nbaseline = "sizes"\n')
    for flag in ([], ["--goimage-update-baseline"]):
        result = pytester.runpytest_subprocess("--goimage", "-k", "size", *flag)
        result.assert_outcomes(failed=1)
        out = result.stdout.str()
        assert (
            "sizes: the `baseline` of [tool.goimage] is a directory; set it to a JSON file" in out
        ), out
        assert "baseline updated" not in out, out
        if flag:
            assert (
                "goimage: --goimage-update-baseline could not record the size of Dockerfile: "
                "its size check says why." in out
            ), out
    assert os.listdir(pytester.path / "sizes") == []
    assert not list(pytester.path.glob("*.tmp"))

    # A file where the baseline's folder should be: the write fails, saying so.
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\nbaseline = "Dockerfile/sizes.json"\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "size", "--goimage-update-baseline")
    result.assert_outcomes(failed=1)
    out = " ".join(result.stdout.str().split())
    assert (
        "Dockerfile/sizes.json: --goimage-update-baseline cannot write the baseline "
        f"({pytester.path / 'Dockerfile'} is a file, not a folder); point `baseline`" in out
    ), out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("builder", "why"),
    [
        # The tag floats: it says 1.27.x, only the binary tells it was not; the tag and its
        # line are named, and what to do (trial 33A #3: only "older than its tag suggests").
        (
            "FROM {stale} AS build\n",
            "the builder's Go is older than its tag suggests: {stale} (Dockerfile:1) names a Go "
            "that would do, and this engine's copy is an older pull of a floating tag. Pull it "
            "again (`docker pull {stale}`; `--pull` in CI), or name the patch release in the "
            "tag (1.27.3)",
        ),
        # The tag names the old Go itself (go-version says so too).
        (
            "FROM golang:1.26.8-alpine AS build\n",
            "its builder image golang:1.26.8-alpine (Dockerfile:1) has an older Go",
        ),
        ("", "the Go that built it is older"),  # built elsewhere and copied in
        # Which stage built the binary is not known from the text: every old one is named.
        (
            "FROM golang:1.26.8-alpine AS build\nFROM golang:1.26-alpine AS lint\n",
            "its golang images golang:1.26.8-alpine (Dockerfile:1), golang:1.26-alpine "
            "(Dockerfile:2) have an older Go",
        ),
    ],
    ids=["floating-tag", "old-tag", "no-builder", "two-old-tags"],
)
def test_binary_built_with_older_go_than_toolchain(
    pytester: pytest.Pytester, builder: str, why: str, stale_golang: str
) -> None:
    """go.mod's toolchain says 1.27.3 and the binary was built with 1.26.8: the message
    blames what the Dockerfile shows, among the stages the image's build runs (the final
    stage copies a file from each builder, so BuildKit builds them: a golang stage no stage
    uses is not the binary's builder, and is not blamed)."""
    go_app(pytester.path, go_line="go 1.26.0\n\ntoolchain go1.27.3")
    builder = builder.format(stale=stale_golang)
    stages = re.findall(r" AS (\w+)\n", builder)
    uses = "".join(f"COPY --from={stage} /usr/local/go/VERSION /{stage}-go\n" for stage in stages)
    (pytester.path / "Dockerfile").write_text(
        f'{builder}FROM alpine:3.22\n{uses}COPY app /app\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "static")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*[[]goimage static[]] Dockerfile: /app in goimage/* was built with go1.26.8, but "
            f"go.mod requires Go 1.27.3 (go.mod:5 toolchain go1.27.3): "
            f"{why.format(stale=stale_golang)}. Rebuild with a "
            "builder that has Go 1.27.3 or newer."
        ]
    )


def test_static_looks_through_shell_and_init_wrappers(pytester: pytest.Pytester) -> None:
    """`ENTRYPOINT ["/bin/sh", "-c", "exec /app"]` runs /app: that is the binary to inspect,
    not `exec` (nor /bin/sh)."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/bin/sh", "-c", "exec /app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "static")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("entrypoint", "files"),
    [
        # Issue 14: read as `cd`, static failed with "'cd' is not on the image's PATH".
        ('["/bin/sh", "-c", "cd /srv && exec ./app"]', {}),
        # A script in the image, followed to its exec; CMD is its "$@".
        (
            '["/usr/local/bin/docker-entrypoint"]\nCMD ["./app", "serve"]\nWORKDIR /srv',
            {"docker-entrypoint": '#!/bin/sh\nset -e\nexport GOGC=50\nexec su-exec nobody "$@"\n'},
        ),
        # Trial 14: `CMD exec /usr/local/bin/$APP` failed with "named only at run time".
        ("exec /srv/$APP\nENV APP=app", {}),
    ],
    ids=["sh-c-cd-exec", "entrypoint-script", "path-with-env-variable"],
)
def test_static_follows_the_script_to_the_program(
    pytester: pytest.Pytester, no_leaks: None, entrypoint: str, files: dict[str, str]
) -> None:
    go_app(pytester.path)
    copies = "".join(f"COPY {name} /usr/local/bin/{name}\n" for name in files)
    for name, text in files.items():
        (pytester.path / name).write_text(text)
        (pytester.path / name).chmod(0o755)
    (pytester.path / "Dockerfile").write_text(
        f"FROM alpine:3.22\nCOPY app /srv/app\n{copies}ENTRYPOINT {entrypoint}\n"
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "static")
    result.assert_outcomes(passed=1)


def test_an_entrypoint_script_given_no_cmd_runs_no_program(
    pytester: pytest.Pytester, no_leaks: None, docker_client: docker.DockerClient
) -> None:
    """Trial 14's false pass: static named the migration the entrypoint runs before its
    `exec "$@"`, but the image sets no CMD, so the container migrates and exits."""
    go_app(pytester.path)
    (pytester.path / "entrypoint.sh").write_text(
        '#!/bin/sh\nset -e\n/srv/app\necho migrated\nexec "$@"\n'
    )
    (pytester.path / "entrypoint.sh").chmod(0o755)
    (pytester.path / "Dockerfile").write_text(
        "FROM alpine:3.22\nCOPY app /srv/app\nCOPY entrypoint.sh /entrypoint.sh\n"
        'ENTRYPOINT ["/entrypoint.sh"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "static")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*[[]goimage static[]] Dockerfile: image goimage/* runs no program (ENTRYPOINT "
            '[[]"/entrypoint.sh"[]]): `exec "$@"` (line 5 of /entrypoint.sh) runs the arguments '
            "the script is given, and it is given none (the image's CMD is empty or does not "
            "reach it), so the container runs only the script's other commands and exits; add a "
            'CMD that names the service (`CMD [[]"/app/server"[]]`).'
        ]
    )
    # What the message says is what the engine does: the script migrates and exits.
    image, _ = docker_client.images.build(path=str(pytester.path), rm=True)
    try:
        assert docker_client.containers.run(image.id, remove=True) == b"migrated\n"
    finally:
        docker_client.images.remove(image.id, force=True)


def test_static_asks_for_binary_when_the_program_is_a_variable(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The script the image runs names its program with a variable: static says what it read
    (the line and the script) and asks for `binary`, instead of guessing."""
    go_app(pytester.path)
    (pytester.path / "entrypoint.sh").write_text('#!/bin/sh\nset -e\nexec "$APP_BINARY" "$@"\n')
    (pytester.path / "entrypoint.sh").chmod(0o755)
    # APP_BINARY is set only at run time (not by an ENV of the image, which would be read).
    (pytester.path / "Dockerfile").write_text(
        "FROM alpine:3.22\nCOPY app /srv/app\nCOPY entrypoint.sh /entrypoint.sh\n"
        'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["serve"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "static")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*[[]goimage static[]] Dockerfile: cannot tell which program image goimage/* runs "
            '(ENTRYPOINT [[]"/entrypoint.sh"[]] CMD [[]"serve"[]]): `exec "$APP_BINARY" "$@"` '
            "(line 3 of /entrypoint.sh) runs a program named only at run time; set `binary` in "
            "[[]tool.goimage[]] to the Go binary's absolute path."
        ]
    )
    # With the variable set by the image's ENV, the program is known.
    dockerfile = pytester.path / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace("ENTRYPOINT", "ENV APP_BINARY=/srv/app\nENTRYPOINT")
    )
    pytester.runpytest_subprocess("--goimage", "-k", "static").assert_outcomes(passed=1)


def test_a_go_service_behind_a_dumb_init_shebang_is_checked(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """`#!/usr/bin/dumb-init /bin/sh` (dumb-init's README advice): the script is followed to
    the Go binary. It was taken for a non-Go image, and static was skipped: a false pass."""
    go_app(pytester.path)
    (pytester.path / "entrypoint.sh").write_text(
        '#!/usr/bin/dumb-init /bin/sh\nset -e\nexec "$@"\n'
    )
    (pytester.path / "entrypoint.sh").chmod(0o755)
    # The image must have dumb-init, or static rightly fails: no container could start. With
    # no package index here, a stand-in that runs its arguments as dumb-init does.
    (pytester.path / "dumb-init").write_text('#!/bin/sh\nexec "$@"\n')
    (pytester.path / "dumb-init").chmod(0o755)
    (pytester.path / "Dockerfile").write_text(
        "FROM alpine:3.22\nCOPY app /usr/local/bin/app\nCOPY entrypoint.sh /entrypoint.sh\n"
        "COPY dumb-init /usr/bin/dumb-init\n"
        'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["/usr/local/bin/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "static", "--goimage-report=r.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["images"][0]["checks"]["static"]["message"].startswith("/usr/local/bin/app: ")


def test_a_go_service_behind_an_unknown_wrapper_fails_static_instead_of_skipping(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """`setsid /app`: the wrapper is read as the program, and it holds no Go build info.
    The Dockerfile copies a Go executable in, so the Go checks run and static says what it
    found, instead of a quiet "no Go binary" skip."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["setsid", "/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "static")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            # Alpine's setsid is /usr/bin/setsid (so is the stand-in's, from its layout 2).
            "[[]goimage static[]] Dockerfile: /usr/bin/setsid in goimage/* is not a static Go "
            "binary: "
            "it carries no Go build info, so CGO_ENABLED=0 cannot be confirmed (is it the Go "
            "binary? set `binary` to its path).*"
        ]
    )


USER_FROM_ARG = """\
FROM alpine:3.22
RUN echo 'app:x:10001:10001::/home/app:/sbin/nologin' >> /etc/passwd
COPY app /app
ARG RUNAS
USER ${RUNAS}
ENTRYPOINT ["/app"]
"""


def test_user_from_an_unset_build_arg(pytester: pytest.Pytester, no_leaks: None) -> None:
    """`USER ${RUNAS}` with RUNAS unset runs as root: the message names the instruction, what
    it resolved to and why, and suggests the user the image's /etc/passwd defines."""
    go_app(pytester.path)
    dockerfile = pytester.path / "Dockerfile"
    dockerfile.write_text(USER_FROM_ARG)
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\nrequire_non_root = true\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "user")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage user[]] Dockerfile: image goimage/* runs as root: `USER ${RUNAS}` "
            "(Dockerfile:5) resolved to an empty user, because RUNAS is not set (`ARG RUNAS` has "
            "no default and build_args does not set it); set RUNAS to a non-root user such as "
            "app, a user the image's /etc/passwd already defines (uid 10001): "
            '`build_args = { RUNAS = "app" }` in [[]tool.goimage[]], or `ARG RUNAS=app`.'
        ]
    )
    # The advice works.
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\nrequire_non_root = true\nbuild_args = { RUNAS = "app" }\n'
    )
    pytester.runpytest_subprocess("--goimage", "-k", "user").assert_outcomes(passed=1)
    # Without any USER, the same user is suggested.
    dockerfile.write_text(USER_FROM_ARG.replace("ARG RUNAS\nUSER ${RUNAS}\n", ""))
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\nrequire_non_root = true\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "user")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage user[]] Dockerfile: image goimage/* runs as root (no USER instruction); "
            "add `USER app` to the final stage: the image's /etc/passwd already defines that "
            "user (uid 10001)."
        ]
    )


def test_a_user_set_only_in_the_build_stage(pytester: pytest.Pytester, no_leaks: None) -> None:
    """Trial 14: `USER app` in the builder stage and none in the final one: the image runs as
    root, and the message says why the USER it can see in the Dockerfile does not count."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        "FROM alpine:3.22 AS builder\nRUN adduser -D -u 10001 app\nUSER app\n"
        "COPY app /home/app/app\n"
        'FROM alpine:3.22\nCOPY --from=builder /home/app/app /app\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\nrequire_non_root = true\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "user")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "[[]goimage user[]] Dockerfile: image goimage/* runs as root (no USER instruction); "
            "`USER app` (Dockerfile:3) is in the stage builder, which the image is not built "
            "FROM, and a USER sets the user of its own stage only (COPY --from takes files, not "
            "the user); add a non-root `USER 65532:65532` (or a named user) to the final stage."
        ]
    )


@pytest.mark.parametrize(
    ("final", "expected"),
    [
        (
            "FROM scratch\nCOPY app /app\nUSER nonroot:nonroot\n",
            "[[]goimage user[]] Dockerfile: image goimage/* runs as USER nonroot:nonroot, but "
            "the image has no /etc/passwd to define user 'nonroot', so the engine refuses to "
            "start it (`unable to find user nonroot`). Use a numeric USER (such as `USER "
            "65532:65532`), or create the user in the final stage.",
        ),
        (
            "FROM alpine:3.22\nRUN echo 'toor:x:0:0::/root:/bin/sh' >> /etc/passwd\n"
            "COPY app /app\nUSER toor\n",
            "[[]goimage user[]] Dockerfile: image goimage/* runs as USER toor, and the image's "
            "/etc/passwd gives 'toor' uid 0: it runs as root. Give the service a user with a uid "
            "of its own (such as `USER 65532:65532`).",
        ),
        (
            "FROM alpine:3.22\nRUN echo 'app:x:10001:10001::/:/sbin/nologin' >> /etc/passwd\n"
            "COPY app /app\nUSER app:staff-typo\n",
            "[[]goimage user[]] Dockerfile: image goimage/* runs as USER app:staff-typo, but the "
            "image's /etc/group defines no group 'staff-typo', so the engine refuses to start it "
            "(`unable to find group staff-typo`). Use a numeric group (`USER 65532:65532`), or "
            "create the group in the final stage.",
        ),
    ],
    ids=["name-without-passwd", "name-with-uid-0", "unknown-group"],
)
def test_a_user_by_name_must_be_one_the_image_defines(
    pytester: pytest.Pytester, no_leaks: None, final: str, expected: str
) -> None:
    """A named USER is looked up in the image's own files when the container starts: `USER
    nonroot` on scratch passed `user` and then no container could start."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(final + 'ENTRYPOINT ["/app"]\n')
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\nrequire_non_root = true\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "user")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([expected])
