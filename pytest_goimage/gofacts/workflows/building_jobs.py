"""Which workflow jobs run the Go toolchain on the module, so that their setup-go pin counts."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import yaml

GO_BUILD_SUBCOMMANDS = ("build", "test", "vet", "run", "install", "generate", "mod")
# Actions that build or load the module with the Go setup-go installed.
GO_BUILD_ACTIONS = (
    "golangci/golangci-lint-action",
    "goreleaser/goreleaser-action",
    "golang/govulncheck-action",
    "github/codeql-action/autobuild",
)
# Task runners: what a target runs is not in the workflow, and in a Go repository it is most
# often the go command, so a job that runs one counts (strict: what is tested is what ships).
MAKE_LIKE = ("make", "gmake", "task", "just", "mage")
_SHELLS = ("bash", "sh", "zsh", "dash")
_WRAPPERS = ("sudo", "time", "env", "exec", "nohup", "xargs", "then", "do", "else", "!", "command")
_SEGMENT_SPLIT_RE = re.compile(r"&&|\|\||[;|&(){}`]|\$\(|\n")
_ASSIGNMENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Builds:
    builds: bool
    why: str = ""  # for an ambiguous step: why it counts; for a job that does not: why not


def job_builds(steps: Sequence[Mapping[str, yaml.Node]], job: str) -> Builds:
    """Whether a job runs the Go toolchain on the module.

    It does when a step runs `go build|test|vet|run|install|generate|mod` (not `go install
    pkg@version` or `go run pkg@version`, which fetch a tool), or uses an action that builds
    the module (GO_BUILD_ACTIONS). It may, and then counts, when a step runs a task runner
    (MAKE_LIKE), a script of the repository, or a local action: their content is not read.
    """
    ambiguous = ""
    for step in steps:
        run = step.get("run")
        if isinstance(run, yaml.ScalarNode):
            line = run.start_mark.line + 1
            for words in _commands(run.value):
                verdict = _command_builds(words)
                if verdict == "go":
                    return Builds(True)
                if verdict and not ambiguous:
                    ambiguous = (
                        f"counted: job {job} runs `{' '.join(words)}` (line {line}), {verdict} "
                        "may run the Go toolchain; list the job in go_version_ignore if it does not"
                    )
        uses = step.get("uses")
        if isinstance(uses, yaml.ScalarNode):
            action = uses.value.strip().split("@", 1)[0].lower().rstrip("/")
            if action in GO_BUILD_ACTIONS:
                return Builds(True)
            if action.startswith("./") and not ambiguous:
                ambiguous = (
                    f"counted: job {job} uses the local action {action} (line "
                    f"{uses.start_mark.line + 1}), which may run the Go toolchain; list the job "
                    "in go_version_ignore if it does not"
                )
    if ambiguous:
        return Builds(True, ambiguous)
    return Builds(
        False,
        f"not counted: job {job} never runs the Go toolchain on the module (no step runs "
        f"go {'/'.join(GO_BUILD_SUBCOMMANDS)}, a task runner, a script or a Go build action)",
    )


def _commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script, as words, roughly as a shell splits them."""
    script = script.replace("\\\r\n", " ").replace("\\\n", " ")
    lines = [re.sub(r"(^|\s)#.*", "", line) for line in script.splitlines()]
    for segment in _SEGMENT_SPLIT_RE.split("\n".join(lines)):
        words = [w.strip("'\"") for w in segment.split()]
        while words and (words[0] in _WRAPPERS or _ASSIGNMENT_RE.match(words[0])):
            words.pop(0)
            while words and words[0].startswith("-"):
                words.pop(0)  # a wrapper's own flags (`env -i`, `sudo -E`)
        if words:
            yield words


def _command_builds(words: list[str]) -> str:
    """ "go" when the command runs the Go toolchain on the module, a phrase naming what it runs
    when it may, "" when it does not."""
    program = words[0].rsplit("/", 1)[-1]
    if program == "go":
        rest = words[1:]
        while rest and rest[0].startswith("-"):  # `go -C dir build`
            flag = rest.pop(0)
            if flag == "-C" and rest:
                rest.pop(0)
        if not rest or rest[0] not in GO_BUILD_SUBCOMMANDS:
            return ""
        if rest[0] in ("install", "run") and any(
            "@" in w and not w.startswith("-") for w in rest[1:]
        ):
            return ""  # fetches and builds a tool at its own version, not this module
        return "go"
    if program in MAKE_LIKE:
        return f"and what {program} runs is not read, so it"
    if program in _SHELLS and len(words) > 1 and not words[1].startswith("-"):
        return "a script whose content is not read, so it"
    if words[0].startswith(("./", "scripts/", "hack/", "build/")) or words[0].endswith(".sh"):
        return "a script whose content is not read, so it"
    return ""
