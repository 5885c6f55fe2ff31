"""The run's `[tool.goimage]` in `config.stash`: parsed in pytest_configure, or, on an xdist
worker of a run without --goimage, when a test first asks for a goimage fixture.

A team's `pytest -n 2` pays for the plugin in the controller and again in every worker. A
worker needs the configuration for a goimage fixture, which most unit tests never use, and for
the secret values its reports are masked with. The controller has parsed it already and hands
those values over (`goimage_secrets` in workerinput, run_folder.XdistSupport), so such a
worker parses nothing until a test needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from .stash_keys import CONFIG_ERROR_KEY, CONFIG_KEY, DEFERRED_KEY

if TYPE_CHECKING:
    from .config import GoImageConfig
    from .errors import ConfigError

SECRETS_INPUT = "goimage_secrets"


def load_configuration(config: pytest.Config, required: bool) -> ConfigError | None:
    """Parse `[tool.goimage]` into the stash (the configuration, or None with the error kept
    for the fixtures to fail with); the error, for pytest_configure to stop a `--goimage` run."""
    from .config import load_config
    from .errors import ConfigError

    try:
        config.stash[CONFIG_KEY] = load_config(config.rootpath, required=required)
    except ConfigError as exc:
        config.stash[CONFIG_KEY] = None
        config.stash[CONFIG_ERROR_KEY] = exc
        return exc
    return None


def shipped_secrets(config: pytest.Config) -> frozenset[str] | None:
    """The secret values the xdist controller handed this worker; None elsewhere."""
    workerinput: dict[str, Any] = getattr(config, "workerinput", {})
    if SECRETS_INPUT not in workerinput:
        return None
    return frozenset(workerinput[SECRETS_INPUT])


def secrets_to_mask(config: pytest.Config) -> frozenset[str]:
    """The secret values this process masks its reports with: those the controller handed
    over, else those of the parsed configuration (none without one)."""
    shipped = shipped_secrets(config)
    if shipped is not None:
        return shipped
    from .report.masking import config_secrets

    goconfig = config.stash.get(CONFIG_KEY, None)
    return config_secrets(goconfig) if goconfig is not None else frozenset()


def defer_on_worker(config: pytest.Config) -> bool:
    """On a worker whose controller handed over the secret values, leave the parse to the
    first test that needs it (project_config); whether it was left."""
    if shipped_secrets(config) is None:
        return False
    config.stash[DEFERRED_KEY] = True
    return True


def project_config(config: pytest.Config) -> GoImageConfig | None:
    """The parsed configuration (None: no Go project, or a configuration error, kept in the
    stash), parsing a deferred one now."""
    if config.stash.get(DEFERRED_KEY, False):
        config.stash[DEFERRED_KEY] = False
        load_configuration(config, required=False)
    return config.stash.get(CONFIG_KEY, None)
