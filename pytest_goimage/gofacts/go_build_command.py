"""The `go build` of a Dockerfile that made a given program: which RUN it is, the Go files it
names (what identifies a `go build main.go` program, whose build info says only
`command-line-arguments`), and the line that set a build fact (parity's "caused by" column)."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .dockerfile import Dockerfile, Instruction
from .shell_lexer import Unbalanced
from .shell_script import simple_commands

_GO_BUILD = re.compile(r"\bgo\s+build\b")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# The official golang images set ENV GOTOOLCHAIN=local (Go 1.21+): `docker.io/library/golang`,
# `library/golang`, `golang`, or a mirror's `.../library/golang`, with a tag or digest.
# A registry or mirror in a variable (`${REGISTRY}/golang:1.26`) is still the golang image.
_GOLANG_IMAGE = re.compile(r"(?:.*/)?(?:library/)?golang(?:[:@][^/]*)?", re.IGNORECASE)


@dataclass(frozen=True)
class GoBuild:
    """One `go build` command of a RUN: the RUN's lines, its output (`-o`) as written, the Go
    files it names as absolute paths in the builder (WORKDIR and a `cd` before it applied;
    none when the working folder is unknown), and the instructions that came before it in its
    stage and the stages it is built FROM (what its environment can come from).

    `readable` is False where the RUN's script could not be read (unbalanced quotes), so its
    arguments are unknown, not absent."""

    line: int
    end_line: int
    output: str
    files: tuple[str, ...]
    before: tuple[Instruction, ...] = ()
    from_line: int = 0  # the FROM of the first stage its stage descends from: the builder
    ldflags: str | None = None  # `-ldflags` as written (None: not given)
    readable: bool = True
    # GOTOOLCHAIN as the RUN sets it for this command (a prefix `GOTOOLCHAIN=local go build`,
    # `env`, an earlier export, assignment or unset ("") in the script); None: not set there.
    toolchain: str | None = None
    go_env: str | None = None  # written by `go env -w GOTOOLCHAIN=...` earlier in the RUN
    stage_begins: int = 0  # where, in `before`, its own stage's instructions begin (ARG scope)
    golang_base: bool = False  # built FROM an official golang image (ENV GOTOOLCHAIN=local)
    packages: tuple[str, ...] = ()  # the package arguments as written (`./cmd/...`, `.`)

    def arg_applies(self, index: int, name: str) -> bool:
        """Whether the ARG at `before[index]` gives `name` its value here: always in the build's
        own stage; from a stage it is built FROM only where no ENV of those stages set `name`
        before it. A child stage inherits its parents' ARGs, but starts from their ENVs, and an
        inherited ARG fills only the names those leave unset (checked on the engine: `ENV N=env`,
        `ARG N=arg`, then `FROM that`: its RUN sees `env`; without the ENV, `arg`)."""
        if index >= self.stage_begins:
            return True
        return not any(
            name in env_names(instruction)
            for instruction in self.before[:index]
            if instruction.keyword == "ENV"
        )


def golang_base(parsed: Dockerfile, base: str) -> bool:
    """Whether a FROM's image is an official golang image, as written or after the global
    ARGs' defaults (`ARG BUILDER=golang:1.26-alpine` then `FROM ${BUILDER}`)."""
    from .dockerfile_pins import expand_global  # it reads toolchains through this module

    written = base.strip()
    if _GOLANG_IMAGE.fullmatch(written):
        return True
    return "$" in written and bool(_GOLANG_IMAGE.fullmatch(expand_global(parsed, written, {})))


def go_builds(parsed: Dockerfile) -> list[GoBuild]:
    """Every RUN that runs `go build`, in file order."""
    found: list[GoBuild] = []
    for stage in parsed.stages:
        chain = parsed.built_stages(f"stage-{stage.index}")
        inherited = [
            instruction for ancestor in reversed(chain[1:]) for instruction in ancestor.instructions
        ]
        for position, instruction in enumerate(stage.instructions):
            if instruction.keyword != "RUN" or not _GO_BUILD.search(_script(instruction)):
                continue
            before = (*inherited, *stage.instructions[:position])
            workdir = workdir_of(before)
            for written in _arguments(instruction):
                files = [
                    posixpath.normpath(posixpath.join(workdir or "", f))
                    for f in written.files
                    if workdir is not None or f.startswith("/")
                ]
                found.append(
                    GoBuild(
                        instruction.line,
                        instruction.end_line or instruction.line,
                        written.output,
                        tuple(sorted(files)),
                        before,
                        chain[-1].line,
                        written.ldflags,
                        written.readable,
                        written.toolchain,
                        written.go_env,
                        len(inherited),
                        golang_base(parsed, chain[-1].base),
                        written.packages,
                    )
                )
    return found


def workdir_of(instructions: Sequence[Instruction]) -> str | None:
    """The working folder after `instructions` (a relative WORKDIR joins the one before);
    None without an absolute WORKDIR: the base image's own (which a relative one joins), which
    the Dockerfile does not show (golang's is /go)."""
    workdir: str | None = None
    for instruction in instructions:
        if instruction.keyword == "WORKDIR" and instruction.args:
            written = instruction.args[0].strip("\"'")
            if "$" in written:
                return None  # only the build knows it
            if written.startswith("/"):
                workdir = written
            elif workdir is not None:
                workdir = posixpath.join(workdir, written)
            # else: relative to the base image's WORKDIR, which stays unknown
    return workdir


def building(builds: Sequence[GoBuild], program: str) -> GoBuild | None:
    """The build whose `-o` names `program`'s file (the binary the image runs), else the
    last one; None without any."""
    if not builds:
        return None
    return (named(builds, program) or list(builds))[-1]


def named(builds: Sequence[GoBuild], program: str) -> list[GoBuild]:
    """The builds that write `program`'s file: whose `-o` names it, else those writing into a
    folder (`-o /out/`, or no `-o`) a package named so (`./cmd/server`), else those with a
    pattern that may hold one (`./cmd/...`): `go vet ./... && go build ./...` beside
    `go build ./cmd/server` checks that everything compiles, the second writes the program."""
    name = posixpath.basename(program)
    if not name:
        return []
    exact = [b for b in builds if posixpath.basename(b.output) == name]
    return (
        exact
        or [b for b in builds if _may_write(b, name, patterns=False)]
        or [b for b in builds if _may_write(b, name, patterns=True)]
    )


def _may_write(build: GoBuild, name: str, patterns: bool) -> bool:
    """Whether a build into a folder may write an executable called `name`: Go names it after
    its package's last path element, or the first `.go` file named. `.` and, with `patterns`, a
    pattern with `...` may be any package (the module's name is not read here), and writes
    where it matches one main package. `-o /out` without its slash is a folder where several
    packages are built (Go refuses a file then)."""
    several = len(build.packages) > 1 or any("..." in p for p in build.packages)
    if build.output and not build.output.endswith("/") and not several:
        return False
    if not build.output and len(build.packages) > 1:
        return False  # Go writes a program without -o only where one package is built
    if build.files:  # the first one as written: any of them, as they are kept sorted
        return any(posixpath.basename(f).removesuffix(".go") == name for f in build.files)
    return any(
        (patterns and "..." in package)
        or posixpath.basename(posixpath.normpath(package)) in (name, ".")
        for package in build.packages
    )


def env_names(instruction: Instruction) -> list[str]:
    """The names an ENV sets: BuildKit's parser gives name, value, name, value ..."""
    return list(instruction.args[::2])


def unquoted(value: str) -> str:
    """A value as written in an ENV or ARG, without the quotes around it."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def setting_line(build: GoBuild, lines: Sequence[str], name: str, flag: bool) -> int:
    """The line that set `name` for `build`: in the go build RUN itself, else the last ENV or
    ARG before it in its stages (for a flag: a GOFLAGS holding it); 0: none."""
    needles = [name] if flag else [f"{name}=", f"{name} "]
    for needle in needles:
        found = physical(lines, build.line, build.end_line, needle)
        if found:
            return found
    chosen = 0
    for instruction in build.before:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        words = instruction.words()
        if flag:
            hit = any(w.startswith("GOFLAGS") for w in words) and name in instruction.text
            needle = "GOFLAGS"
        else:
            hit = any(w == name or w.startswith(f"{name}=") for w in words)
            needle = name
        if hit:
            chosen = within(lines, instruction, needle) or instruction.line
    return chosen


@dataclass(frozen=True)
class _Arguments:
    output: str = ""
    files: tuple[str, ...] = ()
    ldflags: str | None = None
    readable: bool = True
    toolchain: str | None = None
    go_env: str | None = None
    packages: tuple[str, ...] = ()


def _arguments(instruction: Instruction) -> list[_Arguments]:
    """`-o`, `-ldflags`, the `.go` files and the GOTOOLCHAIN of each go build command of the
    instruction (a heredoc's body is its script); one unreadable entry when the script cannot
    be read."""
    scanned = _scan(instruction)
    return scanned.builds or [_Arguments(readable=False)]


@dataclass
class _Scanned:
    builds: list[_Arguments] = field(default_factory=list)
    go_env: str | None = None  # the last GOTOOLCHAIN `go env -w` writes


def go_env_written(instruction: Instruction) -> str | None:
    """The GOTOOLCHAIN a RUN writes with `go env -w`; None: it writes none."""
    return _scan(instruction).go_env


def _scan(instruction: Instruction) -> _Scanned:
    """The go build commands of a RUN, and what it writes with `go env -w GOTOOLCHAIN=`."""
    try:
        commands = simple_commands(_script(instruction))
    except Unbalanced:
        return _Scanned()
    scanned = _Scanned()
    cwd = ""
    toolchain: str | None = None  # for the commands after an export, assignment or unset
    for command in commands:
        words = [token.text for token in command.words]
        prefix, words = _assignments(words)  # `CGO_ENABLED=0 go build ...`
        ran_env = words[:1] == ["env"]
        if ran_env:
            more, words = _env_arguments(words[1:])  # `env GOTOOLCHAIN=local go build ...`
            prefix.update(more)
        # Only a command of the RUN's own shell changes it for the commands after: not one in a
        # subshell, a function body, a block (depth), or a pipeline (a subshell of its own), and
        # not `env` (with no command it prints the environment it was given).
        lasting = command.depth == 0 and not command.pipeline and not ran_env
        if not words or words[0] == "export":
            named, _ = _assignments(words[1:])
            if lasting and "GOTOOLCHAIN" in {**prefix, **named}:
                toolchain = {**prefix, **named}["GOTOOLCHAIN"]
        elif words[0] == "unset":
            if lasting and "GOTOOLCHAIN" in words[1:]:
                toolchain = ""
        elif words[:3] == ["go", "env", "-w"]:
            written, _ = _assignments(words[3:])
            scanned.go_env = written.get("GOTOOLCHAIN", scanned.go_env)
        elif words[:1] == ["cd"] and len(words) == 2:
            cwd = posixpath.join(cwd, words[1])
        elif words[:2] == ["go", "build"]:
            arguments = _go_build_arguments(words[2:], cwd)
            setting = prefix.get("GOTOOLCHAIN", toolchain)
            scanned.builds.append(replace(arguments, toolchain=setting, go_env=scanned.go_env))
    return scanned


def _assignments(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """The leading NAME=value words as a mapping, and the words after them."""
    assigned: dict[str, str] = {}
    while words and _ASSIGNMENT.match(words[0]):
        name, _, value = words[0].partition("=")
        assigned[name] = value
        words = words[1:]
    return assigned, words


def _env_arguments(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """What `env` sets for its command (`-u NAME` and `-i` unset: ""), and the command."""
    assigned: dict[str, str] = {}
    while words:
        if words[0] in ("-u", "--unset") and len(words) > 1:
            assigned[words[1]] = ""
            words = words[2:]
        elif words[0] in ("-i", "--ignore-environment", "-"):
            assigned["GOTOOLCHAIN"] = ""
            words = words[1:]
        elif words[0].startswith("-"):
            words = words[1:]
        elif _ASSIGNMENT.match(words[0]):
            more, words = _assignments(words)
            assigned.update(more)
        else:
            break
    return assigned, words


def _script(instruction: Instruction) -> str:
    """The RUN's command as a shell script: a heredoc's body, the shell form as written, or the
    exec (JSON) form's words quoted so that each stays one word."""
    if instruction.heredocs:
        return "\n".join(heredoc.content for heredoc in instruction.heredocs)
    return shlex.join(instruction.args) if instruction.json else "".join(instruction.args)


# The go build flags that take the next word as their value (`-tags netgo`), unless given
# with `=`: that word is no package.
_VALUED = frozenset(
    {
        *("o", "ldflags", "gcflags", "asmflags", "gccgoflags", "tags", "mod", "modfile"),
        *("buildmode", "compiler", "installsuffix", "p", "pkgdir", "toolexec", "overlay"),
        *("pgo", "covermode", "coverpkg", "C"),
    }
)


def _go_build_arguments(words: list[str], cwd: str) -> _Arguments:
    output = ""
    ldflags: str | None = None
    files: list[str] = []
    packages: list[str] = []
    taken = False  # this word is the value of the flag before it
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if taken:
            taken = False
        elif word in ("-o", "--o"):
            output = following
        elif word.startswith(("-o=", "--o=")):
            output = word.split("=", 1)[1]
        elif word in ("-ldflags", "--ldflags"):
            ldflags = following
        elif word.startswith(("-ldflags=", "--ldflags=")):
            ldflags = word.split("=", 1)[1]
        elif word.endswith(".go") and not word.startswith("-"):
            files.append(posixpath.normpath(posixpath.join(cwd, word)))
        elif not word.startswith("-"):
            packages.append(word)
        taken = word.lstrip("-") in _VALUED and "=" not in word
    return _Arguments(output, tuple(sorted(files)), ldflags, packages=tuple(packages))


def within(lines: Sequence[str], instruction: Instruction, needle: str) -> int:
    """The physical line of `instruction` that holds `needle` (0: none)."""
    return physical(lines, instruction.line, instruction.end_line or instruction.line, needle)


def physical(lines: Sequence[str], first: int, last: int, needle: str | re.Pattern[str]) -> int:
    """The number of the first line in first..last (1-based) that holds `needle` (text, or a
    pattern found in it), outside a comment line; 0: none."""
    for number in range(first, min(last, len(lines)) + 1):
        text = lines[number - 1]
        held = needle.search(text) if isinstance(needle, re.Pattern) else needle in text
        if held and not text.lstrip().startswith("#"):
            return number
    return 0
