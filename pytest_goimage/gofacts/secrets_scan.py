"""Secret-looking values an image ships: ENV, build arguments in its history, key files.

Values are never printed in full: a finding shows the first characters and the length, and
every output of a run (terminal, JSON, JUnit, Markdown, build logs) goes through `redact`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_SECRET_NAME = re.compile(
    r"(SECRET|PASSW(OR)?D|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH)", re.I
)
# Names that look secret but hold references, not secrets.
_HARMLESS_NAME = re.compile(r"(_FILE|_PATH|_DIR|_URL|_ENDPOINT|_ID|_HEADER|_NAME)$", re.I)
# BuildKit records a RUN's build arguments as `RUN |<n> K=V ... <command>`, whatever the shell
# (`/bin/sh -c`, a SHELL line, or an exec-form RUN with no shell at all).
_HISTORY_ARGS = re.compile(r"^(?:RUN )?\|(\d+) (.*)$", re.S)
# Values that are secrets whatever the variable is called: well-known token formats, and
# credentials inside a URL (`postgres://app:pw@db/app`). Where a pattern has a `secret` group,
# only that part is masked (the URL's password, not its host).
_SECRET_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,})")),
    ("a GitLab token", re.compile(r"\bglpat-[\w-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[\w-]{10,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[\w-]{35}")),
    (
        "a password in a URL",
        re.compile(r"\b[a-z][\w+.-]*://[^/\s:@]+:(?P<secret>(?![$%{*<])[^/\s@]+)@", re.I),
    ),
)
_KEY_FILE_NAMES = re.compile(
    r"(^|/)(\.env(\.[\w-]+)?|id_(rsa|dsa|ecdsa|ed25519)|\.netrc|\.npmrc|\.pypirc|"
    r"\.git-credentials|credentials|[^/]+\.(pem|key|p12|pfx))$"
)
PRIVATE_KEY_MARKER = re.compile(rb"-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----")
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Finding:
    where: str  # "ENV", "build argument", "file"
    name: str
    detail: str

    def describe(self) -> str:
        return f"{self.where} {self.name}: {self.detail}"


def mask(value: str) -> str:
    """`ab…` plus the length: enough to recognise a value, never enough to use it."""
    return f"{value[:2]}… ({len(value)} characters)" if len(value) > 4 else "(short value)"


def value_kind(value: str) -> str | None:
    """What a value is by its format alone ("a GitHub token"), or None."""
    return next((kind for kind, pattern in _SECRET_VALUES if pattern.search(value)), None)


# A value that is only placeholders: the plugin's (`{minio.secret_key}`, filled in and masked
# at run time) or a template's (`{{ .Token }}`). A JSON credential starts with `{` too, and is
# a secret.
_PLACEHOLDERS = re.compile(r"(\{[\w.-]+\}|\{\{[^{}\n]*\}\})+")


def _looks_secret(name: str, value: str) -> bool:
    by_name = (
        _SECRET_NAME.search(name)
        and not _HARMLESS_NAME.search(name)
        and not value.startswith(("/", "$"))
        and not _PLACEHOLDERS.fullmatch(value)
    )
    return bool(value and (by_name or value_kind(value)))


def _detail(value: str, where: str) -> str:
    kind = value_kind(value)
    return f"value {mask(value)}{f' looks like {kind} and' if kind else ''} {where}"


MASK = "***"
_MIN_SECRET = 4  # shorter values ("1", "dev") would mask unrelated text everywhere


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
        if len(value) >= _MIN_SECRET and _looks_secret(name, value)
    ]
    runs = (run for value in values if "\n" in value for run in _SECRET_RUN.findall(value))
    return frozenset(values).union(runs)


def _masked(match: re.Match[str]) -> str:
    if "secret" not in match.re.groupindex:
        return MASK
    start, end = (index - match.start() for index in match.span("secret"))
    return match.group(0)[:start] + MASK + match.group(0)[end:]


def redact(text: str, secrets: Collection[str] = ()) -> str:
    """`text` with each of `secrets` and every value in a known secret format (a GitHub
    token, a password in a URL, ...) replaced by `***`. The one masking function: every
    output of a run goes through it. Mask before cutting text short: a cut secret no longer
    matches."""
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for _, pattern in _SECRET_VALUES:
        text = pattern.sub(_masked, text)
    return text


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


def env_findings(env: Mapping[str, str]) -> list[Finding]:
    return [
        Finding("ENV", name, _detail(value, "is baked into the image config"))
        for name, value in sorted(env.items())
        if _looks_secret(name, value)
    ]


def history_findings(created_by: Iterable[str]) -> list[Finding]:
    """Build arguments recorded in RUN steps (`|2 TOKEN=abc N=1 /bin/sh -c ...`)."""
    found: dict[str, Finding] = {}
    for line in created_by:
        match = _HISTORY_ARGS.match(line)
        if not match:
            continue
        pairs = [p for p in match.group(2).split(" ") if "=" in p][: int(match.group(1))]
        for pair in pairs:
            name, _, value = pair.partition("=")
            if _looks_secret(name, value) and name not in found:
                found[name] = Finding(
                    "build argument",
                    name,
                    _detail(
                        value,
                        "is recorded in the image history (`docker history` shows it); use a "
                        "BuildKit secret mount instead",
                    ),
                )
    return list(found.values())


def candidate_files(paths: Iterable[str]) -> list[str]:
    """Files whose names suggest keys or credentials, to be read and checked."""
    return sorted({p for p in paths if _KEY_FILE_NAMES.search(p) and "/etc/ssl/" not in f"/{p}"})


def file_finding(path: str, data: bytes) -> Finding | None:
    name = path.rsplit("/", 1)[-1]
    if PRIVATE_KEY_MARKER.search(data[:MAX_FILE_BYTES]):
        return Finding("file", f"/{path}", "holds a private key")
    if name.startswith(".env") and re.search(
        rb"(?im)^\s*[A-Z_]*(SECRET|PASSWORD|TOKEN|KEY)\w*\s*=\s*\S", data
    ):
        return Finding("file", f"/{path}", "is a .env file with secret-looking values")
    if name in (".netrc", ".git-credentials", ".pypirc", "credentials") and data.strip():
        return Finding("file", f"/{path}", "holds credentials")
    if name == ".npmrc" and b"_authToken" in data:
        return Finding("file", f"/{path}", "holds an npm auth token")
    return None
