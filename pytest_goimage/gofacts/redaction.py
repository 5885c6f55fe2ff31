"""Masking: every output of a run (terminal, JSON, JUnit, Markdown, build logs) goes through
`redact`, which replaces the run's secret values and every value in a known secret format."""

from __future__ import annotations

import functools
import json
import re
import urllib.parse
from collections.abc import Callable, Collection, Mapping
from typing import Any

from .credentials import SECRET_VALUES, is_finding, looks_secret, secret_group, secret_part
from .secrets_scan import split_history

MASK = "***"
MIN_SECRET = 4  # shorter values ("1", "dev") would mask unrelated text everywhere


# Runs of key material inside a multi-line secret (a PEM line, a JSON credential's key id):
# no whitespace, quote or separator, long enough not to be a word of the surrounding text.
_SECRET_RUN = re.compile(r"[^\s\"'=:,]{16,}")


def secret_values(*tables: Mapping[str, str]) -> frozenset[str]:
    """The values in `tables` (build_args, env) that look secret by name or by format, and
    the key material in each line of a multi-line one (a PEM key, a JSON credential): an
    output that prefixes or indents lines (a build log's `#8 0.21 `, a service's log
    timestamps) shows it line by line."""
    values = [
        value
        for table in tables
        for name, value in table.items()
        if len(value) >= MIN_SECRET and looks_secret(name, value)
    ]
    runs = (run for value in values if "\n" in value for run in _SECRET_RUN.findall(value))
    # The secret part of a known format on its own: a URL's password shows bare where the
    # server the URL reaches logs its own settings (Redis: `requirepass "..."`); and each
    # piece of it a URL parser splits off where the password holds an unencoded `@` or `/`
    # (pgx logs `lookup <after the @>@db: no such host`). A percent-encoded one also as the
    # service decodes it (`P%40ss` is `P@ss` once url.Parse has read it; trial 20).
    parts = (
        piece
        for table in tables
        for value in table.values()
        for _, pattern in SECRET_VALUES
        for match in pattern.finditer(value)
        for part in {secret_part(match), urllib.parse.unquote(secret_part(match))}
        for piece in {part, *_URL_SEPARATORS.split(part)}
        if _masked_alone(piece, whole=piece == part)
    )
    return frozenset(values).union(runs, parts)


_URL_SEPARATORS = re.compile(r"[@/:?#]")
# Go's net/url on a URL whose password holds an unencoded `/`: what it calls the port is the
# password's start (`parse "redis://:Mv8/Rt5@cache/0": invalid port ":Mv8" after host`).
# Not a variable left unexpanded (`:${DB_PORT}`) nor digits: those are a configuration's.
_GO_URL_PORT_ERROR = re.compile(
    r'invalid port \\?":(?P<secret>(?![$0-9][^"\\\s]*\\?")[^"\\\s]+)\\?" after host'
)


def _masked_alone(part: str, whole: bool) -> bool:
    """Whether a known format's secret part is masked wherever it shows on its own: not a
    sample word (`pass`, `password`, `admin`), which would garble ordinary text. A piece of
    it a URL parser split off is masked from 4 characters when it mixes letters with digits
    (trial 17: Go's `invalid port ":Mv8xQ2k"` showed 7 of 17 characters)."""
    if whole:
        return len(part) >= 8 and not re.fullmatch(r"[a-z]+", part)
    # Masked as plain text wherever it shows: only what mixes letters with digits, and no
    # version (`v1.2`), so that a word (`Prod`, `Healthy`) or a number stays readable.
    return (
        len(part) >= MIN_SECRET
        and bool(re.search(r"[0-9]", part) and re.search(r"[A-Za-z]", part))
        and not re.fullmatch(r"v?[0-9]+(\.[0-9]+)+", part)
    )


def _masked(match: re.Match[str]) -> str:
    group = secret_group(match)
    if group is None:
        return MASK
    start, end = (index - match.start() for index in match.span(group))
    return match.group(0)[:start] + MASK + match.group(0)[end:]


def redact(text: str, secrets: Collection[str] = ()) -> str:
    """`text` with each of `secrets` and every value in a known secret format (a GitHub
    token, a password in a URL, ...) replaced by `***`. The one masking function: every
    output of a run goes through it. Mask before cutting text short: a cut secret no longer
    matches."""
    # Longest first, so a secret that contains another is masked whole.
    shown = {form for secret in secrets for form in _shown_forms(secret)}
    for secret in sorted(shown, key=len, reverse=True):
        text = text.replace(secret, MASK)
    if "..." in text:
        text = _mask_shortened(text, [s for s in secrets if len(s) >= _MIN_SHORTENED])
    for _, pattern in SECRET_VALUES:
        text = pattern.sub(_masked, text)
    if "invalid port" in text:
        text = _GO_URL_PORT_ERROR.sub(_masked, text)
    if "=" in text:
        if "|" in text:
            text = _HISTORY_ARGUMENTS.sub(_masked_history_arguments, text)
        text = masked_assignments(text, _assigns_a_credential, MIN_SECRET)
    if "X" in text:
        text = _QUOTED_LINKER_ASSIGNMENT.sub(_masked_assignment, text)
        text = _LINKER_ASSIGNMENT.sub(_masked_assignment, text)
    return text


@functools.lru_cache(maxsize=4096)
def _shown_forms(secret: str) -> frozenset[str]:
    """`secret` as a service may print it: as is, escaped inside a JSON string (Go's slog and
    encoding/json write `"` and `\\` escaped, encoding/json `<>&` and U+2028/9 as `\\u003c`
    ...), and percent-encoded as Go's net/url writes it (a `Get "https://api/hook/...": dial`
    error). Trial 17 saw each of these print a secret in full."""
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    html_escaped = escaped
    for char, code in (
        ("<", "003c"),
        (">", "003e"),
        ("&", "0026"),
        ("\u2028", "2028"),
        ("\u2029", "2029"),
    ):
        html_escaped = html_escaped.replace(char, f"\\u{code}")
    forms = {
        secret,
        escaped,
        html_escaped,
        # net/url escapes all but the unreserved characters and, by where it writes: userinfo
        # keeps `$&+,;=`, a path `$&+,/:;=@`, PathEscape `$&+:=@`; QueryEscape keeps none and
        # writes a space as `+`.
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret, safe=""),
        urllib.parse.quote(secret, safe="$&+,;="),
        urllib.parse.quote(secret, safe="$&+,/:;=@"),
        urllib.parse.quote(secret, safe="$&+:=@"),
    }
    return frozenset(form for form in forms if len(form) >= MIN_SECRET)


def _assignment(quotes: str) -> re.Pattern[str]:
    """SHELL_ASSIGNMENT's pattern, `quotes` the quotes that may stand around it."""
    return re.compile(
        rf"""(?:^|(?<=[\s;&|({quotes}]))(--?)?([A-Za-z_][\w-]*)="""
        r"""("[^"$`\\]*"|'[^']*'|[^\s;&|()'"$`\\]+)"""
        rf"""(?=[\s;&|){quotes}]|$)"""
    )


# A shell word that assigns a literal: `PGPASSWORD=... psql`, `export API_TOKEN=...`, a flag's
# `--db-password=...`, as a build step's command, a build log or a service's log shows it. Not
# one inside another word (`s/password=x/`) nor one that reads a variable or a command
# (`TOKEN=$(cat /run/secrets/t)`: no value is written there). Also the first word of a quoted
# script (`su postgres -c 'PGPASSWORD=... psql'`, `sh -c "TOKEN=... ./seed"`) and a quoted
# word's last (`echo 'API_KEY=...' >> .env`).
SHELL_ASSIGNMENT = _assignment("'\"")
# The same in an output, where a message may quote a command in backticks (`RUN export
# API_TOKEN=...`): a value may end at one there, and is masked (more is masked, never less).
_OUTPUT_ASSIGNMENT = _assignment("'\"`")


def masked_assignments(text: str, secret: Callable[[str, str], bool], shortest: int = 1) -> str:
    """`text` with the value of each SHELL_ASSIGNMENT that `secret(name, value)` calls one
    (from `shortest` characters on) masked, its quotes kept."""

    def masked(match: re.Match[str]) -> str:
        dashes, name, value = match.groups()
        bare = value.strip("'\"")
        if len(bare) < shortest or bare == MASK or not secret(name, bare):
            return match.group(0)
        quote = value[0] if value[0] in "'\"" else ""
        return f"{dashes or ''}{name}={quote}{MASK}{quote}"

    return _OUTPUT_ASSIGNMENT.sub(masked, text)


# A history line's `|N K=V ...` build arguments (`RUN |1 DB_PASSWORD=correct horse battery
# /bin/sh -c ...`, as the size check's largest layers show it): BuildKit writes the values
# unquoted, so one with spaces is masked whole by `split_history`'s reading, not to its first.
_HISTORY_ARGUMENTS = re.compile(r"(?:^|(?<=[\s\"'(\[]))(?:RUN )?\|\d+ [A-Za-z_].*", re.M)


def _masked_history_arguments(match: re.Match[str]) -> str:
    line = match.group(0)
    pairs = split_history(line)[0]
    written = " ".join(f"{name}={value}" for name, value in pairs)
    start = line.find(written)
    if not pairs or start < 0:
        return line
    secret = [len(v) >= MIN_SECRET and _assigns_a_credential(n, v) for n, v in pairs]
    masked = " ".join(
        f"{name}={MASK if hidden else value}"
        for (name, value), hidden in zip(pairs, secret, strict=True)
    )
    return line[:start] + masked + line[start + len(written) :]


@functools.lru_cache(maxsize=4096)
def _assigns_a_credential(name: str, value: str) -> bool:
    """What the secrets check fails on as an assignment: `is_finding`, the name's dashes as
    underscores (`--db-password` is DB_PASSWORD)."""
    return is_finding(name.replace("-", "_"), value)


# `go build -ldflags "-X main.apiKey=..."` in a step's command, a build log or a message: the
# value is masked when the variable's name is a credential's (`apiKey`, `dbPassword`).
# The value may be quoted of its own (`-X main.apiKey='...'`); the import path before the name
# ends in a dot, which keeps the match linear on a long log line.
_LINKER_ASSIGNMENT = re.compile(
    r"(?<![\w-])(?P<prefix>--?X[= \t]+['\"]?(?:[\w./-]*\.)?)(?P<name>\w+)="
    r"(?:(?P<quote>['\"])(?P<quoted>[^'\"\n]+)(?=(?P=quote))|(?P<open>['\"]?)(?P<value>[^\s'\"]+))"
)
# `-X 'main.passphrase=correct horse battery'`: a value quoted whole with its name, up to the
# closing quote, spaces and all.
_QUOTED_LINKER_ASSIGNMENT = re.compile(
    r"(?<![\w-])(?P<prefix>--?X[= \t]+(?P<q>['\"])(?:[\w./-]*\.)?)(?P<name>\w+)="
    # No quote of its own after the `=`: the groups _LINKER_ASSIGNMENT has, empty.
    r"(?P<quote>)(?P<open>)(?P<quoted>)(?P<value>[^'\"\n]+)(?=(?P=q))"
)


def _masked_assignment(match: re.Match[str]) -> str:
    """`-X name=value` with a credential's value masked; a value quoted after the `=`
    (`-X main.apiKey='correct horse battery'`) up to its closing quote."""
    groups = match.groupdict(default="")
    value = groups["value"] or groups["quoted"]
    if len(value) < MIN_SECRET or value == MASK or not looks_secret(groups["name"], value):
        return match.group(0)
    return f"{groups['prefix']}{groups['name']}={groups['quote'] or groups['open']}{MASK}"


# pytest shortens a long string in an assertion's explanation to `'head...tail'` (a 32-character
# key showed 25 of its characters, and a message around it may hold spaces): the ends of a
# secret on either side of `...` are masked too, from 6 characters on (a chance match of 6
# characters of a random key is one in billions), where a quote opens earlier on the line, as
# in a repr. Not in a log's plain `postgres... done`. A word holding `...` is cut at its last
# one; finding the words first keeps a long line linear (a regex for `head...tail` took 159 s
# on `'... ` before 200,000 letters).
_WORD = re.compile(r"""[^\s'"]+""")
_MIN_SHORTENED = 12
_MIN_END = 6


def _mask_shortened(text: str, secrets: list[str]) -> str:
    if not secrets:
        return text
    # Whether a quote opened on the line before the word, kept up to date from where the last
    # word ended: a line's text is read once, not once per word (3.6 s on 1 MB of `a...b`).
    read_to, quoted = 0, False

    def one(match: re.Match[str]) -> str:
        nonlocal read_to, quoted
        if "..." not in match.group(0):
            return match.group(0)
        between = text[read_to : match.start()]
        line_break = between.rfind("\n")
        if line_break >= 0:
            quoted, between = False, between[line_break + 1 :]
        quoted = quoted or "'" in between or '"' in between
        read_to = match.end()
        if not quoted:
            return match.group(0)
        head, tail = match.group(0).rsplit("...", 1)
        for secret in secrets:
            start = next(
                (
                    k
                    for k in range(min(len(head), len(secret)), _MIN_END - 1, -1)
                    if secret.startswith(head[-k:])
                ),
                0,
            )
            end = next(
                (
                    k
                    for k in range(min(len(tail), len(secret)), _MIN_END - 1, -1)
                    if secret.endswith(tail[:k])
                ),
                0,
            )
            if start or end:
                head = head[: len(head) - start] + (MASK if start else "")
                tail = (MASK if end else "") + tail[end:]
        return f"{head}...{tail}"

    return _WORD.sub(one, text)


def redact_all(value: Any, secrets: Collection[str] = ()) -> Any:
    """`value` with `redact` applied to every string in it, through dicts, lists and tuples."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {key: redact_all(item, secrets) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_all(item, secrets) for item in value)
    return value


def secret_redactor(*tables: Mapping[str, str]) -> Callable[[str], str]:
    """`redact` with the secret-looking values of `tables` (build_args, env)."""
    secrets = secret_values(*tables)
    return lambda text: redact(text, secrets)
