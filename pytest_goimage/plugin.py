"""pytest hooks and fixtures: options, configuration, collection, fixtures, report header.

Wiring only: the built-in checks as items are in items.py, the run's folder and xdist support
in run_folder.py, the session in run.py, the results (JSON, terminal, Markdown) in report/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from typing import Any

import pytest

from .fixtures import (  # pytest finds the fixtures in this module's namespace
    _fixture_errors,
    add_service_diagnosis,
    goimage,
    goimage_config,
    goimage_dependency,
    goimage_minio,
    goimage_service,
)
from .go_project import may_be_go_project, reads_environment
from .stash_keys import (
    CONFIG_ERROR_KEY,
    CONFIG_KEY,
    DEFERRED_KEY,
    IDENTITY_KEY,
    PLUGINS_KEY,
    PYTEST_SESSION_KEY,
    SELECTED_KEY,
    SESSION_KEY,
    in_go_project,
    is_worker,
)

# Everything else is imported where it is used: a pytest run that never uses the plugin (no
# --goimage, no goimage fixture, no Go project) must not pay for the engine's client, the
# checks and their readers (0.29 s per run when they were imported here).

__all__ = [
    "goimage",
    "goimage_config",
    "goimage_dependency",
    "goimage_minio",
    "goimage_service",
]

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
        "--goimage-sbom",
        metavar="DIR",
        help="write a CycloneDX SBOM of each image's Go binary into DIR (linked from the report)",
    )
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


def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """The earliest hook that sees our options: the stale report goes before pytest can stop
    on a usage error of its own (an unknown option)."""
    # xdist workers run this too (their `workerinput` comes later, and PYTEST_XDIST_WORKER is
    # also inherited by pytest runs nested in a worker). That is harmless: workers start
    # long before the controller writes the report, at the very end of the run.
    path = getattr(early_config.known_args_namespace, "goimage_report", None)
    if path:
        from .report.reporter import remove_report

        remove_report(path)
    if path or getattr(early_config.known_args_namespace, "goimage", False):
        # Before the conftests, which may import docker. Only in runs that ask for the
        # plugin: others keep docker-py's import as it is.
        from .engine.lazy_ssh import defer_ssh_transport, stop_deferring

        defer_ssh_transport()
        early_config.add_cleanup(stop_deferring)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SESSION_KEY] = None
    config.stash[CONFIG_ERROR_KEY] = None
    config.stash[PLUGINS_KEY] = []
    config.stash[CONFIG_KEY] = None
    config.stash[SELECTED_KEY] = None
    if not is_worker(config) and config.getoption("goimage_report", None):
        from .report.reporter import remove_report

        remove_report(config.getoption("goimage_report"))
    # A run asked for the checks or their report needs the configuration: without it, the
    # report would be missing (a gate fails closed, but nobody would learn why).
    flag = (
        "--goimage"
        if config.getoption("goimage")
        else "--goimage-report"
        if config.getoption("goimage_report")
        else ""
    )
    if not flag and not may_be_go_project(config.rootpath):
        return  # nothing to configure: the plugin stays out of this run's way
    from .report.output_masking import OutputMasking  # logs and warnings, which no report holds

    masking = OutputMasking(lambda: in_go_project(config), lambda: _secrets_to_mask(config))
    _register(config, masking, "goimage-masking")
    from .termination import SigtermHooks  # a SIGTERM while the run ends lets it finish

    _register(config, SigtermHooks(), "goimage-sigterm")
    if is_worker(config):  # its fixtures may start containers: it removes them at its end
        from .run_folder import WorkerEnd

        _register(config, WorkerEnd(), "goimage-worker-end")
    if config.pluginmanager.hasplugin("xdist") and getattr(config.option, "dist", "no") != "no":
        from .run_folder import XdistSupport  # workers will start: hand them the run

        _register(config, XdistSupport(), "goimage-xdist")
    elif flag and not is_worker(config):
        from .termination import one_sigint_per_interrupt

        one_sigint_per_interrupt(config)
    # The results are the controller's (xdist ships them there). Only built-in check items
    # report results: a run that asks for none of them or their outputs has nothing to record.
    outputs = ("goimage_update_baseline", "goimage_sbom")
    from .config_loading import defer_parse, load_configuration

    if (
        not flag
        and not any(map(config.getoption, outputs))
        and not reads_environment(config.rootpath)
    ):
        # A team's run of its own tests: parsed when a test asks for a goimage fixture or a
        # report has text to mask (config_loading), not on every run (25 ms of 48).
        defer_parse(config)
        return
    # Without [tool.goimage], a Go repository runs on the defaults; with a flag, a rootdir
    # without go.mod is an error (no Go module to test) instead of no plugin.
    error = load_configuration(config, required=bool(flag))
    if error is not None and flag:
        raise pytest.UsageError(str(error)) from None
    goconfig = config.stash[CONFIG_KEY]
    if goconfig is None:
        return
    if config.getoption("goimage"):
        from .checks import image_check_names, repository_check_names
        from .errors import SelectionError
        from .selection import checks_chosen, take_check_args

        try:
            named = take_check_args(
                config.args,
                goconfig.images,
                image_check_names(),
                config.invocation_params.dir,
                repository_check_names(),
            )
        except SelectionError as exc:
            raise pytest.UsageError(str(exc)) from None
        if named.selected:
            config.args[:] = named.rest
        # Every xdist worker parses the same arguments, so each selects the same checks.
        from_args = config.args_source == pytest.Config.ArgsSource.ARGS
        config.stash[SELECTED_KEY] = checks_chosen(named, from_args, config.invocation_params.dir)
    if (flag or any(map(config.getoption, outputs))) and not is_worker(config):
        from .checks import check_names, repository_check_names
        from .report.reporter import ResultsReporter, make_sbom_dir

        if config.getoption("goimage_sbom"):
            make_sbom_dir(config.getoption("goimage_sbom"))
        reporter = ResultsReporter(
            config,
            goconfig,
            checks=check_names(),
            named=config.stash[SELECTED_KEY] is not None,
            repository_checks=repository_check_names(),
        )
        _register(config, reporter, "goimage-results")


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the first configured image's MinIO and dependencies while pytest collects, in a
    whole `--goimage` run. Last of the session-start hooks: the header is out, so whatever
    the engine connection reports (a sweep, an unreachable engine) comes after it."""
    session.config.stash[PYTEST_SESSION_KEY] = session
    if session.config.getoption("goimage"):  # else run.py's imports are not paid for
        from .run import start_first_image_ahead

        start_first_image_ahead(session.config)


def _secrets_to_mask(config: pytest.Config) -> frozenset[str]:
    from .config_loading import secrets_to_mask  # at the first live log record, if any

    return secrets_to_mask(config)


def _register(config: pytest.Config, plugin: object, name: str) -> None:
    config.pluginmanager.register(plugin, name)
    config.stash[PLUGINS_KEY].append(plugin)


def pytest_unconfigure(config: pytest.Config) -> None:
    for plugin in config.stash.get(PLUGINS_KEY, []):
        config.pluginmanager.unregister(plugin)
    if config.stash.get(SESSION_KEY, None) is not None or IDENTITY_KEY in config.stash:
        from .run_folder import end_run_guarded
        from .termination import restore_sigterm

        try:
            end_run_guarded(config)  # a run folder or a session exists: remove what it made
        finally:
            restore_sigterm(config)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With --goimage, put the built-in checks first (before -k and -m deselect), if any."""
    goconfig = config.stash.get(CONFIG_KEY, None)
    named = config.stash.get(SELECTED_KEY, None)
    if config.getoption("goimage") and goconfig is not None and named != frozenset():
        from .items import check_items

        items[:0] = check_items(session, goconfig, named)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Tell the run what its items will build and run, so that builds start together and each
    image's MinIO starts before its items come (not on xdist workers: their share is unknown)."""
    config = session.config
    if config.stash.get(CONFIG_KEY, None) is None or is_worker(config):
        return
    uses = any("goimage" in getattr(item, "fixturenames", ()) for item in session.items)
    if not (config.getoption("goimage") or uses) or config.option.collectonly:
        return
    from .items import plan_of
    from .run import goimage_session

    goimage_session(config).plan(*plan_of(session.items))


# -- fixtures ------------------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "goimage" not in metafunc.fixturenames:
        return
    from .config_loading import project_config

    goconfig = project_config(metafunc.config)
    error = metafunc.config.stash.get(CONFIG_ERROR_KEY, None)
    if error is not None:
        # One item that fails with the configuration error (the fixture raises it), so the
        # rest of the team's tests still run while [tool.goimage] is being fixed.
        metafunc.parametrize(
            "goimage", [error], ids=["config-error"], indirect=True, scope="session"
        )
        return
    images = list(goconfig.images) if goconfig else []
    metafunc.parametrize(
        "goimage", images, ids=[i.dockerfile for i in images], indirect=True, scope="session"
    )


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
            from .items import runtime_of

            with contextlib.suppress(*_fixture_errors()):
                session.between_items(runtime_of(nextitem))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A skipped check is reported at its Dockerfile; under a failed test that used
    `goimage_service`: is the service still up, and its logs. Every report leaves masked."""
    outcome = yield
    if not in_go_project(item.config):
        return  # no Go project here: the plugin has nothing to add or mask
    report: pytest.TestReport = outcome.get_result()
    if item.config.getoption("goimage"):  # built-in check items exist with --goimage only
        from .items import GoImageCheckItem

        if isinstance(item, GoImageCheckItem):
            item.report_skip_at_dockerfile(report)
    if report.failed and call.when == "call" and "goimage_service" in getattr(item, "funcargs", {}):
        add_service_diagnosis(item, report)
    if not _has_text(report):
        return  # nothing a secret could be in (most passing tests): no masking to load
    from .config_loading import masked

    outcome.force_result(masked(item.config, report))


def _has_text(report: pytest.TestReport) -> bool:
    """Whether the report carries any text masked_report would mask."""
    return (
        report.longrepr is not None
        or bool(report.sections)
        or bool(getattr(report, "wasxfail", ""))
        or bool(report.user_properties)
    )


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    if config.stash.get(DEFERRED_KEY, False):  # a run without --goimage: a pointer is enough
        if not (config.rootpath / "go.mod").is_file():
            return None  # a pyproject.toml that names the plugin is not yet a Go project
        return ["goimage: `pytest --goimage` checks this Go project's container images"]
    goconfig = config.stash.get(CONFIG_KEY, None)
    if goconfig is None:
        return None
    from .report.header import header_lines

    lines = header_lines(config, goconfig, tests_only=config.stash[SELECTED_KEY] == frozenset())
    if config.getoption("goimage"):
        from .run_folder import build_logs_line

        lines.append(build_logs_line(config))
    return lines
