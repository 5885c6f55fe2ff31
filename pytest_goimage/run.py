"""One pytest run: controller or xdist worker, its id and shared folder, its GoImageSession.

The controller makes the run id and the shared folder (build logs, progress, built tags) and
hands them to every worker; what the run built is removed, or kept with instructions, at its
end. The configuration and the session live in `config.stash`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from .build.progress import ProgressPrinter, ProgressTail, WorkerProgress
from .config_defaults import no_table_note
from .engine.connection import LABEL_RUN, new_run_id
from .engine.run_dirs import (
    built_tags,
    claim_run_dir,
    close_run_dir,
    prune_run_dirs,
    remove_built_images,
    runs_base,
)
from .session import GoImageSession
from .stash_keys import (
    CONFIG_ERROR_KEY,
    CONFIG_KEY,
    IDENTITY_KEY,
    SELECTED_KEY,
    SESSION_KEY,
    is_worker,
)

_FALLBACK_KEY = pytest.StashKey[str]()  # why the shared runs folder was not used


def worker_id(config: pytest.Config) -> str:
    """`gw0`, `gw1`, ... on an xdist worker; `main` elsewhere."""
    workerinput: dict[str, Any] = getattr(config, "workerinput", {})
    return str(workerinput.get("workerid", "main"))


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
        config.stash[IDENTITY_KEY] = (run_id, folder)
        config.stash[_FALLBACK_KEY] = base.fallback_reason
    return config.stash[IDENTITY_KEY]


def build_logs_line(config: pytest.Config) -> str:
    """Where this run's build logs go, for the report header."""
    _, shared = run_identity(config)
    fallback = config.stash.get(_FALLBACK_KEY, "")
    return f"goimage: build logs in {shared}" + (
        f" (not in the shared folder: {fallback})" if fallback else ""
    )


class XdistSupport:
    """Registered on an xdist controller: hands the run id and shared folder to every worker,
    and prints their build progress (workers have no terminal)."""

    def __init__(self) -> None:
        self.tail: ProgressTail | None = None

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        run_id, shared = run_identity(node.config)
        node.workerinput["goimage_run_id"] = run_id
        node.workerinput["goimage_shared_dir"] = str(shared)
        if self.tail is None:
            self.tail = ProgressTail(shared, ProgressPrinter(node.config))
            self.tail.start()

    def pytest_sessionfinish(self) -> None:
        if self.tail is not None:
            self.tail.stop()


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
        and not config.stash.get(SELECTED_KEY, frozenset())
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
    run_id, shared = run_identity(config)
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
    )
    config.stash[SESSION_KEY] = session
    return session


def sbom_dir(config: pytest.Config) -> Path | None:
    """--goimage-sbom's folder, as given (relative to where pytest started, like
    --goimage-report; xdist workers start there too); None without the flag."""
    value = config.getoption("goimage_sbom", None)
    return Path(value) if value else None


def end_run(config: pytest.Config) -> None:
    """Close this process's session; on the controller, remove what the run built, or with
    --goimage-keep leave it and print how to remove it."""
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.close()
    if is_worker(config) or IDENTITY_KEY not in config.stash:
        return  # workers leave the shared images to the controller, which outlives them
    run_id, shared = config.stash[IDENTITY_KEY]
    if config.getoption("goimage_keep", False):
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
