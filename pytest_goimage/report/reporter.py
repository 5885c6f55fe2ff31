"""The results plugin: on the controller, records every check's report and, at the end, writes
the JSON report, the GitHub step summary and the terminal summary. Also removes an earlier
run's report before anything can stop this run."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pytest

from ..config import GoImageConfig
from ..errors import GoImageError
from ..run_outputs import run_outputs
from .completeness import RunCompleteness, Verdict, verdict
from .records import (
    FAILED,
    NOT_RUN_DESELECTED,
    NOT_RUN_LAST_FAILED,
    NOT_RUN_SELECTION_OR_LAST_FAILED,
    NOT_RUN_UNNAMED,
    PASSED,
    PROP_CHECK,
    REPOSITORY_NODE,
    SKIPPED,
    CheckRecord,
    ImageRecord,
    any_failed,
    verified,
)
from .results import RunResults, check_node_id

# The writers (JSON report, Markdown, terminal table, baseline files) are imported where a run
# has something to write: a plain `pytest` in a Go project registers this plugin on its
# controller and most often writes nothing.


class ResultsReporter:
    """Registered on the controller only: records every check's report and writes the results.

    `checks`: the built-in checks' names, in report order. `named`: checks were named on the
    command line, so the others read as not named rather than deselected. `repository_checks`:
    those of `checks` run once for all images (`goimage::parity`)."""

    def __init__(
        self,
        config: pytest.Config,
        goconfig: GoImageConfig,
        *,
        checks: Sequence[str],
        named: bool,
        repository_checks: Collection[str] = (),
    ) -> None:
        self.config = config
        self.checks = list(checks)
        self.results = RunResults(goconfig, repository_checks)
        self.named = named
        self.failures_on_record = False  # read at the session's start
        sbom = config.getoption("goimage_sbom", None)
        if sbom:
            remove_earlier_sboms(Path(sbom), [image.dockerfile for image in goconfig.images])
        self.selected: set[str] = set()  # node ids of the built-in checks that are to run
        # Every built-in check's node id: what makes an id from an xdist worker a check.
        self.check_ids = frozenset(
            check_node_id(image.dockerfile, check, self.results.repository_checks)
            for image in goconfig.images
            for check in self.checks
        )
        self.failed_tests: list[str] = []  # the team's own tests that failed
        self._records: list[ImageRecord] | None = None  # see records()
        # Every selected item, checks and the team's tests: did each report? (completeness.py)
        each = getattr(config.option, "dist", "no") == "each"
        self.completeness = RunCompleteness(per_worker=each)
        self.session: pytest.Session | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session
        # Failures on record before this run adds its own: with none, --lf deselects nothing.
        cache = self.config.pluginmanager.get_plugin("lfplugin")
        self.failures_on_record = bool(getattr(cache, "lastfailed", None))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.selected.update(i.nodeid for i in session.items if i.nodeid in self.check_ids)
        self.completeness.collected(i.nodeid for i in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        # Under xdist the workers collect; each tells the controller what it will run. Only
        # built-in checks count: the team's own tests make no image "selected".
        self.selected.update(i for i in ids if i in self.check_ids)
        self.completeness.collected(ids, _worker_id(node))

    @pytest.hookimpl(tryfirst=True)  # before pytest's own, in which a second SIGINT may land
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """A Ctrl-C, xdist's stop after -x, or pytest.exit() without an exit code of its own:
        noted for the verdict, whatever exit status the session then ends with."""
        value = excinfo.value
        code = value.returncode if isinstance(value, pytest.exit.Exception) else None
        if code is None or code == pytest.ExitCode.INTERRUPTED:
            self.completeness.interrupted = True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.completeness.reported(report, _worker_id(getattr(report, "node", None)))
        self.results.record(report)
        is_check = any(name == PROP_CHECK for name, _ in report.user_properties)
        if report.failed and not is_check and report.nodeid not in self.failed_tests:
            self.failed_tests.append(report.nodeid)

    def _left_out(self) -> str:
        """Why a check that did not run was left out: not named on the command line, or
        deselected by -k/-m, or by --lf (the cache plugin deselects what did not fail last
        time, when it has failures on record), or either of them."""
        if self.named:
            return NOT_RUN_UNNAMED
        if not (self.config.getoption("lf", False) and self.failures_on_record):
            return NOT_RUN_DESELECTED
        if self.config.getoption("keyword", "") or self.config.getoption("markexpr", ""):
            return NOT_RUN_SELECTION_OR_LAST_FAILED
        return NOT_RUN_LAST_FAILED

    def records(self) -> list[ImageRecord]:
        """The run's records, built once at the end of the session (every check has reported
        by then): unrun checks accounted for, baseline sizes read back from their files."""
        if self._records is None:
            self.results.account_for_unrun(self.selected, self.checks, self._left_out())
            self._records = self.results.records()
            if self._records:
                self._read_baselines(self._records)
        return self._records

    def _read_baselines(self, records: list[ImageRecord]) -> None:
        from .baseline import baseline_size

        for record in records:
            with contextlib.suppress(GoImageError, OSError):
                image = self.results.config.image(record.dockerfile)
                record.baseline_bytes = baseline_size(image)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        path = self.config.getoption("goimage_report")
        if self.config.option.collectonly:
            return  # nothing ran: no verdict to write (the stale report is already gone)
        if not self.results.images and not self.selected and not path:
            return
        records = self.records()
        run = self.verdict(exitstatus)
        try:
            if path:
                from .json_report import build_report, git_state, write_report

                goconfig = self.results.config
                # With no check run (no --goimage, all deselected) the report says failed:
                # a gate must not pass images nobody checked.
                report = build_report(
                    records,
                    interrupted=run.interrupted,
                    failed_tests=self.failed_tests,
                    secrets=self.results.secrets,
                    not_run=run.missing,
                    git=git_state(
                        goconfig.heads,
                        [image.context_path for image in goconfig.images],
                        run_outputs(self.config),
                    ),
                )
                write_report(Path(path), report)
            step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
            if step_summary and records:
                from .markdown import markdown_summary

                with open(step_summary, "a", encoding="utf-8") as handle:
                    markdown = markdown_summary(
                        records, self.failed_tests, run.interrupted, self.results.secrets
                    )
                    if run.missing:
                        markdown += f"\n**{run.note()}.**\n"
                    handle.write(markdown + "\n")
        except OSError as exc:
            # A gate reading a missing report fails closed; say why instead of crashing.
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(
                    f"goimage: cannot write {exc.filename}: {exc.strerror}", red=True
                )
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def verdict(self, exitstatus: int) -> Verdict:
        """Interrupted or not, and the items that never reported (completeness.py)."""
        return verdict(self.completeness, exitstatus, self.session)

    def _not_run_line(self, run: Verdict, path: str | None, shown: int = 5) -> str:
        from ..gofacts.redaction import redact

        names = ", ".join(redact(node_id, self.results.secrets) for node_id in run.not_run[:shown])
        more = len(run.not_run) - shown
        written = f"; the JSON report {path} says failed" if path else ""
        return f"goimage: {run.note()}: {names}{f' and {more} more' if more > 0 else ''}{written}"

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int) -> None:
        path = self.config.getoption("goimage_report")
        if self.config.option.collectonly:
            terminalreporter.write_line(collect_only_note(self.selected, path))
            return
        records = self.records()
        if self.config.getoption("goimage_update_baseline"):
            text, warn = baseline_note(records, self.results.config)
            terminalreporter.write_line(text, yellow=warn)
        sbom = self.config.getoption("goimage_sbom")
        if sbom:
            text, warn = sbom_note(records, sbom)
            terminalreporter.write_line(text, yellow=warn)
        run = self.verdict(exitstatus)
        interrupted = run.interrupted
        if run.missing:
            terminalreporter.write_line(self._not_run_line(run, path), yellow=True)
        elif path and interrupted:
            terminalreporter.write_line(
                f"goimage: the run was interrupted, so the JSON report {path} says failed; "
                "checks that never finished are errors in it.",
                yellow=True,
            )
        elif path and self.named and not self.selected:
            terminalreporter.write_line(
                f"goimage: the arguments name only tests, so no built-in check ran and the "
                f"JSON report {path} says failed.",
                yellow=True,
            )
        elif path and not verified(records) and not any_failed(records):
            terminalreporter.write_line(
                f"goimage: no built-in check passed (none ran, or all were skipped), so the "
                f"JSON report {path} says failed: run with --goimage, and keep -k/-m from "
                "deselecting the checks that matter.",
                yellow=True,
            )
        if not self.results.images or self.config.get_verbosity() < -1:
            return
        from .terminal import summary_lines

        writer = terminalreporter._tw  # pytest exposes no public width/markup accessor
        terminalreporter.write_sep("=", "goimage summary")
        lines = summary_lines(
            records,
            width=min(writer.fullwidth, 120),
            color=writer.hasmarkup,
            interrupted=interrupted,
        )
        for line in lines:
            terminalreporter.write_line(line)
        if path:
            terminalreporter.write_line(f"goimage: JSON report written to {path}")


def _worker_id(node: Any) -> str:
    """The xdist worker (`gw0`) of a node or a report's node; "" without xdist."""
    return str(getattr(getattr(node, "gateway", None), "id", ""))


def baseline_note(records: list[ImageRecord], goconfig: GoImageConfig) -> tuple[str, bool]:
    """What --goimage-update-baseline did, and whether that deserves a warning: a flag that
    silently wrote nothing, or claims a write that failed, misleads. `records` are this run's,
    with the baseline sizes read back after the checks."""
    measured = [
        record
        for record in records
        if record.size_bytes is not None
        and record.checks.get("size", CheckRecord(SKIPPED)).outcome in (PASSED, FAILED)
    ]
    if not measured:
        return (
            "goimage: --goimage-update-baseline wrote nothing: no size check ran (run with "
            "--goimage, and keep -k/-m or the checks you name from leaving out `size`).",
            True,
        )
    # Updated means the file now holds the measured size (as records() read it back).
    missed = [r.dockerfile for r in measured if r.baseline_bytes != r.size_bytes]
    if missed:
        return (
            f"goimage: --goimage-update-baseline could not record the size of "
            f"{', '.join(missed)}: its size check says why.",
            True,
        )
    files = sorted({str(goconfig.image(r.dockerfile).baseline) for r in measured})
    names = ", ".join(r.dockerfile for r in measured)
    return f"goimage: baseline updated in {', '.join(files)} for {names}", False


def sbom_note(records: list[ImageRecord], directory: str) -> tuple[str, bool]:
    """What --goimage-sbom wrote, and whether an image went without (a warning: a release
    gate that wants an SBOM per image must not find one missing later), each with why."""
    written = [r.dockerfile for r in records if r.sbom]
    missing = [f"{r.dockerfile} ({_no_sbom_because(r, directory)})" for r in records if not r.sbom]
    text = f"goimage: SBOM (CycloneDX) of {len(written)} image(s) written to {directory}" + (
        f": {', '.join(written)}" if written else ""
    )
    if missing:
        text += f"; none for {', '.join(missing)}"
    return text, bool(missing)


def _no_sbom_because(record: ImageRecord, directory: str) -> str:
    if record.image_id is None:
        return "not built"
    if record.go_version is None:
        return "no Go build info in its binary, or no Go binary"
    return f"{directory} could not be written"


def remove_earlier_sboms(directory: Path, dockerfiles: Sequence[str]) -> None:
    """Remove what an earlier run wrote for these images to --goimage-sbom's folder: a step
    that uploads the folder must not publish an SBOM of an image this run did not build (a
    failed build, a deselected image)."""
    from .sbom import sbom_path  # only a run with --goimage-sbom needs it

    for dockerfile in dockerfiles:
        sbom_path(directory, dockerfile).unlink(missing_ok=True)


def make_sbom_dir(directory: str) -> None:
    """Create --goimage-sbom's folder before anything is built, so that a folder this user
    cannot write stops the run at once. Raises pytest.UsageError."""
    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise pytest.UsageError(
            f"--goimage-sbom={directory}: cannot create the folder ({exc.strerror}); choose "
            "a folder this user can write."
        ) from None


def collect_only_note(selected: Collection[str], report_path: str | None) -> str:
    """What a `--collect-only` run says instead of a summary: how many checks it found, and
    that it wrote no report (a gate reading one fails, as it should: nothing was checked)."""
    images = {node_id.rsplit("::", 1)[0] for node_id in selected} - {REPOSITORY_NODE}
    counted = (
        f"{len(selected)} check{'s' if len(selected) != 1 else ''} of {len(images)} "
        f"image{'s' if len(images) != 1 else ''} collected"
    )
    written = f", so no JSON report was written to {report_path}" if report_path else ""
    return f"goimage: --collect-only ran no check ({counted}){written}"


def remove_report(path: str | None) -> None:
    """A gate must never read the verdict of an earlier run: whatever stops this run before it
    writes its own report (a usage error, a crash) leaves no report at `path`, so the gate
    fails. Raises pytest.UsageError when the file cannot be removed."""
    if not path:
        return
    try:
        Path(path).unlink(missing_ok=True)
    except OSError as exc:
        raise pytest.UsageError(
            f"--goimage-report={path}: cannot replace the earlier report there "
            f"({exc.strerror}); choose a path this user can write."
        ) from None
