"""One failed BuildKit build as the diagnosis rules read it: the error, the step that failed
and its output, the parsed Dockerfile, and where the user's files are."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..gofacts.dockerfile import (
    Dockerfile,
    Instruction,
    normalise_command,
    parse_dockerfile_leniently,
)
from ..gofacts.shell_script import REFERENCE
from .buildkit_trace import Vertex
from .engine_build import BuildTrace

MAX_LINES = 12

# BuildKit's plain progress puts `#11 0.412 ` before each line of a step's output; a line that
# ends the step's output may come without the time (`#11 DONE`, `#11 --- FAIL: ...`).
_STEP_PREFIX = re.compile(r"^\s*#\d+ (?:[\d.]+(?: |$))?")
GO_ERROR = re.compile(r"^\s*((?:[\w./-]+\.go):\d+(?::\d+)?: .+)$")
_GO_TOOL_ERROR = re.compile(
    r"^\s*((?:go: |go\.mod requires|verifying |SECURITY ERROR|package ).+)$"
)
# `go: errors parsing go.mod:` is followed by the position and the cause on a line of its own.
GO_MOD_ERROR = re.compile(r"^\s*((?:[\w./-]*/)?go\.(?:mod|work):\d+(?::\d+)?: .+)$")
_STEP_NAME = re.compile(
    r"^\[(?:(?P<stage>[^\]\s]+) )?(?P<index>\d+)/(?P<total>\d+)\] (?P<text>.*)$", re.S
)


@dataclass(frozen=True)
class FailedBuild:
    """What a diagnosis rule reads; built by `read_failed_build`."""

    trace_error: str  # the build's final error, as BuildKit ended it
    step: Vertex | None  # the step whose own error ended the build, if one did
    error: str  # the step's error, else the build's
    output: str  # what the failed step printed
    text: str  # the Dockerfile as written ("" when it cannot be read)
    parsed: Dockerfile
    instruction: Instruction | None  # the Dockerfile line of the failed step
    dockerfile: Path
    dockerfile_label: str
    context: Path
    context_label: str
    log_path: Path | None
    build_args: Mapping[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """`Dockerfile:line` of the failed step, or the Dockerfile's name."""
        if self.instruction:
            return f"{self.dockerfile_label}:{self.instruction.line}"
        return self.dockerfile_label

    @property
    def log_note(self) -> str:
        return f"\nFull build log: {self.log_path}" if self.log_path else ""

    @property
    def ctx_note(self) -> str:
        return f"build context {self.context_label!r} ({self.context})"

    @property
    def head(self) -> str:
        """The opening of a step failure: where, and which step."""
        if self.step:
            return f"{self.where}: the build failed in step `{shorten(_step_text(self.step))}`"
        return f"{self.where}: the build failed before any step ran"

    @property
    def go_lines(self) -> list[str]:
        return go_lines(self.output)


def read_failed_build(
    trace: BuildTrace,
    *,
    dockerfile: Path,
    dockerfile_label: str,
    context: Path,
    context_label: str,
    log_path: Path | None,
    build_args: Mapping[str, str] | None = None,
) -> FailedBuild:
    """The record of a failed build: its trace plus the Dockerfile read from disk."""
    try:
        text = dockerfile.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    parsed = parse_dockerfile_leniently(text)
    step = trace.failed_step()
    return FailedBuild(
        trace_error=trace.error,
        step=step,
        error=(step.error if step else "") or trace.error,
        output=trace.output(step.digest) if step else "",
        text=text,
        parsed=parsed,
        instruction=_instruction_for(step, parsed) if step else None,
        dockerfile=dockerfile,
        dockerfile_label=dockerfile_label,
        context=context,
        context_label=context_label,
        log_path=log_path,
        build_args=build_args or {},
    )


def _step_text(step: Vertex) -> str:
    match = _STEP_NAME.match(step.name)
    return match.group("text") if match else step.name


def _instruction_for(step: Vertex, parsed: Dockerfile) -> Instruction | None:
    """Map a BuildKit step name ("[build 5/6] RUN go build ...") to its Dockerfile line."""
    match = _STEP_NAME.match(step.name)
    if not match:
        return None
    wanted = normalise_command(match.group("text"))
    stage = parsed.stage(match.group("stage")) if match.group("stage") else None
    pool = stage.instructions if stage else list(parsed.instructions)
    for instruction in pool:
        if normalise_command(instruction.text) == wanted:
            return instruction
    # BuildKit names the step with ARG/ENV values expanded: `$TOKEN` matches any text. Before
    # the prefix below: two RUNs often start alike (`RUN --mount=type=cache,target=/go/pkg/mod`
    # for `go mod download`, then for `go build ... -X main.version=${VERSION}`; trial 16).
    for instruction in pool:
        if _expands_to(normalise_command(instruction.text), wanted):
            return instruction
    for instruction in pool:
        if wanted.startswith(normalise_command(instruction.text)[:40]):
            return instruction
    return None


def _expands_to(text: str, wanted: str) -> bool:
    """Whether `text`, its variable references filled with anything, is `wanted`: its literal
    parts in order, the first at the start and the last at the end (a wildcard match, linear;
    a regex of `.*?` gaps took 22 s on a long RUN). A text that is little more than variables
    (`RUN ${SETUP}`) matches too much to name a line."""
    parts = REFERENCE.split(text)
    if len(parts) == 1 or len("".join(parts).split(" ", 1)[-1].strip()) < 8:
        return False
    first, *middle, last = parts
    if not wanted.startswith(first) or not wanted.endswith(last):
        return False
    position, end = len(first), len(wanted) - len(last)
    for part in middle:
        found = wanted.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return position <= end


def step_output(output: str) -> list[str]:
    """A step's output lines as the program printed them, without BuildKit's prefixes."""
    return [_STEP_PREFIX.sub("", line, count=1).rstrip() for line in output.splitlines()]


def go_lines(output: str) -> list[str]:
    """The Go tool's error lines in a step's output, without BuildKit's prefixes, deduplicated."""
    lines: list[str] = []
    for raw in step_output(output):
        match = GO_ERROR.match(raw) or GO_MOD_ERROR.match(raw) or _GO_TOOL_ERROR.match(raw)
        if match and match.group(1) not in lines:
            lines.append(match.group(1))
    return lines[:MAX_LINES]


def block(lines: list[str]) -> str:
    """Lines indented under a message, at most MAX_LINES of them."""
    return "\n".join(f"    {line}" for line in lines[:MAX_LINES])


def shorten(text: str, limit: int = 160) -> str:
    """`text` on one line, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
