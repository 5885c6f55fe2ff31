"""docker-py without paramiko until an ssh:// engine is used.

docker-py imports its SSH transport, and with it paramiko (and invoke, through paramiko's
config reader), whenever `docker` is imported: 0.08 s of import and 0.04 s of interpreter exit
in every `--goimage` run, measured on a unix-socket engine that never speaks SSH. `install`
puts a stand-in for `docker.transport.sshconn` in `sys.modules` before docker is imported: its
`SSHHTTPAdapter` (the only name docker-py takes from it) loads the real module, from its own
file, on the first ssh:// client; any other name asked of it loads it too.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

MODULE = "docker.transport.sshconn"


def install() -> None:
    """Stand in for docker-py's SSH transport, unless docker is imported already (then
    paramiko is too) or docker-py's layout is not the one this knows."""
    if "docker" in sys.modules or MODULE in sys.modules:
        return
    spec = importlib.util.find_spec("docker")
    if spec is None or not spec.submodule_search_locations:
        return
    sys.modules[MODULE] = _StandIn(MODULE, [*spec.submodule_search_locations])


def _real_module(package_dirs: list[str]) -> ModuleType:
    """docker-py's SSH transport, loaded from its file in place of the stand-in."""
    loaded = sys.modules.get(MODULE)
    if loaded is not None and not isinstance(loaded, _StandIn):
        return loaded
    spec = importlib.util.spec_from_file_location(MODULE, f"{package_dirs[0]}/transport/sshconn.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"docker-py's {MODULE} is not where it was", name=MODULE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[MODULE]
        raise
    package = sys.modules.get("docker.transport")
    if package is not None:
        package.sshconn = module  # type: ignore[attr-defined]
    return module


class _StandIn(ModuleType):
    """docker.transport.sshconn until it is needed."""

    def __init__(self, name: str, package_dirs: list[str]) -> None:
        super().__init__(name)
        self._package_dirs = package_dirs

        def ssh_http_adapter(*args: Any, **kwargs: Any) -> Any:
            return _real_module(package_dirs).SSHHTTPAdapter(*args, **kwargs)

        self.SSHHTTPAdapter = ssh_http_adapter

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real_module(self._package_dirs), name)
