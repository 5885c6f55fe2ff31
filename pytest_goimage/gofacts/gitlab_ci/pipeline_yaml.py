"""A GitLab CI pipeline file's YAML as GitLab reads it, with its `spec:` inputs interpolated;
`composition` puts the files of a pipeline together.

GitLab reads YAML with Ruby's Psych (YAML 1.1, as PyYAML's SafeLoader: `1.20` is the float
1.2, `<<:` merge keys work). Every string keeps the file and line it was written on, so a pin
names the line to fix even when a template in an included file holds it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ...errors import WorkflowError
from ..yaml_script_lines import LineMap, scalar_line_map

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
# `$[[ inputs.go ]]`, also with functions (`$[[ inputs.go | expand_vars ]]`).
INPUT_RE = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*(?:\|[^\]]*)?\]\]")
MAX_INCLUDES = 150  # GitLab's limit on included files
MAX_EXTENDS_DEPTH = 11  # GitLab's limit on `extends` nesting
MAX_REFERENCE_DEPTH = 10  # GitLab's limit on nested `!reference` tags


class Text(str):
    """A scalar as text, with where it is written: `file`, `line` (1-based), `line_map` where
    it spans lines (`line_at`) and, for a float or boolean (which GitLab refuses as a variable's
    value), `typed` naming what YAML made of it."""

    file: str
    line: int
    typed: str
    line_map: LineMap | None  # None: the value is all on `line`

    def __new__(
        cls, value: str, file: str, line: int, typed: str = "", line_map: LineMap | None = None
    ) -> Text:
        text = super().__new__(cls, value)
        text.file, text.line, text.typed, text.line_map = file, line, typed, line_map
        return text

    def line_at(self, offset: int) -> int:
        """The line of a character of the value: a block's (`- |`) on the lines after its
        indicator, a folded or plain scalar's on the line each word is written on."""
        return self.line if self.line_map is None else self.line_map(offset)


@dataclass(frozen=True)
class Reference:
    """A `!reference [.job, key, ...]` tag, replaced once every file is merged."""

    path: tuple[str, ...]
    file: str
    line: int


def _loader(file: str, source: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def scalar(kind: str) -> Any:
        def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
            value = getattr(yaml.SafeLoader, f"construct_yaml_{kind}")(loader, node)
            line = node.start_mark.line + 1
            if kind == "str":
                spans = node.end_mark.line > node.start_mark.line  # a block, a folded line
                lines = scalar_line_map(node, source) if spans else None
                return Text(value, file, line, line_map=lines)
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


def load_file(text: str, file: str, inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One pipeline file's top-level mapping; WorkflowError naming the file and line when it is
    not valid YAML or not a mapping. A `spec:` header's inputs are interpolated (`$[[
    inputs.go ]]`): `inputs` (the include's), else their defaults; others stay as written."""
    try:
        documents = [d for d in yaml.load_all(text, Loader=_loader(file, text)) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        reason = getattr(exc, "problem", None) or str(exc)
        raise WorkflowError(
            f"{where}: not valid YAML ({reason}); GitLab would refuse this pipeline too. Fix the "
            "YAML (a linter such as GitLab's CI Lint shows the same error)."
        ) from None
    values: dict[str, Any] = {}
    if len(documents) == 2 and isinstance(documents[0], dict) and "spec" in documents[0]:
        values = _input_values(documents[0].get("spec"), inputs or {})
        documents = documents[1:]  # the header of a pipeline with inputs
    if not documents:
        return {}
    if len(documents) > 1 or not isinstance(documents[0], dict):
        raise WorkflowError(
            f"{file}: a GitLab CI file is one mapping of jobs and keywords; this one is not. "
            "Check that it is the pipeline you meant."
        )
    top: dict[str, Any] = _interpolated(documents[0], values) if values else documents[0]
    return top


def _input_values(spec: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    declared = spec.get("inputs") if isinstance(spec, dict) else None
    values = {
        str(name): entry.get("default")
        for name, entry in (declared.items() if isinstance(declared, dict) else ())
        if isinstance(entry, dict) and entry.get("default") is not None
    }
    values.update({str(name): value for name, value in given.items()})
    return values


def _interpolated(value: Any, inputs: Mapping[str, Any]) -> Any:
    """`value` with `$[[ inputs.NAME ]]` replaced where NAME has a value; a scalar that is only
    the interpolation takes the input's value whole (a list input stays a list)."""
    if isinstance(value, Text):
        whole = INPUT_RE.fullmatch(value)
        if whole and whole.group(1) in inputs and not isinstance(inputs[whole.group(1)], str):
            return inputs[whole.group(1)]
        return _interpolated_text(value, inputs)
    if isinstance(value, dict):  # keys too: a template names its job by an input
        return {
            _interpolated_text(key, inputs) if isinstance(key, Text) else key: _interpolated(
                item, inputs
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_interpolated(item, inputs) for item in value]
    return value


def _interpolated_text(value: Text, inputs: Mapping[str, Any]) -> Text:
    edits: list[tuple[int, int]] = []  # (end of an interpolation, how much longer its value is)

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        found = str(inputs[name]) if name in inputs else match.group(0)
        edits.append((match.end(), len(found) - len(match.group(0))))
        return found

    text = INPUT_RE.sub(one, value)
    lines = value.line_map.shifted(edits) if value.line_map is not None else None
    return Text(text, value.file, value.line, value.typed, lines)


def deep_merge(base: Any, over: Any) -> Any:
    """GitLab's merge for `extends` and `include`: mappings merge key by key, `over` wins;
    anything else (a list, a string) is replaced whole."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return over
