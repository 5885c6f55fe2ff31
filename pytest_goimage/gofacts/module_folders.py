"""Which module a CI job's Go commands build: the go command finds its main module in the
folder it runs in or the nearest one above that holds a go.mod. A job that runs Go only in
the folders of other modules (a `tools/` module with its own go.mod and its own Go) does not
build this one, so its Go is not compared with this module's go.mod."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .go_module import local_replacements
from .versions import Pin
from .workspace import WORK_FILE


def other_modules_left_out(
    pins: Iterable[Pin], workspace: Path, project: Path, name: Callable[[Path], str]
) -> list[Pin]:
    """`pins` with each CI pin whose job runs Go only in other modules' folders marked
    ignored. `workspace` is the folder the job's working directories start from (the
    repository's top), `project` this module's folder; `name` names a path in the reason,
    as the pins' own files are named."""
    own = project.resolve()
    result = []
    for pin in pins:
        if pin.go_folders and not pin.ignored:
            modules = [
                _module_of(workspace, folder, pin.workspace_off) for folder in pin.go_folders
            ]
            if all(module is not None and not _builds_module(module, own) for module in modules):
                pin = replace(pin, ignored=_why(pin, modules, workspace, own, name))
        result.append(pin)
    return result


def _module_of(workspace: Path, folder: str, workspace_off: bool) -> Path | None:
    """The folder of the module the go command builds when run in `folder`; None when not
    known: no go.mod up to the repository's top, a go.work on the way (workspace mode, where
    go.work's own requirement covers every module it uses, this one too), or a symbolic link
    on the way (bash's `cd` keeps the path as written, and the go command looks up from it,
    not from where the link points)."""
    top = workspace.absolute()
    here = top.joinpath(*PurePosixPath(folder).parts)
    if here != top and top not in here.parents:
        return None
    between = [path for path in (here, *here.parents) if top in path.parents]
    if any(path.is_symlink() for path in between):
        return None
    found: Path | None = None
    for candidate in (*between, top):
        if not workspace_off and (candidate / WORK_FILE).is_file():
            return None
        if found is None and (candidate / "go.mod").is_file():
            found = candidate
    return found


def _builds_module(module: Path, own: Path) -> bool:
    """Whether building `module` builds `own` too: its go.mod, or one of a module it
    replaces with a local folder (`replace example.com/svc => ../`), followed on, puts `own`
    in place of a requirement; the go command then holds the job's Go to `own`'s go line."""
    seen: set[Path] = set()
    todo = [module]
    while todo:
        current = todo.pop().resolve()
        if current == own:
            return True
        if current in seen:
            continue
        seen.add(current)
        todo += local_replacements(current / "go.mod")
    return False


def _why(
    pin: Pin,
    modules: list[Path | None],
    workspace: Path,
    own: Path,
    name: Callable[[Path], str],
) -> str:
    top = name(workspace)
    folders = ", ".join(posixpath.normpath(posixpath.join(top, f)) for f in pin.go_folders or ())
    go_mods = ", ".join(dict.fromkeys(name(module / "go.mod") for module in modules if module))
    job = f"job {pin.job}" if pin.job else "the job"
    return (
        f"not counted: {job} runs the Go toolchain only in {folders}, which builds "
        f"{go_mods}, another module than this one ({name(own / 'go.mod')}): its Go is that "
        "module's"
    )
