"""The image's own HEALTHCHECK, run inside the running service after `health` saw it answer,
until it passes or Docker would call the container unhealthy (healthcheck_schedule).

Docker, Swarm, Compose (`depends_on: condition: service_healthy`) and ECS run that command,
not a GET from outside: an image whose HEALTHCHECK calls a program it lacks (curl on alpine,
anything on scratch) answers the plugin's GET and is still marked unhealthy wherever it ships,
so its orchestrator restarts it or never routes to it.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..gofacts.dockerfile import Instruction, parse_dockerfile_leniently
from ..gofacts.exec_json import broken_exec_form
from ..gofacts.redaction import redact, secret_values
from ..gofacts.shell_script import shell_words
from ..gofacts.units import port_number
from ..run_secrets import run_secrets
from .background import in_background
from .healthcheck_fixes import exec_get, go_subcommand, has_program, has_wget, image_has
from .healthcheck_schedule import (
    DEFAULT_TIMEOUT,
    Judge,
    Schedule,
    Stop,
    failed_runs,
    passed_later,
    pauses,
)
from .outside_errors import outside_errors
from .service import NO_PROGRAM
from .shell_form import broken_healthcheck_advice, exec_form

if TYPE_CHECKING:
    from ..config import ImageConfig
    from .running_service import RunningService

# Where the image sets no SHELL, the engine runs a CMD-SHELL test with this (on Linux).
DEFAULT_SHELL = ("/bin/sh", "-c")
_OUTPUT_LINES = 5
_LINE_CHARS = 200
# A shell's words for a program it found nowhere on PATH: busybox ash `/bin/sh: curl: not
# found`, dash `/bin/sh: 1: curl: not found`, bash `/bin/sh: line 1: curl: command not found`.
# A shell's own words for a missing program, at the start of a line (`/bin/sh: curl: not
# found`, dash's `sh: 1: curl: not found`, bash's `bash: line 1: curl: command not found`); not
# a health command's output that ends "...: peer: not found".
_NOT_FOUND = re.compile(
    r"(?m)^(?:\S*/)?(?:ba|da|a|z|k)?sh: (?:line )?(?:\d+: )?([^\s:]+): (?:command )?not found"
)
# What only a shell does with a command line: without any of it, exec form runs it as well.
_SHELL_SYNTAX = re.compile(r"[;&|<>$`*?(){}~\\]")


def command_test(healthcheck: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """The Test of a container's (or image's) Healthcheck where it runs a command:
    `("CMD", word, ...)` or `("CMD-SHELL", "command")`. None without a HEALTHCHECK, for
    `HEALTHCHECK NONE`, and for an empty Test (inherit, where nothing is inherited)."""
    test = tuple((healthcheck or {}).get("Test") or ())
    if len(test) < 2 or test[0] not in ("CMD", "CMD-SHELL"):
        return None
    return test


def command_line(test: Sequence[str], shell: Sequence[str]) -> list[str]:
    """What the engine executes for `test`: CMD's words, or CMD-SHELL's command after the
    image's SHELL (`/bin/sh -c` where it sets none)."""
    if test[0] == "CMD-SHELL":
        return [*(shell or DEFAULT_SHELL), *test[1:]]
    return list(test[1:])


def written_form(test: Sequence[str]) -> str:
    """The HEALTHCHECK instruction that gives `test`, for an image whose Dockerfile does not
    show it (inherited from the base image)."""
    if test[0] == "CMD-SHELL":
        return f"HEALTHCHECK CMD {' '.join(test[1:])}"
    return f"HEALTHCHECK CMD {json.dumps(list(test[1:]))}"


@dataclass(frozen=True)
class HealthcheckRun:
    """One run of the HEALTHCHECK command: its exit code (None when it did not finish within
    `timeout` seconds) and what it printed, stdout and stderr together."""

    exit_code: int | None
    output: str
    timeout: float
    by_engine: bool = False  # the engine's own last run, not the plugin's


class Runs:
    """Runs of `command` in `container` (docker-py's Container) as the engine's probe runs it:
    as the container's USER, with its env and WORKDIR, without a TTY. docker-py's errors
    propagate. A run still going after `timeout` is left to end (docker-py cannot kill an exec)
    and the next run waits for it, as the engine waits for the probe it killed: hung runs do not
    pile up."""

    def __init__(self, container: Any, command: list[str], timeout: float) -> None:
        self._container, self._command, self._timeout = container, command, timeout
        self._left: concurrent.futures.Future[Any] | None = None
        self._first = True

    def run(self, deadline: float) -> HealthcheckRun | None:
        """One run; None when it, or the run left before, is still going at `deadline`
        (monotonic)."""
        if self._left is not None:
            concurrent.futures.wait([self._left], max(0.0, deadline - time.monotonic()))
            if not self._left.done():
                return None
            self._left = None
        future = in_background(
            lambda: self._container.exec_run(self._command), "goimage-healthcheck"
        )
        # The first run has its whole --timeout; a later one no more than the deadline allows.
        wait = self._timeout
        if not self._first:
            wait = min(wait, max(0.0, deadline - time.monotonic()))
        self._first = False
        try:
            result = future.result(wait)
        except concurrent.futures.TimeoutError:
            self._left = future
            return HealthcheckRun(None, "", self._timeout) if wait == self._timeout else None
        return HealthcheckRun(
            result.exit_code, result.output.decode("utf-8", "replace"), self._timeout
        )


# A server that cannot bind its port, as Go (`listen tcp :8080: bind: address already in
# use`) and C servers say it: a HEALTHCHECK that runs the service's program as its ENTRYPOINT
# does (`CMD ["/app"]`) starts a second server beside the running one (trial 35A waited out
# startup_timeout).
_IN_USE = re.compile(r"address already in use", re.IGNORECASE)


def _second_server(output: str, running: RunningService) -> bool:
    """Whether a line of `output` says the service's own port is in use: a second server of
    the service, which no later run can start. Another port in use (a debug listener the
    program opens and goes on without) is no such verdict (the review)."""
    ports = {
        port_number(port)
        for port in (running.container.port, running.container.health_port)
        if port
    }
    return any(
        _IN_USE.search(line) and any(re.search(rf":{port}\b", line) for port in ports)
        for line in output.splitlines()
    )


def healthcheck_verdict(running: RunningService, status: int | None) -> tuple[str | None, str]:
    """Run the image's HEALTHCHECK in `running`'s container (GET health_path answered `status`
    already) until it exits 0 or Docker would mark the container unhealthy, within the image's
    startup_timeout. Returns why it fails (None when it passes or there is none) and a clause
    for the pass message ("" without a HEALTHCHECK). Raises docker-py's errors where the engine
    can run nothing and has no verdict of its own."""
    container = running.docker_container
    config = (container.attrs.get("Config") or {}) if container is not None else {}
    test = command_test(config.get("Healthcheck"))
    if test is None:
        return None, ""
    image = running.image
    instruction = healthcheck_instruction(image)
    # One line as shown: a continued instruction keeps the next line's indent after the join.
    written = (
        re.sub(r"[ \t]{2,}", " ", instruction.text)
        if instruction is not None
        else written_form(test)
    )
    where = f"{image.file_name}:{instruction.line}" if instruction else "from the base image"
    set_timeout = (config["Healthcheck"].get("Timeout") or 0) / 1e9
    schedule = Schedule.of(config["Healthcheck"])
    command = command_line(test, config.get("Shell") or ())
    judge = Judge(schedule)
    try:
        run, stop = _run_until_decided(running, Runs(container, command, schedule.timeout), judge)
    except outside_errors():
        if running.container.exited():  # between the GET and the exec, or between runs
            return _exited(running, status, judge), ""
        found = _engine_verdict(running, schedule.timeout)
        if found is None:
            raise
        run, stop = found, Stop.ENGINE
    if stop is Stop.EXITED:
        return _exited(running, status, judge), ""
    if stop is Stop.PASSED:
        later = passed_later(judge, schedule)
        return None, f"; its HEALTHCHECK passed in the container too (`{written}` exited 0{later})"
    if run.exit_code is None:
        limit = f"its --timeout of {set_timeout:g}s" if set_timeout else f"{DEFAULT_TIMEOUT:g} s"
        result = f"did not finish within {limit}"
    else:
        secrets = run_secrets() | secret_values(image.env, image.build_args)
        result = f"exited with code {run.exit_code}, {printed(run.output, secrets)}"
    state = running.container.state().get("Health") or {}
    if run.by_engine:
        result += " when the engine last ran it (the plugin could not run it itself)"
    else:
        result += failed_runs(judge, schedule, stop, image.startup_timeout)
    agrees = (
        f" The engine agrees: it marks the container unhealthy after "
        f"{state.get('FailingStreak')} failed runs in a row."
        if state.get("Status") == "unhealthy" and not run.by_engine
        else ""
    )
    return (
        f"{image.dockerfile}: GET {image.health_path} answered {status}, but the image's "
        f"HEALTHCHECK fails inside the running service container of {running.built.tag}: "
        f"`{written}` ({where}) {result}. Docker, Swarm, Compose (`depends_on: condition: "
        "service_healthy`) and ECS run that command, not a GET from outside, so they mark the "
        f"container unhealthy and restart it or never route to it.{agrees} "
        f"{_advice(running, test, command, run, instruction)}"
    ), ""


def _run_until_decided(
    running: RunningService, runs: Runs, judge: Judge
) -> tuple[HealthcheckRun, Stop]:
    """Run the command at once and, while it fails, again after a short pause, until it passes,
    Docker would call the container unhealthy (`judge`), it cannot run at all, the engine
    marks the container unhealthy or it exits, or startup_timeout (counted from the start)
    runs out: the last run and why it was the last. A command that passes at once runs once."""
    started = running.container.started_at
    deadline = started + running.image.startup_timeout
    pause = pauses()
    last: HealthcheckRun | None = None
    while True:
        begin = time.monotonic()
        run = runs.run(deadline)
        if run is None:  # the last run still goes at the deadline: it did not pass in time
            assert last is not None  # the first run never waits for another
            return last, Stop.CAPPED
        last, end = run, time.monotonic()
        if run.exit_code == 0:
            judge.passed(end - started)
            return run, Stop.PASSED
        decided = judge.failed(begin - started, end - started)
        if missing_program(run) is not None or run.exit_code in (126, 127):
            return run, Stop.CANNOT_RUN  # not executable, not found: the image will not change
        if _second_server(run.output, running):
            return run, Stop.SECOND_SERVER  # the running service holds its port for good
        if decided:
            return run, Stop.DOCKER
        state = running.container.state()
        if state.get("Status") in ("exited", "dead", "removed"):
            return run, Stop.EXITED
        if (state.get("Health") or {}).get("Status") == "unhealthy":
            return run, Stop.ENGINE
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return run, Stop.CAPPED
        time.sleep(min(next(pause), remaining))


def _exited(running: RunningService, status: int | None, judge: Judge) -> str:
    """The failure for a service container that exited after its GET, before the HEALTHCHECK
    ran or while it was failing."""
    image = running.image
    when = (
        f"while its HEALTHCHECK was still failing ({judge.runs} run(s) over "
        f"{judge.last_end:.1f} s after the service started), "
        if judge.runs
        else ""
    )
    before = "" if judge.runs else " before its HEALTHCHECK could run"
    return (
        f"{image.dockerfile}: GET {image.health_path} answered {status}, then {when}"
        f"{running.container.exit_summary()}{before}.\n{running.container.last_logs()}"
    )


def healthcheck_instruction(image: ImageConfig) -> Instruction | None:
    """The last HEALTHCHECK of the built stage, or of the earlier stage it is built FROM."""
    try:
        dockerfile = parse_dockerfile_leniently(image.dockerfile_path.read_text(errors="replace"))
    except OSError:
        return None
    found = dockerfile.last_setting("HEALTHCHECK", image.target)
    return found[1] if found else None


def _engine_verdict(running: RunningService, timeout: float) -> HealthcheckRun | None:
    """The engine's own last run of the HEALTHCHECK where the engine already marks the
    container unhealthy: the same evidence, for when the plugin could not run the command."""
    health = running.container.state().get("Health") or {}
    log = health.get("Log") or []
    if health.get("Status") != "unhealthy" or not log:
        return None
    last = log[-1]
    output = str(last.get("Output") or "")
    return HealthcheckRun(last.get("ExitCode"), output, timeout, by_engine=True)


def printed(output: str, secrets: Collection[str]) -> str:
    """`printed `...`` with the last lines of `output` on one line, `secrets` and every value
    in a known secret format masked before the lines are cut short (a cut secret would no
    longer match); `printed nothing` for blank output."""
    lines = [line.strip() for line in redact(output, secrets).splitlines() if line.strip()]
    if not lines:
        return "printed nothing"
    shown = " | ".join(line[:_LINE_CHARS] for line in lines[-_OUTPUT_LINES:])
    more = f"(last {_OUTPUT_LINES} of {len(lines)} lines) " if len(lines) > _OUTPUT_LINES else ""
    return f"printed {more}`{shown}`"


def missing_program(run: HealthcheckRun) -> str | None:
    """The program the command could not find (the runtime's `exec: "curl": executable file
    not found`, a shell's `curl: not found`), or None."""
    for pattern in (NO_PROGRAM, _NOT_FOUND):
        found = pattern.search(run.output)
        if found:
            return found.group(1)
    return None


def _advice(
    running: RunningService,
    test: Sequence[str],
    command: list[str],
    run: HealthcheckRun,
    instruction: Instruction | None,
) -> str:
    """Why the command failed, and what to write instead (keeping the flags the Dockerfile
    gives the HEALTHCHECK)."""
    keyword = _keyword(instruction)
    port = port_number(running.container.polled_port or "8080/tcp")
    url = f"http://localhost:{port}{running.image.health_path}"
    broken = broken_exec_form(instruction) if instruction is not None else None
    if broken is not None and [w.strip() for w in test] == ["CMD-SHELL", broken.written.strip()]:
        # First: the shell's "not found" names `["wget",`, which is no program to install.
        program = json.loads(broken.fix)[0] if broken.fix else ""
        return broken_healthcheck_advice(
            broken,
            keyword,
            has_shell=image_has(running, "/bin/sh"),
            has_program=not program or has_program(running, program),
            instead=exec_get(running, url, keyword),
        )
    if _second_server(run.output, running):
        return (
            "It starts the service's server again (the program as the ENTRYPOINT runs it, "
            "without a word that makes it only check), which cannot listen on the port the "
            f"running service holds (`address already in use`): {exec_get(running, url, keyword)}"
        )
    if run.exit_code is None:
        return (
            f"Make it finish in time: check that it asks for what the service serves ({url}, "
            "which answered from outside), or raise --timeout."
        )
    missing = missing_program(run)
    if missing is None:
        return (
            f"It ran and failed: check that it asks for what the service serves ({url}, which "
            "answered from outside) and exits 0 when the service is healthy."
        )
    subcommand = go_subcommand(running, url, keyword)
    if test[0] == "CMD-SHELL" and missing == command[0]:
        words = shell_words(test[1])
        runnable = bool(words) and words[0].startswith("/") and image_has(running, words[0])
        if runnable and _SHELL_SYNTAX.search(test[1]) is None:
            fix = f"write it in exec form, `{keyword} CMD {exec_form(test[1])}`."
        else:
            fix = subcommand
        return (
            f"A shell-form HEALTHCHECK (without JSON brackets) runs `{' '.join(command[:2])} "
            f"...`, and the image has no {missing} (scratch, distroless), so it cannot run at "
            f"all: {fix}"
        )
    if not image_has(running, "/bin/sh"):
        return (
            f"The image has no {missing} (scratch and distroless images have no shell, curl "
            f"or wget): {subcommand}"
        )
    if has_wget(running):
        return (
            f"The image has no {missing}: use a program it has, such as its wget (busybox's, "
            f"on alpine and busybox images): `{keyword} CMD wget -q -O- {url}`."
        )
    return f"The image has no {missing}: install it in the final stage, or {subcommand}"


def _keyword(instruction: Instruction | None) -> str:
    """`HEALTHCHECK` with the flags it is written with (--interval, --timeout ...), for a fix
    that keeps them."""
    flags = instruction.flags if instruction is not None else ()
    return " ".join(("HEALTHCHECK", *flags))
