"""A job's `strategy.matrix` expanded into its combinations, as Actions expands it:
the product of its axes, `exclude` then `include` applied (an excluded value is no pin)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from .actions_yaml import mapping_of, typed


@dataclass(frozen=True)
class Matrix:
    """A job's matrix combinations as Actions expands them."""

    combinations: tuple[Mapping[str, yaml.Node], ...]
    keys: frozenset[str] = frozenset()  # every key some combination sets
    unknown: Mapping[str, str] = field(default_factory=dict)  # key -> why its values are unknown
    problem: str = ""  # why no matrix value can be read at all
    absent: bool = False  # the job has no matrix: the matrix context is empty


def expand_matrix(strategy: yaml.Node | None, job: str) -> Matrix:
    """Combinations of `strategy.matrix`: the product of its axes, minus `exclude` (a partial
    match), then each `include` entry added to every original combination whose original
    values it does not change, or appended as its own combination when it fits none."""
    matrix = mapping_of(strategy).get("matrix") if isinstance(strategy, yaml.MappingNode) else None
    if matrix is None:
        return Matrix(({},), problem=f"job {job} has no strategy.matrix", absent=True)
    if isinstance(matrix, yaml.ScalarNode):
        return Matrix(
            ({},), problem=f"job {job}'s matrix is an expression ({matrix.value.strip()})"
        )
    if not isinstance(matrix, yaml.MappingNode):
        return Matrix(({},), problem=f"job {job}'s matrix is not a mapping")
    entries = mapping_of(matrix)
    unknown: dict[str, str] = {}
    base: list[dict[str, yaml.Node]] = [{}]
    axes = 0
    for key, axis in entries.items():
        if key in ("include", "exclude"):
            continue
        if isinstance(axis, yaml.ScalarNode) and "${{" in axis.value:
            unknown[key] = f"matrix.{key} of job {job} is an expression ({axis.value.strip()})"
            continue
        values = list(axis.value) if isinstance(axis, yaml.SequenceNode) else [axis]
        axes += 1
        base = [{**combination, key: value} for combination in base for value in values]
    if not axes:
        base = [] if not unknown else [{}]
    for rule in _entries(entries.get("exclude")):
        base = [c for c in base if not all(k in c and _same(c[k], v) for k, v in rule.items())]
    extra: list[dict[str, yaml.Node]] = []
    combinations = [dict(c) for c in base]
    for entry in _entries(entries.get("include")):
        fitted = False
        for original, combination in zip(base, combinations, strict=True):
            if all(k not in original or _same(original[k], v) for k, v in entry.items()):
                # Values added earlier may be overwritten; an original one stays (it is equal).
                combination.update({k: v for k, v in entry.items() if k not in original})
                fitted = True
        if not fitted:
            extra.append(dict(entry))
    result = tuple(combinations + extra)
    keys = frozenset(k for c in result for k in c)
    return Matrix(result, keys, unknown)


def _entries(node: yaml.Node | None) -> Iterator[dict[str, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                yield mapping_of(item)


def _same(a: yaml.Node, b: yaml.Node) -> bool:
    if a is b:
        return True
    if isinstance(a, yaml.ScalarNode) and isinstance(b, yaml.ScalarNode):
        return typed(a) == typed(b)
    return False
