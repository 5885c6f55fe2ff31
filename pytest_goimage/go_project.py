"""Cheap looks at the rootdir, before any configuration reader is imported: whether the
plugin has anything to do here, and whether the configuration must be parsed at once."""

from __future__ import annotations

from pathlib import Path


def _pyproject_text(rootdir: Path) -> str:
    try:
        return (rootdir / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def may_be_go_project(rootdir: Path) -> bool:
    """Whether load_config could find anything: a go.mod, or a pyproject.toml that mentions
    goimage at all."""
    return (rootdir / "go.mod").is_file() or "goimage" in _pyproject_text(rootdir)


def reads_environment(rootdir: Path) -> bool:
    """Whether the configuration's values depend on the environment (a compose file's
    `${VAR}`): then it is parsed at the start, before a test's monkeypatch could change what
    it reads."""
    return "compose_file" in _pyproject_text(rootdir)
