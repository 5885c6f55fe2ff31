"""Secret-looking values an image ships: ENV, build arguments in its history, key files.

Values are never printed in full: a finding shows the first characters and the length, and
every output of a run (terminal, JSON, JUnit, Markdown, build logs) goes through `redact`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .credentials import (
    KEY_REFERENCE,
    NOT_A_CREDENTIAL,
    REFERENCE_WORDS,
    SECRET_VALUES,
    TOKEN_FORMATS,
    is_finding,
    looks_secret,
    name_words,
    value_kind,
)

# BuildKit records a RUN's build arguments as `RUN |<n> K=V ... <command>`, whatever the shell
# (`/bin/sh -c`, a SHELL line, or an exec-form RUN with no shell at all).
_HISTORY_ARGS = re.compile(r"^(?:RUN )?\|(\d+) (.*)$", re.S)
# Key files by their usual names: ssh's (`id_ed25519`, a `deploy_key`, a host's
# `ssh_host_rsa_key`), TLS and PKCS#12 ones, and the credential files of tools.
_KEY_FILE_NAMES = re.compile(
    r"(^|/)(\.env(\.[\w-]+)?|id_(rsa|dsa|ecdsa|ed25519)|\.netrc|\.npmrc|\.pypirc|"
    r"\.git-credentials|credentials|[^/]+[_-]key|[^/]+\.(pem|key|p12|pfx))$"
)
# Where packages keep key-named files that are no team's secret: the CA bundle's public
# certificates, and the self-signed key Debian's ssl-cert package makes at install.
# /etc/ssl/private/ otherwise holds keys a team copies in (trial 14's false pass).
_PACKAGED_KEYS = re.compile(r"etc/ssl/(certs/|private/ssl-cert-snakeoil\.key$)")
# Configuration files a team copies in, which may carry a key inside (a GCP service account's
# JSON, an app.yaml with an AWS key, a kubeconfig): read for key material and token formats.
_CONFIG_FILE_NAMES = re.compile(
    r"(^|/)([^/]+\.(json|ya?ml|toml|ini|conf|cfg|properties|xml)|[^/]*kubeconfig[^/]*|config)$"
)
# An env file by its other usual name (compose's `env_file: app.env`, systemd's
# EnvironmentFile=, `prod.env`): judged as a `.env` is.
_NAMED_ENV_FILE = re.compile(r"(^|/)[^/]+\.env$")
# Where the base image and the toolchains keep theirs: not the team's files. Not all of etc/:
# a service's own configuration goes to /etc/<service>/ as often as to /app.
_SYSTEM_FOLDERS = re.compile(
    r"^(usr/(share|lib|lib64|include|local/go|local/lib|libexec)|lib|lib64|var/lib|go/pkg|"
    r"root/go/pkg|root/\.cache|proc|sys|etc/(ssl|ca-certificates|apk|apt|dpkg|fonts))/"
    r"|(.*/)?node_modules/"
)
# A kubeconfig by its name (`admin-kubeconfig.yaml`, `kubeconfig-prod`), not a generator's
# source or template for one (`kubeconfig.go`, `kubeconfig.tmpl`).
_KUBECONFIG = re.compile(
    r"(^|/)(\.kube/config|(?![^/]*\.(go|md|tmpl|tpl|j2|txt)$)[^/]*kubeconfig[^/]*)$"
)
# A user's credentials in a kubeconfig: a bearer token, a client key, a basic-auth password;
# not an empty value or a template's placeholder (`{{ .Token }}`, `${K8S_TOKEN}`).
_KUBE_CREDENTIAL = re.compile(
    rb"(?m)^\s*(token|client-key-data|password):\s*(?![\"']{2}|[\"']?(\{\{|\$))[^\s#]"
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
        if len(value) >= _MIN_SECRET and looks_secret(name, value)
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
    if "..." in text:
        text = _mask_shortened(text, [s for s in secrets if len(s) >= _MIN_SHORTENED])
    for _, pattern in SECRET_VALUES:
        text = pattern.sub(_masked, text)
    return text


# pytest shortens a long string in an assertion's explanation to `'head...tail'` (a 32-character
# key showed 25 of its characters, and a message around it may hold spaces): the ends of a
# secret on either side of `...` are masked too, from 6 characters on (a chance match of 6
# characters of a random key is one in billions), where a quote opens earlier on the line, as
# in a repr. Not in a log's plain `postgres... done`.
_SHORTENED = re.compile(r"""([^\s'"]*)\.\.\.([^\s'"]*)""")
_MIN_SHORTENED = 12
_MIN_END = 6


def _mask_shortened(text: str, secrets: list[str]) -> str:
    if not secrets:
        return text

    def one(match: re.Match[str]) -> str:
        head, tail = match.groups()
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if "'" not in before and '"' not in before:
            return match.group(0)
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

    return _SHORTENED.sub(one, text)


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
        if is_finding(name, value)
    ]


def config_findings(labels: Mapping[str, str], command: Mapping[str, list[str]]) -> list[Finding]:
    """Values of a known secret format in the image's labels and its ENTRYPOINT and CMD words
    (a token in `org.opencontainers.image.source`'s URL, a DSN with its key in a CMD flag):
    any pull shows them in `docker inspect`. By format only: a label or flag's name says little."""
    where = "is in the image config (`docker inspect` shows it)"
    found = [
        Finding("LABEL", name, _detail(value, where))
        for name, value in sorted(labels.items())
        if value_kind(value)
    ]
    found += [
        Finding(key, f"word {index + 1}", _detail(word, where))
        for key, words in command.items()
        for index, word in enumerate(words)
        if value_kind(word)
    ]
    return found


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
            if is_finding(name, value) and name not in found:
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
    """Files whose names suggest keys or credentials, and the team's configuration files
    (outside the folders a base image or a toolchain fills), to be read and checked."""
    return sorted(
        {
            p
            for p in paths
            if (_KEY_FILE_NAMES.search(p) and not _PACKAGED_KEYS.match(p))
            or (
                (_CONFIG_FILE_NAMES.search(p) or _NAMED_ENV_FILE.search(p))
                and not _SYSTEM_FOLDERS.match(p)
            )
        }
    )


def file_finding(path: str, data: bytes) -> Finding | None:
    name = path.rsplit("/", 1)[-1]
    if PRIVATE_KEY_MARKER.search(data[:MAX_FILE_BYTES]):
        return Finding("file", f"/{path}", "holds a private key")
    if name.startswith(".env") or name.endswith(".env"):
        named = dotenv_findings(data[:MAX_FILE_BYTES].decode("utf-8", "replace"), name)
        if named:
            listed = ", ".join(named[:4]) + (
                f" and {len(named) - 4} more" if len(named) > 4 else ""
            )
            what = "a .env file" if name.startswith(".env") else "an env file"
            return Finding("file", f"/{path}", f"is {what} with secret-looking values ({listed})")
    if name in (".netrc", ".git-credentials", ".pypirc", "credentials") and data.strip():
        return Finding("file", f"/{path}", "holds credentials")
    if name == ".npmrc" and b"_authToken" in data:
        return Finding("file", f"/{path}", "holds an npm auth token")
    if _KUBECONFIG.search(path) and _KUBE_CREDENTIAL.search(data[:MAX_FILE_BYTES]):
        return Finding("file", f"/{path}", "is a kubeconfig with credentials (a token or key)")
    kind = value_kind(data[:MAX_FILE_BYTES].decode("utf-8", "replace"), TOKEN_FORMATS)
    return Finding("file", f"/{path}", f"holds {kind}") if kind else None


_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$")
# A .env file's credential by name, as broad as the file deserves (it exists to hold them):
# a word of the name (MONKEY and KEYCLOAK_URL hold none), unless the name ends in a reference.
_DOTENV_SECRET_WORDS = frozenset({"SECRET", "PASSWORD", "PASSWD", "PWD", "TOKEN", "KEY", "KEYS"})
# The names teams give a .env file that documents the settings: a template, not the values.
_TEMPLATE = re.compile(
    r"\.env\.(?:example|sample|template|tmpl|tpl|dist|defaults)$"
    r"|^(?:example|sample|template|defaults?)(?:[._-][\w.-]*)?\.env$"
)
# A template's placeholder: `<your-key>`, `change-me`, `your-password-here`, `xxx`, `...`.
_PLACEHOLDER = re.compile(
    r"<[^<>]*>|your[-_ ][a-z][a-z_-]*|change[-_ ]?me|replace[-_ ]?me|x{3,}|\*{3,}|\.{3}"
    r"|todo|tbd|example|placeholder",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"\$\{?(\w+)(?::?-(?P<default>[^}]*))?\}?")


def dotenv_findings(text: str, name: str) -> list[str]:
    """The variables of a .env file that hold a secret-looking value: a known secret format
    whatever the name; in a .env, any value under a name with a credential's word (`KEY`,
    `TOKEN`, `SECRET`, `PASSWORD`) that is no reference (`$VAR`, a `*_URL`) and no boolean or
    duration, or one that fails the gate as an ENV's would. A template
    (`.env.example`) documents the settings: its values are judged as ENV values are, and a
    placeholder passes (`<your-key>`, `change-me`, `${VAR}` whose default, if any, is one)."""
    template = bool(_TEMPLATE.search(name))
    found = []
    for line in text.splitlines():
        match = _DOTENV_LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if len(value) > 1 and value[0] in "\"'" and value.endswith(value[0]):
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].strip()  # an unquoted value's inline comment
        if not value or key in found:
            continue
        if template:  # settings about a credential (TOKEN_TTL=15m) are documented there too
            secret = not _placeholder(value) and is_finding(key, value)
        else:
            secret = is_finding(key, value) or (
                _dotenv_credential_name(key)
                and not value.startswith("$")  # a reference to the environment's value
                and not NOT_A_CREDENTIAL.fullmatch(value)
                and not KEY_REFERENCE.fullmatch(value)
            )
        if secret or value_kind(value):
            found.append(key)
    return found


def _dotenv_credential_name(key: str) -> bool:
    words = name_words(key)
    return bool(words and _DOTENV_SECRET_WORDS & set(words) and words[-1] not in REFERENCE_WORDS)


def _placeholder(value: str) -> bool:
    reference = _REFERENCE.fullmatch(value)
    if reference:
        default = reference.group("default")
        return not default or _placeholder(default)
    return bool(_PLACEHOLDER.fullmatch(value))
