"""An image whose ENTRYPOINT (or CMD, where that is what runs) is `/bin/sh -c ...` and which
has no /bin/sh (scratch, distroless): the advice to run the program in exec form, for the
shell form Docker records that way and for an exec form that runs the shell itself; and an
exec form that is not valid JSON, which BuildKit silently records as such a shell form."""

from __future__ import annotations

import json
import re
import shlex

from ..gofacts.dockerfile import Dockerfile
from ..gofacts.exec_json import BrokenExecForm, broken_in
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


def broken_exec_advice(
    dockerfile: Dockerfile,
    target: str | None,
    file_name: str,
    entrypoint: list[str],
    cmd: list[str],
    has_shell: bool | None,
) -> str:
    """`ENTRYPOINT ["/app"` (Dockerfile:4) is not valid JSON: ...`: where the image's
    ENTRYPOINT or CMD is an exec form BuildKit could not read as JSON and recorded as a
    shell form (the image's `entrypoint`/`cmd` end in the instruction's words, so the file
    is the one built), what is wrong, what runs instead and the exec form to write; ""
    otherwise. `has_shell`: whether the image has /bin/sh (None: not known)."""
    for broken in broken_in(dockerfile, target):
        instruction = broken.instruction
        keyword = instruction.keyword
        recorded = entrypoint if keyword == "ENTRYPOINT" else cmd
        if recorded[-1:] != [broken.written]:
            continue
        runs = entrypoint + cmd if entrypoint[:2] != ["/bin/sh", "-c"] else entrypoint
        if keyword == "CMD" and entrypoint and entrypoint[:2] != ["/bin/sh", "-c"]:
            effect = f", so {entrypoint[0]} gets {', '.join(f'`{w}`' for w in cmd)} as arguments"
        elif has_shell is False:
            effect = ", and has no /bin/sh, so no container of it can start"
        elif has_shell:
            first = (shell_words(broken.written) or [broken.written])[0]
            effect = f", whose shell looks for a program called `{first}`"
        else:
            effect = ""
        fix = broken.fix or '["/app", "--flag"]'
        how = "" if broken.fix else ", a JSON array of double-quoted strings"
        return (
            f"`{instruction.text}` ({file_name}:{instruction.line}) is not valid JSON: "
            f"{'; '.join(broken.faults)}. BuildKit then reads it in shell form: the image "
            f"runs `{' '.join(map(_quoted, runs))}`{effect}. Write `{keyword} {fix}`{how}"
        )
    return ""


def broken_healthcheck_advice(
    broken: BrokenExecForm, keyword: str, *, has_shell: bool, has_program: bool, instead: str
) -> str:
    """Why a HEALTHCHECK whose CMD is a broken exec form fails, and the exec form to write
    (`keyword`: HEALTHCHECK with its flags). `has_program`: whether the image has the program
    the repaired form runs; `instead`: what to use where it has not."""
    first = (shell_words(broken.written) or [broken.written])[0]
    effect = (
        "the image has no /bin/sh, so it cannot run at all"
        if not has_shell
        else f"the shell looks for a program called `{first}`"
    )
    text = (
        f"Its CMD is not valid JSON ({'; '.join(broken.faults)}), so BuildKit reads it in "
        f"shell form, `/bin/sh -c {_quoted(broken.written)}`, and {effect}: "
    )
    if not broken.fix:
        return text + f"write `{keyword} CMD [...]`, a JSON array of double-quoted strings."
    text += f"write `{keyword} CMD {broken.fix}`."
    if not has_program:
        program = json.loads(broken.fix)[0]
        text += f" The image has no {program} either: {instead}"
    return text


def _quoted(word: str) -> str:
    """`word` as a shell would need it written, in double quotes where it holds a `'`."""
    if "'" not in word:
        return shlex.quote(word)
    return '"' + re.sub(r'(["\\$`])', r"\\\1", word) + '"'
