"""Image builds in CI scripts: `docker build`, `docker buildx build`, `docker image build`,
`podman build`, `buildah bud` and kaniko's `/kaniko/executor` read as their command lines give them (the Dockerfile, the
context, the target, every `--build-arg`, as written), with the folder each runs in and what
the script assigned before it; `docker buildx bake` (and `docker bake`) and `docker compose
build` as a bake command (bake_command), whose images buildx itself names.

The CI readers (workflows.image_builds, gitlab_ci.image_builds) read their scripts through
this one `Shell`, and resolve the words with their own variables (image_build_values), so
both read a script alike.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .bake_command import BakeCommand, bake_options, compose_build_options
from .command_words import WORKSPACE, Word, read_options, with_folder
from .shell_lexer import Unbalanced
from .shell_script import ASSIGNMENT, Command, assignments, simple_commands

_TOOLS = ("docker", "podman", "buildah")
_BUILDS = {
    "docker": (("build",), ("buildx", "build"), ("buildx", "b"), ("image", "build")),
    "podman": (("build",), ("buildx", "build"), ("image", "build")),
    "buildah": (("bud",), ("build",), ("build-using-dockerfile",)),
}
# Programs that run the command after them, passed over with their own flags (`sudo -E docker
# build`); building_jobs passes over them too (`sudo go test` runs Go). Not xargs: it adds words
# from its input to the command, so a build behind it has arguments the script does not write.
WRAPPERS = ("sudo", "time", "exec", "command", "env", "nohup")
# A word the shell splits: a variable's value unquoted (`docker build $BUILD_ARGS .`).
# Also an array or the script's arguments, quoted or not (`"${args[@]}"`, `"$@"`): any words.
_SPLIT = re.compile(
    r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})"
    r"|\"?\$(?:\{[A-Za-z_][A-Za-z0-9_]*\[[@*]\]\}|[@*])\"?"
)
# In `assigned`: the script read variables from where the reader cannot follow (`source
# versions.env`, `eval "$(...)"`), so any variable not assigned after that is unknown.
OPAQUE = "*"
_DECLARES = ("export", "declare", "typeset", "local", "readonly")
# Global options before the subcommand that take a value (`docker --context ci build`).
# fmt: off
_GLOBAL_VALUES = frozenset({
    "--context", "-c", "--host", "-H", "--config", "--log-level", "-l", "--tlscacert",
    "--tlscert", "--tlskey", "--builder", "--url", "--connection", "--root", "--runroot",
    "--storage-driver", "--cgroup-manager", "--registries-conf",
})
# Build options that take a value (docker, buildx, podman, buildah); any other is a switch
# (`--push`, `--no-cache`). Where an unknown option takes one, the context is still the last
# word that is no option.
_VALUES = frozenset({
    "add-host", "allow", "annotation", "arch", "attest", "authfile", "build-arg",
    "build-context", "builder", "cache-from", "cache-to", "call", "cap-add", "cap-drop",
    "cert-dir", "cgroup-parent", "cpu-period", "cpu-quota", "cpu-shares", "cpuset-cpus",
    "cpuset-mems", "creds", "cw", "decryption-key", "device", "dns", "dns-option", "dns-search",
    "env", "file", "format", "from", "hooks-dir", "iidfile", "ignorefile", "ipc", "isolation",
    "jobs", "label", "layer-label", "logfile", "manifest", "memory", "memory-swap",
    "metadata-file", "network", "no-cache-filter", "os", "os-feature", "os-version", "output",
    "pid", "platform", "progress", "provenance", "retry", "retry-delay", "runtime",
    "runtime-flag", "sbom", "secret", "security-opt", "shm-size", "sign-by", "ssh", "tag",
    "target", "timestamp", "ulimit", "unsetenv", "unsetlabel", "userns", "uts", "variant",
    "volume",
})
# fmt: on
# The short options that take a value: -f FILE, -t TAG, -o OUT, -m MEM, -c SHARES, -v VOLUME.
_SHORT_VALUES = {
    "f": "file",
    "t": "tag",
    "o": "output",
    "m": "memory",
    "c": "cpu-shares",
    "v": "volume",
}


@dataclass(frozen=True)
class BuildCommand:
    """One image build of a script: its words as written, and the folder it runs in relative to
    the checkout (None where a `cd` went where the reader cannot follow)."""

    tool: str
    line: int
    cwd: str | None
    file: Word | None = None
    context: Word | None = None
    target: Word | None = None
    # Each `NAME=VALUE` or `NAME` as written, in order (a later one of a name wins), and among
    # them each word the shell splits (`$BUILD_ARGS`: its value holds more options).
    args: tuple[Word, ...] = ()
    prefix: tuple[tuple[str, Word], ...] = ()  # `NAME=value docker build ...`
    # What the script assigned before it (None: in a branch or loop, so not known).
    assigned: tuple[tuple[str, Word | None], ...] = ()


class Shell:
    """A CI job's shell from one command to the next: the folder it is in and the variables its
    script assigned (`export GO_VERSION=1.21`), each a word to expand where it is used."""

    def __init__(self) -> None:
        self.cwd: str | None = "."
        self.assigned: dict[str, Word | None] = {}  # None: set in a branch or loop
        self._subshells: dict[int, str | None] = {}  # a `( cd x && ... )`'s own folder
        self._function_cd = False  # a function body changes folder: its builds' is unknown
        self.exported: set[str] = set()  # `export NAME`: in the environment of what it runs
        self._stack: list[str | None] = []  # `pushd`'s folders, for `popd`
        self._oldpwd: str | None = None  # the folder before the last `cd`, for `cd -`

    def builds(
        self, script: str, line_at: Callable[[int], int], file: str = ""
    ) -> list[BuildCommand | BakeCommand]:
        """The image builds of `script` in order, `line_at(offset)` giving the line of its file
        (`file`, where the words' origins name it) that holds a character of it; a top-level `cd` and assignment hold for the commands
        after it, a `cd` in a subshell for the rest of that subshell. A script the shell would
        refuse (unbalanced quotes) has none."""
        try:
            commands = simple_commands(script)
        except Unbalanced:
            return []
        found: list[BuildCommand | BakeCommand] = []
        for command in commands:
            words = []
            for token in command.words:
                splits = bool(_SPLIT.fullmatch(token.raw))  # `"$@"` is no `dynamic` word
                line = line_at(token.start)
                words.append(Word(token.text, line, token.dynamic or splits, splits, file))
            leading = assignments(command)
            prefix = tuple(_assignment(w) for w in words[:leading])
            words = words[leading:]
            subshell = next((f.serial for f in reversed(command.frames) if f.kind == "("), None)
            cwd = self.cwd if subshell is None else self._subshells.get(subshell, self.cwd)
            program = words[0].text if words else ""
            if not words or program in _DECLARES:
                exported = [_assignment(w) for w in words[1:] if ASSIGNMENT.match(w.text)]
                self._assign(command, subshell, [*prefix, *exported] if not words else exported)
                if program == "export" or (program in _DECLARES and _flag(words, "x")):
                    names = [w.text.partition("=")[0] for w in words[1:]]
                    self.exported.update(n for n in names if not n.startswith("-"))
                continue
            if program in ("source", ".", "eval") and subshell is None:
                self.assigned = {OPAQUE: None}  # what it sets, also over earlier assignments
            elif program in ("read", "unset"):  # what `read` reads is the job's to know
                names = [w.text for w in words[1:] if not w.text.startswith("-")]
                self.assigned.update((name, None) for name in names)
            if program in ("cd", "pushd", "popd"):
                folder = self._destination(program, cwd, words[1:], subshell is None)
                self._cd(command, subshell, folder)
            if self._function_cd and any(f.kind == "function" for f in command.frames):
                cwd = None
            build = _build([with_folder(w, cwd) for w in words], words[0].line, cwd, prefix)
            if isinstance(build, BakeCommand):
                build = replace(build, exported=tuple(sorted(self.exported)))
            if build is not None:
                found.append(replace(build, assigned=tuple(self.assigned.items())))
        return found

    def _assign(
        self, command: Command, subshell: int | None, values: list[tuple[str, Word]]
    ) -> None:
        """Assignments hold for the commands after them at the top; in a branch, loop or
        function body (which may be called anywhere) their names become unknown; in a
        subshell they are not followed."""
        if subshell is not None:
            return
        known = all(frame.kind == "{" for frame in command.frames)
        self.assigned.update((name, word if known else None) for name, word in values)

    def _destination(
        self, program: str, cwd: str | None, args: list[Word], top: bool
    ) -> str | None:
        """Where `cd`, `pushd` or `popd` goes from `cwd`: a folder written out, the one before
        (`cd -`, its OLDPWD), the one a `pushd` left (`popd`); None where it is not known. The
        stack and OLDPWD are the top-level shell's (`top`); a subshell's are not followed."""
        if not top:
            return _changed(cwd, args) if program != "popd" else None
        if program == "popd":  # it changes folder as `cd` does: `cd -` goes back
            self._oldpwd = cwd
            return self._stack.pop() if self._stack else None
        if program == "cd" and [w.text for w in args] == ["-"]:
            folder = self._oldpwd
        else:
            folder = _changed(cwd, [w for w in args if w.text not in ("-L", "-P")])
        if program == "pushd":
            self._stack.append(cwd)
        self._oldpwd = cwd
        return folder

    def _cd(self, command: Command, subshell: int | None, folder: str | None) -> None:
        """Where a `cd` leaves the shell: a subshell's own folder; the shell's at the top or
        in a brace group; unknown after one that may not run (in an if, loop or case)."""
        if subshell is not None:
            self._subshells[subshell] = folder
        elif all(frame.kind == "{" for frame in command.frames):
            self.cwd = folder
        elif all(frame.kind != "function" for frame in command.frames):
            self.cwd = None
        else:  # a function may be called anywhere after: no folder is known from here on
            self._function_cd = True
            self.cwd = None


def _assignment(word: Word) -> tuple[str, Word]:
    name, _, value = word.text.partition("=")
    return name, replace(word, text=value)


def _changed(cwd: str | None, words: list[Word]) -> str | None:
    """The folder after `cd WORDS`: a relative folder written out (or one below `$PWD`), else
    unknown."""
    if cwd is None or len(words) != 1:
        return None
    word = with_folder(words[0], cwd)
    if word.text.startswith(WORKSPACE):
        cwd, word = ".", replace(word, text=word.text[len(WORKSPACE) :].lstrip("/") or ".")
    if word.shell or word.text.startswith(("/", "-")):
        return None
    return posixpath.normpath(posixpath.join(cwd, word.text))


def _flag(words: list[Word], letter: str) -> bool:
    """Whether `declare -x` (or `-rx`...) is among the options of a declaration."""
    return any(w.text.startswith("-") and letter in w.text[1:] for w in words[1:])


def _build(
    words: list[Word], line: int, cwd: str | None, prefix: tuple[tuple[str, Word], ...]
) -> BuildCommand | BakeCommand | None:
    while words and words[0].text in WRAPPERS:
        words = words[1:]
        while words and (words[0].text.startswith("-") or ASSIGNMENT.match(words[0].text)):
            if ASSIGNMENT.match(words[0].text):  # `env GO=1 docker build`: in its environment
                prefix = (*prefix, _assignment(words[0]))
            words = words[1:]  # `sudo -E`
    if not words:
        return None
    tool = words[0].text.rsplit("/", 1)[-1]
    if tool == "executor" and words[0].text in ("executor", "/kaniko/executor"):
        return _kaniko(words, line, cwd, prefix)
    if tool == "docker-compose":
        return compose_build_options(words[1:], line, cwd, prefix)
    if tool not in _TOOLS:
        return None
    rest = _after_globals(words[1:])
    if tool == "docker" and rest[:1] and rest[0].text == "compose":
        return compose_build_options(rest[1:], line, cwd, prefix)
    if tool == "docker" and rest[:1] and rest[0].text == "buildx":
        rest = [rest[0], *_after_globals(rest[1:])]  # `docker buildx --builder ci bake`
    for bake in (("buildx", "bake"), ("buildx", "f"), ("bake",)):  # `f`: buildx's own alias
        if tool == "docker" and [w.text for w in rest[: len(bake)]] == list(bake):
            return bake_options(rest[len(bake) :], line, cwd, prefix)
    for subcommand in _BUILDS[tool]:
        if [w.text for w in rest[: len(subcommand)]] == list(subcommand):
            return _options(tool, rest[len(subcommand) :], line, cwd, prefix)
    return None


# kaniko's executor options that take a value (the others are switches: `--no-push`, or
# written `--cache=true`), and its short ones.
_KANIKO_VALUES = frozenset({
    "context", "dockerfile", "build-arg", "target", "destination", "cache-repo", "cache-dir",
    "cache-ttl", "tar-path", "digest-file", "image-name-with-digest-file",
    "image-name-tag-with-digest-file", "oci-layout-path", "registry-mirror", "registry-map",
    "registry-certificate", "insecure-registry", "skip-tls-verify-registry", "snapshot-mode",
    "verbosity", "label", "custom-platform", "customPlatform", "kaniko-dir", "git",
    "ignore-path", "image-fs-extract-retry", "push-retry", "compression", "compression-level",
})  # fmt: skip
_KANIKO_SHORT = {"c": "context", "f": "dockerfile", "d": "destination"}


def _kaniko(
    words: list[Word], line: int, cwd: str | None, prefix: tuple[tuple[str, Word], ...]
) -> BuildCommand:
    """kaniko's `/kaniko/executor --context dir://$CI_PROJECT_DIR --dockerfile ... --build-arg`:
    a build as `docker build`'s, its context `/workspace/` unless given (outside the checkout:
    no build read), `dir://` dropped, the Dockerfile relative to the folder it runs in (kaniko
    looks there first)."""
    options, _ = read_options(words[1:], _KANIKO_VALUES, _KANIKO_SHORT)
    found = {name: value for name, value, _ in options if value is not None}
    context = found.get("context") or replace(words[0], text="/workspace/")
    context = replace(context, text=context.text.removeprefix("dir://"))
    args = tuple(value for name, value, _ in options if name == "build-arg" and value is not None)
    # kaniko's default --dockerfile is `Dockerfile`, looked for where it runs, then in the
    # context (without a context given, that is /workspace/, outside the checkout: none read).
    dockerfile = found.get("dockerfile")
    if dockerfile is None and "context" in found:
        dockerfile = replace(words[0], text="Dockerfile", shell=False)
    return BuildCommand("kaniko", line, cwd, dockerfile, context, found.get("target"), args, prefix)


def _after_globals(words: list[Word]) -> list[Word]:
    index = 0
    while index < len(words) and words[index].text.startswith("-"):
        index += 2 if words[index].text in _GLOBAL_VALUES else 1
    return words[index:]


def _options(
    tool: str, words: list[Word], line: int, cwd: str | None, prefix: tuple[tuple[str, Word], ...]
) -> BuildCommand:
    """The build's file, context (its last word that is no option and no split variable),
    target and arguments, with the split variables among them where they stand."""
    options, positional = read_options(words, _VALUES, _SHORT_VALUES)
    found = {name: value for name, value, _ in options if value is not None}
    context = next((word for _, word in reversed(positional) if not word.splits), None)
    spliced = [(index, word) for index, word in positional if word.splits]
    args = [(i, value) for name, value, i in options if name == "build-arg" and value is not None]
    return BuildCommand(
        tool,
        line,
        cwd,
        found.get("file"),
        context,
        found.get("target"),
        tuple(word for _, word in sorted([*args, *spliced], key=lambda item: item[0])),
        prefix,
    )


def build_options(words: list[Word]) -> tuple[dict[str, Word], list[Word]]:
    """A build's options by name (the last of each) and its `--build-arg` values in order."""
    options, _ = read_options(words, _VALUES, _SHORT_VALUES)
    found = {name: value for name, value, _ in options if value is not None}
    return found, [value for name, value, _ in options if name == "build-arg" and value is not None]
