"""An image whose ENTRYPOINT (or CMD, where that is what runs) is `/bin/sh -c ...` and which
has no /bin/sh (scratch, distroless): the advice to run the program in exec form, for the
shell form Docker records that way and for an exec form that runs the shell itself."""

from __future__ import annotations

import json
import re
import shlex

from ..gofacts.shell_script import shell_words


def exec_form(program: str) -> str:
    """`/app --config x` -> `["/app", "--config", "x"]` (a leading `exec` dropped)."""
    words = shell_words(program)
    if words[:1] == ["exec"]:
        words = words[1:]
    return json.dumps(words or ["/app"])


def shell_form_advice(
    entrypoint: list[str], cmd: list[str], where: str = "", exec_written: bool = False
) -> str:
    """`ENTRYPOINT is in shell form (...) and the image has no /bin/sh: write it in exec form,
    ...` where what runs (the ENTRYPOINT, else the CMD) is `/bin/sh -c <program>`, for an
    image known to lack /bin/sh; "" otherwise. `where` is the instruction's `file:line`.
    `exec_written`: the Dockerfile wrote `["/bin/sh", "-c", ...]` itself, as words after the
    script (`"--"`, which becomes `$0`) always show; that is no shell form to rewrite."""
    instruction, words = ("ENTRYPOINT", entrypoint) if entrypoint else ("CMD", cmd)
    if words[:2] != ["/bin/sh", "-c"]:
        return ""
    if exec_written or len(words) > 3:
        return _shell_run_advice(instruction, words)
    program = " ".join(words[2:])
    at = f" at {where}" if where else ""
    return (
        f"{instruction} is in shell form (`{instruction} {program}`{at} runs "
        f"`/bin/sh -c {program}`) and the image has no /bin/sh: write it in exec form, "
        f"`{instruction} {exec_form(program)}`"
    )


# What passes the script's arguments on whole (an exec-form ENTRYPOINT does that itself), and a
# positional parameter (`$1`, `${2}`), which exec form cannot pick out.
_ALL_ARGUMENTS = frozenset({"$@", "${@}", "$*", "${*}"})
_POSITIONAL = re.compile(r"\$(?:[1-9]|\{[1-9][0-9]*\})")


def _shell_run_advice(instruction: str, words: list[str]) -> str:
    """The advice for an exec-form instruction that runs /bin/sh itself (`["/bin/sh", "-c",
    "exec /app \"$@\"", "--"]`, a wrapper written for an image that had a shell): run the
    program directly; an exec-form ENTRYPOINT gets CMD's words as `"$@"` gave them. `$0` is
    the word after the script."""
    script = words[2] if len(words) > 2 else ""
    written = f"`{instruction} {json.dumps(words)}`"
    needs_shell = (
        f"{instruction} runs /bin/sh ({written}) and the image has no /bin/sh, and its "
        "script needs one (it chains commands, pipes or redirects, or cannot be read): do "
        "that in the program, or use a base image with a shell"
    )
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: what the shell makes of it is not known here
        return needs_shell
    if not tokens or any(token and set(token) <= set(";&|<>()") for token in tokens):
        return needs_shell
    zero = words[3] if len(words) > 3 else "/bin/sh"
    program = [zero if token in ("$0", "${0}") else token for token in tokens]
    program = [token for token in program if token not in _ALL_ARGUMENTS]
    if program[:1] == ["exec"]:
        program = program[1:]
    if not program:
        return needs_shell
    fix = f"`{instruction} {json.dumps(program)}`"
    positional = [word for word in program if _POSITIONAL.search(word)]
    variables = [word for word in program if "$" in word and word not in positional]
    if positional:
        rest = (
            f", but the script picks its arguments ({', '.join(f'`{w}`' for w in positional)})"
            ", which exec form cannot: pass them in CMD as they are, or use a base image with "
            "a shell"
        )
    elif variables:
        rest = (
            f", but exec form passes {', '.join(f'`{w}`' for w in variables)} as written, not "
            "its value: read the variable in the program (os.Getenv), or use a base image "
            "with a shell"
        )
    elif instruction == "ENTRYPOINT" and _ALL_ARGUMENTS & set(tokens):
        rest = ' (an exec-form ENTRYPOINT gets CMD\'s words as its arguments, as `"$@"` did)'
    else:
        rest = ""
    return (
        f"{instruction} runs /bin/sh ({written}) and the image has no /bin/sh: run the program "
        f"without a shell, {fix}{rest}"
    )
