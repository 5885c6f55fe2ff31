"""A run that did not finish never reads as passed.

A user trial (`timeout --preserve-status -s INT 12.5 pytest --goimage -n 2 ...`, 2 tries of
11) got exit code 130, two tracebacks ending in KeyboardInterrupt, "42 passed, 2 skipped" of
44, and a JSON report saying `"outcome": "passed"`: `timeout` signals pytest, then its whole
process group, and the second SIGINT came while pytest's own `pytest_keyboard_interrupt` ran,
so the session ended with the status it had (0), and the report with it. The report now also
counts the items that were to run against those that reported, whatever the exit status.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from tests.acceptance.test_xdist_interrupt import _example_table, _tags_left, _wait_for, _workers
from tests.conftest import commit_checkout, plugin_resources, run_pytest_until

# The inner run's own test: it starts the image's service and waits there for the interrupt.
WAITING_TEST = """
import time


def test_waits(goimage_service, pytestconfig):
    (pytestconfig.rootpath / "waiting").touch()
    time.sleep(120)
"""

# One image's service is enough (the test is parametrized over the three). On the controller,
# pytest's handling of the interrupt takes as long as the test needs to send the second SIGINT
# into it: what `timeout`'s second signal hit by chance in the trial (pytest's terminal
# reporter formats the traceback there), marked by a file.
SLOW_INTERRUPT_HANDLING = """
import time
from pathlib import Path

ROOT = Path(__file__).parent
ON_CONTROLLER = []


def pytest_configure(config):
    # Not PYTEST_XDIST_WORKER: this test's own xdist worker hands it down to the inner run.
    if not hasattr(config, "workerinput"):
        ON_CONTROLLER.append(True)


def pytest_collection_modifyitems(config, items):
    other = [i for i in items if "test_waits[" in i.nodeid and "[Dockerfile]" not in i.nodeid]
    config.hook.pytest_deselected(items=other)
    items[:] = [i for i in items if i not in other]


def pytest_keyboard_interrupt(excinfo):
    if not ON_CONTROLLER:
        return
    (ROOT / "handling-interrupt").touch()
    deadline = time.monotonic() + 10
    while not (ROOT / "second-sent").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
"""


def _wait_or_show(proc: subprocess.Popen[str], printed: str, path: Path) -> None:
    """Wait for `path`; if it never comes, stop the run and fail with what it printed."""
    try:
        _wait_for([path])
    except AssertionError:
        proc.kill()
        raise AssertionError(f"no {path.name}:\n{printed}{proc.communicate()[0]}") from None


def test_a_second_sigint_while_pytest_handles_the_first_reads_as_interrupted(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """`timeout -s INT` sends the controller two SIGINTs and every worker one; the second to
    the controller lands while pytest handles the first. The report says interrupted, the
    terminal says what did not run, pytest exits 2 without a traceback, nothing is left."""
    root = example_copy(_example_table(), conftest=SLOW_INTERRUPT_HANDLING)
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_waits.py").write_text(textwrap.dedent(WAITING_TEST))
    commit_checkout(root, "report.json\nwaiting\nhandling-interrupt\nsecond-sent")
    args = ("--goimage", "-v", "-p", "xdist", "-n", "2", "-p", "no:randomly")
    proc, printed = run_pytest_until(
        root,
        "PASSED Dockerfile::go-version",
        *args,
        "--goimage-report=report.json",
        "Dockerfile::go-version",
        "tests/test_waits.py",
    )
    _wait_or_show(proc, printed, root / "waiting")
    workers = _workers(proc.pid)
    proc.send_signal(signal.SIGINT)  # timeout's own signal to pytest,
    for pid in workers:  # then its signal to the process group
        os.kill(pid, signal.SIGINT)
    _wait_or_show(proc, printed, root / "handling-interrupt")
    proc.send_signal(signal.SIGINT)  # the controller's second, while pytest handles the first
    (root / "second-sent").touch()
    out = printed + proc.communicate(timeout=120)[0]
    report = json.loads((root / "report.json").read_text())
    assert report["outcome"] == "failed" and report["interrupted"] is True, (report, out)
    assert report["images"][0]["checks"]["go-version"]["outcome"] == "passed", report
    assert "goimage: 1 of 2 selected items did not run (the run was interrupted): " in out, out
    assert "tests/test_waits.py::test_waits[Dockerfile]" in out, out
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    assert "Traceback" not in out, out
    assert plugin_resources(docker_client, root) == [], out
    assert _tags_left(docker_client, out) == [], out


def _waiting_run(root: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """`pytest --goimage` of the example copy at `root` without xdist, started and read until
    its own test waits for the interrupt (the go-version check has passed by then)."""
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_waits.py").write_text(textwrap.dedent(WAITING_TEST))
    commit_checkout(root, "report.json\nwaiting\nhandling-interrupt\nsecond-sent\nremoving")
    proc, printed = run_pytest_until(
        root,
        "Dockerfile::go-version PASSED",
        *("--goimage", "-v", "-p", "no:randomly", "Dockerfile::go-version", *args),
    )
    _wait_or_show(proc, printed, root / "waiting")
    return proc, printed


def test_the_echo_of_a_sigint_without_xdist_is_the_same_interrupt(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """Trial 11, a run without xdist: `timeout -s INT` signals pytest, then its process group;
    the second SIGINT landed while pytest handled the first, and the run ended with exit 130
    and two internal tracebacks. It is the same interrupt: exit 2, the report says so."""
    root = example_copy(_example_table(), conftest=SLOW_INTERRUPT_HANDLING)
    proc, printed = _waiting_run(root, "--goimage-report=report.json", "tests/test_waits.py")
    proc.send_signal(signal.SIGINT)
    _wait_or_show(proc, printed, root / "handling-interrupt")
    proc.send_signal(signal.SIGINT)  # the echo, while pytest handles the first
    (root / "second-sent").touch()
    out = printed + proc.communicate(timeout=120)[0]
    report = json.loads((root / "report.json").read_text())
    assert report["outcome"] == "failed" and report["interrupted"] is True, (report, out)
    assert "goimage: 1 of 2 selected items did not run (the run was interrupted): " in out, out
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    assert "Traceback" not in out, out
    assert plugin_resources(docker_client, root) == [], out


# An item that never reports, whatever the reason: pytest runs it through no protocol at all.
LOST_ITEM = """
def pytest_runtest_protocol(item, nextitem):
    if item.name == "test_lost":
        return True
"""

OWN_TESTS = """
import pytest


def test_ok():
    pass


@pytest.mark.skip(reason="skips count as reported")
def test_skipped():
    pass


def test_deselected():
    pass


def test_lost():
    pass
"""


@pytest.mark.parametrize("xdist", [False, True], ids=["no-xdist", "xdist"])
@pytest.mark.parametrize("lost", [False, True], ids=["all-reported", "one-lost"])
def test_a_selected_item_that_never_reported_fails_the_report(
    example_copy: Callable[..., Path], xdist: bool, lost: bool
) -> None:
    """Whatever the exit status: an item that was selected (not one -k deselected, not a
    skip) and reported no result makes the report say failed and interrupted; with every
    item reported, the same run passes."""
    root = example_copy(_example_table(), conftest=LOST_ITEM if lost else "")
    (root / "test_own.py").write_text(textwrap.dedent(OWN_TESTS))
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly"]
    command += ["--goimage", "--goimage-report=report.json", "-k", "not deselected"]
    command += ["-p", "xdist", "-n", "2"] if xdist else []
    command += ["Dockerfile::go-version", "test_own.py"]
    summary = root / "summary.md"  # the GitHub step summary
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    report = json.loads((root / "report.json").read_text())
    if not lost:
        assert report["outcome"] == "passed" and "interrupted" not in report, (report, out)
        assert "did not run" not in out + summary.read_text(), out
        return
    assert report["outcome"] == "failed" and report["interrupted"] is True, (report, out)
    assert "goimage: 1 of 4 selected items did not run (the run was interrupted): " in out, out
    assert "test_own.py::test_lost; the JSON report report.json says failed" in out, out
    note = "**1 of 4 selected items did not run (the run was interrupted).**"
    assert note in summary.read_text(), summary.read_text()


# The inner run takes 4 s to remove its image tags, as on a slow engine, and says when it starts.
SLOW_REMOVALS = """
import time
from pathlib import Path

from pytest_goimage import run_folder

ROOT = Path(__file__).parent
_remove = run_folder.remove_run_resources


def _slowly(shared):
    (ROOT / "removing").touch()
    time.sleep(4)
    _remove(shared)


run_folder.remove_run_resources = _slowly
"""


@pytest.mark.parametrize("guarded", [True, False], ids=["report-waits", "nothing-to-wait-for"])
def test_a_ctrl_c_while_a_finished_run_removes_what_it_made_is_an_interrupted_run(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
    guarded: bool,
) -> None:
    """A run without xdist whose items all passed, then one Ctrl-C while it removed what it
    made: pytest exits 2 as for any interrupted run (it exited 0, which a gate reads as a clean
    pass). With a report to write the Ctrl-C is noted and the removals finish; where the run
    made nothing that must be removed first, it stops them at once and says how to finish."""
    root = example_copy(_example_table(), conftest=SLOW_REMOVALS)
    commit_checkout(root, "removing\nreport.json")
    report = ["--goimage-report=report.json"] if guarded else []
    proc, printed = run_pytest_until(
        root,
        "Dockerfile::go-version PASSED",
        *("--goimage", "-v", "-p", "no:randomly", *report, "Dockerfile::go-version"),
    )
    _wait_or_show(proc, printed, root / "removing")
    proc.send_signal(signal.SIGINT)
    out = printed + proc.communicate(timeout=120)[0]
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out
    noted = (
        "goimage: interrupted; removing what the run started first (Ctrl-C again to stop now: "
        "the next run removes what is left)"
    )
    stopped = "goimage: stopped while removing what the run started."
    assert (noted in out, stopped in out) == (guarded, not guarded), out
    assert plugin_resources(docker_client, root) == [], out


@pytest.mark.parametrize("presses", [2, 3], ids=["second-waits", "third-stops"])
def test_ctrl_c_again_while_the_run_removes_what_it_made(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
    presses: int,
) -> None:
    """Trial 14, a run without xdist: a second Ctrl-C while the run removed what it made
    printed an internal traceback, exited 130 and left the image tags. Now it is noted and
    said, and the removals finish; a third stops them and prints the commands that remove
    what is left (which work). Exit 2 and no traceback either way."""
    root = example_copy(_example_table(), conftest=SLOW_REMOVALS)
    proc, printed = _waiting_run(root, "tests/test_waits.py::test_waits[Dockerfile]")
    proc.send_signal(signal.SIGINT)  # the Ctrl-C that ends the run
    _wait_or_show(proc, printed, root / "removing")
    for _ in range(presses - 1):  # each later than an interrupt's echo
        time.sleep(1.3)
        proc.send_signal(signal.SIGINT)
    out = printed + proc.communicate(timeout=120)[0]
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out.split("!!!")[0], out
    assert (
        "goimage: interrupted; removing what the run started first (Ctrl-C again to stop now: "
        "the next run removes what is left)"
    ) in out, out
    if presses == 2:
        assert "stopped while removing" not in out, out
        assert _tags_left(docker_client, out) == [], out
    else:
        assert "goimage: stopped while removing what the run started." in out, out
        assert "The next `pytest --goimage` removes what is left; to remove it now:" in out, out
        assert _tags_left(docker_client, out), out  # the removal was stopped before the tags
        commands = [line.strip() for line in out.splitlines() if line.startswith("  docker ")]
        assert len(commands) == 3 and commands[2].startswith("docker rmi goimage/"), out
        for command in commands:
            subprocess.run(command, shell=True, check=True, capture_output=True)
        assert _tags_left(docker_client, out) == [], out
    assert plugin_resources(docker_client, root) == [], out
