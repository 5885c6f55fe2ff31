"""The files of a GitLab CI pipeline put together in GitLab's order (Gitlab::Ci::Config): local
includes merged under the file (the file wins key by key), then every job's and template's
`extends` merged in, then `!reference` tags replaced. Child pipelines a trigger job starts
from a file in the checkout are pipelines of their own, each with the trigger jobs that start it
(whose variables it runs with: `job_variables.started_ways`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ...errors import WorkflowError
from ..versions import read_text
from .pipeline_yaml import (
    GITLAB_CI_FILE,
    GLOBAL_KEYWORDS,
    MAX_EXTENDS_DEPTH,
    MAX_INCLUDES,
    MAX_REFERENCE_DEPTH,
    Reference,
    Text,
    deep_merge,
    load_file,
)


@dataclass(frozen=True)
class Trigger:
    """A trigger job that starts a child pipeline from the checkout: its name, the file and
    line it is named on, the job composed, and the file of the pipeline it runs in."""

    name: str
    file: str
    line: int
    job: Mapping[str, Any]
    pipeline: str


@dataclass(frozen=True)
class Pipeline:
    """One pipeline GitLab runs: `file` is its own file (`.gitlab-ci.yml`, or a child's),
    `content` its jobs and keywords composed, `files` every file it read (its includes),
    `started_by` the trigger jobs of the pipelines read that start it (none for the root's)."""

    file: str
    content: dict[str, Any]
    files: frozenset[str]
    started_by: tuple[Trigger, ...] = ()


def pipelines(root: Path) -> list[Pipeline]:
    """`root/.gitlab-ci.yml` composed, then each child pipeline a trigger job includes from
    the checkout (`trigger: include: ci/child.yml`); [] without such a file. Includes from
    other projects, remote URLs, templates and components are not read: they are not in the
    checkout. A file nesting deeper than Python reads (a YAML alias holding itself) is a
    WorkflowError naming the file."""
    if not (root / GITLAB_CI_FILE).is_file():
        return []
    found: list[Pipeline] = []
    queue = [GITLAB_CI_FILE]
    seen: set[str] = set()
    while queue and len(seen) < MAX_INCLUDES:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        files = {name}
        try:
            raw = _with_includes(root, root / name, name, {}, [0], files)
            content = _composed(raw)
        except RecursionError:
            raise WorkflowError(
                f"{name}: nests too deep to read (a YAML alias that holds itself, or an "
                "`!reference` loop); GitLab refuses such a pipeline too."
            ) from None
        found.append(Pipeline(name, content, frozenset(files)))
        queue += [child for child in _children(content, root) if child not in seen]
    started: dict[str, list[Trigger]] = {}
    for pipeline in found:
        for child, trigger in _triggers(pipeline, root):
            started.setdefault(child, []).append(trigger)
    return [
        replace(p, started_by=tuple(started.get(p.file, ()))) if p.file != GITLAB_CI_FILE else p
        for p in found
    ]


def _with_includes(
    root: Path,
    path: Path,
    name: str,
    inputs: Mapping[str, Any],
    count: list[int],
    files: set[str],
) -> dict[str, Any]:
    top = load_file(read_text(path, name, WorkflowError), name, inputs)
    base: dict[str, Any] = {}
    for local, given in _local_includes(top.get("include"), root):
        count[0] += 1
        if count[0] > MAX_INCLUDES:
            raise WorkflowError(
                f"{name}: more than {MAX_INCLUDES} included files, GitLab's limit; check for an "
                "include that includes itself."
            )
        relative = local.relative_to(root).as_posix()
        files.add(relative)
        base = deep_merge(base, _with_includes(root, local, relative, given, count, files))
    top.pop("include", None)
    merged: dict[str, Any] = deep_merge(base, top)
    return merged


def _local_includes(include: Any, root: Path) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """The files of `include:` that are in the checkout, with the `inputs:` given them:
    `local:` entries and plain paths (wildcards as GitLab expands them), in order."""
    entries = include if isinstance(include, list) else [include] if include else []
    for entry in entries:
        pattern = entry if isinstance(entry, str) else None
        given: Mapping[str, Any] = {}
        if isinstance(entry, dict) and isinstance(entry.get("local"), str):
            pattern = entry["local"]
            given = entry["inputs"] if isinstance(entry.get("inputs"), dict) else {}
        if pattern is None or "://" in pattern:
            continue  # remote, project, template or component: not in the checkout
        for path in matching_files(root, pattern.lstrip("/")):
            yield path, given


def matching_files(root: Path, pattern: str) -> list[Path]:
    """The files `pattern` names below `root`, as GitLab matches `include:local` wildcards:
    `*` within a folder, `**` across folders, so `ci/**.yml` is every .yml under ci/ and
    `ci/**/*.yml` only those in its subfolders."""
    if "*" not in pattern and "?" not in pattern:
        return [root / pattern] if (root / pattern).is_file() else []
    fixed = pattern[: min(i for i in (pattern.find("*"), pattern.find("?")) if i >= 0)]
    start = root / fixed.rsplit("/", 1)[0] if "/" in fixed else root
    expression = re.compile(
        "".join(
            ".*"
            if part == "**"
            else "[^/]*"
            if part == "*"
            else "[^/]"
            if part == "?"
            else re.escape(part)
            for part in re.split(r"(\*\*|\*|\?)", pattern)
        )
    )
    found = []
    for folder, dirs, files in os.walk(start):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for file in sorted(files):
            relative = (Path(folder) / file).relative_to(root).as_posix()
            if expression.fullmatch(relative):
                found.append(Path(folder) / file)
    return found


def _composed(pipeline: Mapping[str, Any]) -> dict[str, Any]:
    """Every job and template with its `extends` merged in, then `!reference` tags replaced
    (GitLab resolves them last, so a reference sees what `extends` gave its target)."""
    extended_all = {
        name: _extended(pipeline, str(name), 0)
        if isinstance(value, dict) and name not in GLOBAL_KEYWORDS
        else value
        for name, value in pipeline.items()
    }
    resolved: dict[str, Any] = _resolve_references(extended_all, extended_all, 0)
    return resolved


def _extended(pipeline: Mapping[str, Any], name: str, depth: int) -> dict[str, Any]:
    """A job or template with its `extends` merged in: each parent in order, later ones win,
    the job's own keys over all of them. Missing parents and cycles past GitLab's nesting limit
    are left out (GitLab refuses such a pipeline itself)."""
    job = pipeline.get(name)
    if not isinstance(job, dict):
        return {}
    parents = job.get("extends")
    names = [parents] if isinstance(parents, str) else parents if isinstance(parents, list) else []
    base: dict[str, Any] = {}
    if depth < MAX_EXTENDS_DEPTH:
        for parent in names:
            if isinstance(parent, str):
                base = deep_merge(base, _extended(pipeline, parent, depth + 1))
    own = {key: value for key, value in job.items() if key != "extends"}
    merged: dict[str, Any] = deep_merge(base, own)
    return merged


def _resolve_references(value: Any, top: Mapping[str, Any], depth: int) -> Any:
    if isinstance(value, Reference):
        if depth >= MAX_REFERENCE_DEPTH:
            raise WorkflowError(
                f"{value.file}:{value.line}: `!reference` nested more than "
                f"{MAX_REFERENCE_DEPTH} levels deep, GitLab's limit."
            )
        target: Any = top
        for name in value.path:
            target = target.get(name) if isinstance(target, dict) else None
        return _resolve_references(target, top, depth + 1)
    if isinstance(value, dict):
        return {key: _resolve_references(item, top, depth) for key, item in value.items()}
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            resolved = _resolve_references(item, top, depth)
            # A referenced list inside a list (a script) is spliced in, as GitLab flattens it.
            spliced = isinstance(item, Reference) and isinstance(resolved, list)
            items.extend(resolved if spliced else [resolved])
        return items
    return value


def jobs_of(pipeline: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every job GitLab would run in a composed pipeline (not a hidden `.template`, not a
    global keyword, a mapping with a `script`), by name."""
    return {
        str(name): value
        for name, value in pipeline.items()
        if name not in GLOBAL_KEYWORDS
        and not str(name).startswith(".")
        and isinstance(value, dict)
        and "script" in value
    }


def _children(pipeline: Mapping[str, Any], root: Path) -> Iterator[str]:
    """The files of the child pipelines its trigger jobs start from the checkout."""
    for name, job in pipeline.items():
        trigger = (
            job.get("trigger") if isinstance(job, dict) and name not in GLOBAL_KEYWORDS else None
        )
        include = trigger.get("include") if isinstance(trigger, dict) else None
        for path, _ in _local_includes(include, root):
            yield path.relative_to(root).as_posix()


def _triggers(pipeline: Pipeline, root: Path) -> Iterator[tuple[str, Trigger]]:
    """Each child pipeline file a job of `pipeline` (not a hidden `.template`) starts, with
    that trigger job."""
    for name, job in pipeline.content.items():
        if name in GLOBAL_KEYWORDS or str(name).startswith(".") or not isinstance(job, dict):
            continue
        trigger = job.get("trigger")
        include = trigger.get("include") if isinstance(trigger, dict) else None
        file, line = (name.file, name.line) if isinstance(name, Text) else (pipeline.file, 0)
        for path, _ in _local_includes(include, root):
            child = path.relative_to(root).as_posix()
            yield child, Trigger(str(name), file, line, job, pipeline.file)
