#!/usr/bin/env python3
"""Benchmark pytest-goimage against the plain docker CLI and dive, on example_project/.

    .venv/bin/python bench/run.py                 # every phase, 3 rounds (changed: 1), ~7 min
    .venv/bin/python bench/run.py --rounds 5
    .venv/bin/python bench/run.py --only warm,latency --rounds 2
    .venv/bin/python bench/run.py --profile       # also profile one warm plugin run

Phases (each interleaved A B A B ..., medians over rounds; see bench/README.md):
  warm     `pytest --goimage` vs bench/plain_cli.sh, BuildKit cache warm
  changed  the same after a one-line change in backend/cmd/api/main.go (each side its own change)
  inspect  size/layers/wasted bytes/static/Go build info via the plugin's API vs `dive --ci`
  latency  MinIO start-to-ready, service start-to-healthy, readiness-to-detection

Writes bench/results.json. Leaves no container, network or image behind, and never leaves
example_project/ modified (the change is undone in a `finally` and checked against a backup).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

import tomllib

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SOURCE_EXAMPLE = ROOT / "example_project"
# The benchmark runs on a copy outside the repository, so its one-line Go change can never
# land in a commit of the example (the repository's own files are never edited).
EXAMPLE = Path(tempfile.gettempdir()) / "pytest-goimage-bench" / "example_project"
MAIN_GO = EXAMPLE / "backend" / "cmd" / "api" / "main.go"
BACKUP = BENCH / ".tools" / "main.go.orig"
PYTHON = ROOT / ".venv" / "bin" / "python"
DOCKER = "/usr/bin/docker"  # the BuildKit-capable CLI
TOOLS = BENCH / ".tools"
DIVE = TOOLS / "dive"
DIVE_MODULE = "github.com/wagoodman/dive"
DIVE_VERSION = "v0.13.1"  # @latest resolves to an untagged pseudo-version without the main package
PROFILE_DIR = BENCH / "profile"
RESULTS = BENCH / "results.json"

# The built-in checks the plain script reproduces. Checks added to the plugin later (secrets,
# user, ...) are deselected so both sides do the same work; --all-checks runs them too.
CHECKS = ("go-version", "tracked", "build", "static", "size", "bucket", "health")
DOCKERFILES = ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile")
BENCH_LABEL = "io.github.pytest-goimage.bench"
PROJECT_LABEL = "io.github.pytest-goimage.project"
RUN = "gibench" + secrets.token_hex(4)  # names and labels of everything this run creates


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def sh(*cmd: str, check: bool = True, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), check=check, text=True, capture_output=True, **kwargs)


# -- the machine ------------------------------------------------------------------------------


def ensure_docker() -> None:
    if sh(DOCKER, "info", check=False).returncode != 0:
        log("docker info failed: running scripts/ensure-docker.sh")
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure-docker.sh")], check=True)


def machine() -> dict[str, Any]:
    server = sh(DOCKER, "version", "--format", "{{.Server.Version}}", check=False).stdout.strip()
    client = sh(DOCKER, "version", "--format", "{{.Client.Version}}", check=False).stdout.strip()
    mem = ""
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "nproc": os.cpu_count(),
        "memory": mem,
        "docker_server": server,
        "docker_cli": f"{DOCKER} {client}",
        "python": sys.version.split()[0],
        "kernel": os.uname().release,
        "load_at_start": os.getloadavg()[0],
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


# -- example_project must stay as it is -------------------------------------------------------


def recover_from_crash() -> None:
    """A killed earlier run may have left the change in main.go: put the backup back."""
    if BACKUP.exists():
        current = MAIN_GO.read_bytes()
        if b"[bench " in current:
            MAIN_GO.write_bytes(BACKUP.read_bytes())
            log(f"restored {MAIN_GO.relative_to(ROOT)} from the backup a killed run left")
        BACKUP.unlink()


def main_go_clean() -> bool:
    source = SOURCE_EXAMPLE / MAIN_GO.relative_to(EXAMPLE)
    return MAIN_GO.read_bytes() == source.read_bytes()


def prepare_example() -> None:
    """A fresh copy of example_project/ (its tests/ excluded: the bench runs built-in checks)."""
    if EXAMPLE.exists():
        shutil.rmtree(EXAMPLE)
    shutil.copytree(
        SOURCE_EXAMPLE,
        EXAMPLE,
        ignore=shutil.ignore_patterns("tests", ".pytest_cache", "__pycache__"),
    )


@contextlib.contextmanager
def go_change(token: str) -> Iterator[None]:
    """A one-line change of a log message in main.go, undone afterwards whatever happens."""
    original = MAIN_GO.read_bytes()
    BACKUP.parent.mkdir(parents=True, exist_ok=True)
    BACKUP.write_bytes(original)
    try:
        text = original.decode()
        # Append a token to the "shutting down" log message (no test asserts the whole line).
        pattern = re.compile(r'(logger\.Printf\("shutting down[^"\n]*)(")')
        if not pattern.search(text):
            pattern = re.compile(r'(logger\.Printf\("[^"\n]*)(")')
        changed, count = pattern.subn(rf"\1 [bench {token}]\2", text, count=1)
        if count != 1:
            raise RuntimeError(f'no logger.Printf("...") line to change in {MAIN_GO}')
        MAIN_GO.write_text(changed)
        yield
    finally:
        MAIN_GO.write_bytes(original)
        if MAIN_GO.read_bytes() != original:
            raise RuntimeError(f"{MAIN_GO} could not be restored; the backup is {BACKUP}")
        BACKUP.unlink(missing_ok=True)


# -- leftovers -------------------------------------------------------------------------------


def leftovers() -> dict[str, list[str]]:
    """Containers, networks and images of this benchmark (the plugin's runs on example_project/
    and everything named or labelled by this run) that still exist."""
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


def assert_clean(where: str, report: dict[str, Any]) -> None:
    left = leftovers()
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


# -- phase 1 and 2: full runs ----------------------------------------------------------------


def plugin_cmd(all_checks: bool) -> list[str]:
    # `--ignore=tests` alone does not stop pytest 9 from collecting the testpaths ("tests"), so
    # collect from "." instead; -k keeps the checks the plain script reproduces.
    cmd = [
        str(PYTHON),
        "-m",
        "pytest",
        "--goimage",
        "-q",
        "-p",
        "no:cacheprovider",
        "--ignore=tests",
        ".",
    ]
    if not all_checks:
        cmd += ["-k", " or ".join(CHECKS)]
    return cmd


def plain_cmd() -> list[str]:
    return ["bash", str(BENCH / "plain_cli.sh"), str(EXAMPLE), str(PYTHON)]


def child_env() -> dict[str, str]:
    """The environment of the runs: bytecode caching on (as on a user's machine; this workplace
    sets PYTHONDONTWRITEBYTECODE=1, which makes pytest rewrite and compile ~90 modules on every
    run, about 1 s), with the caches kept under bench/.tools/ rather than beside the sources."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(TOOLS / "pycache")
    return env


def timed(name: str, cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=EXAMPLE, text=True, capture_output=True, env=child_env())
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise RuntimeError(f"{name} failed (exit {done.returncode}):\n{tail}")
    if name == "plugin":
        summary = [line for line in done.stdout.splitlines() if " passed" in line]
        log(f"  {name:6s} {seconds:7.2f}s  {summary[-1].strip('= ') if summary else ''}")
    else:
        log(f"  {name:6s} {seconds:7.2f}s")
    return seconds


def phase_full(rounds: int, all_checks: bool, changed: bool) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {
        "plugin": [],
        "plain": [],
        "load1_plugin": [],
        "load1_plain": [],
    }
    runners: list[tuple[str, list[str]]] = [
        ("plugin", plugin_cmd(all_checks)),
        ("plain", plain_cmd()),
    ]
    for r in range(rounds):
        log(f"{'changed' if changed else 'warm'} round {r + 1}/{rounds}")
        for name, cmd in runners:  # A B A B ...
            # The 1-minute load average before each sample: other work on the machine shows.
            samples[f"load1_{name}"].append(round(os.getloadavg()[0], 2))
            if changed:
                with go_change(f"{name}-{RUN}-{r}"):
                    samples[name].append(timed(name, cmd))
            else:
                samples[name].append(timed(name, cmd))
    return samples


# -- the images for phases 3 and 4 -----------------------------------------------------------


def build_images() -> dict[str, str]:
    """Build the three images with the docker CLI; dockerfile -> image id."""
    ids: dict[str, str] = {}
    for dockerfile in DOCKERFILES:
        tag = f"{RUN}/{re.sub(r'[^a-z0-9]+', '-', dockerfile.lower())}:bench"
        subprocess.run(
            [
                DOCKER,
                "build",
                "-q",
                "--label",
                f"{BENCH_LABEL}={RUN}",
                "-f",
                str(EXAMPLE / dockerfile),
                "-t",
                tag,
                str(EXAMPLE),
            ],
            env={**os.environ, "DOCKER_BUILDKIT": "1"},
            check=True,
            capture_output=True,
        )
        ids[dockerfile] = tag
    return ids


def remove_images(tags: dict[str, str]) -> None:
    if tags:
        sh(DOCKER, "rmi", *tags.values(), check=False)


# -- phase 3: static inspection --------------------------------------------------------------


def plugin_inspect(client: Any, tag: str, dockerfile: str) -> dict[str, Any]:
    """Everything dive reports plus the static/Go facts, through the plugin's own modules."""
    from pytest_goimage.engine.image import load_image
    from pytest_goimage.gofacts.layers import wasted

    built = load_image(
        client,
        tag,
        dockerfile=dockerfile,
        tag=tag,
        build_seconds=0.0,
        steps=0,
        cached_steps=0,
        log_path="",
        run_id=f"{RUN}-inspect",
        project=str(EXAMPLE),
    )
    binary = built.binary
    # The plugin's own path: local overlay2 layers when readable, else the image export.
    waste = wasted(built.layer_files())
    return {
        "size": built.size,
        "layers": len(built.layers),
        "wasted_bytes": sum(w.size for w in waste),
        "static": binary.static,
        "go_version": binary.go_version,
    }


def phase_inspect(rounds: int, tags: dict[str, str], dive: str | None) -> dict[str, Any]:
    from pytest_goimage.engine.connection import connect

    client = connect()
    samples: dict[str, list[float]] = {"plugin": [], "dive": []}
    per_image: dict[str, dict[str, list[float]]] = {d: {"plugin": [], "dive": []} for d in tags}
    facts: dict[str, Any] = {}
    dive_facts: dict[str, Any] = {}
    for r in range(rounds):
        log(f"inspect round {r + 1}/{rounds}")
        total = {"plugin": 0.0, "dive": 0.0}
        for dockerfile, tag in tags.items():
            start = time.perf_counter()
            facts[dockerfile] = plugin_inspect(client, tag, dockerfile)
            seconds = time.perf_counter() - start
            per_image[dockerfile]["plugin"].append(seconds)
            total["plugin"] += seconds
            if dive is not None:
                start = time.perf_counter()
                done = subprocess.run(
                    [dive, "--ci", tag],
                    env={**os.environ, "CI": "true"},
                    text=True,
                    capture_output=True,
                )
                seconds = time.perf_counter() - start
                if done.returncode not in (0, 1):  # 1: a CI rule failed, the analysis ran
                    raise RuntimeError(f"dive failed on {tag}: {done.stdout[-500:]}{done.stderr}")
                per_image[dockerfile]["dive"].append(seconds)
                total["dive"] += seconds
                wasted = re.search(r"wastedBytes: (\d+)", done.stdout)
                dive_facts[dockerfile] = {"wasted_bytes": int(wasted.group(1)) if wasted else None}
        samples["plugin"].append(total["plugin"])
        log(f"  plugin {total['plugin']:.3f}s for 3 images")
        if dive is not None:
            samples["dive"].append(total["dive"])
            log(f"  dive   {total['dive']:.3f}s for 3 images")
    client.close()
    return {
        "samples": samples,
        "per_image": per_image,
        "plugin_facts": facts,
        "dive_facts": dive_facts,
    }


# -- phase 4: latencies ----------------------------------------------------------------------

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


def phase_latency(rounds: int, tags: dict[str, str]) -> dict[str, Any]:
    from pytest_goimage.build.minio_image import MINIO_TAG
    from pytest_goimage.engine.connection import connect
    from pytest_goimage.engine.minio_server import MinioServer
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
                    env=expand_env(env_template, minio, bucket),
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


def profile_warm(all_checks: bool) -> dict[str, Any]:
    """One warm plugin run under cProfile, one under -X importtime; text files in bench/profile/."""
    PROFILE_DIR.mkdir(exist_ok=True)
    prof = PROFILE_DIR / "warm.prof"
    cmd = plugin_cmd(all_checks)
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
    subprocess.run([*cmd, "--collect-only"], cwd=EXAMPLE, capture_output=True, check=True)
    collect_s = time.perf_counter() - collect
    log(f"profile written to {PROFILE_DIR}/ (collect-only run {collect_s:.2f}s)")
    print(text)
    return {
        "collect_only_s": round(collect_s, 3),
        "import_top_ms": [[name, round(us / 1000, 1)] for us, _, name in top[:10]],
    }


# -- main ------------------------------------------------------------------------------------


def main() -> int:
    prepare_example()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per phase (default 3)")
    parser.add_argument(
        "--changed-rounds",
        type=int,
        default=None,
        help="rounds of the changed phase (default: rounds // 3, at least 1; "
        "one changed round costs 2-5 minutes on 2 cores)",
    )
    parser.add_argument(
        "--only",
        default="warm,changed,inspect,latency",
        help="comma-separated phases to run (default: all)",
    )
    parser.add_argument(
        "--all-checks",
        action="store_true",
        help="run every built-in check of the plugin, not only those the plain script reproduces",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile one warm plugin run (bench/profile/)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    phases = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(phases) - {"warm", "changed", "inspect", "latency"}
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    sys.path.insert(0, str(ROOT))
    ensure_docker()
    recover_from_crash()
    clean_before = main_go_clean()
    if not clean_before:
        log(
            f"warning: {MAIN_GO.relative_to(ROOT)} differs from git before the run; it will be "
            "restored to exactly these bytes"
        )
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "rounds": args.rounds,
        "phases": phases,
        "plugin_command": " ".join(plugin_cmd(args.all_checks)[1:]).replace("-m pytest", "pytest"),
        "plain_command": "bench/plain_cli.sh",
    }
    started = time.perf_counter()
    tags: dict[str, str] = {}
    try:
        if "warm" in phases or "changed" in phases:
            log("warm-up: one unmeasured run of each side (fills each side's BuildKit cache)")
            timed("plugin", plugin_cmd(args.all_checks))
            timed("plain", plain_cmd())
        if "warm" in phases:
            report["warm"] = phase_full(args.rounds, args.all_checks, changed=False)
            assert_clean("warm", report)
        if "changed" in phases:
            changed_rounds = args.changed_rounds or max(1, args.rounds // 3)
            report["changed_rounds"] = changed_rounds
            report["changed"] = phase_full(changed_rounds, args.all_checks, changed=True)
            assert_clean("changed", report)
        if "inspect" in phases or "latency" in phases:
            log("building the three images with the docker CLI for inspection and latencies")
            tags = build_images()
        if "inspect" in phases:
            dive = ensure_dive()
            report["dive"] = {"path": dive, "version": DIVE_VERSION if dive else None}
            report["inspect"] = phase_inspect(args.rounds, tags, dive)
        if "latency" in phases:
            report["latency"] = phase_latency(args.rounds, tags)
        if args.profile:
            try:
                report["profile"] = profile_warm(args.all_checks)
            except (subprocess.CalledProcessError, OSError) as exc:
                report["profile"] = {"error": str(exc)}
                log(f"profiling failed: {exc}")
    finally:
        remove_images(tags)
        remove_bench_resources()
        if clean_before and not main_go_clean():
            raise SystemExit(f"BUG: {MAIN_GO} was left modified; restore it from {BACKUP}")
    assert_clean("all phases", report)
    dirty = (
        sh(
            "git", "-C", str(ROOT), "diff", "--quiet", "--", "example_project", check=False
        ).returncode
        != 0
    )
    report["example_project_git_clean"] = not dirty
    report["main_go_restored"] = main_go_clean() or not clean_before
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    report["machine"]["load_at_end"] = os.getloadavg()[0]
    summarize(report)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {args.output}")
    return 0


def summarize(report: dict[str, Any]) -> None:
    figures: dict[str, Any] = {}
    for phase in ("warm", "changed"):
        if phase in report:
            a, b = median(report[phase]["plugin"]), median(report[phase]["plain"])
            figures[f"{phase}_plugin_s_median"] = a
            figures[f"{phase}_plain_s_median"] = b
            figures[f"{phase}_ratio"] = ratio(a, b)
    if "inspect" in report:
        s = report["inspect"]["samples"]
        a, b = median(s["plugin"]), median(s["dive"])
        figures["inspect_plugin_s_median"] = a
        figures["inspect_dive_s_median"] = b
        figures["inspect_vs_dive_ratio"] = ratio(a, b)
    if "latency" in report:
        for key, values in report["latency"]["samples"].items():
            clean = [v for v in values if v == v]  # drop NaN
            figures[f"{key}_median"] = median(clean)
    report.update(figures)
    targets = {
        "warm_ratio": (figures.get("warm_ratio"), "<= 1.3"),
        "inspect_vs_dive_ratio": (figures.get("inspect_vs_dive_ratio"), "<= 0.333 (3x faster)"),
        "detect_latency_ms_median": (figures.get("detect_latency_ms_median"), "< 100"),
    }
    met = {
        "warm_ratio": lambda v: v <= 1.3,
        "inspect_vs_dive_ratio": lambda v: v <= 1 / 3,
        "detect_latency_ms_median": lambda v: v < 100,
    }
    report["targets"] = {
        k: {"value": v, "target": t, "met": (met[k](v) if v is not None else None)}
        for k, (v, t) in targets.items()
    }
    print("\n== medians ==")
    for key, value in figures.items():
        print(f"  {key:34s} {value}")
    print("== targets ==")
    for key, item in report["targets"].items():
        print(f"  {key:34s} {item['value']}  target {item['target']}  met={item['met']}")


if __name__ == "__main__":
    sys.exit(main())
