"""The program a container runs, read from its ENTRYPOINT and CMD as the engine joins them.

Shell scripts (`sh -c '...'`, or a script file the image holds) are followed to the program
they run: the first top-level `exec`, else the last top-level command that is not a shell
builtin such as `cd`, `set`, `export` or `trap`. Commands inside `if`, `case`, loops,
functions and subshells are branches that cannot be decided without running the image, so
they are not followed, but for `set --`: each way through if/case arms has its own "$@"
(positional.py), and all must run one program. Wrappers that run the rest of their command
line (env, su-exec, gosu, tini, dumb-init, s6-overlay's /init) are looked through.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .elf import looks_like_elf
from .exec_words import (
    ENV_VALUE_LONG,
    ENV_VALUE_SHORT,
    INITS,
    SETPRIV_VALUED,
    SWITCH_USER,
    cd_target,
    changed,
    execs_arguments,
    keeps_alive,
    located,
    run_words,
    wrapper_options,
)
from .positional import Args, compound, items, origin, rewritten, run_time_note
from .script_variables import script_variables
from .shell_lexer import Unbalanced
from .shell_script import (
    ASSIGNMENT,
    VARIABLE,
    Command,
    Expansion,
    assignments,
    expanded,
    line_of,
    shell_words,
    simple_commands,
)

SHELLS = frozenset({"sh", "ash", "bash", "dash"})
S6_INIT = "/init"  # s6-overlay runs CMD as its main program
# Builtins a script runs before the service; they never are the service.
_SETUP = frozenset(
    {
        *(":", ".", "[", "[[", "alias", "echo", "export", "false", "hash", "local", "printf"),
        *("readonly", "return", "source", "test", "trap", "true", "ulimit", "umask", "unset"),
        "wait",
    }
)
_MAX_HOPS = 8  # `tini -- sh -c 'exec /app'` is two; a loop guard, not a limit users meet

ReadFile = Callable[[str], bytes | None]
"""The bytes of a file in the image, by absolute path or by a name looked up on PATH; None
when there is no such file."""


@dataclass(frozen=True)
class Program:
    """What ENTRYPOINT and CMD run: `path` (absolute, or a bare name to look up on PATH), or
    None with `why` saying what was read and why its program cannot be told."""

    path: str | None
    why: str = ""
    runs_nothing: bool = False  # the container runs no program at all: `binary` cannot help


def program_of(
    entrypoint: Sequence[str],
    cmd: Sequence[str],
    workdir: str = "",
    read: ReadFile | None = None,
    env: Mapping[str, str] | None = None,
) -> Program:
    """The program the image runs. A relative path is resolved against the `cd` (or
    `env -C`) before it, else `workdir`. With `read`, shell scripts in the image are
    followed too; without it, such a script is a program that cannot be told. A program
    named by a variable (`exec $APP`) is taken from `env`, the image's ENV, where it is set."""
    # An exec-form ENTRYPOINT gets CMD as arguments; a shell-form one is `sh -c` and drops it.
    words = [*entrypoint, *cmd] if entrypoint else list(cmd)
    follower = _Follower(read, dict(env or {}))
    return follower.command(words, posixpath.normpath(workdir or "/"), 0)


@dataclass
class _Follower:
    """Follows words through shells, scripts and wrappers, reading scripts with `read`."""

    read: ReadFile | None
    env: dict[str, str] = field(default_factory=dict)

    def _from_env(self, words: list[str]) -> list[str]:
        """`$APP ARGS` with APP set in the image's ENV: its value, split as an unquoted
        expansion is split. A path around it (`/usr/local/bin/$APP`, `${DIR}/app`) takes the
        values of the variables it names when ENV sets every one."""
        first = words[0] if words else None
        if not isinstance(first, Expansion):
            return words
        match = VARIABLE.fullmatch(first)
        if match is not None:
            value = self.env.get(match.group(1) or match.group(2) or "", "")
            return [*value.split(), *words[1:]] if value.strip() else words
        filled = self._filled(first)
        return [filled, *words[1:]] if filled is not None else words

    def _filled(self, word: str) -> str | None:
        """`word` with each `$NAME`/`${NAME}` replaced by ENV's value; None when one is unset,
        or the word has another expansion (`$(cmd)`, `${X:-d}`, `~`) or would split."""
        names = [m.group(1) or m.group(2) for m in VARIABLE.finditer(word)]
        values = [self.env.get(name, "") for name in names]
        if not names or not all(v.strip() for v in values):
            return None
        filled = VARIABLE.sub(lambda m: self.env[m.group(1) or m.group(2)], word)
        if (
            "$" in filled
            or "`" in filled
            or filled.startswith("~")
            or any(c.isspace() for c in filled)
        ):
            return None
        return filled

    def command(self, words: list[str], cwd: str | None, hops: int) -> Program:
        """The program `words` runs, in directory `cwd` (None: known only at run time)."""
        if hops > _MAX_HOPS:
            return Program(None, f"wrappers and scripts nest more than {_MAX_HOPS} deep")
        words = self._from_env(words)
        if not words:
            return Program(None, "it names no program")
        first = words[0]
        if isinstance(first, Expansion):
            return Program(None, f"its program {first} is known only at run time")
        name = posixpath.basename(first)
        if name in SHELLS:
            return self._shell(words, cwd, hops)
        if name in INITS:
            short, long = INITS[name]
            rest, _ = wrapper_options(words[1:], short, long)
            return self._wrapped(name, rest, cwd, hops)
        if name == "env":
            return self._env(words, cwd, hops)
        if name in SWITCH_USER:
            return self._wrapped(name, words[2:], cwd, hops)
        if name == "setpriv":
            rest, _ = wrapper_options(words[1:], "", SETPRIV_VALUED)
            return self._wrapped(name, rest, cwd, hops)
        if first == S6_INIT and not self._is_elf(first):
            if len(words) == 1:
                return Program(
                    None,
                    "s6-overlay's /init runs the services under /etc/s6-overlay and CMD names "
                    "no main program",
                )
            return self.command(words[1:], cwd, hops + 1)
        if first.startswith("-"):
            return Program(None, f"it runs {first!r}, which is an option, not a program")
        path = located(first, cwd)
        if path is None:
            return Program(None, f"it runs {first} from a directory known only at run time")
        script = self._script_file(path)
        if script is not None:
            return self._script(script, path, words[1:], cwd, hops)
        return Program(path)

    def _wrapped(self, wrapper: str, rest: list[str], cwd: str | None, hops: int) -> Program:
        if not rest:
            return Program(None, f"{wrapper} is given no program to run")
        return self.command(rest, cwd, hops + 1)

    def _env(self, words: list[str], cwd: str | None, hops: int) -> Program:
        rest, options = wrapper_options(words[1:], ENV_VALUE_SHORT, ENV_VALUE_LONG)
        for option, value in options:
            if option in ("-C", "--chdir"):
                cwd = changed(cwd, value)
            elif option in ("-S", "--split-string"):
                rest = shell_words(value) + rest
        while rest and ASSIGNMENT.match(rest[0]):
            rest = rest[1:]
        if not rest:
            return Program(words[0])  # env alone prints the environment: env is what runs
        return self.command(rest, cwd, hops + 1)

    def _shell(self, words: list[str], cwd: str | None, hops: int) -> Program:
        """`sh [options] -c STRING [$0 [$1 ...]]` or `sh [options] FILE [$1 ...]`."""
        index = 1
        while index < len(words):
            flags = words[index]
            if flags == "--":
                index += 1
                break
            if flags[:1] not in ("-", "+") or flags == "-":
                break
            long_option = flags.startswith(("--", "++"))
            if not long_option and flags[0] == "-" and "c" in flags[1:]:  # -c, -ec, -euxc
                if index + 1 >= len(words):
                    return Program(None, f"{words[0]} {flags} is given no script")
                text = words[index + 1]
                return self._script(text, "the sh -c script", words[index + 3 :], cwd, hops)
            # `-o pipefail`, `-euo pipefail`, `+o posix`: the option's name is the next word.
            index += 2 if not long_option and "o" in flags[1:] else 1
        if index >= len(words) or words[index] == "-":
            return Program(None, f"{words[0]} reads its commands from standard input")
        path = located(words[index], cwd)
        if path is None:
            return Program(
                None, f"{words[0]} runs {words[index]} from a directory known only at run time"
            )
        script = self._script_file(path, any_text=True)
        if script is None:
            where = "is not in the image" if self.read is not None else "cannot be read here"
            return Program(None, f"{words[0]} runs the script {path}, which {where}")
        return self._script(script, path, words[index + 1 :], cwd, hops)

    def _script(
        self, text: str, script: str, args: list[str], cwd: str | None, hops: int
    ) -> Program:
        """The program a shell script runs, given its arguments ($1 on) and directory."""
        try:
            commands = simple_commands(text, case_arms=True)
        except Unbalanced as exc:
            return Program(None, f"the shell would refuse {script}: {exc}")
        paths = [Args(tuple(args))]  # "$@" on each way through the branches so far
        chosen: tuple[Command, str | None, list[Args]] | None = None
        empty_exec: Command | None = None  # `exec "$@"` reached with no arguments
        for command in items(commands, 0):
            if isinstance(command, list):
                paths = compound(command, paths, 0)
                if not paths:
                    break  # every way through the branches leaves the script inside them
                continue
            # The first path on which it runs anything tells which command it is.
            runs = next((path for path in paths if run_words(command, path)), None)
            if runs is None:
                # `exec >log 2>&1`: redirections only. `exec "$@"` with no arguments runs
                # nothing either, and the script goes on: an entrypoint given no CMD.
                if execs_arguments(command):
                    empty_exec, chosen = command, None
                continue
            words = expanded(command.words, list(runs.words))[assignments(command) :]
            head = words[0]
            if head == "exec":
                chosen = (command, cwd, paths)
                break
            if head == "cd":
                cwd = changed(cwd, cd_target(words[1:]))
            elif head in ("set", "shift"):
                paths = rewritten(paths, command, tested=False)
            elif head == "exit":
                if command.after not in ("&&", "||"):
                    break  # the script ends here; `cd /srv || exit 1` only when cd fails
            elif head not in _SETUP and not keeps_alive(words):
                chosen = (command, cwd, paths)
        if chosen is None and empty_exec is not None:
            return Program(
                None,
                f"`{empty_exec.text}` ({line_of(script, empty_exec)}) runs the arguments the "
                "script is given, and it is given none (the image's CMD is empty or does not reach "
                "it), so the container runs only the script's other commands and exits; add a CMD that "
                'names the service (`CMD ["/app/server"]`)',
                runs_nothing=True,
            )
        if chosen is None:
            return Program(
                None,
                f"{script} runs no program (commands inside if, case, loops, functions and "
                "subshells are not followed)",
            )
        command, where, paths = chosen
        shown = f"`{command.text}` ({line_of(script, command)})"
        if command.pipeline:
            return Program(None, f"{shown} pipes programs into each other")
        # `exec /usr/local/bin/$APP` after `APP=worker`: the script's value, not ENV's (what
        # the script sets after the command does not count).
        before = next((i for i, c in enumerate(commands) if c is command), len(commands))
        follower = replace(self, env=script_variables(commands[:before]).environment(self.env))
        return follower._agreed(command, where, paths, shown, hops)

    def _agreed(
        self,
        command: Command,
        cwd: str | None,
        paths: list[Args],
        shown: str,
        hops: int,
    ) -> Program:
        """The program `command` runs on every path; else why it cannot be told: a path on
        which it is known only at run time, or paths that run different programs. A path that
        hands exec an option, or a program the image lacks, fails there: a working image
        takes another (the branch testing `"${1#-}"` exists for that). One on which a script
        it runs is given nothing to run is not taken where another runs a program, as in the
        script itself (`[ -z "$1" ] && set -- /app`)."""
        told: dict[str, Args] = {}
        refused: Program | None = None
        for path in paths:
            words = self._from_env(run_words(command, path))
            if not words:
                continue
            after = run_time_note(path)
            if isinstance(words[0], Expansion) or words[0] == "eval":
                return Program(None, f"{shown} runs a program named only at run time{after}")
            found = self.command(words, cwd, hops + 1)
            if found.path is not None:
                told.setdefault(found.path, path)
            elif not found.runs_nothing and (not path.words or not path.words[0].startswith("-")):
                return Program(None, f"{shown}: {found.why}{after}")
            else:
                refused = refused or Program(None, f"{shown}: {found.why}", found.runs_nothing)
        programs = list(told)
        if len(programs) > 1 and self.read is not None:
            held = [program for program in programs if self.read(program) is not None]
            programs = _one_per_file(held or programs, self.read)
        if len(programs) == 1:
            return Program(programs[0])
        if not programs:
            return refused or Program(None, f"{shown} runs nothing")
        listed = ", ".join(f"{program} ({origin(told[program])})" for program in programs)
        return Program(
            None,
            f"{shown} runs {len(programs)} different programs, by which branches run: {listed}",
        )

    def _script_file(self, path: str, *, any_text: bool = False) -> str | None:
        """The text of the shell script at `path` in the image (a `#!` naming a shell, or
        with `any_text` any readable text), else None."""
        data = self.read(path) if self.read is not None else None
        if data is None or looks_like_elf(data):
            return None
        text = data.decode("utf-8", "replace").replace("\r\n", "\n")  # CRLF: bucket names it
        if any_text:
            return text
        first = text.split("\n", 1)[0]
        if not first.startswith("#!"):
            return None
        interpreter = first[2:].split()
        # `#!/usr/bin/env sh`, and an init wrapper as interpreter (`#!/usr/bin/dumb-init
        # /bin/sh`, which dumb-init's README suggests): the shell after it runs the script.
        while interpreter and (
            posixpath.basename(interpreter[0]) == "env"
            or posixpath.basename(interpreter[0]) in INITS
        ):
            interpreter = [w for w in interpreter[1:] if not w.startswith("-")]
        return text if interpreter and posixpath.basename(interpreter[0]) in SHELLS else None

    def _is_elf(self, path: str) -> bool:
        data = self.read(path) if self.read is not None else None
        return data is not None and looks_like_elf(data)


def _one_per_file(programs: list[str], read: ReadFile) -> list[str]:
    """`programs` less each bare name whose file on PATH holds the bytes of an absolute path
    of that name: `filesvc` and `/usr/local/bin/filesvc` are one program to every check."""

    def same(absolute: str, name: str) -> bool:
        if posixpath.basename(absolute) != name:
            return False
        data = read(absolute)
        return data is not None and data == read(name)

    absolute = [program for program in programs if program.startswith("/")]
    return [p for p in programs if p.startswith("/") or not any(same(a, p) for a in absolute)]
