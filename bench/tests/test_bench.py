"""The benchmark's own tests, on the real engine (run explicitly: `pytest bench/tests`).

The plain script is the baseline every ratio divides by: each test here breaks one thing the
plugin checks and expects the script's exact failure line, so a baseline that skipped a check
(and so looked faster) would fail here. The inspection worker must take the path it is asked to
time, or the overlay and API figures would silently be the same measurement.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
DOCKER = "/usr/bin/docker"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
LABEL = "io.github.pytest-goimage.bench"

sys.path.insert(0, str(BENCH))
import run as bench_run  # noqa: E402  (bench/run.py, not a package)

pytestmark = pytest.mark.skipif(
    subprocess.run([DOCKER, "info"], capture_output=True).returncode != 0,
    reason="needs the Docker engine (make bootstrap)",
)


def commit(repo: Path, message: str) -> None:
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qm", message], check=True)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A git checkout of example_project/ (without its tests/), as bench/run.py makes it."""
    copy = tmp_path / "example_project"
    shutil.copytree(
        ROOT / "example_project",
        copy,
        ignore=shutil.ignore_patterns("tests", ".goimage*", "__pycache__", ".pytest_cache"),
    )
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    commit(copy, "base")
    return copy


def plain(example: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(BENCH / "plain_cli.sh"), str(example)],
        capture_output=True,
        text=True,
        timeout=900,
    )


def bench_leftovers() -> list[str]:
    found = subprocess.run(
        [DOCKER, "ps", "-a", "--filter", f"label={LABEL}", "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found += subprocess.run(
        [DOCKER, "network", "ls", "--filter", f"label={LABEL}", "--format", "{{.Name}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return found


def test_plain_script_passes_all_three_images_and_leaves_nothing(example: Path) -> None:
    done = plain(example)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(
        r"ok   Dockerfile  size=\d+  binary=/app/main\n"
        r"ok   Dockerfile\.prod  size=\d+  binary=/app/api\n"
        r"ok   backend/Dockerfile  size=\d+  binary=/usr/local/bin/bookmark-api\n"
        r"ok   parity\n",
        done.stdout,
    )
    assert bench_leftovers() == []


def test_plain_script_fails_on_an_untracked_go_file(example: Path) -> None:
    (example / "backend" / "extra.go").write_text("package main\n")
    done = plain(example)
    assert (done.returncode, done.stderr) == (
        1,
        "FAIL Dockerfile: untracked Go build inputs: ?? backend/extra.go\n",
    )


def test_plain_script_fails_when_a_workflow_pins_another_go(example: Path) -> None:
    ci = example / ".github" / "workflows" / "ci.yml"
    ci.write_text(ci.read_text().replace("go-version: '1.26.8'", "go-version: '1.25.3'"))
    commit(example, "pin another Go in CI")
    done = plain(example)
    assert (done.returncode, done.stderr) == (
        1,
        "FAIL Dockerfile: binary built with go1.26.8, pinned go1.25.3\n",
    )
    assert bench_leftovers() == []


def test_plain_script_fails_on_a_secret_looking_env(example: Path) -> None:
    dockerfile = example / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "ENV API_TOKEN=abcdef0123456789\n")
    commit(example, "ship a token")
    done = plain(example)
    assert (done.returncode, done.stderr) == (
        1,
        "FAIL Dockerfile: secret-looking ENV or build argument\n",
    )
    assert "abcdef0123456789" not in done.stdout + done.stderr


def test_plain_script_fails_on_a_secret_looking_build_argument(example: Path) -> None:
    dockerfile = example / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "ARG API_TOKEN=abcdef0123456789\nRUN true\n")
    commit(example, "a token as a build argument")
    done = plain(example)
    assert (done.returncode, done.stderr) == (
        1,
        "FAIL Dockerfile: secret-looking ENV or build argument\n",
    )


def test_plain_script_fails_when_the_prod_image_runs_as_root(example: Path) -> None:
    prod = example / "Dockerfile.prod"
    prod.write_text(prod.read_text().replace("USER 65532:65532\n", ""))
    commit(example, "prod as root")
    done = plain(example)
    assert (done.returncode, done.stderr) == (1, "FAIL Dockerfile.prod: runs as root ('')\n")


def test_plain_script_waits_for_redis_before_the_service(example: Path) -> None:
    """The script waits for its Redis to answer PING: a container under the `cache` alias that
    does not speak Redis (a MinIO image here) fails the wait instead of passing it."""
    script = (BENCH / "plain_cli.sh").read_text()
    broken = example.parent / "plain_cli_no_redis.sh"
    broken.write_text(
        script.replace(
            "REDIS_IMAGE=redis:7", "REDIS_IMAGE=goimage/minio:20260212201848-7aac2a2c5b7c"
        ).replace("TIMEOUT=30 ", "TIMEOUT=3 ")
    )
    done = subprocess.run(
        ["bash", str(broken), str(example)], capture_output=True, text=True, timeout=900
    )
    assert (done.returncode, done.stderr) == (1, "FAIL backend/Dockerfile: Redis not ready\n")
    assert bench_leftovers() == []


@pytest.fixture(scope="module")
def image() -> Iterator[dict[str, str]]:
    tag = "gibenchtest/dockerfile:bench"
    subprocess.run(
        [
            DOCKER,
            "build",
            "-q",
            "--build-arg",
            "GIT_SHA=" + "0" * 40,
            "--label",
            f"{LABEL}=test",
            "-f",
            str(ROOT / "example_project" / "Dockerfile"),
            "-t",
            tag,
            str(ROOT / "example_project"),
        ],
        env={**os.environ, "DOCKER_BUILDKIT": "1"},
        check=True,
        capture_output=True,
    )
    yield {"Dockerfile": tag}
    subprocess.run([DOCKER, "rmi", tag], check=True, capture_output=True)


def test_inspect_worker_takes_the_api_path_with_the_layers_masked(
    image: dict[str, str],
) -> None:
    result = bench_run.inspect_worker("api", image)
    assert result["paths"] == {"Dockerfile": "api (layer directories are not readable from here)"}
    assert result["facts"]["Dockerfile"]["static"] is True


def test_a_masked_command_sees_no_layers_but_reaches_the_engine() -> None:
    """warm_api's plugin side: /var/lib/docker is empty for it, the engine still answers."""
    probe = f"ls -A /var/lib/docker; {DOCKER} version --format '{{{{.Server.Version}}}}'"
    done = bench_run.sh(*bench_run.MASKED, "sh", "-c", probe)
    server = bench_run.sh(DOCKER, "version", "--format", "{{.Server.Version}}")
    assert done.stdout == server.stdout
    bench_run.engine_data_masked()  # the engine's layers are where MASKED hides them


def test_an_engine_keeping_its_data_elsewhere_is_refused_for_the_api_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def info(*cmd: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(list(cmd), 0, "/srv/docker\n", "")

    monkeypatch.setattr(bench_run, "sh", info)
    with pytest.raises(RuntimeError, match="keeps its data in /srv/docker, not /var/lib/docker"):
        bench_run.engine_data_masked()


def test_the_bare_export_streams_each_image_and_refuses_a_missing_one(
    image: dict[str, str],
) -> None:
    seconds = bench_run.export_once(image)
    assert list(seconds) == ["Dockerfile"]
    assert seconds["Dockerfile"] > 0
    # A wrong name must stop the bench, not time curl printing a 404.
    with pytest.raises(subprocess.CalledProcessError):
        bench_run.export_once({"Dockerfile": "gibenchtest/no-such-image:bench"})


def test_inspect_worker_takes_the_overlay_path_as_root(image: dict[str, str]) -> None:
    result = bench_run.inspect_worker("overlay", image)
    assert result["paths"] == {"Dockerfile": "overlay"}


def test_inspect_worker_refuses_a_path_other_than_the_expected_one(
    image: dict[str, str],
) -> None:
    with pytest.raises(
        RuntimeError, match=r"expected the api path, took: \{'Dockerfile': 'overlay'\}"
    ):
        # Unmasked, the worker reads the overlay directories: asked for "api", it must refuse.
        subprocess_worker_unmasked("api", image)


def subprocess_worker_unmasked(path: str, tags: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "inspect_worker.py"), "--expect", path]
        + [f"{t}={d}" for d, t in tags.items()],
        capture_output=True,
        text=True,
        env=bench_run.child_env(),
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip())


def test_go_change_is_committed_inside_and_reset_afterwards(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main_go = example / "backend" / "cmd" / "api" / "main.go"
    monkeypatch.setattr(bench_run, "EXAMPLE", example)
    monkeypatch.setattr(bench_run, "MAIN_GO", main_go)
    base = bench_run.git(example, "rev-parse", "HEAD")
    original = main_go.read_bytes()
    with bench_run.go_change("tok1", base):
        assert "[bench tok1]" in main_go.read_text()
        assert bench_run.git(example, "rev-parse", "HEAD^") == base
        assert bench_run.git(example, "status", "--porcelain") == ""
    assert bench_run.git(example, "rev-parse", "HEAD") == base
    assert main_go.read_bytes() == original


@pytest.fixture(scope="module")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv like the one the timed pytest runs in (this tree, no extras), of its own:
    a benchmark running meanwhile keeps its own."""
    venv = tmp_path_factory.mktemp("user") / "venv"
    made = bench_run.make_user_venv(venv)
    assert made["pytest_plugins"] == ["pytest_goimage.plugin", "testinfra.plugin"]
    return venv


def test_the_timed_pytest_has_the_plugins_dependencies_and_no_test_tool(user_venv: Path) -> None:
    done = subprocess.run(
        [str(user_venv / "bin" / "python"), "-m", "pip", "freeze"], capture_output=True, text=True
    )
    names = {line.split("==")[0].split(" @ ")[0].lower() for line in done.stdout.split()}
    assert {"docker", "minio", "pyelftools", "pytest", "pytest-testinfra"} <= names
    assert not {"hypothesis", "pytest-xdist", "mypy", "ruff", "mutmut"} & names


@pytest.mark.parametrize(("side", "loaded"), [("with", True), ("without", False)])
def test_idle_pair_differs_in_whether_the_plugin_is_loaded(
    tmp_path: Path, side: str, loaded: bool, user_venv: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "one-test"\nversion = "0"\n')
    (tmp_path / "test_one.py").write_text("def test_one() -> None:\n    assert True\n")
    assert (
        plugin_loaded(bench_run.idle_commands(user_venv / "bin" / "python")[side], tmp_path)
        is loaded
    )


def plugin_loaded(cmd: list[str], project: Path) -> bool:
    """Run one side of an idle pair in `project` (it must pass); whether the plugin loaded."""
    env = bench_run.child_env()
    env.pop("PYTEST_XDIST_WORKER", None)  # a worker's, when these tests run under xdist
    done = subprocess.run(
        [*cmd, "--trace-config"], cwd=project, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return "PLUGIN registered: <module 'pytest_goimage.plugin'" in done.stdout


@pytest.fixture(scope="module")
def xdist_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The idle phase's second virtualenv: the user's one plus pytest-xdist."""
    venv = tmp_path_factory.mktemp("xdist") / "venv"
    made = bench_run.make_user_venv(venv, ("pytest-xdist",))
    assert "xdist.plugin" in made["pytest_plugins"]
    assert "pytest_goimage.plugin" in made["pytest_plugins"]
    return venv


@pytest.mark.parametrize(("side", "loaded"), [("with", True), ("without", False)])
def test_the_xdist_idle_pair_runs_two_workers_and_differs_in_the_plugin_only(
    tmp_path: Path, side: str, loaded: bool, xdist_venv: Path
) -> None:
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    # The one test fails unless an xdist worker runs it, and says whether the plugin is loaded
    # there: `-p no:goimage` must reach the workers too.
    (tmp_path / "test_one.py").write_text(
        "import os\nimport sys\nfrom pathlib import Path\n\ndef test_one() -> None:\n"
        "    assert os.environ.get('PYTEST_XDIST_WORKER') in ('gw0', 'gw1')\n"
        "    loaded = 'pytest_goimage.plugin' in sys.modules\n"
        "    Path(__file__).with_name('worker.txt').write_text(str(loaded))\n"
    )
    commands = bench_run.idle_commands(xdist_venv / "bin" / "python", bench_run.XDIST_ARGS)
    assert plugin_loaded(commands[side], tmp_path) is loaded
    assert (tmp_path / "worker.txt").read_text() == str(loaded)


def test_a_plugin_run_that_skips_a_check_the_plain_script_runs_is_refused() -> None:
    stdout = (
        "SKIPPED [1] Dockerfile: require_non_root is not set in [tool.goimage], so any USER is "
        "accepted.\n"
        "SKIPPED [1] Dockerfile: not a git repository, so there is no clean checkout to compare "
        "with.\n"
    )
    with pytest.raises(
        RuntimeError,
        match=r"skipped checks the plain script runs:\nSKIPPED \[1\] Dockerfile: not a git",
    ):
        bench_run.check_plugin_skips(stdout)


def test_a_plugin_run_that_skips_only_user_where_not_required_is_accepted() -> None:
    bench_run.check_plugin_skips(
        "SKIPPED [1] backend/Dockerfile: require_non_root is not set in [tool.goimage], so any "
        "USER is accepted.\n31 passed, 2 skipped in 7.50s\n"
    )


def test_a_target_gets_no_verdict_from_fewer_than_five_rounds() -> None:
    report = {"warm": {"ratio": bench_run.stats([0.4, 0.45, 0.42, 0.41])}}
    bench_run.summarize(report)
    assert report["targets"]["warm_ratio"] == {
        "target": "<= 0.5 (plugin / plain script)",
        "met": None,
        "note": "4 rounds, fewer than 5: no verdict",
    }


def test_a_target_met_over_five_rounds_says_so() -> None:
    report = {"warm": {"ratio": bench_run.stats([0.4, 0.45, 0.42, 0.41, 0.6])}}
    bench_run.summarize(report)
    assert report["targets"]["warm_ratio"] == {
        "target": "<= 0.5 (plugin / plain script)",
        "met": True,
    }


def test_merge_keeps_the_phases_not_run_with_the_date_they_were_measured() -> None:
    earlier: dict[str, Any] = {
        "date": "2026-11-30T01:02:13+00:00",
        "phases": list(bench_run.PHASES),
        "warm": {"ratio": bench_run.stats([0.8] * 5)},
        "cold": {"ratio": bench_run.stats([0.88] * 5)},
        "inspect": {
            "api_vs_dive": bench_run.stats([1.1] * 5),
            "measured": {"date": "2026-11-29T20:00:00+00:00", "commit": "0ld0ld0"},
        },
        "dive": {"path": "dive", "version": "v0.13.1"},
    }
    measured_now = {"date": "2026-11-30T08:00:00+00:00", "commit": "abc1234"}
    now: dict[str, Any] = {
        "date": measured_now["date"],
        "commit": "abc1234",
        "phases": ["warm", "inspect"],  # inspect asked for, not measured (no dive)
        "warm": {"ratio": bench_run.stats([0.6] * 5), "measured": measured_now},
    }
    result = bench_run.merged(earlier, now)
    assert result["phases"] == ["warm", "cold", "inspect"]
    assert result["warm"] == now["warm"]
    assert result["cold"]["measured"] == {"date": "2026-11-30T01:02:13+00:00", "commit": None}
    assert result["cold"]["ratio"] == earlier["cold"]["ratio"]
    assert result["dive"] == earlier["dive"]
    assert result["merged_from"] == {
        "cold": {"date": "2026-11-30T01:02:13+00:00", "commit": None},
        # A phase that was itself kept from an older run keeps that run's mark.
        "inspect": {"date": "2026-11-29T20:00:00+00:00", "commit": "0ld0ld0"},
    }
    table = bench_run.markdown_table({**result, "targets": {}})
    assert "| `warm_ratio` | **0.6** |" in table
    assert table.count("2026-11-30T01:02:13+00:00 (?) |") == 1  # the cold row
    assert table.count("2026-11-29T20:00:00+00:00 (0ld0ld0) |") == 1  # the API row
    assert (
        "Kept from earlier runs: cold, inspect (see `measured`; the load and rounds above are "
        "this run's; each phase records its own)." in table
    )


FACTS = (
    "go go1.26.8\n"
    "\tpath\tgithub.com/example/bookmark-sync/backend/cmd/api\n"
    "\tdep\tgithub.com/minio/minio-go/v7\tv7.0.95\n"
    "\tbuild\tCGO_ENABLED=0\n"
)


def parity(tmp_path: Path, facts: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The plain script's own check_parity function, on facts files written here."""
    script = (BENCH / "plain_cli.sh").read_text()
    function = re.search(r"^check_parity\(\) \{.*?^\}$", script, re.S | re.M)
    assert function is not None
    args = []
    for name, text in facts.items():
        (tmp_path / name).write_text(text)
        args.append(f"{name}={tmp_path / name}")
    program = 'set -euo pipefail\nfail() { echo "FAIL $*" >&2; exit 1; }\n'
    program += function.group(0) + '\ncheck_parity "$@"\n'
    return subprocess.run(["bash", "-c", program, "parity", *args], capture_output=True, text=True)


def test_plain_parity_fails_when_two_images_link_another_module_version(tmp_path: Path) -> None:
    done = parity(
        tmp_path,
        {"Dockerfile": FACTS, "Dockerfile.prod": FACTS.replace("v7.0.95", "v7.0.94")},
    )
    assert (done.returncode, done.stderr) == (
        1,
        "FAIL parity: Dockerfile and Dockerfile.prod build "
        "github.com/example/bookmark-sync/backend/cmd/api differently: "
        "< \tdep\tgithub.com/minio/minio-go/v7\tv7.0.95 > \tdep\tgithub.com/minio/minio-go/v7\tv7.0.94 \n",
    )


def test_plain_parity_compares_only_binaries_of_the_same_main_package(tmp_path: Path) -> None:
    other = FACTS.replace("backend/cmd/api", "cmd/other").replace("v7.0.95", "v7.0.94")
    done = parity(tmp_path, {"Dockerfile": FACTS, "Dockerfile.prod": FACTS, "worker": other})
    assert (done.returncode, done.stderr) == (0, "")


# /proc/stat's first line: user nice system idle iowait irq softirq steal guest guest_nice.
STAT = "cpu  1000 200 300 5000 400 60 70 800 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"


def test_cpu_times_reads_busy_and_all_from_the_fields_of_proc_stat() -> None:
    ticks = os.sysconf("SC_CLK_TCK")
    busy, every = bench_run.cpu_times(STAT)
    assert busy * ticks == pytest.approx(1000 + 200 + 300 + 60 + 70)  # steal left out
    assert every * ticks == pytest.approx(1630 + 5000 + 400)


def test_cpu_times_count_a_busy_loop_as_busy() -> None:
    busy_before, _ = bench_run.cpu_times()
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # 0.3 s of this process's own CPU
        pass
    busy_after, _ = bench_run.cpu_times()
    assert busy_after - busy_before >= 0.25


def fake_proc(root: Path, processes: dict[str, tuple[str, str, int]]) -> Path:
    """A /proc with `pid: (comm, parent pid, utime)`; stime, cutime and cstime are 1, 2 and 3
    ticks, and the name in stat has parentheses and spaces of its own (as comm may)."""
    for pid, (comm, parent, utime) in processes.items():
        (root / pid).mkdir(parents=True)
        (root / pid / "comm").write_text(comm + "\n")
        (root / pid / "stat").write_text(
            f"{pid} ({comm} (x) y) S {parent} " + "0 " * 9 + f"{utime} 1 2 3 20 0 1\n"
        )
    return root


def test_engine_pids_are_dockerd_from_its_pid_file_and_the_containerd_it_runs(
    tmp_path: Path,
) -> None:
    proc = fake_proc(
        tmp_path / "proc",
        {
            "101": ("dockerd", "1", 0),
            "102": ("containerd", "101", 0),  # dockerd's own
            "103": ("containerd-shim", "1", 0),  # the containers' side
            "104": ("python3", "1", 0),
            "201": ("dockerd", "900", 0),  # a dockerd in a container
            "202": ("containerd", "201", 0),
            "301": ("containerd", "1", 0),  # a system containerd
        },
    )
    (tmp_path / "docker.pid").write_text("101\n")
    (tmp_path / "containerd.pid").write_text("301\n")
    none = tmp_path / "none.pid"
    assert bench_run.engine_pids(proc, tmp_path / "docker.pid", none) == {"101", "102"}
    assert bench_run.engine_pids(proc, tmp_path / "docker.pid", tmp_path / "containerd.pid") == {
        "101",
        "102",
        "301",
    }
    # Without a pid file: every dockerd, and the containerd each one runs.
    assert bench_run.engine_pids(proc, none, none) == {"101", "102", "201", "202"}
    # A stale pid file (another program has the pid now) names no dockerd.
    (tmp_path / "stale.pid").write_text("104\n")
    assert bench_run.engine_pids(proc, tmp_path / "stale.pid", none) == {
        "101",
        "102",
        "201",
        "202",
    }


def test_owner_cpu_sums_the_engines_cpu_with_its_reaped_children(tmp_path: Path) -> None:
    """utime, stime, cutime and cstime (fields 14-17) of each engine process; one gone since
    the listing counts nothing."""
    ticks = os.sysconf("SC_CLK_TCK")
    proc = fake_proc(tmp_path, {"101": ("dockerd", "1", 100), "102": ("containerd", "101", 30)})
    engine, _ = bench_run.owner_cpu(proc, ["101", "102", "999"])
    assert engine * ticks == pytest.approx((100 + 1 + 2 + 3) + (30 + 1 + 2 + 3))


def test_owner_cpu_counts_a_busy_child_and_finds_the_running_engine() -> None:
    engine_before, command_before = bench_run.owner_cpu()
    busy = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", busy], check=True)
    name = f"{bench_run.RUN}-owner-cpu"
    for _ in range(2):  # the engine's own work: a bridge, its iptables rules
        subprocess.run([DOCKER, "network", "create", name], check=True, capture_output=True)
        subprocess.run([DOCKER, "network", "rm", name], check=True, capture_output=True)
    engine_after, command_after = bench_run.owner_cpu()
    assert command_after - command_before >= 0.25
    assert engine_after - engine_before > 0


def test_pairs_split_each_sides_cpu_into_engine_command_and_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rest is the machine's busy time less the engine's and the command's."""
    machine = iter([(10.0, 20.0), (16.0, 24.0), (16.0, 24.0), (19.0, 26.0)])
    owners = iter([(1.0, 1.0), (3.0, 2.5), (3.0, 2.5), (3.5, 3.0)])
    monkeypatch.setattr(bench_run, "cpu_times", lambda: next(machine))
    monkeypatch.setattr(bench_run, "owner_cpu", lambda: next(owners))
    monkeypatch.setattr(bench_run, "load1", lambda: 0.5)
    monkeypatch.setattr(bench_run, "log", lambda message: None)
    result = bench_run.alternating_pairs("t", 1, ("a", "b"), lambda side, r: 1.0)
    split = result["cpu_split_s"]
    assert {owner: v["rounds"] for owner, v in split["a"].items()} == {
        "engine": [2.0],
        "command": [1.5],
        "rest": [2.5],
    }
    assert {owner: v["rounds"] for owner, v in split["b"].items()} == {
        "engine": [0.5],
        "command": [0.5],
        "rest": [2.0],
    }
    assert result["cpu_busy_s"]["a"]["rounds"] == [6.0]


LABEL_OF = f'{{{{index .Config.Labels "{LABEL}"}}}} {{{{index .Config.Labels "rev"}}}}'


def test_cli_builds_build_each_tag_one_after_the_other_or_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both sides of cold_builds run plain_cli.sh's build: the commit as GIT_SHA, the bench's
    label; a failed build stops the phase with its output."""
    monkeypatch.setattr(bench_run, "EXAMPLE", tmp_path)
    (tmp_path / "a.Dockerfile").write_text("FROM alpine:3.22\nARG GIT_SHA\nLABEL rev=$GIT_SHA\n")
    (tmp_path / "b.Dockerfile").write_text("FROM alpine:3.22\nARG GIT_SHA\nLABEL rev=b-$GIT_SHA\n")
    (tmp_path / "broken.Dockerfile").write_text("FROM alpine:3.22\nRUN echo oh no && false\n")
    for concurrently in (False, True):
        tags = {
            name: bench_run.bench_tag(name, f"t{int(concurrently)}")
            for name in ("a.Dockerfile", "b.Dockerfile")
        }
        try:
            bench_run.cli_builds(concurrently, tags, "c0ffee")
            labels = subprocess.run(
                [DOCKER, "image", "inspect", "--format", LABEL_OF, *tags.values()],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()
            assert labels == [f"{bench_run.RUN} c0ffee", f"{bench_run.RUN} b-c0ffee"]
        finally:
            bench_run.remove_images(tags)
    broken = {"broken.Dockerfile": bench_run.bench_tag("broken.Dockerfile", "t")}
    for concurrently in (False, True):
        with pytest.raises(
            RuntimeError,
            match=r"builds failed: .*broken\.Dockerfile .*\(exit 1\): #\d+ ERROR: .*oh no",
        ):
            bench_run.cli_builds(concurrently, broken, "c0ffee")


def test_cold_builds_alternates_the_sides_on_the_same_tags_from_a_pruned_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each side: the images removed, then the cache pruned, then the builds timed; the tags
    are removed at the end, also when a build fails."""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(bench_run, "git", lambda cwd, *args: "c0ffee")
    monkeypatch.setattr(bench_run, "load1", lambda: 0.5)
    monkeypatch.setattr(bench_run, "log", lambda message: None)
    monkeypatch.setattr(
        bench_run, "remove_images", lambda tags: calls.append(("rm", *tags.values()))
    )
    monkeypatch.setattr(bench_run, "prune_build_cache", lambda: calls.append(("prune",)))

    def builds(concurrently: bool, tags: dict[str, str], head: str) -> None:
        calls.append(("build", concurrently, head, *tags.values()))

    monkeypatch.setattr(bench_run, "cli_builds", builds)
    result = bench_run.phase_cold_builds(2)
    tags = tuple(bench_run.bench_tag(d, "cold-builds") for d in bench_run.DOCKERFILES)
    side = [("rm", *tags), ("prune",)]
    assert calls == [
        *side, ("build", False, "c0ffee", *tags),
        *side, ("build", True, "c0ffee", *tags),
        *side, ("build", True, "c0ffee", *tags),
        *side, ("build", False, "c0ffee", *tags),
        ("rm", *tags),
    ]  # fmt: skip
    assert result["first"] == ["sequential", "concurrent"]
    assert len(result["ratio"]["rounds"]) == 2
    assert result["load1_before"] == {"sequential": [0.5, 0.5], "concurrent": [0.5, 0.5]}

    def failing(concurrently: bool, tags: dict[str, str], head: str) -> None:
        raise RuntimeError("builds failed: broken")

    calls.clear()
    monkeypatch.setattr(bench_run, "cli_builds", failing)
    with pytest.raises(RuntimeError, match="builds failed: broken"):
        bench_run.phase_cold_builds(2)
    assert calls == [*side, ("rm", *tags)]


@pytest.mark.parametrize("kind", ["warm", "warm_api", "cold", "changed"])
def test_full_phases_alternate_plugin_and_plain_with_their_own_preparation(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """cold prunes before each side (not timed); changed commits a change per side around the
    timed run (the clock and the CPU reading inside it); warm_api runs the plugin with
    /var/lib/docker masked, the plain script as it is; the ratio is plugin over plain."""
    calls: list[str] = []
    seconds = {"plugin": 2.0, "plain": 4.0}
    monkeypatch.setattr(bench_run, "plugin_cmd", lambda: ["plugin"])
    monkeypatch.setattr(bench_run, "plain_cmd", lambda: ["plain"])
    monkeypatch.setattr(bench_run, "load1", lambda: 0.5)
    monkeypatch.setattr(bench_run, "log", lambda message: None)
    monkeypatch.setattr(bench_run, "prune_build_cache", lambda: calls.append("prune"))
    monkeypatch.setattr(bench_run, "engine_data_masked", lambda: calls.append("root checked"))

    def cpu_times() -> tuple[float, float]:
        calls.append("cpu")
        return 1.0, 2.0

    monkeypatch.setattr(bench_run, "cpu_times", cpu_times)

    @contextlib.contextmanager
    def go_change(token: str, base: str) -> Iterator[None]:
        calls.append(f"change {token.split('-')[0]} {token.rsplit('-', 1)[1]} on {base}")
        yield
        calls.append("reset")

    monkeypatch.setattr(bench_run, "go_change", go_change)

    def timed(name: str, cmd: list[str]) -> float:
        masked = cmd[: len(bench_run.MASKED)] == bench_run.MASKED
        calls.append(f"run {cmd[-1]}{' masked' if masked else ''}")
        return seconds[name]

    monkeypatch.setattr(bench_run, "timed", timed)
    result = bench_run.phase_full(kind, 2, "base")

    def side(name: str, r: int) -> list[str]:
        masked = " masked" if kind == "warm_api" and name == "plugin" else ""
        run = ["cpu", f"run {name}{masked}", "cpu"]
        if kind == "changed":
            return [f"change {name} {r} on base", *run, "reset"]
        return ["prune", *run] if kind == "cold" else run

    checked = ["root checked"] if kind == "warm_api" else []
    assert calls == [
        *checked, *side("plugin", 0), *side("plain", 0), *side("plain", 1), *side("plugin", 1)
    ]  # fmt: skip
    assert result["first"] == ["plugin", "plain"]
    assert result["ratio"]["rounds"] == [0.5, 0.5]
    assert result["plugin_s"]["rounds"] == [2.0, 2.0]
    assert result["load1_before"] == {"plugin": [0.5, 0.5], "plain": [0.5, 0.5]}


@pytest.mark.parametrize(
    "patch", sorted((BENCH / "experiments").glob("*.patch")), ids=lambda path: path.stem
)
def test_each_experiment_still_applies_and_has_its_switch(patch: Path) -> None:
    """bench/README.md's experiments stay reproducible: each patch applies to this tree and is
    switched on by one GOIMAGE_EXP_* variable (ab.sh sets it on the patched side only)."""
    subprocess.run(["git", "-C", str(ROOT), "apply", "--check", str(patch)], check=True)
    assert len(set(re.findall(r"GOIMAGE_EXP_[A-Z_]+", patch.read_text()))) == 1
