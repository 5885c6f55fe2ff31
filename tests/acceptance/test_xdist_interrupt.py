"""Ctrl-C at the end of an xdist run: the workers are removing their containers when it comes.

A terminal's Ctrl-C signals the whole process group (the controller and its workers);
`timeout -s INT` and CI runners' cancel signal the controller only. Either way the run removes
every container, network and image tag it made, and its JSON report says it was interrupted.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from tests.conftest import EXAMPLE, commit_checkout, image_tags, plugin_resources, run_pytest_until


def _example_table() -> str:
    """The example's own [tool.goimage]: three images, one with a Redis beside MinIO."""
    text = (EXAMPLE / "pyproject.toml").read_text()
    return text[text.index("[tool.goimage]") :]


# The inner run's workers say when they start removing their containers (each once, at the
# end of its session) and take 3 s longer at it, as on a slow engine: the test interrupts the
# run once both are at it, so the last worker is removing its service, MinIO, Redis and
# network when the signal comes.
SLOW_REMOVAL = """
import time

from pytest_goimage.engine import runtime_pool

def pytest_configure(config):
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker is None:
        return
    close = runtime_pool.RuntimePool.close

    def slow_close(self):
        (config.rootpath / f"removing-{worker}").touch()
        time.sleep(3)
        close(self)

    runtime_pool.RuntimePool.close = slow_close
"""


def _workers(controller: int) -> list[int]:
    """The xdist workers: the controller's child processes."""
    found = subprocess.run(["pgrep", "-P", str(controller)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def _tags_left(client: docker.DockerClient, out: str) -> list[str]:
    """The image tags of the run that printed `out` still on the engine (another test's run in
    a folder of the same name makes tags with the same prefix)."""
    run_id = re.search(r"goimage: build logs in \S+/([0-9a-f]+)-", out)
    assert run_id, out
    return [
        t for t in image_tags(client) if t.startswith("goimage/") and t.endswith(f":{run_id[1]}")
    ]


def _wait_for(paths: list[Path], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not all(path.exists() for path in paths):
        assert time.monotonic() < deadline, f"none of the workers wrote {paths}"
        time.sleep(0.05)


def _run_until_every_check_ran(root: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """`pytest --goimage -n 2` of the example copy, started and read until its last item."""
    return run_pytest_until(
        root,
        "[100%]",
        *extra,
        "--goimage",
        "-p",
        "xdist",
        "-n",
        "2",
        "-p",
        "no:randomly",
        "--goimage-report=report.json",
    )


@pytest.mark.parametrize("to_group", [False, True], ids=["controller", "process-group"])
def test_ctrl_c_as_the_workers_end_leaves_nothing_and_reads_as_interrupted(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
    to_group: bool,
) -> None:
    """Interrupted as the last worker removes its containers, after the last check passed (a
    user trial left gw1's three containers `Exited (137)`, a network and an image tag, and
    wrote no report: the controller's Ctrl-C came while xdist waited for the workers)."""
    root = example_copy(_example_table(), conftest=SLOW_REMOVAL)
    commit_checkout(root, "report.json\nremoving-*")
    # With -v: without it the signal came after the run had ended (the report said passed).
    proc, printed = _run_until_every_check_ran(root, "-v")
    _wait_for([root / "removing-gw0", root / "removing-gw1"])
    # A terminal's Ctrl-C reaches every process of the group at once (the test's own process
    # is in that group too, so each is signalled by pid).
    for pid in [proc.pid, *(_workers(proc.pid) if to_group else [])]:
        os.kill(pid, signal.SIGINT)
    out = printed + proc.communicate(timeout=120)[0]
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    assert "Traceback" not in out, out
    assert plugin_resources(docker_client, root) == [], out
    assert _tags_left(docker_client, out) == [], out
    report = json.loads((root / "report.json").read_text())
    assert report["interrupted"] is True and report["outcome"] == "failed", report


# The workers take 3 s to exit once they have finished (removed their containers, told the
# controller), and say when they start to: the controller is then waiting for them to exit.
SLOW_EXIT = """
import time

def pytest_unconfigure(config):
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker is not None:
        (config.rootpath / f"exiting-{worker}").touch()
        time.sleep(3)
"""


def test_ctrl_c_while_the_workers_exit_still_writes_the_report_and_removes_the_images(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """Every check has run and every worker has removed its containers; the controller waits
    for the workers to exit when the Ctrl-C comes (the trial's traceback in xdist's
    `teardown_nodes`). The run still ends as a run: the report holds the verdict it reached,
    the images are removed, and pytest exits as interrupted, with no traceback."""
    root = example_copy(_example_table(), conftest=SLOW_EXIT)
    commit_checkout(root, "report.json\nexiting-*")
    proc, printed = _run_until_every_check_ran(root)
    _wait_for([root / "exiting-gw0", root / "exiting-gw1"])
    proc.send_signal(signal.SIGINT)
    out = printed + proc.communicate(timeout=120)[0]
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    assert "Traceback" not in out, out
    assert "goimage: interrupted; ending the workers, writing the report and removing" in out
    assert plugin_resources(docker_client, root) == [], out
    assert _tags_left(docker_client, out) == [], out
    report = json.loads((root / "report.json").read_text())
    assert report["outcome"] == "passed" and "interrupted" not in report, report
