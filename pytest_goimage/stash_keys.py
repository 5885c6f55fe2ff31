"""Where a pytest run keeps the plugin's state (`config.stash`): one module of keys that the
hooks can import without importing what the state is made of (the engine client, the checks),
so a run that never uses the plugin does not pay for them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .config import GoImageConfig
    from .errors import ConfigError
    from .session import GoImageSession

CONFIG_KEY: pytest.StashKey[GoImageConfig | None] = pytest.StashKey()
CONFIG_ERROR_KEY: pytest.StashKey[ConfigError | None] = pytest.StashKey()
# The configuration is not parsed yet (config_loading): a run without --goimage parses it when
# something first needs it. A controller that had parsed it hands its workers the values to
# mask with (in workerinput under TABLES_INPUT).
DEFERRED_KEY = pytest.StashKey[bool]()
TABLES_INPUT = "goimage_value_tables"
SESSION_KEY: pytest.StashKey[GoImageSession | None] = pytest.StashKey()
# The run id and its shared folder (build logs), once made: the run removes what it built.
IDENTITY_KEY: pytest.StashKey[tuple[str, Path]] = pytest.StashKey()
# Checks named on the command line (`Dockerfile.prod::static`); empty where the arguments name
# only tests (`tests/test_api.py::test_x`), so no check is collected; None: no argument chose.
SELECTED_KEY = pytest.StashKey["frozenset[str] | None"]()
# pytest's session: its exit status is read after pytest_unconfigure, where a run without xdist
# removes what it made (a Ctrl-C then is an interrupted run too).
PYTEST_SESSION_KEY = pytest.StashKey["pytest.Session"]()
# The objects with hooks of their own that pytest_configure registered, to unregister.
PLUGINS_KEY = pytest.StashKey[list[object]]()


def is_worker(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist worker (the controller hands it `workerinput`)."""
    return hasattr(config, "workerinput")


def in_go_project(config: pytest.Config) -> bool:
    """Whether the plugin has a configuration here (parsed, failed, or left for later), or
    the values to mask that an xdist controller that had one handed over."""
    return (
        config.stash.get(DEFERRED_KEY, False)
        or config.stash.get(CONFIG_KEY, None) is not None
        or config.stash.get(CONFIG_ERROR_KEY, None) is not None
        or TABLES_INPUT in getattr(config, "workerinput", {})
    )
