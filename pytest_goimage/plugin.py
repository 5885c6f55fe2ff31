"""pytest hooks and fixtures: wire configuration, checks and the session together."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from .build.progress import ProgressPrinter, ProgressTail, WorkerProgress
from .checks import CHECKS, SERVICE_CHECKS, Check, check_names
from .checks.base import CheckFailed, CheckSkipped
from .checks.health import unhealthy_reason
from .checks.size import baseline_size
from .config import GoImageConfig, ImageConfig, defaults_note, load_config, no_table_note
from .engine.connection import LABEL_RUN, engine_address, new_run_id
from .engine.image import BuiltImage
from .engine.minio_server import MinioServer
from .engine.outside_errors import OUTSIDE_ERRORS, describe_outside_error
from .engine.run_dirs import (
    built_tags,
    claim_run_dir,
    close_run_dir,
    prune_run_dirs,
    remove_built_images,
    runs_base,
)
from .engine.running_service import RunningService
from .errors import ConfigError, EngineError, GoImageError
from .report.records import (
    NOT_RUN_DESELECTED,
    NOT_RUN_UNNAMED,
    CheckRecord,
    ImageRecord,
    build_report,
    markdown_summary,
    summary_lines,
    verified,
    write_report,
)
from .report.results import (
    PROP_CHECK,
    PROP_DOCKERFILE,
    PROP_MESSAGE,
    RunResults,
    collect_only_note,
    config_secrets,
    masked_report,
)
from .selection import SelectionError, take_check_args
from .session import GoImageSession

CONFIG_KEY = pytest.StashKey[GoImageConfig | None]()
CONFIG_ERROR_KEY = pytest.StashKey[ConfigError | None]()
SESSION_KEY = pytest.StashKey[GoImageSession | None]()
# Checks named on the command line (`Dockerfile.prod::static`); empty: no such argument.
SELECTED_KEY = pytest.StashKey[frozenset[str]]()

pytest.register_assert_rewrite("pytest_goimage.assertions")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("goimage", "container image acceptance tests for Go services")
    group.addoption(
        "--goimage",
        action="store_true",
        help="collect the built-in checks for every image configured in [tool.goimage]",
    )
    group.addoption("--goimage-report", metavar="PATH", help="write the JSON report to PATH")
    group.addoption(
        "--goimage-update-baseline",
        action="store_true",
        help="write the measured image sizes into the baseline file",
    )
    group.addoption(
        "--goimage-keep",
        action="store_true",
        help="leave containers, networks and images in place for debugging",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SESSION_KEY] = None
    config.stash[CONFIG_ERROR_KEY] = None
    if not hasattr(config, "workerinput"):
        _remove_stale_report(config)
    # A run asked for the checks or their report needs the configuration: without it, the
    # report would be missing (a gate fails closed, but nobody would learn why).
    flag = (
        "--goimage"
        if config.getoption("goimage")
        else "--goimage-report"
        if config.getoption("goimage_report")
        else ""
    )
    try:
        # Without [tool.goimage], a Go repository runs on the defaults; with a flag, a
        # rootdir without go.mod is an error (no Go module to test) instead of no plugin.
        config.stash[CONFIG_KEY] = load_config(config.rootpath, required=bool(flag))
    except ConfigError as exc:
        config.stash[CONFIG_KEY] = None
        config.stash[CONFIG_ERROR_KEY] = exc
        if flag:
            raise pytest.UsageError(str(exc)) from None
        return
    goconfig = config.stash[CONFIG_KEY]
    config.stash[SELECTED_KEY] = frozenset()
    if goconfig is not None and config.getoption("goimage"):
        try:
            named = take_check_args(
                config.args, goconfig.images, check_names(), config.invocation_params.dir
            )
        except SelectionError as exc:
            raise pytest.UsageError(str(exc)) from None
        if named.selected:
            # Every xdist worker parses the same arguments, so each selects the same checks.
            config.args[:] = named.rest
            config.stash[SELECTED_KEY] = named.selected
    if goconfig is not None and config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHooks(), "goimage-xdist")
    if goconfig is not None and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_ResultsReporter(config, goconfig), "goimage-results")


class _XdistHooks:
    """Hand the controller's run id and shared directory to every worker; show their progress."""

    def __init__(self) -> None:
        self.tail: ProgressTail | None = None

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        run_id, shared = _run_identity(node.config)
        node.workerinput["goimage_run_id"] = run_id
        node.workerinput["goimage_shared_dir"] = str(shared)
        if self.tail is None:
            self.tail = ProgressTail(shared, ProgressPrinter(node.config))
            self.tail.start()

    def pytest_sessionfinish(self) -> None:
        if self.tail is not None:
            self.tail.stop()


_IDENTITY_KEY = pytest.StashKey[tuple[str, Path]]()
_FALLBACK_KEY = pytest.StashKey[str]()  # why the shared runs folder was not used


def _run_identity(config: pytest.Config) -> tuple[str, Path]:
    workerinput = getattr(config, "workerinput", None)
    if workerinput and "goimage_run_id" in workerinput:
        return workerinput["goimage_run_id"], Path(workerinput["goimage_shared_dir"])
    if _IDENTITY_KEY not in config.stash:
        run_id = new_run_id()
        try:
            base = runs_base(Path(tempfile.gettempdir()))
            prune_run_dirs(base.path)
            folder = Path(tempfile.mkdtemp(prefix=f"{run_id}-", dir=base.path))
            claim_run_dir(folder)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise pytest.UsageError(
                f"pytest-goimage cannot create its run folder (build logs) under "
                f"{tempfile.gettempdir()}: {exc.strerror or exc}{where}. Point TMPDIR "
                "at a folder this user can write."
            ) from None
        config.stash[_IDENTITY_KEY] = (run_id, folder)
        config.stash[_FALLBACK_KEY] = base.fallback_reason
    return config.stash[_IDENTITY_KEY]


def goimage_session(config: pytest.Config) -> GoImageSession:
    """The run's GoImageSession, created on first use (no engine is contacted before)."""
    existing = config.stash.get(SESSION_KEY, None)
    if existing is not None:
        return existing
    error = config.stash.get(CONFIG_ERROR_KEY, None)
    if error is not None:
        pytest.fail(str(error), pytrace=False)
    goconfig = config.stash.get(CONFIG_KEY, None)
    if goconfig is None:
        pytest.fail(
            f"{config.rootpath / 'go.mod'}: not found, and "
            f"{no_table_note(config.rootpath / 'pyproject.toml')}; the goimage fixtures need a "
            "Go module: run pytest in the folder that holds go.mod, or set `project` in a "
            "[tool.goimage] table.",
            pytrace=False,
        )
    run_id, shared = _run_identity(config)
    workerinput = getattr(config, "workerinput", None)
    worker = workerinput.get("workerid", "main") if workerinput else "main"
    session = GoImageSession(
        config=goconfig,
        run_id=run_id,
        owner=f"{run_id}-{worker}",
        shared_dir=shared,
        progress=WorkerProgress(shared, worker) if workerinput else ProgressPrinter(config),
        keep=bool(config.getoption("goimage_keep")),
        update_baseline=bool(config.getoption("goimage_update_baseline")),
    )
    config.stash[SESSION_KEY] = session
    return session


# -- collection -----------------------------------------------------------------------------


class GoImageFile(pytest.File):
    """The Dockerfile as a collector: its built-in checks are the items."""

    image: ImageConfig

    def collect(self) -> Iterator[pytest.Item]:
        for check in CHECKS:
            yield GoImageCheckItem.from_parent(self, name=check.name, check=check, image=self.image)


class GoImageCheckItem(pytest.Item):
    """One built-in check of one image (`Dockerfile.prod::static`)."""

    def __init__(self, *, check: Check, image: ImageConfig, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.image = image
        self.user_properties.append((PROP_DOCKERFILE, image.dockerfile))
        self.user_properties.append((PROP_CHECK, check.name))

    def runtest(self) -> None:
        session = goimage_session(self.config)
        try:
            checked = self.check.run(session, self.image)
            self.user_properties.append((PROP_MESSAGE, checked))
        except CheckSkipped as exc:
            pytest.skip(str(exc))
        except EngineError:
            # One clear failure per run; the other Docker checks say where to look.
            if session.engine_error_reported:
                pytest.skip("the Docker engine is unreachable (see the first failed check)")
            session.engine_error_reported = True
            raise
        except OUTSIDE_ERRORS as exc:
            # The engine, MinIO or the network failed under us: say so in one paragraph.
            raise CheckFailed(
                f"{self.image.dockerfile}: the {self.check.name} check could not finish: "
                f"{describe_outside_error(exc)}"
            ) from None
        finally:
            with contextlib.suppress(*OUTSIDE_ERRORS, GoImageError):
                self.user_properties.extend(session.image_facts(self.image))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, (GoImageError, CheckFailed)):
            return f"[goimage {self.check.name}] {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # The domain heads the item's FAILURES section. It must not be the node id's tail:
        # pytest would turn the dots of `Dockerfile.prod` in the -v line into "::".
        return self.path, None, f"{self.check.name} ({self.image.dockerfile})"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With --goimage, put the built-in checks first (before -k and -m deselect)."""
    goconfig = config.stash.get(CONFIG_KEY, None)
    if not config.getoption("goimage") or goconfig is None:
        return
    per_image: list[list[pytest.Item]] = []
    for image in goconfig.images:
        # Node ids are `<dockerfile>::<check>` with the Dockerfile as configured (relative to
        # `project`), whatever the rootdir.
        collector = GoImageFile.from_parent(
            session, path=image.dockerfile_path, nodeid=image.dockerfile
        )
        collector.image = image
        # Go through the collect-report hooks so "collected N items" and xdist count them.
        report = collector.ihook.pytest_make_collect_report(collector=collector)
        collector.ihook.pytest_collectreport(report=report)
        per_image.append([node for node in report.result if isinstance(node, pytest.Item)])
    named = config.stash.get(SELECTED_KEY, frozenset())
    if named:
        unnamed = [i for group in per_image for i in group if i.nodeid not in named]
        per_image = [[i for i in group if i.nodeid in named] for group in per_image]
        config.hook.pytest_deselected(items=unnamed)  # counted like -k's, in "N deselected"
    # Docker-free checks of every image first, then each image's Docker checks together.
    ordered: list[pytest.Item] = []
    for group in per_image:
        ordered += [
            i for i in group if isinstance(i, GoImageCheckItem) and not i.check.needs_docker
        ]
    for group in per_image:
        ordered += [i for i in group if isinstance(i, GoImageCheckItem) and i.check.needs_docker]
    items[:0] = ordered


# -- fixtures -------------------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "goimage" not in metafunc.fixturenames:
        return
    error = metafunc.config.stash.get(CONFIG_ERROR_KEY, None)
    if error is not None:
        # One item that fails with the configuration error (the fixture raises it), so the
        # rest of the team's tests still run while [tool.goimage] is being fixed.
        metafunc.parametrize(
            "goimage", [error], ids=["config-error"], indirect=True, scope="session"
        )
        return
    goconfig = metafunc.config.stash.get(CONFIG_KEY, None)
    images = list(goconfig.images) if goconfig else []
    metafunc.parametrize(
        "goimage", images, ids=[i.dockerfile for i in images], indirect=True, scope="session"
    )


@pytest.fixture(scope="session")
def goimage_config(pytestconfig: pytest.Config) -> GoImageConfig:
    """The parsed `[tool.goimage]` configuration."""
    return goimage_session(pytestconfig).config


# What a fixture turns into a one-paragraph failure instead of a traceback.
FIXTURE_ERRORS: tuple[type[BaseException], ...] = (GoImageError, *OUTSIDE_ERRORS)


def _fixture_failure(fixture: str, image: ImageConfig, exc: BaseException) -> str:
    if isinstance(exc, GoImageError):
        return str(exc)
    return f"{image.dockerfile}: {fixture} could not be set up: {describe_outside_error(exc)}"


@pytest.fixture(scope="session")
def goimage(request: pytest.FixtureRequest) -> BuiltImage:
    """A built image (parametrized over the configured images), built once per run."""
    if isinstance(request.param, ConfigError):
        pytest.fail(str(request.param), pytrace=False)
    image: ImageConfig = request.param
    try:
        return goimage_session(request.config).built(image)
    except FIXTURE_ERRORS as exc:
        _fail(_fixture_failure("goimage", image, exc))


@pytest.fixture(scope="session")
def goimage_minio(request: pytest.FixtureRequest, goimage: BuiltImage) -> Iterator[MinioServer]:
    """A fresh MinIO for the image under test, on that image's private network."""
    session = goimage_session(request.config)
    image = session.config.image(goimage.dockerfile)
    try:
        server = session.minio(image)
    except FIXTURE_ERRORS as exc:
        session.release_minio(image)
        _fail(_fixture_failure("goimage_minio", image, exc))
    # Held until pytest tears this fixture down: when the next image's tests start (pytest
    # groups the tests of one parameter together), or at the end of the run.
    session.hold(image)
    yield server
    session.let_go(image)


@pytest.fixture(scope="session")
def goimage_service(
    request: pytest.FixtureRequest, goimage: BuiltImage, goimage_minio: MinioServer
) -> Iterator[RunningService]:
    """The image running beside `goimage_minio`, healthy (health_path answered 2xx)."""
    session = goimage_session(request.config)
    image = session.config.image(goimage.dockerfile)
    try:
        running = session.service(image)
        reason = unhealthy_reason(running, image)
    except FIXTURE_ERRORS as exc:
        reason = _fixture_failure("goimage_service", image, exc)
    if reason:
        # The service goes; its MinIO belongs to goimage_minio, which later tests may use.
        session.release_service(image, with_minio=False)
        _fail(reason)
    yield running
    session.release_service(image, with_minio=False)


def _runtime_of(item: pytest.Item | None) -> str | None:
    """The Dockerfile whose MinIO (and service) `item` uses: a check that runs the image, or a
    test that takes goimage_minio or goimage_service for that image; None for any other."""
    if isinstance(item, GoImageCheckItem):
        return item.image.dockerfile if item.check.name in SERVICE_CHECKS else None
    callspec = getattr(item, "callspec", None)
    uses = {"goimage_minio", "goimage_service"} & set(getattr(item, "fixturenames", ()))
    image = callspec.params.get("goimage") if callspec is not None and uses else None
    return image.dockerfile if isinstance(image, ImageConfig) else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, None, None]:
    """After each item, remove the MinIOs and services that the next one does not use and no
    fixture holds, so a run keeps one image's pair at a time (per xdist worker)."""
    try:
        return (yield)
    finally:
        session = item.config.stash.get(SESSION_KEY, None)
        if session is not None:
            with contextlib.suppress(*FIXTURE_ERRORS):
                session.release_unneeded(_runtime_of(nextitem))


def _fail(message: str) -> NoReturn:
    """Fail a fixture with `message` alone: pytest.fail() inside an `except` block would print
    the caught error too, as "During handling of the above exception", repeating it."""
    raise pytest.fail.Exception(message, pytrace=False) from None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """Under a failed test that used `goimage_service`: is the service still up, and its logs.
    A skipped check is reported at its Dockerfile (`SKIPPED [1] Dockerfile.prod: ...`), not
    at the line of this plugin that raised the skip. Every report leaves masked."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    _annotate(item, call, report)
    goconfig = item.config.stash.get(CONFIG_KEY, None)
    secrets = config_secrets(goconfig) if goconfig is not None else frozenset[str]()
    outcome.force_result(masked_report(item.config, report, secrets))


def _annotate(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    if isinstance(item, GoImageCheckItem) and report.skipped:
        if isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix(f"Skipped: {item.image.dockerfile}: ")
            # No line: pytest prints `path: reason` (its annotation wants an int, its code
            # and its own collection skips use None).
            report.longrepr = (str(item.path), None, reason)  # type: ignore[assignment]
        return
    if not report.failed or call.when != "call":
        return
    running = getattr(item, "funcargs", {}).get("goimage_service")
    if not isinstance(running, RunningService):
        return
    try:
        text = running.diagnosis()
    except FIXTURE_ERRORS as exc:
        text = _fixture_failure("goimage_service", running.image, exc)
    report.sections.append((f"goimage service {running.image.dockerfile}", text))


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    goconfig = config.stash.get(CONFIG_KEY, None)
    if goconfig is None:
        return None
    names = ", ".join(image.dockerfile for image in goconfig.images)
    defaults = (
        [
            f"goimage: {no_table_note(goconfig.source)}: running on the defaults",
            f"goimage: defaults: {defaults_note(goconfig)}",
        ]
        if goconfig.defaults
        else []
    )
    if not config.getoption("goimage"):
        # No run folder yet: a run without --goimage may never touch Docker.
        return [
            f"goimage: {len(goconfig.images)} image(s) configured: {names}; "
            "`pytest --goimage` runs the built-in checks",
            *defaults,
        ]
    engine = engine_address()
    _, shared = _run_identity(config)
    fallback = config.stash.get(_FALLBACK_KEY, "")
    return [
        f"goimage: {len(goconfig.images)} image(s): {names}; engine: {engine}",
        *defaults,
        f"goimage: build logs in {shared}"
        + (f" (not in the shared folder: {fallback})" if fallback else ""),
    ]


# -- results: JSON report, terminal summary, CI step summary --------------------------------


class _ResultsReporter:
    """Registered on the controller only: records every check's report and writes the results."""

    def __init__(self, config: pytest.Config, goconfig: GoImageConfig) -> None:
        self.config = config
        self.results = RunResults(goconfig)
        self.selected: set[str] = set()  # node ids of the built-in checks that are to run
        # Every built-in check's node id: what makes an id from an xdist worker a check.
        self.check_ids = frozenset(
            f"{image.dockerfile}::{check}" for image in goconfig.images for check in check_names()
        )
        self.failed_tests: list[str] = []  # the team's own tests that failed
        self._records: list[ImageRecord] | None = None  # see records()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.selected.update(i.nodeid for i in session.items if isinstance(i, GoImageCheckItem))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        # Under xdist the workers collect; each tells the controller what it will run. Only
        # built-in checks count: the team's own tests make no image "selected".
        self.selected.update(i for i in ids if i in self.check_ids)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.results.record(report)
        is_check = any(name == PROP_CHECK for name, _ in report.user_properties)
        if report.failed and not is_check and report.nodeid not in self.failed_tests:
            self.failed_tests.append(report.nodeid)

    def records(self) -> list[ImageRecord]:
        """The run's records, built once at the end of the session (every check has reported
        by then): unrun checks accounted for, baseline sizes read back from their files."""
        if self._records is None:
            named = bool(self.config.stash.get(SELECTED_KEY, frozenset()))
            left_out = NOT_RUN_UNNAMED if named else NOT_RUN_DESELECTED
            self.results.account_for_unrun(self.selected, check_names(), left_out)
            self._records = self.results.records()
            for record in self._records:
                with contextlib.suppress(GoImageError, OSError):
                    image = self.results.config.image(record.dockerfile)
                    record.baseline_bytes = baseline_size(image)
        return self._records

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        path = self.config.getoption("goimage_report")
        if self.config.option.collectonly:
            return  # nothing ran: no verdict to write (the stale report is already gone)
        if not self.results.images and not self.selected and not path:
            return
        records = self.records()
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        try:
            if path:
                # With no check run (no --goimage, all deselected) the report says failed:
                # a gate must not pass images nobody checked.
                report = build_report(
                    records,
                    interrupted=interrupted,
                    failed_tests=self.failed_tests,
                    secrets=self.results.secrets,
                )
                write_report(Path(path), report)
            step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
            if step_summary and records:
                with open(step_summary, "a", encoding="utf-8") as handle:
                    markdown = markdown_summary(
                        records, self.failed_tests, interrupted, self.results.secrets
                    )
                    handle.write(markdown + "\n")
        except OSError as exc:
            # A gate reading a missing report fails closed; say why instead of crashing.
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(
                    f"goimage: cannot write {exc.filename}: {exc.strerror}", red=True
                )
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def _baseline_note(self, records: list[ImageRecord]) -> tuple[str, bool] | None:
        """What --goimage-update-baseline did, and whether that deserves a warning: a flag
        that silently wrote nothing, or claims a write that failed, misleads. `records` are
        this run's, with the baseline sizes read back after the checks."""
        if not self.config.getoption("goimage_update_baseline"):
            return None
        measured = [
            record
            for record in records
            if record.size_bytes is not None
            and record.checks.get("size", CheckRecord("skipped")).outcome in ("passed", "failed")
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
        files = sorted({str(self.results.config.image(r.dockerfile).baseline) for r in measured})
        names = ", ".join(r.dockerfile for r in measured)
        return f"goimage: baseline updated in {', '.join(files)} for {names}", False

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int) -> None:
        path = self.config.getoption("goimage_report")
        if self.config.option.collectonly:
            terminalreporter.write_line(collect_only_note(self.selected, path))
            return
        records = self.records()
        note = self._baseline_note(records)
        if note:
            text, warn = note
            terminalreporter.write_line(text, yellow=warn)
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        if path and interrupted:
            terminalreporter.write_line(
                f"goimage: the run was interrupted, so the JSON report {path} says failed; "
                "checks that never finished are errors in it.",
                yellow=True,
            )
        elif path and not verified(records):
            terminalreporter.write_line(
                f"goimage: no built-in check passed (none ran, or all were skipped), so the "
                f"JSON report {path} says failed: run with --goimage, and keep -k/-m from "
                "deselecting the checks that matter.",
                yellow=True,
            )
        if not self.results.images or self.config.get_verbosity() < -1:
            return
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


def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """The earliest hook that sees our options: the stale report goes before pytest can stop
    on a usage error of its own (an unknown option)."""
    # xdist workers run this too (their `workerinput` comes later, and PYTEST_XDIST_WORKER is
    # also inherited by pytest runs nested in a worker). That is harmless: workers start
    # long before the controller writes the report, at the very end of the run.
    _remove_report(getattr(early_config.known_args_namespace, "goimage_report", None))


def _remove_stale_report(config: pytest.Config) -> None:
    """A gate must never read the verdict of an earlier run: whatever stops this run before
    it writes its own report (a usage error, a crash) leaves no report, so the gate fails."""
    _remove_report(config.getoption("goimage_report", None))


def _remove_report(path: str | None) -> None:
    if not path:
        return
    try:
        Path(path).unlink(missing_ok=True)
    except OSError as exc:
        raise pytest.UsageError(
            f"--goimage-report={path}: cannot replace the earlier report there "
            f"({exc.strerror}); choose a path this user can write."
        ) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    keep = bool(config.getoption("goimage_keep", False))
    if session is not None:
        session.close()
    if hasattr(config, "workerinput") or _IDENTITY_KEY not in config.stash:
        return  # workers leave the shared images to the controller, which outlives them
    run_id, shared = config.stash[_IDENTITY_KEY]
    if keep:
        _print_keep_instructions(config, run_id, shared)
        close_run_dir(shared)  # kept on purpose: the user removes them
    else:
        remove_built_images(shared)


def _print_keep_instructions(config: pytest.Config, run_id: str, shared: Path) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    label = f"label={LABEL_RUN}={run_id}"
    lines = [
        "goimage: --goimage-keep left this run's containers, networks and images in place.",
        "Remove them with:",
        # xargs -r: the commands also work when the run started no container or network.
        f"  docker ps -aq --filter {label} | xargs -r docker rm -fv",
        f"  docker network ls -q --filter {label} | xargs -r docker network rm",
    ]
    tags = built_tags(shared)
    if tags:
        lines.append(f"  docker rmi {' '.join(tags)}")
    if reporter is not None:
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line)
