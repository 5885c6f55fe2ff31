#!/usr/bin/env python3
"""Benchmark pytest-goimage against the plain docker CLI and dive, on a git copy of example_project/.

    .venv/bin/python bench/run.py                       # every phase, 5 rounds (~50 min, 2 cores)
    .venv/bin/python bench/run.py --only warm,inspect --rounds 1
    .venv/bin/python bench/run.py --profile             # also profile one warm plugin run

Phases (the two sides of a pair alternate which goes first; see bench/README.md):
  warm     `pytest --goimage` (every check) vs bench/plain_cli.sh, BuildKit cache warm
  warm_api the same with /var/lib/docker masked (an empty tmpfs) for the plugin, so that, as
           for a CI user in the `docker` group, its inspection takes the API path (an export
           per image)
  cold     the same with `docker builder prune -af` before each side
  cold_builds  the three builds alone by the docker CLI, pruned cache: one after the other
           vs all at once (a reference for what building at once can gain on this machine)
  changed  the same after a one-line committed change in backend/cmd/api/main.go
  inspect  the plugin's inspection (overlay2 fast path, and API path) vs `dive --ci`
  idle     `pytest` without --goimage, plugin installed vs `-p no:goimage`
  latency  MinIO start-to-ready, service start-to-healthy, readiness-to-detection

Writes bench/results.json. Leaves no container, network or image behind (checked after every
phase), and never touches example_project/ (it works on a copy under $TMPDIR).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, NamedTuple

import tomllib  # Python 3.11+, as the project's virtualenv

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SOURCE_EXAMPLE = ROOT / "example_project"
# Everything runs on copies outside the repository: a git checkout of the example (so `tracked`
# and `provenance` run as in a user's repository) and two one-test projects for `idle`.
WORKDIR = Path(tempfile.gettempdir()) / "pytest-goimage-bench"
EXAMPLE = WORKDIR / "example_project"
IDLE_PLAIN = WORKDIR / "idle_plain"
IDLE_GO = WORKDIR / "idle_go"
MAIN_GO = EXAMPLE / "backend" / "cmd" / "api" / "main.go"
PYTHON = Path(sys.executable)
# The timed `pytest` runs in a virtualenv holding what `pip install pytest-goimage` brings and
# nothing else: the project's own .venv also has its test tools, whose pytest plugins
# (hypothesis: about 0.35 s per run, xdist) a user of the plugin does not have.
USER_VENV = WORKDIR.parent / "pytest-goimage-bench-venv"
USER_PYTHON = USER_VENV / "bin" / "python"
# The same plus pytest-xdist, for the idle figure of a team whose unit tests run with `-n 2`.
XDIST_VENV = WORKDIR.parent / "pytest-goimage-bench-venv-xdist"
XDIST_PYTHON = XDIST_VENV / "bin" / "python"
XDIST_ARGS = ("-n", "2")
DOCKER = "/usr/bin/docker"  # the BuildKit-capable CLI
TOOLS = BENCH / ".tools"
DIVE = TOOLS / "dive"
DIVE_MODULE = "github.com/wagoodman/dive"
DIVE_VERSION = "v0.13.1"  # @latest resolves to an untagged pseudo-version without the main package
PROFILE_DIR = BENCH / "profile"
RESULTS = BENCH / "results.json"
PHASES = ("warm", "warm_api", "cold", "cold_builds", "changed", "inspect", "idle", "latency")
FULL_PHASES = ("warm", "warm_api", "cold", "changed")  # plugin vs plain script pairs

DOCKERFILES = ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile")
BENCH_LABEL = "io.github.pytest-goimage.bench"
PROJECT_LABEL = "io.github.pytest-goimage.project"
RUN = "gibench" + secrets.token_hex(4)  # names and labels of everything this run creates
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "gc.auto=0"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def stats(values: list[float], digits: int = 3) -> dict[str, Any]:
    """{median, min, max, rounds} of per-round values."""
    return {
        "median": round(statistics.median(values), digits) if values else None,
        "min": round(min(values), digits) if values else None,
        "max": round(max(values), digits) if values else None,
        "rounds": [round(v, digits) for v in values],
    }


def sh(*cmd: str, check: bool = True, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), check=check, text=True, capture_output=True, **kwargs)


def load1() -> float:
    return round(os.getloadavg()[0], 2)


# -- the machine ------------------------------------------------------------------------------


def ensure_docker() -> None:
    if sh(DOCKER, "info", check=False).returncode != 0:
        log("docker info failed: running scripts/ensure-docker.sh")
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure-docker.sh")], check=True)


def machine() -> dict[str, Any]:
    server = sh(DOCKER, "version", "--format", "{{.Server.Version}}", check=False).stdout.strip()
    client = sh(DOCKER, "version", "--format", "{{.Client.Version}}", check=False).stdout.strip()
    curl = sh("curl", "--version", check=False).stdout.split("\n", 1)[0]
    mem = ""
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "nproc": os.cpu_count(),
        "memory": mem,
        "docker_server": server,
        "docker_cli": f"{DOCKER} {client}",
        "curl": curl,
        "python": sys.version.split()[0],
        "python_executable": str(PYTHON),
        "kernel": os.uname().release,
        "load_at_start": load1(),
    }


def ensure_dive() -> str | None:
    """dive, installed with `go install` into bench/.tools; None when that is impossible."""
    if DIVE.exists():
        return str(DIVE)
    go = shutil.which("go")
    if go is None:
        log("dive: no `go` on PATH, cannot install it; the inspection comparison records null")
        return None
    log(f"installing dive {DIVE_VERSION} into {TOOLS} (go install)")
    TOOLS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [go, "install", f"{DIVE_MODULE}@{DIVE_VERSION}"],
        env={**os.environ, "GOBIN": str(TOOLS)},
        text=True,
        capture_output=True,
        timeout=900,
    )
    if done.returncode != 0 or not DIVE.exists():
        log(f"dive could not be installed: {done.stderr.strip()[-400:]}")
        return None
    return str(DIVE)


# -- the copies -------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return sh(*GIT, "-C", str(cwd), *args).stdout.strip()


def prepare_copies() -> str:
    """A git checkout of example_project/ (its own tests/ left out: the bench runs the built-in
    checks) and the two one-test projects; returns the checkout's base commit."""
    if WORKDIR.exists():
        shutil.rmtree(WORKDIR)
    shutil.copytree(
        SOURCE_EXAMPLE,
        EXAMPLE,
        ignore=shutil.ignore_patterns("tests", ".pytest_cache", "__pycache__", ".goimage*"),
    )
    git(EXAMPLE, "init", "-q")
    git(EXAMPLE, "add", "-A")
    git(EXAMPLE, "commit", "-qm", "example_project, as in the repository")
    one_test = "def test_one() -> None:\n    assert 1 + 1 == 2\n"
    IDLE_PLAIN.mkdir(parents=True)
    (IDLE_PLAIN / "pyproject.toml").write_text('[project]\nname = "one-test"\nversion = "0"\n')
    (IDLE_PLAIN / "test_one.py").write_text(one_test)
    # A Go project with a [tool.goimage] table: the example's files, testpaths pointing at the
    # one test (its own acceptance tests would need --goimage).
    shutil.copytree(EXAMPLE, IDLE_GO, ignore=shutil.ignore_patterns(".git"))
    config = (IDLE_GO / "pyproject.toml").read_text()
    (IDLE_GO / "pyproject.toml").write_text(
        config.replace('testpaths = ["tests"]', "testpaths = ['.']")
    )
    (IDLE_GO / "test_one.py").write_text(one_test)
    return git(EXAMPLE, "rev-parse", "HEAD")


@contextlib.contextmanager
def go_change(token: str, base: str) -> Any:
    """A one-line change of a log message in main.go, committed (so provenance and the label
    agree, as in a user's repository), and reset to `base` afterwards whatever happens."""
    text = MAIN_GO.read_text()
    try:
        # Append a token to the "shutting down" log message (no test asserts the whole line).
        pattern = re.compile(r'(logger\.Printf\("shutting down[^"\n]*)(")')
        if not pattern.search(text):
            pattern = re.compile(r'(logger\.Printf\("[^"\n]*)(")')
        changed, count = pattern.subn(rf"\1 [bench {token}]\2", text, count=1)
        if count != 1:
            raise RuntimeError(f'no logger.Printf("...") line to change in {MAIN_GO}')
        MAIN_GO.write_text(changed)
        git(EXAMPLE, "commit", "-qam", f"bench change {token}")
        yield
    finally:
        git(EXAMPLE, "reset", "-q", "--hard", base)


# -- leftovers -------------------------------------------------------------------------------


def leftovers() -> dict[str, list[str]]:
    """Containers, networks and images of this benchmark (the plugin's runs on the copy and
    everything named or labelled by this run or the plain script) that still exist."""
    found: dict[str, list[str]] = {"containers": [], "networks": [], "images": []}
    filters = [f"label={PROJECT_LABEL}={EXAMPLE}", f"label={BENCH_LABEL}", f"name={RUN}"]
    for filt in filters:
        found["containers"] += sh(
            DOCKER, "ps", "-a", "--filter", filt, "--format", "{{.Names}}", check=False
        ).stdout.split()
        found["networks"] += sh(
            DOCKER, "network", "ls", "--filter", filt, "--format", "{{.Name}}", check=False
        ).stdout.split()
    for ref in ("gibench*/*", "goimage/example-project-*"):
        found["images"] += sh(
            DOCKER,
            "images",
            "--filter",
            f"reference={ref}",
            "--format",
            "{{.Repository}}:{{.Tag}}",
            check=False,
        ).stdout.split()
    return {k: sorted(set(v)) for k, v in found.items()}


def assert_clean(where: str, report: dict[str, Any], kept: Collection[str] = ()) -> None:
    """Record what is left after a phase; `kept`: this run's own images, still in use."""
    left = leftovers()
    left["images"] = [image for image in left["images"] if image not in kept]
    report.setdefault("leftover_checks", []).append({"after": where, **left})
    if any(left.values()):
        log(f"LEFTOVERS after {where}: {left}")
    else:
        log(f"no leftovers after {where}")


def remove_bench_resources() -> None:
    for filt in (f"label={BENCH_LABEL}={RUN}", f"name={RUN}"):
        ids = sh(DOCKER, "ps", "-aq", "--filter", filt, check=False).stdout.split()
        if ids:
            sh(DOCKER, "rm", "-f", "-v", *ids, check=False)
        ids = sh(DOCKER, "network", "ls", "-q", "--filter", filt, check=False).stdout.split()
        if ids:
            sh(DOCKER, "network", "rm", *ids, check=False)


# -- warm, cold, changed: full runs ------------------------------------------------------------


def make_user_venv(venv: Path = USER_VENV, also: tuple[str, ...] = ()) -> dict[str, Any]:
    """A fresh virtualenv with this tree installed as a user installs it (no extras), and the
    packages `also` names, all pinned to the versions of the project's .venv (so that runs on
    different days time the same libraries); returns the pytest plugins it loads and its
    packages."""
    if venv.exists():
        shutil.rmtree(venv)
    sh(str(PYTHON), "-m", "venv", str(venv))
    pins = venv / "constraints.txt"
    frozen = sh(str(PYTHON), "-m", "pip", "freeze", "--exclude-editable").stdout
    pins.write_text(frozen)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-c", str(pins), str(ROOT), *also],
        text=True,
        capture_output=True,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"pip install {ROOT} into {venv} failed (exit {done.returncode}); the bench "
            f"needs the package index the project's .venv was installed from:\n{done.stderr}"
        )
    listing = "import importlib.metadata as m; print(*sorted(e.value for e in m.entry_points(group='pytest11')))"
    return {
        "pytest_plugins": sh(str(python), "-c", listing).stdout.split(),
        "packages": sh(str(python), "-m", "pip", "freeze").stdout.split(),
    }


def plugin_cmd() -> list[str]:
    # Every check: no -k. The copy has no tests/ (the example's own acceptance tests), so "."
    # collects the plugin's items only.
    # -rs lists the skips, which check_plugin_skips reads.
    return [
        str(USER_PYTHON),
        "-m",
        "pytest",
        "--goimage",
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
        ".",
    ]


def plain_cmd() -> list[str]:
    return ["bash", str(BENCH / "plain_cli.sh"), str(EXAMPLE)]


def child_env() -> dict[str, str]:
    """The environment of every timed Python: bytecode caching on (as on a user's machine; this
    workplace sets PYTHONDONTWRITEBYTECODE=1, which makes pytest rewrite and compile ~90 modules
    on every run, about 1 s), caches under bench/.tools/, and this tree's plugin first on the
    path (an editable install may point at another checkout)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(TOOLS / "pycache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def timed(name: str, cmd: list[str], cwd: Path = EXAMPLE, quiet: bool = False) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, env=child_env())
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise RuntimeError(f"{name} failed (exit {done.returncode}):\n{tail}")
    if name == "plugin":
        check_plugin_skips(done.stdout)
    if not quiet:
        last = done.stdout.strip().splitlines()[-1:] if name == "plugin" else []
        log(f"  {name:6s} {seconds:7.2f}s  {last[0].strip('= ') if last else ''}")
    return seconds


def cpu_times(stat: str | None = None) -> tuple[float, float]:
    """Core-seconds the machine has spent busy (user, nice, system, irq, softirq) and in all
    (busy, idle and iowait; steal, time the hypervisor gave others, in neither) since boot,
    from /proc/stat (or `stat`, its text)."""
    text = Path("/proc/stat").read_text() if stat is None else stat
    fields = [int(v) for v in text.split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, _steal = fields
    busy = user + nice + system + irq + softirq
    tick = os.sysconf("SC_CLK_TCK")
    return busy / tick, (busy + idle + iowait) / tick


DOCKERD_PIDFILE = Path("/var/run/docker.pid")
CONTAINERD_PIDFILE = Path("/run/containerd/containerd.pid")  # a containerd of the system's own


class OwnerCpu(NamedTuple):
    engine: float  # the engine's daemons with the children they reaped
    command: float  # this process's reaped children: the timed command and what it waited for


def _stat(proc: Path, pid: str) -> list[str] | None:
    """/proc/PID/stat's fields after the parenthesised name (which may hold spaces and
    parentheses): index 1 is the parent's pid, 11-14 utime, stime, cutime, cstime. None when
    the process is gone."""
    try:
        return (proc / pid / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def engine_pids(
    proc: Path = Path("/proc"),
    dockerd_pidfile: Path = DOCKERD_PIDFILE,
    containerd_pidfile: Path = CONTAINERD_PIDFILE,
) -> set[str]:
    """The engine the benchmark talks to: dockerd from its pid file (every process named
    dockerd when there is none), the containerd it runs (its child) and a system containerd
    from its pid file. Not the shims (their CPU is the containers'), nor a dockerd in a
    container."""
    names: dict[str, str] = {}
    for comm in proc.glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            names[comm.parent.name] = comm.read_text().strip()

    def from_file(path: Path, name: str) -> set[str]:
        with contextlib.suppress(OSError, ValueError):
            pid = str(int(path.read_text().strip()))
            return {pid} if names.get(pid) == name else set()
        return set()

    dockerd = from_file(dockerd_pidfile, "dockerd") or {
        pid for pid, name in names.items() if name == "dockerd"
    }
    containerd = from_file(containerd_pidfile, "containerd")
    for pid, name in names.items():
        fields = _stat(proc, pid) if name == "containerd" else None
        if fields is not None and fields[1] in dockerd:
            containerd.add(pid)
    return dockerd | containerd


def owner_cpu(proc: Path = Path("/proc"), engine: Collection[str] | None = None) -> OwnerCpu:
    """Core-seconds since they started of the engine's daemons (`engine_pids`, with the
    children they reaped: iptables, docker-proxy, each shim's short-lived start command, and
    the build steps BuildKit runs, compilers included)
    and of this process's reaped children (the timed command with what it ran and waited
    for). Beside cpu_times' whole machine, this says who did the work; the rest is the
    containers (MinIO, the services, Redis), their shims and runc, the kernel, and whatever
    else ran on the machine meanwhile."""
    tick = os.sysconf("SC_CLK_TCK")
    ticks = 0
    for pid in engine_pids(proc) if engine is None else engine:
        fields = _stat(proc, pid)
        if fields is not None:
            ticks += sum(int(v) for v in fields[11:15])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return OwnerCpu(ticks / tick, children.ru_utime + children.ru_stime)


# The one skip the plain script matches (it checks USER only where require_non_root is set).
EXPECTED_SKIP = "require_non_root is not set"


def check_plugin_skips(stdout: str) -> None:
    """Any other skip (tracked without git, provenance without a policy...) would make the
    plugin do less than the plain script: stop rather than report a flattering ratio."""
    skipped = [line for line in stdout.splitlines() if line.startswith("SKIPPED")]
    other = [line for line in skipped if EXPECTED_SKIP not in line]
    if other:
        raise RuntimeError("the plugin skipped checks the plain script runs:\n" + "\n".join(other))


def prune_build_cache() -> None:
    sh(DOCKER, "builder", "prune", "-af")


def alternating_pairs(
    label: str,
    rounds: int,
    sides: tuple[str, str],
    run: Callable[[str, int], float],
    before: Callable[[str], None] = lambda side: None,
    around: Callable[[str, int], contextlib.AbstractContextManager[Any]] = (
        lambda side, r: contextlib.nullcontext()
    ),
    ratio: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Pairs of the two `sides`, the order alternating per round: per side `before(side)` (not
    measured), the 1-minute load, then `run(side, round)` (its seconds) inside `around(side,
    round)`, with the whole machine's CPU while it ran (engine, BuildKit, containers
    included: how much work a side made, and how much of the cores it kept busy) and who spent
    it (`cpu_split_s`: the engine's daemons, the command, the rest; see owner_cpu). `ratio`
    names the sides each round's ratio divides (default: `sides`, the first over the second)."""
    first, second = sides
    over, under = ratio or sides
    samples: dict[str, list[float]] = {first: [], second: [], "ratio": []}
    loads: dict[str, list[float]] = {first: [], second: []}
    busy: dict[str, list[float]] = {first: [], second: []}
    use: dict[str, list[float]] = {first: [], second: []}
    split: dict[str, dict[str, list[float]]] = {
        side: {"engine": [], "command": [], "rest": []} for side in sides
    }
    for r in range(rounds):
        order = [first, second] if r % 2 == 0 else [second, first]
        log(f"{label} round {r + 1}/{rounds} ({' then '.join(order)})")
        for side in order:
            before(side)
            loads[side].append(load1())  # other work on the machine shows here
            with around(side, r):
                busy_before, all_before = cpu_times()
                engine_before, command_before = owner_cpu()
                samples[side].append(run(side, r))
                engine_after, command_after = owner_cpu()
                busy_after, all_after = cpu_times()
            busy[side].append(busy_after - busy_before)
            parts = split[side]
            parts["engine"].append(engine_after - engine_before)
            parts["command"].append(command_after - command_before)
            parts["rest"].append(busy[side][-1] - parts["engine"][-1] - parts["command"][-1])
            if parts["rest"][-1] < -0.05:  # a daemon restarted, or the counters disagree
                log(f"  warning: {side}'s CPU by owner exceeds the machine's busy time")
            use[side].append((busy_after - busy_before) / max(all_after - all_before, 1e-9))
        samples["ratio"].append(samples[over][-1] / samples[under][-1])
    return {
        f"{first}_s": stats(samples[first]),
        f"{second}_s": stats(samples[second]),
        "ratio": stats(samples["ratio"]),
        "first": [first if r % 2 == 0 else second for r in range(rounds)],
        "load1_before": loads,
        "cpu_busy_s": {side: stats(values) for side, values in busy.items()},
        "cpu_use": {side: stats(values) for side, values in use.items()},
        "cpu_split_s": {
            side: {owner: stats(values, 2) for owner, values in parts.items()}
            for side, parts in split.items()
        },
    }


def phase_full(kind: str, rounds: int, base: str) -> dict[str, Any]:
    """Pairs of (plugin, plain), the order alternating per round; `kind` warm, warm_api, cold
    or changed."""
    plugin = masked(plugin_cmd()) if kind == "warm_api" else plugin_cmd()
    runners = {"plugin": plugin, "plain": plain_cmd()}

    def before(side: str) -> None:
        if kind == "cold":
            prune_build_cache()  # not timed: both sides then pay the same builds

    def around(side: str, r: int) -> contextlib.AbstractContextManager[Any]:
        # The change is committed before the clock starts and reset after it stops.
        if kind == "changed":
            return go_change(f"{side}-{RUN}-{r}", base)
        return contextlib.nullcontext()

    return alternating_pairs(
        kind,
        rounds,
        ("plugin", "plain"),
        lambda side, r: timed(side, runners[side]),
        before,
        around,
    )


# -- inspect: overlay path, API path, dive ------------------------------------------------------


def build_command(dockerfile: str, tag: str, head: str) -> list[str]:
    """plain_cli.sh's build of `dockerfile` (run with DOCKER_BUILDKIT=1), with the bench's
    label."""
    return [
        DOCKER,
        "build",
        "-q",
        "--build-arg",
        f"GIT_SHA={head}",
        "--label",
        f"{BENCH_LABEL}={RUN}",
        "-f",
        str(EXAMPLE / dockerfile),
        "-t",
        tag,
        str(EXAMPLE),
    ]


def bench_tag(dockerfile: str, suffix: str = "bench") -> str:
    return f"{RUN}/{re.sub(r'[^a-z0-9]+', '-', dockerfile.lower())}:{suffix}"


BUILDKIT_ENV = {**os.environ, "DOCKER_BUILDKIT": "1"}


def build_images() -> dict[str, str]:
    """Build the three images with the docker CLI; dockerfile -> tag."""
    head = git(EXAMPLE, "rev-parse", "HEAD")
    tags = {dockerfile: bench_tag(dockerfile) for dockerfile in DOCKERFILES}
    for dockerfile, tag in tags.items():
        subprocess.run(
            build_command(dockerfile, tag, head), env=BUILDKIT_ENV, check=True, capture_output=True
        )
    return tags


def cli_builds(concurrently: bool, tags: dict[str, str], head: str) -> None:
    """The builds of `tags` by the docker CLI, one after the other (stopping at a failed one)
    or all at once. A failed build raises with the end of its output; none is left running."""
    commands = [build_command(dockerfile, tag, head) for dockerfile, tag in tags.items()]
    with contextlib.ExitStack() as stack:
        # Files, not pipes: a build that fails prints its whole progress, more than a pipe holds.
        outputs = [stack.enter_context(tempfile.TemporaryFile()) for _ in commands]
        running: list[subprocess.Popen[bytes]] = []
        try:
            for command, out in zip(commands, outputs, strict=True):
                running.append(
                    subprocess.Popen(
                        command, env=BUILDKIT_ENV, stdout=out, stderr=subprocess.STDOUT
                    )
                )
                if not concurrently and running[-1].wait() != 0:
                    break
            codes = [process.wait() for process in running]
        finally:
            for process in running:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        failed = []
        for command, out, code in zip(commands, outputs, codes, strict=False):
            if code != 0:
                out.seek(0)
                tail = out.read().decode(errors="replace").strip().splitlines()[-5:]
                failed.append(f"{' '.join(command)} (exit {code}): " + " | ".join(tail))
        if failed:
            raise RuntimeError("builds failed: " + "; ".join(failed))


def phase_cold_builds(rounds: int) -> dict[str, Any]:
    """A reference for the cold ratio: the three builds alone, from a pruned cache, by the
    docker CLI one after the other (as plain_cli.sh builds) and all at once (as the plugin
    starts them, through the Engine API rather than the CLI), the order alternating per round.
    Nothing else runs: no check, no container. The base images must be on the engine already
    (as after the warm-up or `make bootstrap`), or round 1's first side pays their pulls."""
    tags = {dockerfile: bench_tag(dockerfile, "cold-builds") for dockerfile in DOCKERFILES}
    head = git(EXAMPLE, "rev-parse", "HEAD")

    def before(side: str) -> None:
        remove_images(tags)  # first: nothing the other side built survives the prune
        prune_build_cache()

    def builds(side: str, r: int) -> float:
        start = time.perf_counter()
        cli_builds(side == "concurrent", tags, head)
        seconds = time.perf_counter() - start
        log(f"  {side:10s} {seconds:7.2f}s")
        return seconds

    try:
        return alternating_pairs(
            "cold_builds",
            rounds,
            ("sequential", "concurrent"),
            builds,
            before,
            ratio=("concurrent", "sequential"),
        )
    finally:
        remove_images(tags)


def remove_images(tags: dict[str, str]) -> None:
    if tags:
        sh(DOCKER, "rmi", *tags.values(), check=False)


# The API path as a CI user in the `docker` group meets it: /var/lib/docker cannot be read, so
# overlay.layer_dirs raises NotLocal. Running as such a user is not possible here (the venv's
# interpreter lives under /root, mode 700), so the inspect worker (its API side) and warm_api's
# plugin side run as root in a private mount namespace where /var/lib/docker is an empty tmpfs:
# the engine (in the host's namespace) is untouched and the plugin's own decision takes the API
# path. The worker checks that it did; `engine_data_masked` checks that the engine keeps its
# layers there, so that masking it leaves the plugin nothing to read.
DOCKER_ROOT = "/var/lib/docker"
MASKED = [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    f'mount -t tmpfs -o size=1m,mode=0700 gibench-mask {DOCKER_ROOT} && exec "$@"',
    "sh",
]


def engine_data_masked() -> None:
    """Refuse to time an API path that MASKED would not force: the engine's data elsewhere."""
    root = sh(DOCKER, "info", "--format", "{{.DockerRootDir}}").stdout.strip()
    if root != DOCKER_ROOT:
        raise RuntimeError(
            f"the engine keeps its data in {root}, not {DOCKER_ROOT}: masking {DOCKER_ROOT} "
            "would leave the plugin its overlay2 layers, and warm_api and the inspection's API "
            "side would time the fast path"
        )


def masked(cmd: list[str]) -> list[str]:
    """`cmd` to run with the engine's data masked, once it is known to be where MASKED hides."""
    engine_data_masked()
    return [*MASKED, *cmd]


def inspect_worker(path: str, tags: dict[str, str]) -> dict[str, Any]:
    cmd = [
        str(PYTHON),
        str(BENCH / "inspect_worker.py"),
        "--expect",
        path,
    ]
    cmd += [f"{tag}={dockerfile}" for dockerfile, tag in tags.items()]
    if path == "api":
        cmd = masked(cmd)
    done = subprocess.run(cmd, text=True, capture_output=True, env=child_env())
    if done.returncode != 0:
        raise RuntimeError(f"inspect worker ({path}) failed: {done.stdout}{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def dive_once(dive: str, tags: dict[str, str]) -> tuple[dict[str, float], dict[str, Any]]:
    seconds: dict[str, float] = {}
    facts: dict[str, Any] = {}
    for dockerfile, tag in tags.items():
        start = time.perf_counter()
        done = subprocess.run(
            [dive, "--ci", tag], env={**os.environ, "CI": "true"}, text=True, capture_output=True
        )
        seconds[dockerfile] = time.perf_counter() - start
        if done.returncode not in (0, 1):  # 1: a CI rule failed, the analysis ran
            raise RuntimeError(f"dive failed on {tag}: {done.stdout[-500:]}{done.stderr}")
        wasted = re.search(r"wastedBytes: (\d+)", done.stdout)
        facts[dockerfile] = {"wasted_bytes": int(wasted.group(1)) if wasted else None}
    return seconds, facts


SOCKET = "/var/run/docker.sock"


def export_once(tags: dict[str, str]) -> dict[str, float]:
    """The engine's `docker save` of each image streamed to /dev/null (curl on the socket):
    the floor of any inspection that reads an image through the API, the plugin's API path
    and dive alike."""
    seconds: dict[str, float] = {}
    for dockerfile, tag in tags.items():
        start = time.perf_counter()
        sh(
            "curl",
            "-sf",
            "--unix-socket",
            SOCKET,
            "-o",
            "/dev/null",
            f"http://docker/images/{tag}/get",
        )
        seconds[dockerfile] = time.perf_counter() - start
    return seconds


def phase_inspect(rounds: int, tags: dict[str, str], dive: str) -> dict[str, Any]:
    """Per round: overlay worker, API worker, dive and the bare export on the same 3 images, in
    a rotating order; each figure is the sum over the 3 images."""
    sides = ["overlay", "api", "dive", "export"]
    totals: dict[str, list[float]] = {s: [] for s in sides}
    per_image: dict[str, dict[str, list[float]]] = {d: {s: [] for s in sides} for d in tags}
    facts: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    parts: dict[str, dict[str, dict[str, list[float]]]] = {"overlay": {}, "api": {}}
    for r in range(rounds):
        order = sides[r % len(sides) :] + sides[: r % len(sides)]
        log(f"inspect round {r + 1}/{rounds} ({', '.join(order)})")
        for side in order:
            if side == "dive":
                seconds, facts["dive"] = dive_once(dive, tags)
            elif side == "export":
                seconds = export_once(tags)
            else:
                result = inspect_worker(side, tags)
                seconds = result["seconds"]
                facts[side], paths[side] = result["facts"], result["paths"]
                for dockerfile, split in result["parts"].items():
                    for step, value in split.items():
                        parts[side].setdefault(dockerfile, {}).setdefault(step, []).append(
                            round(value, 4)
                        )
            for dockerfile, value in seconds.items():
                per_image[dockerfile][side].append(round(value, 4))
            totals[side].append(sum(seconds.values()))
            log(f"  {side:7s} {totals[side][-1]:.3f}s for 3 images")
    return {
        "overlay_s": stats(totals["overlay"], 4),
        "api_s": stats(totals["api"], 4),
        "dive_s": stats(totals["dive"], 4),
        "export_s": stats(totals["export"], 4),
        "export_vs_dive": stats(
            [e / d for e, d in zip(totals["export"], totals["dive"], strict=True)]
        ),
        "api_vs_dive": stats([a / d for a, d in zip(totals["api"], totals["dive"], strict=True)]),
        "overlay_vs_dive": stats(
            [o / d for o, d in zip(totals["overlay"], totals["dive"], strict=True)]
        ),
        "per_image": per_image,
        "per_step": parts,
        "facts": facts,
        "paths": paths,
    }


# -- idle: pytest without --goimage -------------------------------------------------------------


def idle_commands(python: Path = USER_PYTHON, args: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """The pair the idle phase times: the plugin installed (and loaded), and `-p no:goimage`."""
    base = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_one.py"]
    return {"with": base, "without": [*base, "-p", "no:goimage"]}


def phase_idle(
    rounds: int, project: Path, python: Path = USER_PYTHON, args: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`pytest -q -p no:cacheprovider` of a one-test project with the plugin installed vs with
    `-p no:goimage`, interleaved (order alternating); the overhead per pair in ms."""
    runners = idle_commands(python, args)
    base = runners["with"]
    for name, cmd in runners.items():  # warm-up: bytecode caches written, files in page cache
        timed(name, cmd, cwd=project, quiet=True)
    samples: dict[str, list[float]] = {"with": [], "without": [], "overhead_ms": []}
    for r in range(rounds):
        for name in ("with", "without") if r % 2 == 0 else ("without", "with"):
            samples[name].append(timed(name, runners[name], cwd=project, quiet=True))
        samples["overhead_ms"].append((samples["with"][-1] - samples["without"][-1]) * 1000)
    result: dict[str, Any] = {
        "with_plugin_s": stats(samples["with"]),
        "without_plugin_s": stats(samples["without"]),
        "overhead_ms": stats(samples["overhead_ms"], 1),
        "command": " ".join(base[1:]).replace("-m pytest", "pytest"),
    }
    log(
        f"  idle {project.name}: with {result['with_plugin_s']['median']}s, without "
        f"{result['without_plugin_s']['median']}s, overhead {result['overhead_ms']['median']} ms"
    )
    return result


# -- latency ----------------------------------------------------------------------

# An independent poller in its own process: waits for the port on stdin, then GETs /health in
# a tight loop (1 ms apart) and prints the wall-clock time of the first 200.
POLLER = r"""
import http.client, sys, time
port = int(sys.stdin.readline())
deadline = time.time() + 60
while time.time() < deadline:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/health")
        if conn.getresponse().status == 200:
            print(repr(time.time()), flush=True)
            break
    except (OSError, http.client.HTTPException):
        pass
    finally:
        conn.close()
    time.sleep(0.001)
else:
    print("nan", flush=True)
"""


def docker_time(stamp: str) -> float:
    """Docker's RFC 3339 nanosecond timestamp -> epoch seconds (float)."""
    main, _, frac = stamp.rstrip("Z").partition(".")
    base = dt.datetime.fromisoformat(main).replace(tzinfo=dt.timezone.utc).timestamp()
    return base + float(f"0.{frac or '0'}")


def service_env() -> dict[str, str]:
    data = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())
    return dict(data["tool"]["goimage"].get("env", {}))


# backend/Dockerfile does not start without its Redis; the latencies are of the other two.
NEEDS_DEPENDENCY = ("backend/Dockerfile",)


def phase_latency(rounds: int, tags: dict[str, str]) -> dict[str, Any]:
    from pytest_goimage.build.minio_image import MINIO_TAG
    from pytest_goimage.engine.connection import connect
    from pytest_goimage.engine.minio_server import MinioServer
    from pytest_goimage.engine.running_service import placeholder_values
    from pytest_goimage.engine.service import ServiceContainer, expand_env

    client = connect()
    env_template = service_env()
    bucket = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["tool"]["goimage"]["bucket"]
    keys = (
        "minio_ready_ms",
        "minio_start_call_ms",
        "service_healthy_ms",
        "detect_latency_ms",
        "detect_vs_log_ms",
        "poll_health_ms",
    )
    samples: dict[str, list[float]] = {k: [] for k in keys}
    for r in range(rounds):
        log(f"latency round {r + 1}/{rounds}")
        for dockerfile, tag in tags.items():
            if dockerfile in NEEDS_DEPENDENCY:
                continue
            owner = f"{RUN}-lat{r}"
            network = client.networks.create(
                f"{RUN}-lat-{secrets.token_hex(3)}", labels={BENCH_LABEL: RUN}
            )
            minio = MinioServer(
                image=MINIO_TAG, run_id=owner, network=network.name, project=str(EXAMPLE)
            )
            service = None
            poller = subprocess.Popen(
                [sys.executable, "-c", POLLER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            try:
                call = time.time()
                minio.start(client)
                ready = time.time()
                minio_started = docker_time(minio.container.attrs["State"]["StartedAt"])
                service = ServiceContainer(
                    image_ref=tag,
                    image_label=dockerfile,
                    owner=owner,
                    network=network.name,
                    env=expand_env(env_template, placeholder_values(minio, bucket, [])),
                    port="8080/tcp",
                    project=str(EXAMPLE),
                )
                service.start(client)
                assert poller.stdin is not None and poller.stdout is not None
                poller.stdin.write(f"{service.host_port}\n")
                poller.stdin.flush()
                healthy, probe = service.poll_health("/health", 30.0)
                detected = time.time()
                if not healthy:
                    raise RuntimeError(f"{dockerfile}: not healthy: {probe.describe()}")
                first_200 = float(poller.stdout.readline())
                service_started = docker_time(service.container.attrs["State"]["StartedAt"])
                logs = client.api.logs(service.container.id, timestamps=True).decode()
                listening = [
                    line.split(" ", 1)[0] for line in logs.splitlines() if "listening on" in line
                ]
                values = {
                    "minio_ready_ms": (ready - minio_started) * 1000,
                    "minio_start_call_ms": (ready - call) * 1000,
                    "service_healthy_ms": (detected - service_started) * 1000,
                    "detect_latency_ms": (detected - first_200) * 1000,
                    "detect_vs_log_ms": (
                        (detected - docker_time(listening[0])) * 1000 if listening else float("nan")
                    ),
                    "poll_health_ms": probe.seconds * 1000,
                }
                for key, value in values.items():
                    samples[key].append(round(value, 2))
                log(
                    f"  {dockerfile:18s} minio ready {values['minio_ready_ms']:6.0f} ms, healthy "
                    f"{values['service_healthy_ms']:6.0f} ms, detected "
                    f"{values['detect_latency_ms']:+6.1f} ms after the tight poller "
                    f"({values['detect_vs_log_ms']:+6.1f} ms after the log line)"
                )
            finally:
                poller.kill()
                poller.wait()
                if service is not None:
                    service.stop()
                minio.stop()
                with contextlib.suppress(Exception):
                    network.remove()
    client.close()
    return {"samples": samples}


# -- profiling -------------------------------------------------------------------------------


def profile_warm() -> dict[str, Any]:
    """One warm plugin run under cProfile, one under -X importtime; text files in bench/profile/."""
    PROFILE_DIR.mkdir(exist_ok=True)
    prof = PROFILE_DIR / "warm.prof"
    cmd = plugin_cmd()
    subprocess.run(
        [cmd[0], "-m", "cProfile", "-o", str(prof), *cmd[1:]],
        env=child_env(),
        cwd=EXAMPLE,
        check=True,
        capture_output=True,
    )
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(prof), stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    (PROFILE_DIR / "warm_cprofile.txt").write_text(out.getvalue())

    done = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]],
        env=child_env(),
        cwd=EXAMPLE,
        text=True,
        capture_output=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    top = sorted((r for r in rows if r[1] <= 1), reverse=True)[:25]
    text = "\n".join(f"{us / 1000:9.1f} ms  {'  ' * depth}{name}" for us, depth, name in top)
    (PROFILE_DIR / "importtime_top.txt").write_text(text + "\n")
    collect = time.perf_counter()
    subprocess.run(
        [*cmd, "--collect-only"], cwd=EXAMPLE, capture_output=True, check=True, env=child_env()
    )
    collect_s = time.perf_counter() - collect
    log(f"profile written to {PROFILE_DIR}/ (collect-only run {collect_s:.2f}s)")
    print(text)
    return {
        "collect_only_s": round(collect_s, 3),
        "import_top_ms": [[name, round(us / 1000, 1)] for us, _, name in top[:10]],
    }


# -- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every phase (default 5)")
    parser.add_argument(
        "--idle-rounds", type=int, default=15, help="interleaved pairs of the idle phase (15)"
    )
    parser.add_argument("--only", default=",".join(PHASES), help="comma-separated phases")
    parser.add_argument(
        "--profile", action="store_true", help="also profile one warm plugin run (bench/profile/)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the phases not run now from the existing --output file (each phase keeps "
        "the date and commit it was measured at)",
    )
    parser.add_argument(
        "--table",
        type=Path,
        metavar="RESULTS_JSON",
        help="only print the README's figures table from an existing results file",
    )
    args = parser.parse_args()
    if args.table is not None:
        print(markdown_table(json.loads(args.table.read_text())))
        return 0
    phases = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    if args.rounds < 1 or args.idle_rounds < 1:
        parser.error("--rounds and --idle-rounds must be at least 1")

    sys.path.insert(0, str(ROOT))
    ensure_docker()
    base = prepare_copies()
    # Only the phases that time pytest runs need it (inspect and latency call the plugin's
    # code from this Python).
    user_venv = make_user_venv() if {*FULL_PHASES, "idle"} & set(phases) else {}
    # Before any phase: a failed install must not lose a long run's figures.
    xdist_venv = make_user_venv(XDIST_VENV, ("pytest-xdist",)) if "idle" in phases else {}
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "rounds": args.rounds,
        "idle_rounds": args.idle_rounds,
        "phases": phases,
        "plugin_command": " ".join(plugin_cmd()[1:]).replace("-m pytest", "pytest"),
        "plugin_venv": {
            "path": str(USER_VENV),
            "made_by": f"python -m venv; pip install {ROOT.name}/ (no extras), pinned to"
            " .venv's versions",
            **user_venv,
        },
        "plain_command": f"bench/plain_cli.sh {EXAMPLE}",
        "example_copy": f"{EXAMPLE} (git init + one commit; example_project/ minus its tests/)",
        # -dirty: uncommitted plugin code is not labelled with HEAD.
        "commit": sh(
            "git", "-C", str(ROOT), "describe", "--always", "--dirty", "--abbrev=7"
        ).stdout.strip(),
    }
    started = time.perf_counter()
    tags: dict[str, str] = {}
    try:
        if ({*FULL_PHASES} - {"cold"}) & set(phases):  # their warm-up run
            log("warm-up: one unmeasured run of each side (fills the BuildKit cache)")
            timed("plugin", plugin_cmd())
            timed("plain", plain_cmd())
        for kind in FULL_PHASES:
            if kind in phases:
                phase_started = time.perf_counter()
                report[kind] = phase_full(kind, args.rounds, base)
                report[kind]["phase_s"] = round(time.perf_counter() - phase_started, 1)
                assert_clean(kind, report)
        if "cold_builds" in phases:
            phase_started = time.perf_counter()
            report["cold_builds"] = phase_cold_builds(args.rounds)
            report["cold_builds"]["phase_s"] = round(time.perf_counter() - phase_started, 1)
            assert_clean("cold_builds", report)
        if "inspect" in phases or "latency" in phases:
            log("building the three images with the docker CLI for inspection and latencies")
            tags = build_images()
        if "inspect" in phases:
            dive = ensure_dive()
            report["dive"] = {"path": dive, "version": DIVE_VERSION if dive else None}
            if dive is not None:
                report["inspect"] = phase_inspect(args.rounds, tags, dive)
            assert_clean("inspect", report, kept=tags.values())
        if "idle" in phases:
            log(f"idle: {args.idle_rounds} interleaved pairs per project")
            report["idle"] = {
                "one_test_project": phase_idle(args.idle_rounds, IDLE_PLAIN),
                "go_project_with_tool_goimage": phase_idle(args.idle_rounds, IDLE_GO),
                # Under xdist a plain run pays the plugin in the controller and in each worker.
                "go_project_xdist": phase_idle(args.idle_rounds, IDLE_GO, XDIST_PYTHON, XDIST_ARGS),
                "xdist_venv": {
                    "path": str(XDIST_VENV),
                    "made_by": "as plugin_venv, plus pytest-xdist",
                    **xdist_venv,
                },
            }
            assert_clean("idle", report, kept=tags.values())
        if "latency" in phases:
            report["latency"] = phase_latency(args.rounds, tags)
        if args.profile:
            try:
                report["profile"] = profile_warm()
            except (subprocess.CalledProcessError, OSError) as exc:
                report["profile"] = {"error": str(exc)}
                log(f"profiling failed: {exc}")
    finally:
        remove_images(tags)
        remove_bench_resources()
    assert_clean("all phases", report)
    dirty = sh("git", "-C", str(ROOT), "status", "--porcelain", "--", "example_project").stdout
    report["example_project_git_clean"] = not dirty.strip()
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    report["machine"]["load_at_end"] = load1()
    for phase in phases:
        if isinstance(report.get(phase), dict):
            report[phase]["measured"] = {
                "date": report["date"],
                "commit": report["commit"],
                "rounds": args.idle_rounds if phase == "idle" else args.rounds,
                "load_at_start": report["machine"]["load_at_start"],
            }
    if args.merge and args.output.exists():
        report = merged(json.loads(args.output.read_text()), report)
    summarize(report)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {args.output}")
    return 0


def merged(earlier: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """`now` with each phase it did not run taken from `earlier`, marked with the date and
    commit of the run that measured it (an earlier file without marks: its own date)."""
    result = dict(now)
    # A phase asked for but not measured (inspect without dive) keeps its earlier figures too.
    kept = [phase for phase in PHASES if phase not in now and phase in earlier]
    for phase in kept:
        part = dict(earlier[phase])
        part.setdefault("measured", {"date": earlier.get("date"), "commit": earlier.get("commit")})
        result[phase] = part
    if "inspect" in kept and "dive" in earlier:
        result["dive"] = earlier["dive"]
    result["phases"] = [phase for phase in PHASES if phase in now or phase in kept]
    result["merged_from"] = {phase: result[phase]["measured"] for phase in kept}
    return result


MIN_ROUNDS = 5  # issue 18: medians of at least 5 interleaved rounds
MIN_IDLE_ROUNDS = 15


# Each headline figure: where it comes from, its target, and whether lower is better.
TARGETS: dict[str, tuple[str, str, float]] = {
    "warm_ratio": ("warm.ratio", "<= 0.5 (plugin / plain script)", 0.5),
    "warm_api_ratio": (
        "warm_api.ratio",
        "none set (warm as a CI user in the docker group: the inspection's API path)",
        float("inf"),
    ),
    "cold_ratio": ("cold.ratio", "<= 0.8 (plugin / plain script)", 0.8),
    "changed_ratio": ("changed.ratio", "none set (plugin / plain script)", float("inf")),
    "cold_builds_concurrent_vs_sequential": (
        "cold_builds.ratio",
        "none set (the three CLI builds at once / one after the other: a reference for cold)",
        float("inf"),
    ),
    "inspect_api_vs_dive": ("inspect.api_vs_dive", "<= 0.5 (API path / dive: 2x faster)", 0.5),
    "inspect_overlay_vs_dive": (
        "inspect.overlay_vs_dive",
        "<= 0.2 (overlay path / dive: 5x faster)",
        0.2,
    ),
    "idle_plugin_overhead_ms": ("idle.one_test_project.overhead_ms", "<= 50 ms", 50.0),
    # The idle target names "a project that has the plugin installed": a Go project
    # with a [tool.goimage] table is the one whose unit-test runs pay most.
    "idle_plugin_overhead_go_project_ms": (
        "idle.go_project_with_tool_goimage.overhead_ms",
        "<= 50 ms (the same target, in a Go project with [tool.goimage])",
        50.0,
    ),
    "idle_plugin_overhead_go_project_xdist_ms": (
        "idle.go_project_xdist.overhead_ms",
        "<= 50 ms (the same target, that Go project's `pytest -n 2`)",
        50.0,
    ),
}


def lookup(report: dict[str, Any], dotted: str) -> Any:
    value: Any = report
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def summarize(report: dict[str, Any]) -> None:
    report["targets"] = {}
    print("\n== headline figures (median [min, max] over rounds) ==")
    for name, (source, target, limit) in TARGETS.items():
        figure = lookup(report, source)
        report[name] = figure
        met = None if figure is None or figure["median"] is None else figure["median"] <= limit
        entry: dict[str, Any] = {"target": target, "met": met if limit != float("inf") else None}
        fewest = MIN_IDLE_ROUNDS if name.startswith("idle") else MIN_ROUNDS
        if figure is not None and len(figure["rounds"]) < fewest:
            # A debugging run: no verdict on a target from fewer rounds than the issue asks.
            entry["met"] = None
            entry["note"] = f"{len(figure['rounds'])} rounds, fewer than {fewest}: no verdict"
        report["targets"][name] = entry
        shown = (
            "not run"
            if figure is None
            else (
                f"{figure['median']} [{figure['min']}, {figure['max']}] n={len(figure['rounds'])}"
            )
        )
        print(f"  {name:40s} {shown:34s} target {target}  met={report['targets'][name]['met']}")
    for name in FULL_PHASES:
        if name in report:
            part = report[name]
            plugin, plain = (part.get(side, {}).get("median") for side in ("plugin_s", "plain_s"))
            print(f"  {name:8s} plugin {plugin} s, plain {plain} s (phase {part.get('phase_s')} s)")
            if "cpu_busy_s" in part:  # results from before CPU accounting have none
                busy, use = part["cpu_busy_s"], part["cpu_use"]
                print(
                    f"           machine CPU busy: plugin {busy['plugin']['median']} core-s"
                    f" ({use['plugin']['median']:.0%} of the cores), plain"
                    f" {busy['plain']['median']} core-s ({use['plain']['median']:.0%})"
                )
            for side, parts in part.get("cpu_split_s", {}).items():
                print(
                    f"           {side} CPU by owner: engine daemons"
                    f" {parts['engine']['median']}, the command {parts['command']['median']},"
                    f" the rest (containers, shims, kernel, anything else) {parts['rest']['median']} core-s"
                )
    if "cold_builds" in report:
        part = report["cold_builds"]
        print(
            f"  builds   cold, CLI: one after the other {part['sequential_s']['median']} s,"
            f" at once {part['concurrent_s']['median']} s; machine CPU busy"
            f" {part['cpu_busy_s']['sequential']['median']} and"
            f" {part['cpu_busy_s']['concurrent']['median']} core-s"
        )
    if "inspect" in report:
        part = report["inspect"]
        print(
            f"  inspect  overlay {part['overlay_s']['median']} s, API {part['api_s']['median']} s,"
            f" dive {part['dive_s']['median']} s, bare export"
            f" {part.get('export_s', {}).get('median')} s"
            " (3 images)"
        )


def markdown_table(report: dict[str, Any]) -> str:
    """The figures as bench/README.md shows them."""
    m = report.get("machine", {})
    lines = [
        f"{report.get('date')}, {m.get('nproc')} cores, {m.get('memory')}, Docker "
        f"{m.get('docker_server')}, Python {m.get('python')}, {m.get('curl', '').split(' (')[0]}; "
        f"load average {m.get('load_at_start')} at start, {m.get('load_at_end')} at the end; "
        f"{report.get('rounds')} rounds (idle: {report.get('idle_rounds')} pairs), "
        f"{report.get('elapsed_s')} s in all."
        + (
            f" Kept from earlier runs: {', '.join(report['merged_from'])} (see `measured`;"
            " the load and rounds above are this run's; each phase records its own)."
            if report.get("merged_from")
            else ""
        ),
        "",
        "| figure | median | min | max | n | sides (medians) | target | met | measured |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    # The two sides each figure compares: per phase, and per figure for the inspection's two.
    sides = {
        "warm": ("plugin_s", "plain_s"),
        "warm_api": ("plugin_s", "plain_s"),
        "cold": ("plugin_s", "plain_s"),
        "changed": ("plugin_s", "plain_s"),
        "cold_builds": ("concurrent_s", "sequential_s"),
        "inspect_api_vs_dive": ("api_s", "dive_s"),
        "inspect_overlay_vs_dive": ("overlay_s", "dive_s"),
        "idle": ("with_plugin_s", "without_plugin_s"),
    }
    for name, (source, target, _limit) in TARGETS.items():
        figure = lookup(report, source)
        met = report.get("targets", {}).get(name, {}).get("met")
        if figure is None:
            lines.append(f"| `{name}` | not run | | | | | {target} | | |")
            continue
        part = source.rsplit(".", 1)[0]  # the figure's phase (and project, for idle)
        a, b = sides.get(name) or sides[part.split(".")[0]]
        when = lookup(report, f"{part.split('.')[0]}.measured") or {}
        measured = f"{when.get('date', report.get('date'))} ({when.get('commit') or '?'})"
        a_med = (lookup(report, f"{part}.{a}") or {}).get("median")
        b_med = (lookup(report, f"{part}.{b}") or {}).get("median")
        lines.append(
            f"| `{name}` | **{figure['median']}** | {figure['min']} | {figure['max']} | "
            f"{len(figure['rounds'])} | {a.removesuffix('_s')} {a_med} s, "
            f"{b.removesuffix('_s')} {b_med} s | {target} | "
            f"{'-' if met is None else ('yes' if met else 'no')} | {measured} |"
        )
    for kind in ("cold", "cold_builds", "changed"):
        if kind in report:
            lines.append(f"\nThe {kind} phase took {report[kind].get('phase_s')} s.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
