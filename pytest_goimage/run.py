"""One pytest run: controller or xdist worker, and its GoImageSession (its id and shared folder
are in run_folder.py). The configuration and the session live in `config.stash`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .build.progress import ProgressPrinter, WorkerProgress
from .config_defaults import no_table_note
from .config_loading import project_config
from .run_folder import prune_old_runs, run_identity
from .run_outputs import run_outputs
from .session import GoImageSession
from .stash_keys import (
    CONFIG_ERROR_KEY,
    CONFIG_KEY,
    SELECTED_KEY,
    SESSION_KEY,
    is_worker,
)
from .termination import end_on_sigterm


def worker_id(config: pytest.Config) -> str:
    """`gw0`, `gw1`, ... on an xdist worker; `main` elsewhere."""
    workerinput: dict[str, Any] = getattr(config, "workerinput", {})
    return str(workerinput.get("workerid", "main"))


# Options under which the first configured image's checks are not the first to run beside
# MinIO (they select or reorder items), or no item runs its checks at all.
_CHOOSING_OPTIONS = (
    "collectonly",
    "keyword",
    "markexpr",
    "deselect",
    "lf",
    "failedfirst",
    "newfirst",
    "stepwise",
    "stepwise_skip",
    "showfixtures",
    "show_fixtures_per_test",
    "setupplan",
    "setuponly",
)


def runs_first_image_ahead(config: pytest.Config) -> bool:
    """Whether the first configured image's checks will most likely be the first to run beside
    MinIO: a whole `--goimage` run in this process that runs its items. Its MinIO then starts
    while pytest collects; a guess the items prove wrong is removed once they are known (see
    RuntimePool.plan). Not with --goimage-keep: a kept wrong guess would run beside every
    later set."""
    option = config.option
    return bool(
        config.getoption("goimage")
        and not config.getoption("goimage_keep")
        and not is_worker(config)
        # The xdist workers run the items (`-n` sets dist only once xdist's main starts).
        and getattr(option, "dist", "no") == "no"
        and not getattr(option, "numprocesses", None)
        and not any(getattr(option, name, None) for name in _CHOOSING_OPTIONS)
        and config.stash.get(SELECTED_KEY, None) is None
    )


def start_first_image_ahead(config: pytest.Config) -> None:
    """In a run runs_first_image_ahead accepts, start the first configured image's MinIO and
    dependencies now (GoImageSession.start_ahead)."""
    goconfig = config.stash.get(CONFIG_KEY, None)
    if goconfig is not None and runs_first_image_ahead(config):
        goimage_session(config).start_ahead(goconfig.images[0].dockerfile)


def goimage_session(config: pytest.Config) -> GoImageSession:
    """The run's GoImageSession, created on first use (no engine is contacted before).

    Fails the calling test or fixture with the configuration error, or with where go.mod
    was looked for."""
    existing = config.stash.get(SESSION_KEY, None)
    if existing is not None:
        return existing
    goconfig = project_config(config)
    error = config.stash.get(CONFIG_ERROR_KEY, None)
    if error is not None:
        pytest.fail(str(error), pytrace=False)
    if goconfig is None:
        pytest.fail(
            f"{config.rootpath / 'go.mod'}: not found, and "
            f"{no_table_note(config.rootpath / 'pyproject.toml')}; the goimage fixtures need a "
            "Go module: run pytest in the folder that holds go.mod, or set `project` in a "
            "[tool.goimage] table.",
            pytrace=False,
        )
    run_id, shared = run_identity(config)
    prune_old_runs(config)
    worker = worker_id(config)
    session = GoImageSession(
        config=goconfig,
        run_id=run_id,
        owner=f"{run_id}-{worker}",
        shared_dir=shared,
        progress=WorkerProgress(shared, worker) if is_worker(config) else ProgressPrinter(config),
        keep=bool(config.getoption("goimage_keep")),
        update_baseline=bool(config.getoption("goimage_update_baseline")),
        sbom_dir=sbom_dir(config),
        written_files=tuple(run_outputs(config, sbom=False)),  # the SBOMs: sbom_dir
    )
    config.stash[SESSION_KEY] = session
    end_on_sigterm(config)  # this process makes engine resources: SIGTERM ends it as Ctrl-C does
    return session


def sbom_dir(config: pytest.Config) -> Path | None:
    """--goimage-sbom's folder, as given (relative to where pytest started, like
    --goimage-report; xdist workers start there too); None without the flag."""
    value = config.getoption("goimage_sbom", None)
    return Path(value) if value else None
