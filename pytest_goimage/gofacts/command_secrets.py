"""Secrets a build wrote where the image keeps them word for word: a Go binary's `-ldflags -X`
assignments (its build info) and the commands of build steps (its history)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from .credentials import (
    SECRET_VALUES,
    is_finding,
    looks_secret,
    names_a_credential,
    secret_part,
)
from .linker_flags import linker_assignments, variable_name
from .redaction import MIN_SECRET, SHELL_ASSIGNMENT, masked_assignments, redact
from .secrets_scan import Finding, describe_value, history_arguments, split_history

_LINKED = (
    "is linked into the Go binary by -ldflags -X (`go version -m` and `strings` show it); read "
    "it from the environment or a mounted file at run time instead"
)
_LINKED_BY = (
    "is linked into the Go binary by the -ldflags -X of the `go build` at {written} (`strings` "
    "shows it); read it from the environment or a mounted file at run time instead"
)
_COMPUTED_BY = (
    "is set to {value} by the -ldflags of the `go build` at {written}: what that reads at build "
    "time is linked into the Go binary (`strings` shows it); read it from the environment or a "
    "mounted file at run time instead"
)
_IN_COMMAND = (
    "is written in a build step's command (`docker history --no-trunc` shows it); pass it with "
    "`RUN --mount=type=secret` instead, or at run time"
)
_IN_ARGUMENT = (
    "is recorded with a build argument of this step (`docker history --no-trunc` shows it); "
    "pass it with `RUN --mount=type=secret` instead, or at run time"
)
_SHOWN = 80  # characters of a step's instruction a finding shows, its secrets masked


def linked_secrets(settings: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(`importpath.name`, value) of the secret-looking `-X` assignments in a binary's recorded
    -ldflags. Go leaves -ldflags out of the build info of a -trimpath build: the step's own
    command is read then (`history_command_findings`)."""
    ldflags = dict(settings).get("-ldflags", "")
    return [
        (name, value)
        for name, value in linker_assignments(ldflags)
        if is_finding(variable_name(name), value)
    ]


def computed_secrets(ldflags: str, script: str = "") -> list[tuple[str, str]]:
    """(`importpath.name`, value as written) of the `-X` assignments to a credential whose
    value the build computes: a command (`$(cat /run/secrets/api_key)`), a secret mount's file,
    or a variable the RUN's `script` sets from one (`KEY=$(cat ...) && go build ...`). The
    binary holds what it read; its value is unknown here (`ldflags`: variables expanded)."""
    # A command substitution is one value however many words it holds: kept whole while split.
    commands = _SUBSTITUTION.findall(ldflags)
    held = _SUBSTITUTION.sub(lambda m: f"\0{commands.index(m.group(0))}\0", ldflags)
    found = []
    for name, held_value in linker_assignments(held):
        if not names_a_credential(variable_name(name)):
            continue
        value = re.sub(r"\0(\d+)\0", lambda m: commands[int(m.group(1))], held_value)
        computed = _COMPUTED.search(value) or any(
            re.search(_SET_BY_COMMAND.format(name=re.escape(v)), script)
            for v in _VARIABLE.findall(value)
        )
        if computed:
            found.append((name, value))
    return found


_SUBSTITUTION = re.compile(r"\$\([^()]*\)|`[^`]*`")
_COMPUTED = re.compile(r"\$\(|`|/run/secrets/")
_VARIABLE = re.compile(r"\$\{?(\w+)")
_SET_BY_COMMAND = r"(?:^|[\s;&|(])(?:export\s+)?{name}=[\"']?(?:\$\(|`|\$\(<)"


def binary_findings(
    binary: str,
    linked: Sequence[tuple[str, str]],
    written: str = "",
    computed: Sequence[tuple[str, str]] = (),
    computed_at: str = "",
) -> list[Finding]:
    """The findings of `linked` and `computed` (`computed_secrets`); `written`: the Dockerfile
    line of the `go build` that links them (a -trimpath build, whose build info has no
    -ldflags), "" for the build info's own; `computed_at`: the line of the `go build` that
    computes them (`written` unless given)."""
    where = _LINKED if not written else _LINKED_BY.format(written=written)
    return [
        Finding("binary", f"{binary} -X {name}", describe_value(value, where))
        for name, value in linked
    ] + [
        Finding(
            "binary",
            f"{binary} -X {name}",
            _COMPUTED_BY.format(value=_shown_source(value), written=computed_at or written),
        )
        for name, value in computed
    ]


# What a computed value may be shown as: a file read or a variable, which hold no literal.
# Anything else (`$(echo <literal>)`) may hold the secret itself: only its shape is shown.
_PLAIN_SOURCE = re.compile(r"\$\((?:cat\s+|<\s*)[\w./-]+\)|`cat\s+[\w./-]+`|\$\{?\w+\}?")


def _shown_source(value: str) -> str:
    return f"`{value}`" if _PLAIN_SOURCE.fullmatch(value) else "a command's output (`$(...)`)"


def history_command_findings(
    steps: Iterable[tuple[str, str]], reported: Collection[str] = ()
) -> list[Finding]:
    """Secrets written into a RUN or ADD command, which the image history keeps word for word:
    a value in a known secret format (`git clone https://ci:glpat-...@gitlab/...`, a DSN's
    password, an ADD URL's), a secret-looking `-X name=value` of a `go build -ldflags` or an
    assignment (`PGPASSWORD=... psql`, `--password=...`), in the command or in a build argument
    of its `|N K=V` prefix whose name says nothing (`LDFLAGS=-X main.apiKey=...`).
    `steps`: (history line, its instruction). Build arguments judged by their own name
    (`history_findings`) and `reported` values (the binary's own -X findings) are not repeated.
    The step is shown with every value that looks secret masked."""
    found: list[Finding] = []
    for created_by, instruction in steps:
        if not instruction.startswith(("RUN ", "ADD ")):
            continue  # ENV, LABEL, CMD and ENTRYPOINT are read from the image config
        arguments = history_arguments(created_by)
        judged = [value for name, value in arguments if is_finding(name, value)]
        kinds = _written_secrets(created_by)
        values = [v for v in kinds if v not in reported and not any(v in j for j in judged)]
        if not values:
            continue
        command = _command(instruction)
        masked = {*kinds, *reported, *(v for n, v in arguments if looks_secret(n, v))}
        # A short value (`PGPASSWORD=ab`) is masked where it is assigned, not wherever it
        # occurs: replacing every "ab" would garble the step shown.
        masked = {value for value in masked if len(value) >= MIN_SECRET}
        shown = masked_assignments(redact(command, masked), looks_secret)
        shown = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "..."
        where = _IN_COMMAND if values[0] in command else _IN_ARGUMENT
        found.append(
            Finding("history", f"`{shown}`", describe_value(values[0], where, kinds[values[0]]))
        )
    return found


def _written_secrets(created_by: str) -> dict[str, str | None]:
    """The secret values written in a history line, each with its format's name (None: judged
    by the name it is assigned to). The first format named wins: a token, then a URL."""
    kinds: dict[str, str | None] = {}
    for kind, pattern in SECRET_VALUES:
        for match in pattern.finditer(created_by):
            kinds.setdefault(secret_part(match), kind)
    literal = [
        (variable_name(name), value)
        for name, value in linker_assignments(created_by)
        if not _EXPANDED.search(value)  # `${API_KEY}`: the build expands it, history keeps this
    ]
    for name, value in literal + _assignments(created_by):
        if is_finding(name, value):
            kinds.setdefault(value, None)
    return kinds


_EXPANDED = re.compile(r"[$`]")


def _assignments(command: str) -> list[tuple[str, str]]:
    """The literal assignments of a command (redaction.SHELL_ASSIGNMENT), unquoted."""
    return [(name, value.strip("'\"")) for _, name, value in SHELL_ASSIGNMENT.findall(command)]


def _command(instruction: str) -> str:
    """An instruction without the `|N K=V` build arguments an exec-form RUN's history line
    keeps before its command (a shell-form one has them cut at `/bin/sh -c`)."""
    return split_history(instruction)[1]
