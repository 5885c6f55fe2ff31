"""Every Go version pin of a project: go.mod, its Dockerfiles, its GitHub Actions workflows and
its GitLab CI pipeline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .ci_ignore import apply_ignore
from .dockerfile_pins import read_dockerfile
from .gitlab_ci import read_gitlab_ci
from .gomod_pins import read_gomod
from .versions import Pin
from .workflows import follow_go_version_files, read_workflows


def project_pins(
    rootdir: Path,
    project: Path,
    dockerfiles: Iterable[tuple[Path, Mapping[str, str]]],
    go_version_ignore: Iterable[str] = (),
) -> list[Pin]:
    """go.mod in `project`, each (Dockerfile, build_args)'s pins, every workflow's pins and the
    GitLab CI pipeline's, named relative to `rootdir`; the CI pins `go_version_ignore` names are
    marked ignored. Raises GoImageError subclasses naming a file that cannot be read."""
    go_mod = project / "go.mod"
    pins = read_gomod(go_mod, relative_name(go_mod, rootdir))
    for path, build_args in dockerfiles:
        pins += read_dockerfile(path, build_args, relative_name(path, rootdir))
    workflows = follow_go_version_files(
        read_workflows(rootdir, relative_to=rootdir), rootdir, go_mod
    )
    if project != rootdir:
        nested = read_workflows(project, relative_to=rootdir)
        workflows += follow_go_version_files(nested, project, go_mod)
    roots = [rootdir] if project == rootdir else [rootdir, project]
    workflows += read_gitlab_ci(roots, relative_to=rootdir)
    return pins + apply_ignore(workflows, list(go_version_ignore))


def relative_name(path: Path, root: Path) -> str:
    """`path` relative to `root` for messages, else as it is."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
