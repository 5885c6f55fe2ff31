"""A CI image build once its values are known: the shell's own expansions (`$X`, `${X}`,
`${X:-default}`) through the CI reader's variables, the Dockerfile relative to the checkout,
and each build argument with where its value came from. A value only a running job knows
(`$(cat .go-version)`, a variable set elsewhere) is unresolved, with the reason.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from .command_words import WORKSPACE as WORKSPACE
from .command_words import Word
from .image_build_command import OPAQUE, BuildCommand, build_options

# Every shell expansion, so that a form not read here (`$1`, `${X#v}`, `$(...)`) is seen.
_EXPANSION = re.compile(r"\$(?:\{[^}]*\}?|[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?!$-]|\()|`")
# Those expanded here: `${NAME}`, `$NAME`, `${NAME:-word}` and `${NAME-word}`.
_REFERENCE = re.compile(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<word>[^}$]*))?\}"
    r"|\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)"
)


# The name of a build argument that stands for any: options only the job knows.
ANY_ARGUMENT = "*"


@dataclass(frozen=True)
class Resolved:
    """A value as CI gives it: `text`, or None with `why` it is only known when the job runs.
    `origins` are the variables it came through (name, file, line), innermost last."""

    text: str | None
    why: str = ""
    # (name, file, line); file "" for a line of the CI file the build itself is in.
    origins: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class BuildArg:
    """A `--build-arg NAME=VALUE` (or `NAME`, taken from the environment) of a CI build."""

    name: str
    value: str | None  # None: only known when the job runs
    written: str  # as written in the CI file
    line: int
    why: str = ""
    origins: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class ImageBuild:
    """A CI image build of a Dockerfile of the checkout, its values resolved: the CI file and
    line, the job, the Dockerfile relative to the checkout root, the target, the arguments."""

    file: str
    line: int
    job: str
    dockerfile: str
    target: str = ""
    args: tuple[BuildArg, ...] = ()
    note: str = ""  # why it may not run (an `if:` read only when the workflow runs)
    pipeline: str = ""  # a GitLab CI build's pipeline file
    # How the build is given an argument (build_arg_advice): `--build-arg` on a command,
    # build-push-action's `build-args`, a bake target's or a compose service's args.
    passes_args: str = "--build-arg"


Lookup = Callable[[str], Resolved | None]  # a variable's value; None where it is not set


def expand_shell(text: str, lookup: Lookup) -> Resolved:
    """`text` with the shell's `$X`, `${X}` and `${X:-default}` expanded through `lookup`; a
    command substitution, another expansion or a variable not set is unresolved, with why."""
    out: list[str] = []
    origins: list[tuple[str, str, int]] = []
    position = 0
    for match in _EXPANSION.finditer(text):
        reference = _REFERENCE.fullmatch(match.group(0))
        if reference is None:
            what = "runs a command" if match.group(0) in ("$(", "`") else "expands a value"
            return Resolved(None, f"`{text}` {what} only when the job runs")
        name = reference.group("braced") or reference.group("plain")
        found = lookup(name)
        operator = reference.group("op")
        if operator and (found is None or (operator == ":-" and found.text == "")):
            found = Resolved(reference.group("word"))
        if found is None:
            return Resolved(
                None,
                f"${name} is not set in the CI file (the job's env or variables), so it is "
                "only known when the job runs",
            )
        if found.text is None:
            return found
        out += [text[position : match.start()], found.text]
        origins += found.origins
        position = match.end()
    return Resolved("".join(out) + text[position:], origins=tuple(origins))


def script_variable(
    name: str,
    assigned: Mapping[str, Word | None],
    resolve: Callable[[Word, Mapping[str, Word | None]], Resolved],
    outer: Lookup,
) -> Resolved | None:
    """A shell variable where a build runs: what the script assigned before it, resolved with
    `resolve` without that name (so `X=$X-rc` reads the X before it, and nothing loops), else
    `outer` (the job's environment); None where neither sets it."""
    if name not in assigned and OPAQUE in assigned:
        return Resolved(
            None,
            f"the script reads variables from a file or `eval` before the build (`source`, "
            f"`.`), so ${name} is only known when the job runs",
        )
    if name not in assigned:
        return outer(name)
    word = assigned[name]
    if word is None:
        return Resolved(
            None,
            f"${name} is set in a branch, loop or function of the script, or read by it, so "
            "it is only known when the job runs",
        )
    found = resolve(word, {other: w for other, w in assigned.items() if other != name})
    # Where the script assigns it (a job's lines may come from several files).
    return replace(found, origins=((name, word.file, word.line), *found.origins))


def checkout_path(cwd: str | None, path: str) -> str | None:
    """`path` (relative to `cwd`, or to the checkout where it starts with WORKSPACE) relative to
    the checkout root, normalised; None where it is not in the checkout or cannot be known."""
    if path.startswith(WORKSPACE):
        cwd, path = ".", path[len(WORKSPACE) :].lstrip("/") or "."
    if cwd is None or path.startswith("/") or "://" in path or path.startswith("git@"):
        return None
    joined = posixpath.normpath(posixpath.join(cwd, path))
    return None if joined == ".." or joined.startswith("../") else joined


def command_build(
    command: BuildCommand,
    resolve: Callable[[Word], Resolved],
    variable: Lookup,
    is_file: Callable[[str], bool],
) -> tuple[str, str, tuple[BuildArg, ...]] | None:
    """The Dockerfile (relative to the checkout root), target and arguments of `command`, its
    words resolved with `resolve`; a bare `--build-arg NAME` takes the command's own prefix
    assignment, else the shell's `variable`. `-f` and the context are relative to the folder
    the command runs in; without `-f` the file is the context's Dockerfile (podman's and
    buildah's: its Containerfile where `is_file` says the folder has one; kaniko's relative
    `--dockerfile`, where no such file is in the folder it runs in, in the context, as kaniko
    looks there next). None where
    the Dockerfile is not a file of the checkout that can be known (stdin, a URL, a value only
    the job knows)."""
    prefix = dict(command.prefix)

    def env(name: str) -> Resolved | None:
        return resolve(prefix[name]) if name in prefix else variable(name)

    args, options = _arguments(command, resolve, env)
    file = command.file or options.get("file")  # `-f` in `$BUILD_OPTS` counts too
    stage = command.target or options.get("target")
    context: str | None = "."  # podman and buildah build the current folder without one
    if command.context is not None:
        context = resolve(command.context).text
    elif command.tool == "docker":
        context = None
    if context is None or context == "-" or "://" in context or context.startswith("git@"):
        return None  # docker needs a context; `-` reads the Dockerfile from stdin; a URL
    if file is not None:
        path = resolve(file).text
        dockerfile = checkout_path(command.cwd, path) if path not in (None, "-") else None
        if command.tool == "kaniko" and dockerfile is not None and not is_file(dockerfile):
            folder = checkout_path(command.cwd, context)
            in_context = checkout_path(folder, path) if folder and path else None
            dockerfile = in_context if in_context and is_file(in_context) else dockerfile
    else:
        folder = checkout_path(command.cwd, context)
        own = (
            command.tool in ("podman", "buildah")
            and folder is not None
            and is_file(f"{folder}/Containerfile")
        )
        dockerfile = checkout_path(folder, "Containerfile" if own else "Dockerfile")
    if dockerfile is None:
        return None
    target = resolve(stage).text if stage else ""
    if not target and stage:
        return None  # which stage it builds is only known when the job runs
    return dockerfile, target or "", args


def _arguments(
    command: BuildCommand, resolve: Callable[[Word], Resolved], env: Lookup
) -> tuple[tuple[BuildArg, ...], dict[str, Word]]:
    """The build's arguments in order, and the options (`-f`, `--target`) its split variables
    hold. A variable among the build's words that the shell splits (`docker build $BUILD_ARGS
    .`) gives its value's `--build-arg`s where it stands, split as the shell splits it (on
    whitespace, its quotes kept), each pointing where the variable is set; where its value is
    only known when the job runs, one ANY_ARGUMENT: any argument may be in it."""
    found: list[BuildArg] = []
    options: dict[str, Word] = {}
    for word in command.args:
        if not word.splits:
            found += build_args([word], resolve, env)
            continue
        value = resolve(word)
        if value.text is None:
            why = f"{word.text} holds more of the build's options, and {value.why}"
            found.append(BuildArg(ANY_ARGUMENT, None, word.text, word.line, why))
            continue
        held, args = build_options([Word(part, word.line) for part in value.text.split()])
        options.update(held)
        for arg in build_args(args, resolve, env):
            origins = value.origins + arg.origins
            if value.origins:  # the fix goes into that variable's value
                name, file, line = origins[-1]
                origins = (*origins[:-1], (f"{arg.name} in {name}", file, line))
            found.append(replace(arg, origins=origins))
    return tuple(found), options


def build_args(
    words: Iterable[Word], resolve: Callable[[Word], Resolved], env: Lookup
) -> tuple[BuildArg, ...]:
    """Each `NAME=VALUE` resolved, and each `NAME` taken from the environment (`env`) as the
    build tool takes it; a word whose name is not written out is left out."""
    found = []
    for word in words:
        name, equals, value = word.text.partition("=")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        if equals:
            resolved = resolve(replace(word, text=value))
        else:
            resolved = env(name) or Resolved(
                None, f"{name} is taken from the job's environment, where it is not set"
            )
        found.append(
            BuildArg(name, resolved.text, word.text, word.line, resolved.why, resolved.origins)
        )
    return tuple(found)
