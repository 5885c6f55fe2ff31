"""A pytest plugin for the mutation run only (`-p tests.mutation.warm` in [tool.mutmut]).

mutmut forks one pytest session per mutant, and every session would build test_goinfo's real
Go and C binaries again (about 3 s, seven `go build`s, before the first test), which is most of
the time a mutant of the ELF or build info readers takes. The fixtures below only run the Go
and C toolchains, never the package under test, so their values are the same for every
mutant: the first session computes them and the forked sessions reuse them. Their files stay on
disk because that first session's temporary folder is locked for as long as mutmut runs.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

# (test module, fixture): session fixtures that never call pytest_goimage.
SHARED = frozenset(
    ("test_goinfo", name) for name in ("workdir", "go_binaries", "c_binaries", "host_cgo_enabled")
)
_values: dict[tuple[str, str], Any] = {}
# The temporary folders that hold the shared fixtures' files.
_folders: set[Path] = set()


def _key(fixturedef: pytest.FixtureDef[Any]) -> tuple[str, str]:
    return fixturedef.func.__module__.rpartition(".")[2], fixturedef.argname


@pytest.hookimpl(tryfirst=True, specname="pytest_fixture_setup")
def pytest_fixture_setup_reused(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Any:
    """The value an earlier session of this process (or its parent) computed, if any."""
    key = _key(fixturedef)
    if key not in _values:
        return None
    fixturedef.cached_result = (_values[key], fixturedef.cache_key(request), None)  # type: ignore[arg-type]
    return _values[key]


@pytest.hookimpl(wrapper=True, specname="pytest_fixture_setup")
def pytest_fixture_setup_kept(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    """Remember the value of a shared fixture once it was computed without error."""
    value = yield
    if _key(fixturedef) in SHARED:
        _values[_key(fixturedef)] = value
        _folders.add(request.getfixturevalue("tmp_path_factory").getbasetemp())
    return value


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Lock the shared fixtures' folder again after pytest's own session end unlocked it.

    pytest deletes an old numbered folder only when its `.lock` is missing or days old, and a
    lock left by a process that ended is what pytest treats as a crashed run: kept, then
    cleaned up days later.
    """
    for folder in _folders:
        if folder.is_dir():
            (folder / ".lock").write_text(str(os.getpid()))
