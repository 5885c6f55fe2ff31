"""Which module a CI job's Go commands build: the go command finds its main module in the
folder it runs in or the nearest one above that holds a go.mod. A job that runs Go only in
the folders of other modules (a `tools/` module with its own go.mod and its own Go) does not
build this one, so its Go is not compared with this module's go.mod."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .versions import Pin
from .workspace import WORK_FILE


def other_modules_left_out(pins: Iterable[Pin], workspace: Path, project: Path) -> list[Pin]:
    """`pins` with each CI pin whose job runs Go only in other modules' folders marked
    ignored. `workspace` is the folder the job's working directories start from (the
    repository's top), `project` this module's folder."""
    own = project.resolve()
    result = []
    for pin in pins:
        if pin.go_folders and not pin.ignored:
            modules = [
                _module_of(workspace, folder, pin.workspace_off) for folder in pin.go_folders
            ]
            if all(module is not None and module != own for module in modules):
                pin = replace(pin, ignored=_why(pin, modules, workspace, own))
        result.append(pin)
    return result


def _module_of(workspace: Path, folder: str, workspace_off: bool) -> Path | None:
    """The folder of the module the go command builds when run in `folder`; None when not
    known: no go.mod up to the repository's top, or a go.work on the way (workspace mode,
    where go.work's own requirement covers every module it uses, this one too)."""
    top = workspace.resolve()
    here = (top / folder).resolve()
    if here != top and top not in here.parents:
        return None
    found: Path | None = None
    for candidate in (here, *here.parents):
        if not workspace_off and (candidate / WORK_FILE).is_file():
            return None
        if found is None and (candidate / "go.mod").is_file():
            found = candidate
        if candidate == top:
            break
    return found


def _why(pin: Pin, modules: list[Path | None], workspace: Path, own: Path) -> str:
    folders = ", ".join(pin.go_folders or ())
    go_mods = ", ".join(
        dict.fromkeys(_name(module / "go.mod", workspace) for module in modules if module)
    )
    job = f"job {pin.job}" if pin.job else "the job"
    return (
        f"not counted: {job} runs the Go toolchain only in {folders}, which builds "
        f"{go_mods}, another module than this one ({_name(own / 'go.mod', workspace)}): "
        "its Go is that module's"
    )


def _name(path: Path, workspace: Path) -> str:
    try:
        return path.relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return str(path)
