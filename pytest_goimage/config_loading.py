"""The run's `[tool.goimage]` in `config.stash`: parsed in pytest_configure for a run that
asks for the checks or their outputs, and otherwise when something first needs it.

A team's `pytest` of its own tests pays for the plugin on every run, and a `pytest -n 2` pays
in the controller and again in every worker. Such a run needs the configuration only for a
goimage fixture, which most unit tests never use, and for the secret values a report with text
is masked with. So it parses nothing until then (25 ms of the plugin's 48 in a Go project,
2026-12-02). Where the controller had parsed anyway (a `--goimage` run), it hands its workers
the tables the secret values are in (`goimage_value_tables` in workerinput,
run_folder.XdistSupport), so a worker's masking does not parse again.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

from .stash_keys import CONFIG_ERROR_KEY, CONFIG_KEY, DEFERRED_KEY, TABLES_INPUT

if TYPE_CHECKING:
    from .config import GoImageConfig
    from .errors import ConfigError

_PARSING = threading.RLock()  # the masking may ask again from inside the parse (a warning)
# The secret values this process masks with, once worked out (dropped when it parses).
SECRETS_KEY = pytest.StashKey[frozenset[str]]()


def load_configuration(config: pytest.Config, required: bool) -> ConfigError | None:
    """Parse `[tool.goimage]` into the stash (the configuration, or None with the error kept
    for the fixtures to fail with); the error, for pytest_configure to stop a `--goimage` run."""
    from .config import load_config
    from .errors import ConfigError

    if SECRETS_KEY in config.stash:  # worked out before this parse: its values may differ
        del config.stash[SECRETS_KEY]
    try:
        config.stash[CONFIG_KEY] = load_config(config.rootpath, required=required)
    except ConfigError as exc:
        config.stash[CONFIG_KEY] = None
        config.stash[CONFIG_ERROR_KEY] = exc
        return exc
    return None


def shipped_tables(config: pytest.Config) -> list[dict[str, str]] | None:
    """The configuration's value tables the xdist controller handed this worker (the secret
    values are among them); None elsewhere."""
    workerinput: dict[str, Any] = getattr(config, "workerinput", {})
    if TABLES_INPUT not in workerinput:
        return None
    return [dict(table) for table in workerinput[TABLES_INPUT]]


def secrets_to_mask(config: pytest.Config) -> frozenset[str]:
    """The secret values this process masks its reports with: those of the tables the
    controller handed over, those of its own parsed configuration and those the run made
    (run_secrets). A worker's own parse comes later than the controller's, when a test asks
    for a fixture, and may read other values (an environment variable a conftest set for each
    process)."""
    from .run_secrets import run_secrets

    if SECRETS_KEY not in config.stash:
        from .gofacts.redaction import secret_values
        from .report.masking import config_secrets

        tables = shipped_tables(config)
        # Without the controller's tables, the values are this process's own to read.
        goconfig = (
            config.stash.get(CONFIG_KEY, None) if tables is not None else project_config(config)
        )
        own = config_secrets(goconfig) if goconfig is not None else frozenset[str]()
        config.stash[SECRETS_KEY] = secret_values(*(tables or [])) | own
    return config.stash[SECRETS_KEY] | run_secrets()


def masked(config: pytest.Config, report: pytest.TestReport) -> pytest.TestReport:
    """`report` masked with this process's secret values (report.masking.masked_report)."""
    from .report.masking import masked_report

    return masked_report(config, report, secrets_to_mask(config))


def defer_parse(config: pytest.Config) -> None:
    """Leave the parse to the first thing that needs the configuration (project_config)."""
    config.stash[DEFERRED_KEY] = True


def project_config(config: pytest.Config) -> GoImageConfig | None:
    """The parsed configuration (None: no Go project, or a configuration error, kept in the
    stash), parsing a deferred one now."""
    if config.stash.get(DEFERRED_KEY, False):
        # One parse, and no thread (a fixture's logger) sees it half done.
        with _PARSING:
            if config.stash.get(DEFERRED_KEY, False):
                load_configuration(config, required=False)
                config.stash[DEFERRED_KEY] = False
    return config.stash.get(CONFIG_KEY, None)
