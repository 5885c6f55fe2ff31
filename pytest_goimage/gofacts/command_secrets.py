"""Secrets a build wrote where the image keeps them word for word: a Go binary's `-ldflags -X`
assignments (its build info) and the commands of build steps (its history)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from .credentials import SECRET_VALUES, is_finding
from .linker_flags import linker_assignments, variable_name
from .redaction import redact, secret_part
from .secrets_scan import HISTORY_ARGS, Finding, describe_value

_LINKED = (
    "is linked into the Go binary by -ldflags -X (`go version -m` and `strings` show it); read "
    "it from the environment or a mounted file at run time instead"
)
_LINKED_BY = (
    "is linked into the Go binary by the -ldflags -X of the `go build` at {written} (`strings` "
    "shows it); read it from the environment or a mounted file at run time instead"
)
_IN_COMMAND = (
    "is written in a build step's command (`docker history --no-trunc` shows it); pass it with "
    "`RUN --mount=type=secret` instead, or at run time"
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


def binary_findings(
    binary: str, linked: Sequence[tuple[str, str]], written: str = ""
) -> list[Finding]:
    """`linked`'s findings; `written`: the Dockerfile line of the `go build` that links them
    (a -trimpath build, whose build info has no -ldflags), "" for the build info's own."""
    where = _LINKED if not written else _LINKED_BY.format(written=written)
    return [
        Finding("binary", f"{binary} -X {name}", describe_value(value, where))
        for name, value in linked
    ]


def history_command_findings(
    steps: Iterable[tuple[str, str]], reported: Collection[str] = ()
) -> list[Finding]:
    """Secrets written into a RUN or ADD command, which the image history keeps word for word:
    a value in a known secret format (`git clone https://ci:glpat-...@gitlab/...`, a DSN's
    password, an ADD URL's) or a secret-looking `-X name=value` of a `go build -ldflags`.
    `steps`: (history line, its instruction); the build arguments of its `|N K=V` prefix are judged by
    name elsewhere, and `reported` values (the binary's own -X findings) are not repeated."""
    found: list[Finding] = []
    for created_by, instruction in steps:
        if not instruction.startswith(("RUN ", "ADD ")):
            continue  # ENV, LABEL, CMD and ENTRYPOINT are read from the image config
        arguments = _argument_values(created_by)
        kinds: dict[str, str | None] = {}
        for kind, pattern in SECRET_VALUES:  # the first format named wins: a token, then a URL
            for match in pattern.finditer(instruction):
                kinds.setdefault(secret_part(match), kind)
        kinds.update(
            (value, None)
            for name, value in linker_assignments(instruction)
            if is_finding(variable_name(name), value) and value not in kinds
        )
        values = [v for v in kinds if not any(v in a for a in arguments) and v not in reported]
        if not values:
            continue
        shown = redact(instruction, values)
        shown = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "..."
        found.append(
            Finding(
                "history", f"`{shown}`", describe_value(values[0], _IN_COMMAND, kinds[values[0]])
            )
        )
    return found


def _argument_values(created_by: str) -> set[str]:
    """The values of a history line's `|N K=V` build-argument prefix."""
    match = HISTORY_ARGS.match(created_by)
    if not match:
        return set()
    pairs = [p for p in match.group(2).split(" ") if "=" in p][: int(match.group(1))]
    return {pair.partition("=")[2] for pair in pairs}
