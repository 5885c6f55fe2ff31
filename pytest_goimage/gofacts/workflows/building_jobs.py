"""Which workflow jobs run the Go toolchain on the module, so that their setup-go pin counts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import yaml

from ..image_build_command import WRAPPERS
from .actions_yaml import action_name
from .composite import ActionLoader, composite_action
from .expressions import evaluate_if

# `go` subcommands that neither build nor load the module.
GO_OTHER_SUBCOMMANDS = ("version", "env", "help", "telemetry", "bug")
# Programs that compile or load the module with the Go that setup-go installed.
GO_TOOLS = (
    "gotestsum",
    "ginkgo",
    "ko",
    "goreleaser",
    "golangci-lint",
    "staticcheck",
    "govulncheck",
    "gox",
    "gofumpt",
    "goimports",
    "revive",
    "errcheck",
    "gosec",
    "mockgen",
    "wire",
    "templ",
    "sqlc",
    "buf",
    "protoc",
    "tinygo",
    "gomobile",
    "gopls",
    "dlv",
)
# Actions that build or load the module with the Go setup-go installed.
GO_BUILD_ACTIONS = (
    "golangci/golangci-lint-action",
    "goreleaser/goreleaser-action",
    "golang/govulncheck-action",
    "github/codeql-action/autobuild",
    "securego/gosec",
    "dominikh/staticcheck-action",
)
# What never runs Go: a job whose every step is one of these leaves its setup-go pin out
# (a docs job that sets up Go for Hugo). Anything not known counts, with a note: a false
# failure can be silenced with go_version_ignore, a false pass cannot be seen.
NON_GO_PROGRAMS = frozenset(
    {
        "hugo",
        "npm",
        "npx",
        "yarn",
        "pnpm",
        "node",
        "deno",
        "bun",
        "python",
        "python3",
        "pip",
        "pip3",
        "pipx",
        "poetry",
        "uv",
        "mkdocs",
        "sphinx-build",
        "ruby",
        "bundle",
        "jekyll",
        "docker",
        "podman",
        "buildah",
        "helm",
        "kubectl",
        "kind",
        "terraform",
        "aws",
        "gcloud",
        "az",
        "gh",
        "git",
        "curl",
        "wget",
        "tar",
        "unzip",
        "zip",
        "gzip",
        "jq",
        "yq",
        "sed",
        "awk",
        "grep",
        "cat",
        "echo",
        "printf",
        "ls",
        "cp",
        "mv",
        "rm",
        "mkdir",
        "touch",
        "chmod",
        "cd",
        "pwd",
        "test",
        "[",
        "true",
        "false",
        "sleep",
        "apt-get",
        "apt",
        "apk",
        "brew",
        "sha256sum",
        "shasum",
        "export",
        "set",
        "tee",
        "find",
        "sort",
        "head",
        "tail",
        "wc",
        "diff",
        "cmp",
        "rsync",
        "ssh",
        "scp",
        "openssl",
        "base64",
        "date",
        "exit",
        # gotip runs its own Go (tip), whatever version setup-go installed to fetch it.
        "gotip",
    }
)
NON_GO_ACTIONS = (
    "actions/checkout",
    "actions/setup-go",
    "actions/setup-node",
    "actions/setup-python",
    "actions/cache",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
    "actions/github-script",
    "actions/stale",
    "actions/labeler",
    "peaceiris/actions-hugo",
    "peaceiris/actions-gh-pages",
    "docker/setup-buildx-action",
    "docker/setup-qemu-action",
    "docker/login-action",
    "docker/metadata-action",
    "docker/build-push-action",
    "softprops/action-gh-release",
    "codecov/codecov-action",
    "github/codeql-action/init",
    "github/codeql-action/analyze",
    "github/codeql-action/upload-sarif",
)
DOCKER_PREFIX = "docker://"  # a step `uses:` an image: `docker://golang:1.26`
# Task runners: what a target runs is not in the workflow, and in a Go repository it is most
# often the go command, so a job that runs one counts (strict: what is tested is what ships).
MAKE_LIKE = ("make", "gmake", "task", "just", "mage")
_SHELLS = ("bash", "sh", "zsh", "dash")
# Words passed over before a segment's program. The wrappers are the image build reader's.
# xargs is only passed over here: it runs the command after it, so `xargs go build` runs Go,
# but with words from its input, so a build's arguments are not written (no build is read).
# The shell's keywords are passed over here because this reader splits a script at its
# operators; the image build reader reads it with shell_script, whose parser takes them as
# keywords: those a command follows (`if ! go vet ./...; then`) and those that end a
# compound command (`fi`, `done`), no programs that may run Go.
_KEYWORDS = ("if", "elif", "then", "else", "while", "until", "do", "!", "fi", "done")
BEFORE_COMMAND = (*WRAPPERS, "xargs", *_KEYWORDS)
_SEGMENT_SPLIT_RE = re.compile(r"&&|\|\||[;|&(){}`]|\$\(|\n")
_ASSIGNMENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Builds:
    builds: bool
    why: str = ""  # for an ambiguous step: why it counts; for a job that does not: why not


def job_builds(steps: Sequence[Mapping[str, yaml.Node]], job: str) -> Builds:
    """Whether a job runs the Go toolchain on the module.

    It does when a step runs a `go` subcommand that builds or loads the module (not `go
    install pkg@version` or `go run pkg@version`, which fetch a tool; not `go version`), a Go
    tool (GO_TOOLS) or a Go build action (GO_BUILD_ACTIONS). It may, and then counts with a
    note saying why, when a step runs anything else not known to be Go-free: a task runner,
    a script of the repository, a local action, an unknown program or action. Only a job
    whose every step is known to run no Go (NON_GO_PROGRAMS, NON_GO_ACTIONS) is left out.
    """
    return job_verdict((step_builds(step, job) for step in steps), job)


def job_verdict(verdicts: Iterable[Builds], job: str) -> Builds:
    """job_builds from its steps' verdicts (step_builds), where the caller keeps those too."""
    return combined(
        verdicts,
        f"not counted: job {job} never runs the Go toolchain on the module (every step runs "
        "a program or action that runs no Go)",
    )


def combined(verdicts: Iterable[Builds], not_counted: str) -> Builds:
    """A job's verdict from its steps' (or script lines'), in order: it builds at the first
    that surely does; else it may, with the first reason why; else it does not, `not_counted`."""
    ambiguous = ""
    for verdict in verdicts:
        if verdict.builds and not verdict.why:
            return verdict
        ambiguous = ambiguous or verdict.why
    return Builds(True, ambiguous) if ambiguous else Builds(False, not_counted)


def step_builds(
    step: Mapping[str, yaml.Node], job: str, load: ActionLoader | None = None, depth: int = 0
) -> Builds:
    """Whether one step runs the Go toolchain on the module: Builds(True) when it does,
    Builds(True, why) when it may, Builds(False) when it is known not to (job_builds)."""
    composite = composite_action(step, load, depth) if load is not None else None
    if composite is not None:
        # Its steps say (trial 17: an action holding setup-go and `go version` made a job that
        # runs Go only in another module's folder count for every module).
        _, steps, name = composite
        verdict = combined(
            (
                step_builds(inner, job, load, depth + 1)
                for inner in steps
                if evaluate_if(inner.get("if"), {}) is not False
            ),
            "",
        )
        if verdict.why:  # its line is the action file's
            caller = step["uses"].start_mark.line + 1
            verdict = Builds(
                True,
                re.sub(
                    r"\(line (\d+)\)",
                    lambda m: f"({name}:{m[1]}, in the action the step at line {caller} uses)",
                    verdict.why,
                    count=1,
                ),
            )
        return verdict
    why = ""
    run = step.get("run")
    if isinstance(run, yaml.ScalarNode):
        verdict = script_builds(run.value, run.start_mark.line + 1, job)
        if verdict.builds and not verdict.why:
            return verdict
        why = verdict.why
    if is_docker_step(step):
        # A container of its own: the image's Go, if any, not the job's (containers.py).
        return Builds(False)
    uses = step.get("uses")
    if isinstance(uses, yaml.ScalarNode):
        action = action_name(uses)
        if action in GO_BUILD_ACTIONS:
            return Builds(True)
        if action not in NON_GO_ACTIONS and not why:
            what = "the local action" if action.startswith("./") else "the action"
            why = (
                f"counted: job {job} uses {what} {action} (line "
                f"{uses.start_mark.line + 1}), which may run the Go toolchain; list the job "
                "in go_version_ignore if it does not"
            )
    return Builds(bool(why), why)


def is_docker_step(step: Mapping[str, yaml.Node]) -> bool:
    """Whether the step runs in an image of its own (`uses: docker://...`)."""
    uses = step.get("uses")
    return isinstance(uses, yaml.ScalarNode) and uses.value.strip().lower().startswith(
        DOCKER_PREFIX
    )


def script_builds(script: str, line: int, job: str) -> Builds:
    """Whether a shell script (a step's `run`, a GitLab job's `script` line at `line`) runs the
    Go toolchain on the module: Builds(True) when it does, Builds(True, why) when it may,
    Builds(False) when it does not."""
    ambiguous = ""
    for words in _commands(script):
        verdict = command_builds(words)
        if verdict == "go":
            return Builds(True)
        if verdict and not ambiguous:
            ambiguous = (
                f"counted: job {job} runs `{' '.join(words)}` (line {line}), {verdict} "
                "may run the Go toolchain; list the job in go_version_ignore if it does not"
            )
    return Builds(bool(ambiguous), ambiguous)


def _commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script, as words, roughly as a shell splits them."""
    script = script.replace("\\\r\n", " ").replace("\\\n", " ")
    # find's `{}` and `\;` are words of its -exec command, not a group or an operator.
    script = re.sub(r"(?<!\S)\{\}|\\;", " ", script)
    lines = [re.sub(r"(^|\s)#.*", "", line) for line in script.splitlines()]
    for segment in _SEGMENT_SPLIT_RE.split("\n".join(lines)):
        words = [w.strip("'\"") for w in segment.split()]
        while words and (words[0] in BEFORE_COMMAND or _ASSIGNMENT_RE.match(words[0])):
            words.pop(0)
            while words and words[0].startswith("-"):
                words.pop(0)  # a wrapper's own flags (`env -i`, `sudo -E`)
        if words:
            yield words


def command_builds(words: list[str]) -> str:
    """ "go" when the command runs the Go toolchain on the module, a phrase naming what it runs
    when it may, "" when it does not."""
    program = words[0].rsplit("/", 1)[-1]
    if program == "go":
        rest = words[1:]
        while rest and rest[0].startswith("-"):  # `go -C dir build`
            flag = rest.pop(0)
            if flag == "-C" and rest:
                rest.pop(0)
        if not rest or rest[0] in GO_OTHER_SUBCOMMANDS:
            return ""
        if rest[0] in ("install", "run") and any(
            "@" in w and not w.startswith("-") for w in rest[1:]
        ):
            return ""  # fetches and builds a tool at its own version, not this module
        return "go"
    if program in GO_TOOLS:
        return "go"
    if program == "find":
        # `find . -name go.mod -execdir go build ./... \;` runs the command after -exec.
        for index, word in enumerate(words):
            if word in ("-exec", "-execdir", "-ok", "-okdir") and index + 1 < len(words):
                return command_builds(words[index + 1 :])
    if program in MAKE_LIKE:
        return f"and what {program} runs is not read, so it"
    if program in _SHELLS and len(words) > 1 and not words[1].startswith("-"):
        return "a script whose content is not read, so it"
    if words[0].startswith(("./", "scripts/", "hack/", "build/")) or words[0].endswith(".sh"):
        return "a script whose content is not read, so it"
    if program in NON_GO_PROGRAMS:
        return ""
    return f"{program} is not known to run no Go, so it"


# GOWORK=off set in a command line, an ENV or ARG: the go command leaves workspace mode.
_WORKSPACE_OFF = re.compile(r"""(?<![\w$])GOWORK(?:=|\s+)["']?off\b""")
_EXPORTS_WORKSPACE_OFF = re.compile(r"""\s*export\s+GOWORK=["']?off\b""")


def exports_workspace_off(line: str) -> bool:
    """Whether a script line is `export GOWORK=off`, which holds for the lines after it."""
    return bool(_EXPORTS_WORKSPACE_OFF.match(line))


def sets_workspace_off(text: str) -> bool:
    """Whether a script line, ENV or ARG sets GOWORK=off (`export GOWORK=off`, a prefix
    `GOWORK=off go test`, `ENV GOWORK off`)."""
    return bool(_WORKSPACE_OFF.search(text))


def runs_without_workspace(
    env: Mapping[str, object], scripts: Sequence[tuple[Mapping[str, object], str]]
) -> bool:
    """Whether a CI job runs the Go toolchain with GOWORK=off: its env says so (a job's or
    the workflow's, a pipeline's variables), or every script that runs Go sets it (its own
    env, `export GOWORK=off`, a `GOWORK=off go test` prefix). `scripts` are the (env, text)
    of the steps or script lines that run Go."""
    if str(env.get("GOWORK", "")).strip() == "off":
        return True
    return bool(scripts) and all(
        str(own.get("GOWORK", "")).strip() == "off" or sets_workspace_off(text)
        for own, text in scripts
    )
