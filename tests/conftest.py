"""Fixtures for the plugin's tests: copies of the example project, clean-engine assertions."""

from __future__ import annotations

import codecs
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from pytest_goimage.engine.labels import LABEL_PREFIX
from tests.oracles import oracle  # noqa: F401 - a fixture for every test module
from tests.second_engine import SecondEngine, missing_requirements

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"
# Skipped when copying: the example's own tests and local caches are not build inputs.
_IGNORE = shutil.ignore_patterns("tests", ".pytest_cache", "__pycache__", "pyproject.toml")


# Set by CI services and changing what an inner pytest run prints or writes: CI and
# BUILD_NUMBER make pytest print summary lines whole; COLUMNS sets its width (80 without it,
# output being a pipe); GITHUB_STEP_SUMMARY would have every inner run append to the outer
# job's real step summary. Tests that need one set it.
_CI_ENVIRONMENT = ("CI", "BUILD_NUMBER", "COLUMNS", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")


@pytest.fixture(autouse=True)
def _same_inner_runs_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs behave alike on a laptop and on a CI service (CI stop 12 failed on this)."""
    for name in _CI_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def example_copy(pytester: pytest.Pytester) -> Callable[..., Path]:
    """Copy the example project into the pytester dir with a `[tool.goimage]` of your own
    (None: no pyproject.toml at all, as in a Go repository without Python configuration)."""

    def make(goimage_toml: str | None, *, conftest: str = "") -> Path:
        root = pytester.path
        shutil.copytree(EXAMPLE, root, ignore=_IGNORE, dirs_exist_ok=True)
        # runpytest_subprocess writes stdout, stderr and its basetemp into this folder; keep
        # them out of the build context so every copy shares one BuildKit cache.
        with (root / ".dockerignore").open("a") as ignore:
            ignore.write("\n# pytester's own files\nstdout\nstderr\nrunpytest-*\n")
        if goimage_toml is not None:
            (root / "pyproject.toml").write_text(textwrap.dedent(goimage_toml))
        if conftest:
            (root / "conftest.py").write_text(textwrap.dedent(conftest))
        return root

    return make


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    return docker.from_env()


@pytest.fixture(scope="session")
def second_engine() -> Iterator[SecondEngine]:
    """A second, real Docker engine at an address of its own (tests/second_engine.py). Where
    this machine cannot run one: a skip saying why, or with CI=true a failure."""
    reason = missing_requirements()
    if reason:
        if os.environ.get("CI", "").lower() in ("", "0", "false"):
            pytest.skip(reason)
        pytest.fail(reason, pytrace=False)
    with SecondEngine() as engine:
        yield engine


def shared_dir(result: pytest.RunResult) -> Path:
    """The run's build-record folder, as the report header names it."""
    match = re.search(r"goimage: build logs in (\S+)", result.stdout.str())
    assert match, result.stdout.str()
    return Path(match.group(1))


def outcomes(result: pytest.RunResult, *, short: bool = False) -> dict[str, str]:
    """node id -> PASSED/FAILED/SKIPPED/ERROR from a -rA run's short summary and -v lines;
    `short` keys by what follows the file (`Dockerfile::static` -> `static`)."""
    found: dict[str, str] = {}
    for line in result.stdout.lines:
        match = re.match(r"^(\S+::[\w-]+) (PASSED|FAILED|SKIPPED|ERROR)", line)
        if match:
            node = match.group(1).split("::", 1)[1] if short else match.group(1)
            found[node] = match.group(2)
    return found


def image_tags(client: docker.DockerClient) -> list[str]:
    """Every tag on the engine, in one call: docker-py's images.list() inspects each image,
    which fails when another test removes one in between."""
    return [tag for entry in client.api.images() for tag in entry.get("RepoTags") or []]


def plugin_resources(client: docker.DockerClient, project: Path | None = None) -> list[str]:
    """Containers, networks and volumes pytest-goimage runs created (for `project`) that exist."""
    label = f"{LABEL_PREFIX}.project={project}" if project else f"{LABEL_PREFIX}.run"
    selector = {"label": label}
    found = [
        f"container {c.name}"
        for c in client.containers.list(all=True, filters=selector, ignore_removed=True)
    ]
    found += [f"network {n.name}" for n in client.networks.list(filters=selector)]
    found += [f"volume {v.name}" for v in client.volumes.list(filters=selector)]
    return found


@pytest.fixture
def no_leaks(docker_client: docker.DockerClient, pytester: pytest.Pytester) -> Iterator[None]:
    """Fail the test if the runs in its pytester project left anything behind."""
    yield
    left = plugin_resources(docker_client, pytester.path)
    assert left == [], f"pytest-goimage left resources behind: {left}"


@pytest.fixture
def stale_golang(docker_client: docker.DockerClient) -> Iterator[str]:
    """A local name for the golang:1.26.8 image that says 1.27 (a stale tag, as a machine keeps
    an old pull of a floating one): no registry, a name no user's image has, one per test."""
    name = f"goimage-test.invalid/{uuid.uuid4().hex[:12]}/golang:1.27-alpine"
    docker_client.images.get("golang:1.26.8-alpine").tag(name)
    try:
        yield name
    finally:
        docker_client.images.remove(name, noprune=True)


@pytest.fixture
def sole_sweeper() -> Iterator[None]:
    """Held by a test whose runs sweep with GOIMAGE_STALE_AFTER=0 or count what a sweep removed:
    such a run sweeps every dead run's resources on the engine, also those another xdist
    worker's test is looking at (CI stop 29 counted 1 of a killed run's 4 for this reason),
    and every dead run's folder of the runs folder, which all engines' runs share."""
    path = Path(tempfile.gettempdir()) / "pytest-goimage-tests-sweep.lock"
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def commit_checkout(root: Path, ignored: str) -> None:
    """Make `root` a git checkout with everything committed (as the example's release policy,
    provenance and the revision label, expects), `ignored` (file names) and pytester's own
    files left out."""
    with (root / ".gitignore").open("a") as ignore:
        ignore.write(f"stdout\nstderr\nrunpytest-*\n{ignored}\n")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "example"], check=True)


def go_app(root: Path, *, cgo: bool = False, go_line: str = "go 1.26") -> Path:
    """Build a tiny Go program (`app`) in `root`: static unless `cgo`, which links libc."""
    (root / "go.mod").write_text(f"module example.com/tiny\n\n{go_line}\n")
    if cgo:  # net with cgo on resolves names through libc: a dynamic binary
        source = 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.IPv4len) }\n'
    else:
        source = "package main\n\nfunc main() {}\n"
    (root / "main.go").write_text(source)
    # GOTOOLCHAIN=local: build with this machine's Go even where go.mod asks for a newer one.
    env = {
        **os.environ,
        "CGO_ENABLED": "1" if cgo else "0",
        "GOFLAGS": "-buildvcs=false",
        "GOTOOLCHAIN": "local",
    }
    subprocess.run(["go", "build", "-o", "app", "."], cwd=root, env=env, check=True)
    return root / "app"


def go_version_modules(binary: Path) -> set[tuple[str, str]]:
    """(path, version) of every `dep` line of `go version -m` (after any `=>`)."""
    lines = subprocess.run(
        ["go", "version", "-m", str(binary)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    found: dict[str, tuple[str, str]] = {}
    last = ""
    for line in lines:
        fields = line.strip().split("\t")
        if fields[0] == "dep":
            last = fields[1]
            found[last] = (fields[1], fields[2])
        elif fields[0] == "=>":
            found[last] = (fields[1], fields[2])
    return set(found.values())


def buildkit_cli() -> str | None:
    """A docker CLI that builds with BuildKit without buildx (Debian's 20.10 docker, with
    DOCKER_BUILDKIT=1), or None where there is none."""
    for candidate in ("/usr/bin/docker", shutil.which("docker") or ""):
        if not candidate or not Path(candidate).exists():
            continue
        version = subprocess.run(
            [candidate, "version", "--format", "{{.Client.Version}}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if version.split(".")[0].isdigit() and int(version.split(".")[0]) < 23:
            return candidate
    return None


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_pytest_until(cwd: Path, marker: str, *args: str) -> tuple[subprocess.Popen[str], str]:
    """Start `pytest -p no:cacheprovider *args` in `cwd` and read its output until `marker`,
    so a test can interrupt or kill it at that point. Returns the process and what it printed
    (up to the marker and perhaps a little after it; the rest is for communicate())."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A shell's background job ignores SIGINT, and the child would inherit that: the
        # Ctrl-C tests would then time out instead of testing the plugin.
        preexec_fn=_default_sigint,
    )
    assert proc.stdout is not None
    # Read the pipe itself, never through proc.stdout's buffer: communicate() with a timeout
    # reads the file descriptor, and text read ahead into that buffer (the next item's
    # "Dockerfile.prod::build " prefix, written just after the marker) would be lost.
    fd = proc.stdout.fileno()
    decoder = codecs.getincrementaldecoder(proc.stdout.encoding)()
    printed = ""
    # Until the marker, and no character cut in two (communicate() decodes the rest alone).
    while marker not in printed or decoder.getstate()[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        printed += decoder.decode(chunk)
    assert marker in printed, printed
    return proc, printed


# A project whose go-version check fails without an engine (a GitLab CI pin) ------------

PIPELINE = """\
variables:
  GO_VERSION: "1.25"

default:
  image: golang:${GO_VERSION}-alpine

test:
  script: [go test ./...]

docs:
  image: golang:1.20
  script: [npm ci, npm run docs]
"""


def gitlab_project(pytester: pytest.Pytester, goimage: str = "") -> None:
    """A Go project whose .gitlab-ci.yml pins Go 1.25 against go.mod's 1.26: go-version
    fails on its test job and leaves its docs job out; `goimage` extends [tool.goimage]."""
    pytester.makefile(".toml", pyproject="[tool.goimage]\n" + goimage)
    pytester.path.joinpath("go.mod").write_text("module example.com/svc\n\ngo 1.26.0\n")
    pytester.path.joinpath("Dockerfile").write_text("FROM golang:1.26 AS build\nFROM scratch\n")
    pytester.path.joinpath(".gitlab-ci.yml").write_text(PIPELINE)


# A Go workspace (go.work) around the module, for go-version ---------------------------

WORKSPACE_DOCKERFILE = """\
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN cd svc && CGO_ENABLED=0 go build -o /bin/server ./cmd/server

FROM scratch
COPY --from=build /bin/server /server
ENTRYPOINT ["/server"]
"""
WORKSPACE_WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
{env}    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v6
        with:
          go-version: '1.26'
      - run: cd svc && go test ./...
"""


def go_workspace_repo(
    pytester: pytest.Pytester,
    *,
    work: str = "go 1.27.0\n\nuse (\n\t./svc\n\t./tools\n)\n",
    context: str = "..",
    env: str = "",
    ignored: str = "",
) -> None:
    """A monorepo committed to git: go.work at the top (`work`), the module in svc/ (go 1.26.0),
    a Dockerfile building svc from the context `context` (relative to svc/), a setup-go 1.26
    workflow (`env` its job's env block); `ignored` goes to .gitignore and .dockerignore."""
    root = pytester.path
    (root / "svc/cmd/server").mkdir(parents=True, exist_ok=True)
    (root / ".github/workflows").mkdir(parents=True, exist_ok=True)
    (root / "go.work").write_text(work)
    (root / "svc/go.mod").write_text("module example.com/svc\n\ngo 1.26.0\n")
    (root / "svc/cmd/server/main.go").write_text("package main\n\nfunc main() {}\n")
    (root / "svc/Dockerfile").write_text(WORKSPACE_DOCKERFILE)
    (root / ".github/workflows/ci.yml").write_text(WORKSPACE_WORKFLOW.format(env=env))
    (root / "pyproject.toml").write_text(
        f'[tool.goimage]\nproject = "svc"\ncontext = "{context}"\n'
    )
    if ignored:
        (root / ".gitignore").write_text(ignored)
        (root / ".dockerignore").write_text(ignored)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=root, check=True)


# A release workflow that builds Dockerfile.prod with build arguments of its own ----------

RELEASE_WORKFLOW = """\
name: release
on:
  push:
    tags: ['v*']
env:
  GO_VERSION: "{go}"
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: ./Dockerfile.prod
          push: true
          build-args: |
            GO_VERSION=${{{{ env.GO_VERSION }}}}
            VERSION=${{{{ github.ref_name }}}}
"""


BUILDX_MODULE = "github.com/docker/buildx/cmd/buildx@v0.19.3"


@pytest.fixture(scope="session")
def buildx_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DOCKER_CONFIG whose cli-plugins holds a real buildx, built from source when needed.

    No registry or package here ships buildx, but Go's module proxy does. The binary is cached
    across runs; the user's own ~/.docker is never touched.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pytest-goimage"
    binary = cache / "buildx-v0.19.3" / "docker-buildx"
    binary.parent.mkdir(parents=True, exist_ok=True)
    # One builder at a time: two xdist workers (or two runs) on a fresh machine both found it
    # missing, and the second one's rename failed on the file the first had moved.
    with (binary.parent / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            _build_buildx(binary)
    config = tmp_path_factory.mktemp("docker-config")
    (config / "cli-plugins").mkdir()
    (config / "cli-plugins" / "docker-buildx").symlink_to(binary)
    return config


def _build_buildx(binary: Path) -> None:
    go = shutil.which("go")
    if go is None:
        pytest.skip("buildx is not installed and there is no Go to build it")
    built = subprocess.run(
        [go, "install", BUILDX_MODULE],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GOBIN": str(binary.parent / "bin"), "GOFLAGS": "-mod=mod"},
    )
    if built.returncode != 0:
        pytest.skip(f"could not build buildx from source: {built.stderr[-500:]}")
    (binary.parent / "bin" / "buildx").rename(binary)
