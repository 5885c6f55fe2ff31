"""docker-py without paramiko until an ssh:// engine is used.

docker-py imports its SSH transport, and with it paramiko (and invoke, through paramiko's
config reader), whenever `docker` is imported: 0.08 s of import and 0.04 s of interpreter exit
in every `--goimage` run, measured on a unix-socket engine that never speaks SSH.
`defer_ssh_transport` makes the first import of `docker.transport.sshconn` give a stand-in
(through the import system, so it has a spec and is its package's attribute). The stand-in's
`SSHHTTPAdapter`, the only name docker-py takes from it, imports the real module on the first
ssh:// client and puts the real class back where docker-py keeps it; any other name read,
set or deleted on the stand-in imports it too. What stays visible: code that took the
stand-in's `SSHHTTPAdapter` before then holds a function, not the class.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from ..errors import EngineError

SSH_TRANSPORT = "docker.transport.sshconn"
# Where docker-py binds the adapter class: the transport package and the API client.
_BOUND_IN = ("docker.transport", "docker.api.client")
_loading = threading.Lock()


def defer_ssh_transport() -> None:
    """Have docker-py's SSH transport load on first use. Nothing changes when docker is
    imported already (paramiko came with it) or paramiko is not installed (docker-py then
    reports ssh:// as unsupported itself)."""
    if "docker" in sys.modules or any(_is_finder(f) for f in sys.meta_path):
        return
    if importlib.util.find_spec("paramiko") is None:
        return
    # A new list, not an insert: a thread importing now goes on over the list it had.
    sys.meta_path = [_Finder(), *sys.meta_path]


def stop_deferring() -> None:
    """Take the finder out (the run is over): an `import docker` later in this process is
    docker-py's own, unless the stand-in is in use already."""
    sys.meta_path = [f for f in sys.meta_path if not _is_finder(f)]


def _is_finder(finder: object) -> bool:
    # By name: a test harness that reloads this module makes a new _Finder class.
    return type(finder).__qualname__ == "_Finder" and type(finder).__module__ == __name__


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers the first import of the SSH transport with the stand-in, then no more."""

    def __init__(self) -> None:
        self.spent = False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != SSH_TRANSPORT or self.spent:
            return None
        self.spent = True  # the real module is found the usual way from now on
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return _StandIn(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        pass


def real_transport(engine: str = "an ssh:// engine") -> ModuleType:
    """docker-py's SSH transport, imported now if the stand-in is still in its place; the
    adapter class is bound again where docker-py took the stand-in's. An import that fails
    leaves the stand-in for a later try and raises an EngineError that says what to do."""
    with _loading:
        current = sys.modules.get(SSH_TRANSPORT)
        if current is not None and not isinstance(current, _StandIn):
            return current
        sys.modules.pop(SSH_TRANSPORT, None)
        try:
            with warnings.catch_warnings():
                # Shown, never raised: docker-py used to import paramiko as the run started,
                # not under the filters of the test item that happens to connect first
                # (`-W error`, say).
                warnings.simplefilter("default")
                real = importlib.import_module(SSH_TRANSPORT)
        except Exception as exc:
            if current is not None:
                sys.modules[SSH_TRANSPORT] = current
            raise EngineError(
                f"Cannot use the Docker engine at {engine}: docker-py's SSH transport does not "
                f"import ({type(exc).__name__}: {exc}). Reinstall it (`pip install "
                "--force-reinstall 'docker[ssh]'` installs paramiko and its libraries), then "
                "rerun."
            ) from exc
        for name in _BOUND_IN:
            holder = sys.modules.get(name)
            if getattr(holder, "SSHHTTPAdapter", None) is _StandIn.SSHHTTPAdapter:
                holder.SSHHTTPAdapter = real.SSHHTTPAdapter  # type: ignore[union-attr]
        return real


class _StandIn(ModuleType):
    """docker.transport.sshconn until it is needed."""

    @staticmethod
    def SSHHTTPAdapter(base_url: str, *args: Any, **kwargs: Any) -> Any:  # docker-py's name
        return real_transport(base_url).SSHHTTPAdapter(base_url, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(real_transport(), name)
        except EngineError as exc:  # a scan of sys.modules (pickle) expects AttributeError
            raise AttributeError(name) from exc

    def __setattr__(self, name: str, value: Any) -> None:
        # The import system sets the dunders; a patch of anything else (mock.patch) must
        # reach the module docker-py uses.
        if name.startswith("__"):
            super().__setattr__(name, value)
        else:
            setattr(real_transport(), name, value)

    def __delattr__(self, name: str) -> None:
        if name.startswith("__"):
            super().__delattr__(name)
        else:
            delattr(real_transport(), name)
