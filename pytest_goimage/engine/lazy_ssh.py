"""docker-py without paramiko until an ssh:// engine is used.

docker-py imports its SSH transport, and with it paramiko (and invoke, through paramiko's
config reader), whenever `docker` is imported: 0.08 s of import and 0.04 s of interpreter exit
in every `--goimage` run, measured on a unix-socket engine that never speaks SSH.
`defer_ssh_transport` makes the first import of `docker.transport.sshconn` give a stand-in
(through the import system, so it has a spec and is its package's attribute). The stand-in's
`SSHHTTPAdapter`, the only name docker-py takes from it, imports the real module on the first
ssh:// client and puts the real class back where docker-py keeps it; any other name asked of
the stand-in imports it too.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

SSH_TRANSPORT = "docker.transport.sshconn"
# Where docker-py binds the adapter class: the transport package and the API client.
_BOUND_IN = ("docker.transport", "docker.api.client")
_loading = threading.Lock()


def defer_ssh_transport() -> None:
    """Have docker-py's SSH transport load on first use. Nothing changes when docker is
    imported already (paramiko came with it) or paramiko is not installed (docker-py then
    reports ssh:// as unsupported itself)."""
    if "docker" in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    if importlib.util.find_spec("paramiko") is None:
        return
    sys.meta_path.insert(0, _Finder())


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers the first import of the SSH transport with the stand-in, then steps aside."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != SSH_TRANSPORT:
            return None
        sys.meta_path.remove(self)  # the real module is found the usual way from now on
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return _StandIn(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        pass


def real_transport() -> ModuleType:
    """docker-py's SSH transport, imported now if the stand-in is still in its place; the
    adapter class is bound again where docker-py took the stand-in's. An import that fails
    (paramiko or one of its libraries broken) leaves the stand-in for a later try and raises
    docker-py's own error for ssh:// without paramiko, which the connection reports."""
    with _loading:
        current = sys.modules.get(SSH_TRANSPORT)
        if current is not None and not isinstance(current, _StandIn):
            return current
        sys.modules.pop(SSH_TRANSPORT, None)
        try:
            real = importlib.import_module(SSH_TRANSPORT)
        except ImportError as exc:
            if current is not None:
                sys.modules[SSH_TRANSPORT] = current
            import docker.errors

            raise docker.errors.DockerException(
                f"ssh:// engines need paramiko, which cannot be imported: {exc}"
            ) from exc
        for name in _BOUND_IN:
            holder = sys.modules.get(name)
            if getattr(holder, "SSHHTTPAdapter", None) is _StandIn.SSHHTTPAdapter:
                holder.SSHHTTPAdapter = real.SSHHTTPAdapter  # type: ignore[union-attr]
        return real


class _StandIn(ModuleType):
    """docker.transport.sshconn until it is needed."""

    @staticmethod
    def SSHHTTPAdapter(*args: Any, **kwargs: Any) -> Any:  # docker-py's name for it
        return real_transport().SSHHTTPAdapter(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(real_transport(), name)
        except Exception as exc:  # a scan of sys.modules (pickle) expects AttributeError
            raise AttributeError(name) from exc
