"""A GitLab CI pipeline's YAML as GitLab composes it: the file, its local includes merged
under it, `!reference` tags replaced, each job's `extends` merged in.

GitLab reads YAML with Ruby's Psych (YAML 1.1, as PyYAML's SafeLoader: `1.20` is the float
1.2, `<<:` merge keys work). Every string keeps the file and line it was written on, so a pin
names the line to fix even when a template in an included file holds it.
"""

from __future__ import annotations

import glob
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...errors import WorkflowError
from ..versions import read_text

GITLAB_CI_FILE = ".gitlab-ci.yml"
# Top-level keys that are not jobs (GitLab's global keywords).
GLOBAL_KEYWORDS = frozenset(
    {
        "default",
        "include",
        "stages",
        "variables",
        "workflow",
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
        "types",
        "spec",
    }
)
MAX_INCLUDES = 150  # GitLab's limit on included files
MAX_EXTENDS_DEPTH = 11  # GitLab's limit on `extends` nesting
MAX_REFERENCE_DEPTH = 10  # GitLab's limit on nested `!reference` tags


class Text(str):
    """A scalar as text, with where it is written: `file`, `line` (1-based) and, for a float or
    boolean (which GitLab refuses as a variable's value), `typed` naming what YAML made of it."""

    file: str
    line: int
    typed: str

    def __new__(cls, value: str, file: str, line: int, typed: str = "") -> Text:
        text = super().__new__(cls, value)
        text.file, text.line, text.typed = file, line, typed
        return text


@dataclass(frozen=True)
class Reference:
    """A `!reference [.job, key, ...]` tag, replaced once every file is merged."""

    path: tuple[str, ...]
    file: str
    line: int


def _loader(file: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def scalar(kind: str) -> Any:
        def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
            value = getattr(yaml.SafeLoader, f"construct_yaml_{kind}")(loader, node)
            line = node.start_mark.line + 1
            if kind == "str":
                return Text(value, file, line)
            if kind == "bool":
                typed = f"`{node.value}`, which YAML reads as a boolean"
                return Text("true" if value else "false", file, line, typed)
            if kind == "int":
                return Text(str(value), file, line)  # GitLab takes an integer as its text
            number = _ruby_number(value)
            return Text(
                number, file, line, f"`{node.value}`, which YAML reads as the number {number}"
            )

        return construct

    for kind, tag in (("str", "str"), ("int", "int"), ("float", "float"), ("bool", "bool")):
        Loader.add_constructor(f"tag:yaml.org,2002:{tag}", scalar(kind))

    def reference(loader: yaml.SafeLoader, node: yaml.Node) -> Reference:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.SequenceNode) or not all(
            isinstance(item, yaml.ScalarNode) for item in node.value
        ):
            raise WorkflowError(
                f"{file}:{line}: `!reference` takes a list of names, such as "
                "`!reference [.setup, script]`."
            )
        return Reference(tuple(str(item.value) for item in node.value), file, line)

    Loader.add_constructor("!reference", reference)
    return Loader


def _ruby_number(value: float) -> str:
    """A float as Ruby's to_s writes it, which is what GitLab's own messages show."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        mantissa += "" if "." in mantissa else ".0"
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}e{sign}{exponent.lstrip('+-').zfill(2)}"
    return text


def load_file(text: str, file: str) -> dict[str, Any]:
    """One pipeline file's top-level mapping (after a `spec:` header document, when there is
    one); WorkflowError naming the file and line when it is not valid YAML or not a mapping."""
    try:
        documents = [d for d in yaml.load_all(text, Loader=_loader(file)) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        reason = getattr(exc, "problem", None) or str(exc)
        raise WorkflowError(
            f"{where}: not valid YAML ({reason}); GitLab would refuse this pipeline too. Fix the "
            "YAML (a linter such as GitLab's CI Lint shows the same error)."
        ) from None
    if len(documents) == 2 and isinstance(documents[0], dict) and "spec" in documents[0]:
        documents = documents[1:]  # the header of a pipeline with inputs
    if not documents:
        return {}
    if len(documents) > 1 or not isinstance(documents[0], dict):
        raise WorkflowError(
            f"{file}: a GitLab CI file is one mapping of jobs and keywords; this one is not. "
            "Check that it is the pipeline you meant."
        )
    top: dict[str, Any] = documents[0]
    return top


def deep_merge(base: Any, over: Any) -> Any:
    """GitLab's merge for `extends` and `include`: mappings merge key by key, `over` wins;
    anything else (a list, a string) is replaced whole."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return over


def load_pipeline(root: Path) -> dict[str, Any]:
    """`root/.gitlab-ci.yml` with its local includes merged under it (the file itself wins) and
    `!reference` tags replaced; {} when there is no such file. Includes from other projects,
    remote URLs, templates and components are not read: they are not in the checkout."""
    path = root / GITLAB_CI_FILE
    if not path.is_file():
        return {}
    merged = _with_includes(root, path, GITLAB_CI_FILE, [0])
    resolved: dict[str, Any] = _resolve_references(merged, merged, 0)
    return resolved


def _with_includes(root: Path, path: Path, name: str, count: list[int]) -> dict[str, Any]:
    top = load_file(read_text(path, name, WorkflowError), name)
    base: dict[str, Any] = {}
    for local in _local_includes(top.get("include"), root):
        count[0] += 1
        if count[0] > MAX_INCLUDES:
            raise WorkflowError(
                f"{name}: more than {MAX_INCLUDES} included files, GitLab's limit; check for an "
                "include that includes itself."
            )
        relative = local.relative_to(root).as_posix()
        base = deep_merge(base, _with_includes(root, local, relative, count))
    top.pop("include", None)
    merged: dict[str, Any] = deep_merge(base, top)
    return merged


def _local_includes(include: Any, root: Path) -> Iterator[Path]:
    """The files of `include:` that are in the checkout: `local:` entries and plain paths
    (wildcards as GitLab expands them), in order; other kinds are not read."""
    entries = include if isinstance(include, list) else [include] if include else []
    for entry in entries:
        pattern = entry if isinstance(entry, str) else None
        if isinstance(entry, dict) and set(entry) & {"local"} == {"local"}:
            pattern = entry["local"] if isinstance(entry["local"], str) else None
        if pattern is None or "://" in pattern:
            continue  # remote, project, template or component: not in the checkout
        pattern = pattern.lstrip("/")
        if any(ch in pattern for ch in "*?["):
            for match in sorted(glob.glob(pattern, root_dir=root, recursive=True)):
                if (root / match).is_file():
                    yield root / match
        elif (root / pattern).is_file():
            yield root / pattern


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
            items.extend(
                resolved
                if isinstance(item, Reference) and isinstance(resolved, list)
                else [resolved]
            )
        return items
    return value


def jobs_of(pipeline: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every job GitLab would run (not a hidden `.template`, not a global keyword, a mapping
    with a `script` once its `extends` are merged in), by name."""
    jobs = {}
    for name, value in pipeline.items():
        if name in GLOBAL_KEYWORDS or str(name).startswith(".") or not isinstance(value, dict):
            continue
        job = extended(pipeline, str(name), 0)
        if "script" in job:
            jobs[str(name)] = job
    return jobs


def extended(pipeline: Mapping[str, Any], name: str, depth: int) -> dict[str, Any]:
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
                base = deep_merge(base, extended(pipeline, parent, depth + 1))
    own = {key: value for key, value in job.items() if key != "extends"}
    merged: dict[str, Any] = deep_merge(base, own)
    return merged
