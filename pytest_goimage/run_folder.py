"""The run's id and shared folder (build logs, progress, built tags): made by the controller on
first use, handed to every xdist worker, and at the run's end emptied of what it built (or kept,
with instructions).

Nothing here imports the engine client: an xdist controller registers XdistSupport in every
run of a Go project, also in a unit-test run that never uses the plugin, and pays only for
making the folder; removing built images imports docker-py when there are some.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import threading
import time
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from .build.progress import ProgressPrinter, ProgressTail
from .engine.labels import LABEL_RUN, new_run_id
from .engine.run_dirs import (
    KEPT,
    claim_run_dir,
    close_run_dir,
    engine_used,
    prune_run_dirs,
    remove_if_unused,
    runs_base,
)
from .engine.run_images import built_tags, remove_run_resources
from .stash_keys import (
    CONFIG_KEY,
    IDENTITY_KEY,
    PYTEST_SESSION_KEY,
    SESSION_KEY,
    TABLES_INPUT,
    is_worker,
)
from .termination import ECHO_S, end_on_sigterm, interrupt_handlers, last_sigint

_FALLBACK_KEY = pytest.StashKey[str]()  # why the shared runs folder was not used
_PRUNED_KEY = pytest.StashKey[bool]()
_ENDED_KEY = pytest.StashKey[bool]()  # end_run has run in this process


def run_identity(config: pytest.Config) -> tuple[str, Path]:
    """The run id and its shared folder: the controller's, made on first use.

    Raises pytest.UsageError when the folder cannot be created."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "goimage_run_id" in workerinput:
        return workerinput["goimage_run_id"], Path(workerinput["goimage_shared_dir"])
    if IDENTITY_KEY not in config.stash:
        run_id = new_run_id()
        try:
            base = runs_base(Path(tempfile.gettempdir()))
            folder = Path(tempfile.mkdtemp(prefix=f"{run_id}-", dir=base.path))
            claim_run_dir(folder)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise pytest.UsageError(
                f"pytest-goimage cannot create its run folder (build logs) under "
                f"{tempfile.gettempdir()}: {exc.strerror or exc}{where}. Point TMPDIR "
                "at a folder this user can write."
            ) from None
        config.stash[IDENTITY_KEY] = (run_id, folder)
        config.stash[_FALLBACK_KEY] = base.fallback_reason
        if config.getoption("goimage", False):
            # The controller of a --goimage run removes what its workers made when it ends:
            # a SIGTERM must end it as Ctrl-C does (termination.py).
            end_on_sigterm(config)
            prune_old_runs(config)
    return config.stash[IDENTITY_KEY]


def prune_old_runs(config: pytest.Config) -> None:
    """Remove old runs' folders beside this run's own (prune_run_dirs), once per process. A
    `--goimage` run does it as its folder is made, on the controller; a run without it does it
    where a goimage session starts (a worker too), never in a plain `pytest -n 2`, which makes
    a folder only in case a test uses a fixture and removes it at its end."""
    if config.stash.get(_PRUNED_KEY, False) or (is_worker(config) and config.getoption("goimage")):
        return  # done already (a --goimage run's controller did it)
    config.stash[_PRUNED_KEY] = True
    _, shared = run_identity(config)
    with contextlib.suppress(OSError):
        prune_run_dirs(shared.parent, own=shared)


def build_logs_line(config: pytest.Config) -> str:
    """Where this run's build logs go, for the report header."""
    _, shared = run_identity(config)
    fallback = config.stash.get(_FALLBACK_KEY, "")
    return f"goimage: build logs in {shared}" + (
        f" (not in the shared folder: {fallback})" if fallback else ""
    )


class XdistSupport:
    """Registered on an xdist controller: hands the run id, the shared folder and the values
    to mask (the configuration's tables) to every worker, and prints their build progress
    (workers have no terminal)."""

    def __init__(self) -> None:
        self.tail: ProgressTail | None = None
        self.config: pytest.Config | None = None
        # Set up as pytest handles the run's interrupt, kept until the run's end (below).
        self.guard: _FirstInterruptWaits | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.config = session.config

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        run_id, shared = run_identity(node.config)
        node.workerinput["goimage_run_id"] = run_id
        node.workerinput["goimage_shared_dir"] = str(shared)
        goconfig = node.config.stash.get(CONFIG_KEY, None)
        if goconfig is not None:  # the worker masks its reports without parsing again
            node.workerinput[TABLES_INPUT] = [dict(t) for t in goconfig.value_tables()]
        if self.tail is None:
            self.tail = ProgressTail(shared, ProgressPrinter(node.config, threads_write=True))
            self.tail.start()

    @pytest.hookimpl(tryfirst=True)  # before pytest's own, which takes a while
    def pytest_keyboard_interrupt(self) -> None:
        """The run's Ctrl-C stopped xdist's loop, and pytest handles it: from now on a SIGINT
        within SAME_INTERRUPT seconds is the same interrupt (`timeout -s INT` sends two),
        which must not break pytest's handling of it: that second KeyboardInterrupt left the
        session's status as it was (the report said passed) and exited 130 with a traceback.
        The guard stays in place until the run's end below."""
        if self.config is None or self.guard is not None or not _guarded(self.config):
            return
        self.guard = _FirstInterruptWaits(self.config, True, echo_of=time.monotonic())
        self.guard.__enter__()
        self.config.add_cleanup(self.guard.__exit__)  # also when the session never ends

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        """Around the other session-finish hooks, in which xdist ends the workers (it waits
        10 s for each, then kills it) and the report is written: then the run's end removes
        what the workers left (a worker interrupted or killed during its own cleanup leaves
        containers). A Ctrl-C meanwhile waits for all that (see _FirstInterruptWaits)."""
        config = session.config
        guard = self.guard or _FirstInterruptWaits(config, _guarded(config))
        with guard as interrupt:
            result = yield
            if self.tail is not None:
                self.tail.stop()
            end_run(config)
        if interrupt.received is not None:
            session.exitstatus = pytest.ExitCode.INTERRUPTED
        return result


def _guarded(config: pytest.Config) -> bool:
    """Whether the run's end has something a Ctrl-C must not stop: a report to write, or
    what the run made on the engine to remove."""
    identity = config.stash.get(IDENTITY_KEY, None)  # made as the first worker started
    return bool(config.getoption("goimage_report", None)) or (
        identity is not None and engine_used(identity[1])
    )


class WorkerEnd:
    """Registered on an xdist worker: it removes what it started as its session ends, before
    xdist tells the controller that the worker has finished. Until then the controller's run
    goes on, so a Ctrl-C while the worker removes its containers interrupts the run, and the
    report says so; the controller removes what the worker then leaves (XdistSupport)."""

    @pytest.hookimpl(trylast=True)  # after pytest has torn down the session's fixtures
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        end_run(session.config)


class _FirstInterruptWaits:
    """While the controller ends an xdist run (`active`): a first Ctrl-C (SIGINT) is noted,
    said, and waits for the workers' end, the report and the removals; a later one stops them
    (KeyboardInterrupt), leaving what is left to the next run's sweep. One within
    SAME_INTERRUPT seconds of the first is the same interrupt: coreutils' `timeout -s INT`
    signals the command, then its whole process group, so pytest gets two. Only where
    Python's own handler is in place (not where SIGINT is ignored or another handler is set).

    `echo_of`: when an interrupt that stopped the run's loop came (time.monotonic); a SIGINT
    within SAME_INTERRUPT seconds of it is that interrupt's echo, and ignored."""

    SAME_INTERRUPT = ECHO_S  # seconds: the fact termination's single-process guard uses

    AT_RUN_END = (
        "goimage: interrupted; ending the workers, writing the report and removing what the run "
        "started first (Ctrl-C again to stop now: the next run removes what is left)"
    )
    AT_REMOVALS = (
        "goimage: interrupted; removing what the run started first (Ctrl-C again to stop now: "
        "the next run removes what is left)"
    )

    def __init__(
        self,
        config: pytest.Config,
        active: bool,
        *,
        echo_of: float | None = None,
        says: str = AT_RUN_END,
    ) -> None:
        self.config = config
        self.says = says
        self.active = (
            active
            and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) in interrupt_handlers()
        )
        self.before: Any = None  # the SIGINT handler to put back
        self.echo_of = echo_of
        self.received: float | None = None  # when the first SIGINT came (time.monotonic)

    def __enter__(self) -> _FirstInterruptWaits:
        if self.active:
            self.before = signal.signal(signal.SIGINT, self._note)
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Once only (the guard set up at pytest's interrupt also ends at the config's cleanup).
        if self.active and signal.getsignal(signal.SIGINT) == self._note:
            signal.signal(signal.SIGINT, self.before)

    def _note(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.echo_of is not None and now - self.echo_of <= self.SAME_INTERRUPT:
            return
        if self.received is not None:
            if now - self.received > self.SAME_INTERRUPT:
                raise KeyboardInterrupt
            return
        self.received = now
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        # A courtesy: the main thread may be writing to the terminal itself (a reentrant write
        # fails), and nothing may stop the end of the run.
        with contextlib.suppress(Exception):
            if reporter is not None:
                reporter.write("\n")  # pytest's progress line may be unfinished
                reporter.write_line(self.says)


def end_run(config: pytest.Config) -> None:
    """Once per process: close this process's session; on the controller (its workers have
    ended by then), remove what the run made, or with --goimage-keep leave it and print how
    to remove it."""
    if config.stash.get(_ENDED_KEY, False):
        return
    config.stash[_ENDED_KEY] = True
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.close()
    if is_worker(config) or IDENTITY_KEY not in config.stash:
        return  # workers leave the shared images to the controller, which outlives them
    run_id, shared = config.stash[IDENTITY_KEY]
    if config.getoption("goimage_keep", False):
        _print_keep_instructions(config, run_id, shared)
        close_run_dir(shared, KEPT)  # kept on purpose: the user removes them
    else:
        remove_run_resources(shared)
        if not config.getoption("goimage"):  # --goimage's header names the folder: it stays
            remove_if_unused(shared)  # no build log or record to point at


def end_run_guarded(config: pytest.Config) -> None:
    """`end_run` where a Ctrl-C meanwhile is noted and said, and the removals go on; one more
    stops them, with the commands that remove what is left instead of a traceback (a user
    trial: a second Ctrl-C during the removals printed an internal traceback, exited 130 and
    left the run's image tags). An interrupt's echo (`timeout -s INT`) is no second Ctrl-C."""
    guard = _FirstInterruptWaits(
        config, _guarded(config), echo_of=last_sigint(), says=_FirstInterruptWaits.AT_REMOVALS
    )
    session = config.stash.get(PYTEST_SESSION_KEY, None)
    try:
        with guard:
            end_run(config)
    except KeyboardInterrupt:
        if session is not None:  # pytest returns its status after this hook
            session.exitstatus = pytest.ExitCode.INTERRUPTED
        identity = config.stash.get(IDENTITY_KEY, None)
        lines = ["goimage: stopped while removing what the run started."]
        if identity is not None:
            lines += [
                "The next `pytest --goimage` removes what is left; to remove it now:",
                *_removal_commands(*identity),
            ]
        _write_lines(config, lines)
        return
    if guard.received is not None and session is not None:  # noted, and the removals went on
        session.exitstatus = pytest.ExitCode.INTERRUPTED


def _print_keep_instructions(config: pytest.Config, run_id: str, shared: Path) -> None:
    lines = [
        "goimage: --goimage-keep left this run's containers, networks and images in place.",
        "Remove them with:",
        *_removal_commands(run_id, shared),
    ]
    _write_lines(config, lines)


def _removal_commands(run_id: str, shared: Path) -> list[str]:
    label = f"label={LABEL_RUN}={run_id}"
    lines = [
        # xargs -r: the commands also work when the run started no container or network.
        f"  docker ps -aq --filter {label} | xargs -r docker rm -fv",
        f"  docker network ls -q --filter {label} | xargs -r docker network rm",
    ]
    tags = built_tags(shared)
    if tags:
        lines.append(f"  docker rmi {' '.join(tags)}")
    return lines


def _write_lines(config: pytest.Config, lines: list[str]) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        print("\n".join(["", *lines]), flush=True)
        return
    reporter.write_line("")
    for line in lines:
        reporter.write_line(line)
