"""The variables a GitLab CI job runs with, each way it may run: the pipeline's `variables:`
(those `inherit: variables:` lets it take), the job's own, a `parallel: matrix` combination,
and the `variables:` of the rule that matched, as GitLab's seed assembles them
(Gitlab::Ci::Pipeline::Seed::Build): `workflow:rules:variables` override the pipeline's
variables before the job inherits them, and a job rule's `variables` override all of the job's.

Which rule matches is only known when the pipeline runs (its `if:` reads the branch, the tag,
the pipeline's source), so each rule that sets variables is one way the job runs, as a matrix
combination is: once without rule variables (where a rule without them can match, or there
are no rules), and once per rule with variables, workflow rules times the job's. A rule with
`when: never` runs nothing, and rules after one that always matches are never reached.

A child pipeline takes the variables the trigger job that starts it passes (`started_ways`):
the trigger job's YAML variables, the pipeline's it inherits and its rules' included, unless
`trigger: forward: yaml_variables: false`; they are the child's pipeline variables, over all
of its YAML (Gitlab::Ci::Variables::Downstream::Generator). Each trigger job that starts it,
each way that job runs, is one way the child runs."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .composition import Pipeline, Trigger
from .pipeline_yaml import Text

# A rule's keys that decide whether it matches; a rule without any always matches.
_CONDITIONS = ("if", "changes", "exists")
_UNKNOWN = "depends on what is only known when the pipeline runs"
# How many trigger jobs deep `forward: pipeline_variables` is followed (GitLab nests child
# pipelines two levels deep); a trigger loop stops there.
_MAX_TRIGGER_DEPTH = 3


@dataclass(frozen=True)
class Variable:
    value: Text
    origin: str  # "variables", "parallel:matrix", "rules:variables", "workflow:rules:variables"
    expand: bool = True


@dataclass(frozen=True)
class _Way:
    """One way a rules list lets its job or pipeline run: the matching rule's variables and
    why that rule may or may not be the one that matches ("" where it always is)."""

    variables: dict[str, Variable]
    note: str = ""


def job_variable_sets(
    pipeline: Mapping[str, Any],
    job: Mapping[str, Any],
    rule: str = "its rule",
    workflow_rule: str = "the workflow rule",
) -> Iterator[tuple[dict[str, Variable], str]]:
    """Each set of variables the job may run with, and a note naming the rules it takes (""
    where none; `rule` and `workflow_rule` name them): workflow rules, then the job's rules,
    then its `parallel: matrix` combinations, the one without rule variables first. Nothing
    where the workflow's rules never run the pipeline."""
    top = variables_of(pipeline.get("variables"), "variables")
    workflow = pipeline.get("workflow")
    own = variables_of(job.get("variables"), "variables")
    workflow_rules = workflow.get("rules") if isinstance(workflow, dict) else None
    for pipeline_way in _ways(workflow_rules, "workflow:rules:variables", workflow_rule):
        inherited = {
            name: variable
            for name, variable in {**top, **pipeline_way.variables}.items()
            if inherits(job, "variables", name)
        }
        for job_way in _ways(job.get("rules"), "rules:variables", rule):
            note = "; ".join(filter(None, [pipeline_way.note, job_way.note]))
            for combination in matrix_combinations(job):
                yield {**inherited, **own, **combination, **job_way.variables}, note


def run_variable_sets(
    pipeline: Mapping[str, Any],
    job: Mapping[str, Any],
    started: list[tuple[dict[str, Variable], str]],
) -> Iterator[tuple[dict[str, Variable], str]]:
    """`job_variable_sets` of a job of a pipeline each way it is started (`started_ways`):
    the variables its trigger job passes over all of the job's, that trigger's note first."""
    for passed, how in started:
        for variables, note in job_variable_sets(pipeline, job):
            yield {**variables, **passed}, "; ".join(filter(None, [how, note]))


def started_ways(
    pipeline: Pipeline, by_file: Mapping[str, Pipeline], depth: int = 0
) -> list[tuple[dict[str, Variable], str]]:
    """Each set of variables a trigger job that starts `pipeline` passes it, with a note naming
    that trigger job (and the rules of it that set them); one empty set without a trigger job
    that runs (`.gitlab-ci.yml`, a child only a hidden template starts). Sets alike are one."""
    found: dict[tuple[tuple[str, str, str, int, bool], ...], tuple[dict[str, Variable], str]] = {}
    for trigger in pipeline.started_by if depth < _MAX_TRIGGER_DEPTH else ():
        parent = by_file.get(trigger.pipeline)
        if parent is None or never_runs(trigger.job):
            continue
        for passed, note in _passed(trigger, parent, by_file, depth):
            key = tuple(
                sorted(
                    (n, str(v.value), v.value.file, v.value.line, v.expand)
                    for n, v in passed.items()
                )
            )
            found.setdefault(key, (passed, note))
    return list(found.values()) or [({}, "")]


def _passed(
    trigger: Trigger, parent: Pipeline, by_file: Mapping[str, Pipeline], depth: int
) -> Iterator[tuple[dict[str, Variable], str]]:
    """The variables one trigger job passes its child, each way it runs: its YAML variables
    (unless `forward: yaml_variables: false`), under the variables its own pipeline was started
    with where `forward: pipeline_variables: true`."""
    forward = trigger.job["trigger"].get("forward")
    forward = forward if isinstance(forward, dict) else {}
    upstream: list[tuple[dict[str, Variable], str]] = [({}, "")]
    if forward.get("pipeline_variables") in (True, "true"):
        upstream = started_ways(parent, by_file, depth + 1)
    own: Iterator[tuple[dict[str, Variable], str]] = iter([({}, "")])
    if forward.get("yaml_variables") not in (False, "false"):
        own = job_variable_sets(
            parent.content,
            trigger.job,
            f"trigger job {trigger.name}'s rule",
            f"{parent.file}'s workflow rule",
        )
    started = f"started by trigger job {trigger.name} ({trigger.file}:{trigger.line})"
    for variables, rules in own:
        passed = {
            name: replace(
                variable, origin=f"{variable.origin} passed by trigger job {trigger.name}"
            )
            for name, variable in variables.items()
        }
        for forwarded, how in upstream:
            both = {**passed, **forwarded}
            yield both, "; ".join(filter(None, [how, started if both else "", rules]))


def _ways(rules: Any, origin: str, what: str) -> Iterator[_Way]:
    """The ways a `rules:` list lets its job (or pipeline) run, as they differ in variables:
    one without rule variables where a rule without them can match (or without rules), then
    one per reachable rule with variables. None where no rule runs anything."""
    if not isinstance(rules, list) or not rules:
        yield _Way({})
        return
    plain = False
    found: list[_Way] = []
    earlier = False  # a rule before this one may match instead
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        always = not any(rule.get(key) is not None for key in _CONDITIONS)
        if rule.get("when") != "never":
            variables = variables_of(rule.get("variables"), origin)
            if not variables:
                plain = True
            else:
                found.append(_Way(variables, _why(rule, variables, what, always, earlier)))
        if always:
            break  # it always matches: the rules after it are never read
        earlier = True
    if plain:
        yield _Way({})
    yield from found


def _why(
    rule: Mapping[str, Any],
    variables: Mapping[str, Variable],
    what: str,
    always: bool,
    earlier: bool,
) -> str:
    """Why a rule with variables may not be the one that matches: its condition, named with
    its line, or the rules before it; "" where it always matches."""
    condition = rule.get("if")
    if isinstance(condition, Text):
        return f"may run: {what} `if: {condition}` ({condition.file}:{condition.line}) {_UNKNOWN}"
    for key in _CONDITIONS[1:]:
        found = _first_text(rule.get(key))
        if found is not None:
            return f"may run: {what}'s `{key}:` ({found.file}:{found.line}) {_UNKNOWN}"
    if always and not earlier:
        return ""
    first = min((v.value for v in variables.values()), key=lambda value: value.line)
    where = f"{what} with variables at {first.file}:{first.line}"
    if always:
        return f"may run: {where} applies where no rule before it matches"
    return f"may run: {where} {_UNKNOWN}"


def _first_text(value: Any) -> Text | None:
    if isinstance(value, Text):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return next((t for t in map(_first_text, items) if t is not None), None)


def variables_of(block: Any, origin: str) -> dict[str, Variable]:
    """A `variables:` block's values (`{value: ..., expand: false}` forms read)."""
    found = {}
    for name, value in block.items() if isinstance(block, dict) else ():
        expand = True
        if isinstance(value, dict):  # {value: ..., description: ..., expand: false}
            expand = value.get("expand") not in ("false", False)
            value = value.get("value")
        if isinstance(value, Text):
            found[str(name)] = Variable(value, origin, expand)
    return found


def inherits(job: Mapping[str, Any], kind: str, key: str) -> bool:
    """Whether `inherit:` lets the job take `key` from `default:` (kind "default") or the global
    variable `key` (kind "variables"): true, false, or a list of what it takes."""
    inherit = job.get("inherit")
    setting = inherit.get(kind, True) if isinstance(inherit, dict) else True
    if isinstance(setting, list):
        return key in setting
    return setting is not False and setting != "false"


def never_runs(job: Mapping[str, Any]) -> bool:
    """`when: never`, or `rules` whose every entry says `when: never`."""
    if job.get("when") == "never":
        return True
    rules = job.get("rules")
    return (
        isinstance(rules, list)
        and bool(rules)
        and all(isinstance(r, dict) and r.get("when") == "never" for r in rules)
    )


def matrix_combinations(job: Mapping[str, Any]) -> Iterator[dict[str, Variable]]:
    """Each `parallel: matrix` combination's variables; one empty combination without one."""
    parallel = job.get("parallel")
    matrix = parallel.get("matrix") if isinstance(parallel, dict) else None
    if not isinstance(matrix, list) or not matrix:
        yield {}
        return
    for entry in matrix:
        if not isinstance(entry, dict):
            continue
        names = [str(n) for n in entry]
        choices = [v if isinstance(v, list) else [v] for v in entry.values()]
        for values in itertools.product(*choices):
            yield {
                name: Variable(value, "parallel:matrix")
                for name, value in zip(names, values, strict=True)
                if isinstance(value, Text)
            }
