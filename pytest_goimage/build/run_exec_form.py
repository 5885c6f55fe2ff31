"""A RUN written as an exec form that is not valid JSON (`RUN ["go", "build", "."` without its
`]`): BuildKit runs it as a shell form without a word, and the shell looks for a program called
`["go",`, so the step fails with "[go,: not found" and nothing that says why."""

from __future__ import annotations

import re
import shlex

from ..gofacts.exec_json import broken_exec_form
from ..gofacts.shell_script import shell_words
from .failed_build import FailedBuild, block, shorten, step_output

_EXIT_CODE = re.compile(r"exit code: \d+")


def run_exec_form_message(build: FailedBuild) -> str | None:
    """Where the failed step is such a RUN: what is wrong with its JSON and the form meant."""
    instruction = build.instruction
    broken = broken_exec_form(instruction) if instruction is not None else None
    if instruction is None or broken is None or instruction.keyword != "RUN":
        return None
    code = _EXIT_CODE.search(build.error)
    failed = f"the step failed ({code.group(0)})" if code else "the step failed"
    first = (shell_words(broken.written) or [broken.written])[0]
    said = [line for line in step_output(build.output) if line.strip()][-3:]
    fix = f"`RUN {broken.fix}`" if broken.fix else "a JSON array of double-quoted strings"
    return (
        f"{build.where}: `{shorten(instruction.text, 120)}` is not valid JSON: "
        f"{'; '.join(broken.faults)}. BuildKit then runs it in shell form, `/bin/sh -c "
        f"{shlex.quote(broken.written.strip())}`, and {failed}: the shell looks for a program "
        f"called `{first}`. Write {fix}, or a shell form without the brackets.\n"
        f"{block(said) if said else '(the step printed nothing)'}{build.log_note}"
    )
