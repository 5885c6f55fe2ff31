"""The Go version pins of workflow jobs and steps that run in a golang image:
`jobs.<id>.container` (an image, or a mapping's `image:`) and steps `uses: docker://golang:...`.

The official golang images set GOTOOLCHAIN=local: the go command runs the image's own Go and
refuses a go.mod that requires a newer one. GOTOOLCHAIN in the env that reaches the steps
(the step's, the job's, the workflow's, the container's own `env:`) may choose another Go, as
it may in a Dockerfile: a version (`go1.26.8`) runs that Go, and `auto` (`local+auto`,
`go1.25.0+auto`) lets go.mod choose, so the image's Go does not decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import yaml

from ..gotoolchain import AUTO, toolchain_runs
from ..image_reference import is_golang_image, split_reference
from ..versions import (
    SOURCE_WORKFLOW_CONTAINER,
    GoVersion,
    Pin,
    golang_tag_version,
    parse_go_version,
)
from .actions_yaml import mapping_of, node_text
from .building_jobs import DOCKER_PREFIX, Builds, script_builds
from .setup_go import Scalar, Scope, Unresolved, expand_expressions

# The container image is resolved without `env`: GitHub gives `jobs.<id>.container` the
# github, needs, strategy, matrix, vars and inputs contexts only.
_UNSET = "the image is then `golang:` with no tag, which Docker refuses"


def job_container(
    job: Mapping[str, yaml.Node],
) -> tuple[yaml.ScalarNode, Mapping[str, yaml.Node]] | None:
    """The job's `container:` image node and the container's own `env:`; None without one."""
    node = job.get("container")
    env: Mapping[str, yaml.Node] = {}
    if isinstance(node, yaml.MappingNode):
        entries = mapping_of(node)
        env_node = entries.get("env")
        env = mapping_of(env_node) if isinstance(env_node, yaml.MappingNode) else {}
        node = entries.get("image")
    if isinstance(node, yaml.ScalarNode) and node_text(node).strip():
        return node, env
    return None


def container_pins(node: yaml.ScalarNode, scope: Scope, file: str) -> list[Pin]:
    """The pins of a job's container image in one matrix combination: one where it is a
    golang image (expressions resolved), none for another image or one an expression names
    whole (`${{ inputs.image }}`)."""
    scope = replace(scope, env=(), consumer="the container image", unset=_UNSET)
    written = node.value.strip()
    line = node.start_mark.line + 1
    pins = []
    for value in expand_expressions(Scalar(node_text(node).strip(), line), scope):
        raw = f"container: {written}"
        if isinstance(value, Unresolved):
            repository = split_reference(written)[0]
            if "${{" in repository or not is_golang_image(repository):
                continue
            note = f"{value.reason} (container at line {line})"
            pins.append(Pin(file, line, SOURCE_WORKFLOW_CONTAINER, raw, None, note, True, written))
            continue
        pin = image_pin(value.text, raw, file, line)
        if pin is None:
            continue
        if value.via:
            holder = next(
                (v for v in value.values if parse_go_version(v[1]) == pin.version),
                None,
            )
            via = f"container at line {line} via " + " -> ".join(value.via)
            # A caller's input: fixed where the caller writes it, not at its declaration.
            caller_input = holder is not None and holder[0].startswith("inputs.")
            given = scope.input_written_at.get(holder[0][7:]) if holder and caller_input else None
            pin = replace(
                pin,
                note="; ".join(filter(None, [*value.notes, pin.note, via])),
                version_arg=holder[0] if holder else "",
                version_arg_line=given[1] if given else holder[2] if holder else 0,
                version_arg_file=given[0] if given else "",
            )
        pins.append(pin)
    return pins


def docker_step_pin(step: Mapping[str, yaml.Node], file: str, job: str) -> Pin | None:
    """The pin of a `uses: docker://golang:...` step, None for another image. It counts only
    where the step's command (`with: entrypoint:` and `args:`) runs the Go toolchain on the
    module; without either the image's own command runs (golang's: bash)."""
    uses = step["uses"]
    assert isinstance(uses, yaml.ScalarNode)
    written = uses.value.strip()
    line = uses.start_mark.line + 1
    pin = image_pin(written[len(DOCKER_PREFIX) :], f"uses: {written}", file, line)
    if pin is None:
        return None
    pin = replace(pin, uses=written)
    builds = _docker_step_builds(step, line, job)
    if not builds.builds:
        return replace(pin, ignored=builds.why)
    if builds.why:
        return replace(pin, note="; ".join(filter(None, [pin.note, builds.why])))
    return pin


def _docker_step_builds(step: Mapping[str, yaml.Node], line: int, job: str) -> Builds:
    with_node = step.get("with")
    options = mapping_of(with_node) if isinstance(with_node, yaml.MappingNode) else {}
    words = [
        node_text(node).strip()
        for node in (options.get("entrypoint"), options.get("args"))
        if isinstance(node, yaml.ScalarNode)
    ]
    command = " ".join(w for w in words if w)
    if not command:
        return Builds(
            False,
            f"not counted: the step at line {line} gives no entrypoint or args, so it runs the "
            "image's own command, which runs no Go",
        )
    verdict = script_builds(command, line, job)
    if verdict.builds:
        return verdict
    return Builds(False, f"not counted: the step at line {line} runs `{command}`, which runs no Go")


def image_pin(reference: str, raw: str, file: str, line: int) -> Pin | None:
    """The pin of an image reference (`golang:1.26-alpine`, `docker.io/library/golang:1.26`,
    a mirror's), written as `raw` at `line`; None where it is no golang image."""
    repository, tag, digest = split_reference(reference)
    if not is_golang_image(repository):
        return None
    version, why = golang_tag_version(tag, digest)
    return Pin(file, line, SOURCE_WORKFLOW_CONTAINER, raw, version, why, version is None, reference)


def toolchain_setting(
    layers: Sequence[Mapping[str, yaml.Node]], scope: Scope
) -> tuple[str, int] | None:
    """GOTOOLCHAIN as the first of `layers` (step, job, workflow, container env) that sets it
    gives it, with its line; None where none does (the image's own `local`) or its value
    is an expression that does not resolve."""
    for layer in layers:
        node = layer.get("GOTOOLCHAIN")
        if node is None:
            continue
        if not isinstance(node, yaml.ScalarNode):
            return None
        line = node.start_mark.line + 1
        values = expand_expressions(Scalar(node_text(node).strip(), line), scope)
        if len(values) != 1 or isinstance(values[0], Unresolved):
            return None
        return values[0].text.strip(), line
    return None


def with_toolchain(pin: Pin, setting: tuple[str, int] | None) -> Pin:
    """`pin` as the GOTOOLCHAIN `setting` (value, line) changes it (toolchain_runs): a
    version names that Go (at `toolchain_line`), `auto` leaves the pin out (go.mod chooses the
    Go), the image's own Go or a value Go refuses leaves it as it is."""
    if setting is None or pin.version is None:
        return pin
    value, line = setting
    choice = toolchain_runs(value)
    written = f"GOTOOLCHAIN={value} ({pin.file}:{line})"
    if not value:
        written = f"GOTOOLCHAIN, emptied at {pin.file}:{line} so $GOROOT/go.env's auto applies,"
    if choice == AUTO:
        name = value.partition("+")[0]
        floor = name if name.startswith("go") else f"the image's Go {pin.version}"
        return replace(
            pin,
            ignored=f"not counted: {written} lets go.mod's go and toolchain lines choose the Go "
            f"the job runs ({floor}, or the newer one go.mod asks for, which the go command "
            "downloads)",
        )
    if not isinstance(choice, GoVersion):
        return pin  # the image's own Go; or Go refuses the value (go1.27), and so does the job
    note = f"{written} runs Go {choice} instead of the image's Go {pin.version}"
    return replace(
        pin, version=choice, note="; ".join(filter(None, [note, pin.note])), toolchain_line=line
    )
