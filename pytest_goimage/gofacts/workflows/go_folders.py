"""The folders a CI job runs the Go toolchain in, so that a job that builds only another module
of the repository (a `tools/` module with its own go.mod, set up with its own Go) is not
compared with the service's go.mod.

A folder is the shell's working directory when a go command (or a Go tool) starts: the step's
`working-directory`, else the job's or the workflow's `defaults.run`, then each unconditional
`cd` of the script before it (GitHub runs `run:` with bash; a `cd` in a
subshell ends with it), and `go -C dir`. Anything not known for sure (a `cd` to a variable,
after `&&`, inside an `if` or a loop; a task runner or script that may run Go, which may `cd`
anywhere first; an action this reader does not know; a checkout to another `path:`) makes
the whole job's answer None: it counts, as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import yaml

from ..image_build_values import checkout_path
from ..shell_lexer import Token, Unbalanced
from ..shell_script import Command, assignments, simple_commands
from .actions_yaml import action_name, env_of, mapping_of, run_default
from .building_jobs import BEFORE_COMMAND, command_builds

# Where GitHub and GitLab check the repository out: a `cd` under it is a folder of the
# repository (`cd "$GITHUB_WORKSPACE/tools"`, `working-directory: ${{ github.workspace }}/x`).
GITHUB_ROOTS = ("GITHUB_WORKSPACE",)
GITLAB_ROOTS = ("CI_PROJECT_DIR",)
_EXPRESSION_ROOT = re.compile(r"^\$\{\{\s*github\.workspace\s*\}\}")
_GLOB = re.compile(r"[*?\[]")
# The input that sets the folder of each Go build action this reader knows; another action
# (codeql's autobuild, gosec; goreleaser builds its configuration's `builds[].dir`) runs
# where it decides, not known here.
_ACTION_FOLDER_INPUTS = {
    "golangci/golangci-lint-action": "working-directory",
    "golang/govulncheck-action": "work-dir",
}
# Shells whose `cd` this reader follows: GitHub's default is bash.
_POSIX_SHELLS = ("bash", "sh")
# Compound commands a `cd` in which may or may not run, or run more than once.
_CONDITIONAL_FRAMES = ("if", "while", "until", "for", "case", "function")
# GOWORK=off for every command after it: an env's own line, or `export GOWORK=off`. A prefix
# (`GOWORK=off go vet ./... && go build ./...`) holds for its one command only, so it is not
# taken off (the review: one prefix turned the whole step's workspace off).
_OFF = re.compile(r"""^GOWORK=["']?off["']?$|\bexport\s+GOWORK=["']?off\b""", re.MULTILINE)
# What sends the go command to another go.mod or go.work than the folder's (`-modfile`, also
# in GOFLAGS; a GOWORK other than `off`; `go work init`/`use` making one), or `cd` elsewhere
# (CDPATH): where a script or an env names one, its folders are not known.
_ELSEWHERE = re.compile(r"-modfile\b|\bGOWORK\b|\bCDPATH\b|\bgo\s+work\s+(?:init|use)\b")
# Wrapper options that run the command in another folder (`env -C dir`, `sudo -D dir`).
_CHDIR_OPTIONS = ("-C", "-D", "--chdir")
# Go tools that build what their own configuration names, wherever they run (goreleaser's
# `builds[].dir`).
_CONFIGURED_BUILDS = ("goreleaser",)


def script_folders(script: str, start: str | None, roots: Sequence[str]) -> list[str] | None:
    """The folder (relative to the repository, "." for its top) of each command in `script`
    that runs or may run Go, `start` being the folder the script starts in; None when one of
    them is not known. `roots` are the variables naming the repository's top folder."""
    if start is None or moves_module(script):
        return None
    try:
        commands = simple_commands(script, case_arms=True)
    except Unbalanced:
        return None
    # The working directory per subshell (the serials of the `(` frames around a command):
    # a `cd` inside `( ... )` ends with it; None once it is not known.
    here: dict[tuple[int, ...], str | None] = {(): start}
    found: list[str] = []
    for command in commands:
        key = tuple(frame.serial for frame in command.frames if frame.kind == "(")
        current = _inherited(here, key)
        words = _program_words(command)
        if words is None:
            return None  # `env -C dir go build`: another folder
        if not words:
            continue
        program = words[0].text.rsplit("/", 1)[-1]
        if program in ("cd", "pushd", "popd"):
            target = _target(words[1:]) if program != "popd" else None
            moved = _joined(current, target, roots) if target is not None else None
            here[key] = None if _conditional(command) else moved
            continue
        verdict = command_builds([word.text for word in words])
        if not verdict:
            continue
        # A task runner or script may `cd` anywhere before it runs Go, a function runs where
        # it is called, `find -execdir` in each folder it finds: not known.
        known = verdict == "go" and program not in ("find", *_CONFIGURED_BUILDS)
        if any(frame.kind == "function" for frame in command.frames):
            known = False
        folder = _option_folder(current, words, roots) if known else None
        if folder is None:
            return None
        found.append(folder)
    return found


def moves_module(text: str) -> bool:
    """Whether `text` (a script, an env's `NAME=value` lines) may send the go command to
    another go.mod or go.work than its folder's, or `cd` by CDPATH."""
    return bool(_ELSEWHERE.search(_OFF.sub("", text)))


def step_folder(
    step: Mapping[str, yaml.Node],
    job: Mapping[str, yaml.Node],
    top: Mapping[str, yaml.Node],
) -> list[str] | None:
    """The folders one step that runs or may run Go runs it in (script_folders); None when
    not known."""
    run = step.get("run")
    if isinstance(run, yaml.ScalarNode):
        shell = _run_default(step, job, top, "shell")
        if shell is None and not _linux_or_macos(job):
            return None  # Windows runs `run:` with pwsh, where `( ... )` is no subshell
        if shell is not None and shell.split()[:1] not in [[name] for name in _POSIX_SHELLS]:
            return None  # an empty `shell:` too: GitHub refuses it
        start = _run_default(step, job, top, "working-directory")
        return script_folders(run.value, _folder(start or "."), GITHUB_ROOTS)
    uses = step.get("uses")
    if not isinstance(uses, yaml.ScalarNode):
        return None
    name = _ACTION_FOLDER_INPUTS.get(action_name(uses))
    if name is None:
        return None
    inputs = step.get("with")
    value = mapping_of(inputs).get(name) if isinstance(inputs, yaml.MappingNode) else None
    if value is None:
        return ["."]
    folder = _folder(value.value) if isinstance(value, yaml.ScalarNode) else None
    return None if folder is None else [folder]


def job_folders(
    steps: Sequence[Mapping[str, yaml.Node]],
    running: Sequence[bool],
    job: Mapping[str, yaml.Node],
    top: Mapping[str, yaml.Node],
) -> tuple[str, ...] | None:
    """The folders the job's steps that run or may run Go (`running`) run it in, each once,
    in order; None when one is not known, or a checkout puts the repository elsewhere."""
    if any(checks_out_elsewhere(step) for step in steps):
        return None
    # An env (or an earlier step's `>> $GITHUB_ENV`) may set GOWORK, GOFLAGS or CDPATH.
    envs = [env_of(top), env_of(job), *(env_of(step) for step in steps)]
    texts = [f"{name}={_text(value)}" for env in envs for name, value in env.items()]
    texts += [_text(step.get("run")) for step in steps]
    if any(moves_module(text) for text in texts):
        return None
    folders: list[str] = []
    for step, runs_go in zip(steps, running, strict=True):
        if not runs_go:
            continue
        found = step_folder(step, job, top)
        if found is None:
            return None
        folders += [folder for folder in dict.fromkeys(found) if folder not in folders]
    return tuple(folders)


def _text(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _linux_or_macos(job: Mapping[str, yaml.Node]) -> bool:
    """Whether the job's runner surely runs bash by default: a `runs-on` that names no
    Windows label and is no expression (a matrix `os` may be Windows)."""
    labels = job.get("runs-on")
    words = (
        [_text(labels)]
        if isinstance(labels, yaml.ScalarNode)
        else [_text(node) for node in labels.value]
        if isinstance(labels, yaml.SequenceNode)
        else []
    )
    return bool(words) and not any("windows" in w.lower() or "${{" in w for w in words)


def checks_out_elsewhere(
    step: Mapping[str, yaml.Node], inputs: tuple[str, ...] = ("path",)
) -> bool:
    """Whether the step is a checkout into a folder (`path:`) of the workspace: the
    repository's files are then not where the working directories above name them. With
    more `inputs` (`repository`, `ref`): a checkout whose files may not be this tree's."""
    uses = step.get("uses")
    if not isinstance(uses, yaml.ScalarNode):
        return False
    if not uses.value.strip().lower().startswith("actions/checkout@"):
        return False
    given = step.get("with")
    return isinstance(given, yaml.MappingNode) and any(i in mapping_of(given) for i in inputs)


def _run_default(
    step: Mapping[str, yaml.Node],
    job: Mapping[str, yaml.Node],
    top: Mapping[str, yaml.Node],
    name: str,
) -> str | None:
    """The step's own `name`, else the job's `defaults.run.<name>`, else the workflow's."""
    own = step.get(name)
    found = (
        own
        if isinstance(own, yaml.ScalarNode)
        else run_default(job, name) or run_default(top, name)
    )
    return None if found is None else str(found.value)


def _folder(value: str) -> str | None:
    """A `working-directory` as a folder of the repository; None when an expression other
    than the workspace's root, or a path outside the repository, makes it unknown."""
    value = _EXPRESSION_ROOT.sub(".", value.strip())
    if "${{" in value:
        return None
    return _normal(".", value)


def _normal(base: str, path: str) -> str | None:
    """`path` from `base` as a folder of the checkout (checkout_path); None also for a home
    folder and a pattern, which the shell expands."""
    if not path or path.startswith("~") or _GLOB.search(path):
        return None
    return checkout_path(base, path)


def _inherited(here: Mapping[tuple[int, ...], str | None], key: tuple[int, ...]) -> str | None:
    """The working directory in the subshell `key`: its own, else its nearest parent's."""
    while key not in here:
        key = key[:-1]
    return here[key]


def _program_words(command: Command) -> list[Token] | None:
    """The command's words from its program on: assignments and wrappers (`sudo`, `env`,
    `time`) with their flags left out; None where a wrapper's flag runs it in another folder
    (`env -C dir`, `env --chdir=dir`, `sudo -D dir`)."""
    words = command.words[assignments(command) :]
    while words and words[0].text in BEFORE_COMMAND:
        words = words[1:]
        while words and words[0].text.startswith("-"):
            if words[0].text.split("=", 1)[0] in _CHDIR_OPTIONS:
                return None
            words = words[1:]
    return words


def _target(arguments: Sequence[Token]) -> Token | None:
    """The folder a `cd` or `pushd` goes to; None for `cd` (home) and `cd -`."""
    for word in arguments:
        if word.text in ("-L", "-P", "-e", "--"):
            continue
        return None if word.text == "-" else word
    return None


def _joined(base: str | None, word: Token, roots: Sequence[str]) -> str | None:
    """`base` joined with a folder word: a literal relative path, or one under a variable
    that names the repository's top folder; None for anything else."""
    if base is None:
        return None
    if not word.dynamic:
        return _normal(base, word.text)
    raw = word.raw.strip("\"'")
    for root in roots:
        reference = rf"\$(?:\{{{root}\}}|{root}(?![A-Za-z0-9_]))"
        match = re.fullmatch(reference + r"(/[^$`\\]*)?", raw)
        if match:
            return _normal(".", "." + (match.group(1) or ""))
    return None


def _conditional(command: Command) -> bool:
    """Whether a `cd` may not run (after `&&` or `||`, in an if, a loop, a case arm, a
    function body), or runs in a pipeline's own subshell."""
    if command.pipeline or command.after in ("&&", "||"):
        return True
    return any(
        frame.kind in _CONDITIONAL_FRAMES or frame.after in ("&&", "||") for frame in command.frames
    )


def _option_folder(current: str | None, words: Sequence[Token], roots: Sequence[str]) -> str | None:
    """Where a go command (or a Go tool) runs: `go -C dir ...` moves it (-C comes before the
    subcommand); a Go tool's own folder option (`--dir`, `-d`) is not known."""
    if current is None:
        return None
    if words[0].text.rsplit("/", 1)[-1] != "go":
        return None if any(_folder_option(word.text) for word in words[1:]) else current
    for index, word in enumerate(words[1:], start=1):
        if word.text == "-C" and index + 1 < len(words):
            return _joined(current, words[index + 1], roots)
        if word.text.startswith("-C="):
            return _normal(current, word.text[3:])
        if not word.text.startswith("-"):
            break
    return current


def _folder_option(text: str) -> bool:
    return text in ("-C", "-d") or text.startswith(("--dir", "--work", "--chdir", "-C="))
