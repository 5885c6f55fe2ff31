"""Secret-looking values an image ships: ENV, build arguments in its history, key files.

Values are never printed in full: a finding shows the first characters and the length, and
every output of a run (terminal, JSON, JUnit, Markdown, build logs) goes through `redact`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# PASS and PWD only as a name's last word of their own (DB_PASS, MYSQL_PWD, which MySQL reads):
# not BYPASS, PASSPORT, COMPASS or PASS_THROUGH, not a pass of a process (SKIP_PASS,
# FIRST_PASS), and not the shell's PWD and OLDPWD, which hold a folder.
_PASS_AS_STEP = "".join(
    f"(?<!{word}_)" for word in ("NO", "SKIP", "FIRST", "SECOND", "LAST", "FINAL", "SINGLE")
) + "".join(f"(?<!{word}_)" for word in ("MULTI", "ONE", "TWO", "EACH", "PER", "BY", "ANY"))
_SECRET_NAME = re.compile(
    r"(SECRET|PASSW(OR)?D|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH"
    # A key that signs, encrypts or unlocks: the key itself (JWT_SIGNING_KEY, ENCRYPTION_KEY).
    r"|(SIGNING|ENCRYPTION|ENCRYPT|MASTER|SESSION|HMAC|JWT|CRYPTO|CIPHER|LICENSE|WEBHOOK)_?KEYS?"
    r"(?![A-Z])"
    rf"|(?<![A-Z0-9]){_PASS_AS_STEP}PASS$|(?<=_)PWD$)",
    re.I,
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
    (  # an Authorization header's credentials: only the token is masked, not the scheme
        "an HTTP credential",
        re.compile(
            r"(?i)\b(?:Bearer|Basic)\s+"
            r"(?P<secret>(?=[A-Za-z0-9+/=._~-]*[0-9+/=._~-])[A-Za-z0-9+/=._~-]{16,})"
        ),
    ),
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
    """Whether outputs mask `value`: broad on purpose, as masking a setting costs nothing. The
    gate fails on a narrower set (`_is_finding`)."""
    by_name = (
        (_SECRET_NAME.search(name) or _SECRET_NAME.search("_".join(_name_words(name))))
        and not _HARMLESS_NAME.search(name)
        and not value.startswith(("/", "$"))
        and not _PLACEHOLDERS.fullmatch(value)
    )
    return bool(value and (by_name or value_kind(value)))


# Values no credential takes, whatever the name: a boolean or "none" (MYSQL_ALLOW_EMPTY_PASSWORD
# =yes, ENABLE_AUTH=1; detect-secrets' keyword FALSE_POSITIVES) and a duration with its unit
# (TOKEN_DURATION=15m, REFRESH_TOKEN_DURATION=7d). A bare number is not among them: it is a
# common real password (MYSQL_ROOT_PASSWORD=123456).
_NOT_A_CREDENTIAL = re.compile(
    r"(?i:true|false|yes|no|on|off|none|null|[01])|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+"
)
# Last words of a name that make it a setting about a credential, not the credential: how long
# it lives, how big it is, where it is kept and how it is used, who issues or holds it, build
# metadata and references; in the plural too (AUTH_PROVIDERS, TOKEN_POLICIES).
_SETTING_WORDS = frozenset(
    {
        *("TTL", "EXPIRY", "EXPIRE", "EXPIRES", "EXPIRATION", "TIMEOUT", "LIFETIME"),
        *("DURATION", "INTERVAL", "AGE", "ROTATION", "MS", "SECOND", "MINUTE", "HOUR", "DAY"),
        *("LENGTH", "LEN", "SIZE", "BIT", "COUNT", "USE", "MIN", "MAX", "LIMIT"),
        *("STORE", "BACKEND", "PROVIDER", "TYPE", "MODE", "METHOD", "ALGORITHM", "ALG"),
        *("ENV", "VAR", "POLICY", "SCOPE", "ENABLED", "DISABLED", "REQUIRED"),
        *("ISSUER", "AUDIENCE", "USER", "EMAIL", "GROUP", "ROLE", "URI", "HOST", "PORT"),
        *("ADDR", "ADDRESS", "DOMAIN", "REALM", "SERVICE", "PREFIX", "SUFFIX", "SERVER"),
        # Where a key is kept and how it is written, not the key (KMS_MASTER_KEY_ARN).
        *("ARN", "ALIAS", "RING", "ENCODING", "FORMAT", "COOKIE", "SET", "SPACE"),
        *("VERSION", "COMMIT"),
        # The references `_HARMLESS_NAME` knows, for camelCase and dotted names (tokenFile).
        *("FILE", "PATH", "DIR", "URL", "ENDPOINT", "ID", "HEADER", "NAME"),
    }
)
# Key material as a setting's value would be: one long run of base64 or token characters
# mixing cases and digits. Not a hex digest or UUID (one case), a word or an environment
# variable's name, a URL or a host:port.
_KEY_RUN = re.compile(r"[A-Za-z0-9+/=_-]{20,}")
_AUTH_SCHEME = re.compile(r"(?i)\b(?:bearer|basic|digest|token)\s+[A-Za-z0-9+/=._~-]{8,}")
# `alice:s3cr3t` (a users list, basic-auth credentials); not `host:9000`, an ARN or a URL.
_USER_PASSWORD = re.compile(r"(?:^|[\s,;])[\w.@-]+:(?!//)(?!\d+(?:[\s,;/]|$))[^\s,;:]{4,}")
_HEX_KEY = re.compile(r"[0-9a-fA-F]{32,}")
_HEX_NAMES = frozenset({"COMMIT", "VERSION", "ID", "SHA", "HASH", "DIGEST", "CHECKSUM"})
_AUTHOR = re.compile(r"AUTHOR(?!IZATION)")
_MIN_KEY_ENTROPY = 3.5  # bits per character, gitleaks' generic-api-key threshold


def _name_words(name: str) -> list[str]:
    """`name`'s words in capitals, camelCase split: apiTokenTtl is API TOKEN TTL."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()
    return [word for word in re.split(r"[^A-Z0-9]+", spaced) if word]


def _after_credential(name: str) -> list[str] | None:
    """The words after the last word of `name` that names a credential ([] when the name is
    the credential: `dbPassWord`, whose camelCase split hides PASSWORD), or None without one:
    AUTHOR, AUTHORITY and AUTHORIZED are no AUTHORIZATION."""
    words = _name_words(name)
    joined = "_".join(words)
    tail: list[str] | None = None
    for match in _SECRET_NAME.finditer(joined):
        rest = joined[match.end() :]
        if match.group() == "AUTH" and rest.startswith("OR") and not rest.startswith("ORIZATION"):
            continue
        tail = words[joined.count("_", 0, match.end()) + 1 :]
    if tail is None and _SECRET_NAME.search(_AUTHOR.sub("", name.upper())):
        return []
    return tail


def _is_setting(tail: list[str]) -> bool:
    """Whether the last word is a setting word (TOKEN_TTL), or EXPIRES_IN / EXPIRES_AT."""
    if tail[-2:] in (["EXPIRES", "IN"], ["EXPIRES", "AT"]):
        return True
    if not tail:
        return False
    last = tail[-1]
    singular = last[:-3] + "Y" if last.endswith("IES") else last.removesuffix("S")
    return last in _SETTING_WORDS or singular in _SETTING_WORDS


def _holds_key_material(value: str, tail: list[str]) -> bool:
    """Whether a setting's value holds a credential after all, so that its name does not
    excuse it: random key material (a run of token characters with both cases and a digit
    and gitleaks' entropy, as gitleaks and trufflehog measure it), an HTTP credential
    (`Bearer eyJ...`, `Basic dXNl...`), `user:password` pairs, or a long hex key (under a
    name that is no commit, version or id)."""
    if _AUTH_SCHEME.search(value) or _USER_PASSWORD.search(value):
        return True
    if _HEX_KEY.fullmatch(value) and not (tail and tail[-1] in _HEX_NAMES):
        return True
    return any(_is_random(run) for run in _KEY_RUN.findall(value))


def _is_random(run: str) -> bool:
    if not all(re.search(chars, run) for chars in ("[a-z]", "[A-Z]", "[0-9]")):
        return False
    counts = Counter(run).values()
    entropy = -sum(n / len(run) * math.log2(n / len(run)) for n in counts)
    return entropy >= _MIN_KEY_ENTROPY


def _is_finding(name: str, value: str) -> bool:
    """Whether `name=value` fails the gate. Always a value that `_looks_secret` masks, less the
    settings about a credential (TOKEN_TTL=15m, SECRET_STORE=vault, GITHUB_TOKEN_ENV=GH_TOKEN)
    and the values no credential takes: a false failure teaches teams to switch the check off.
    A value in a known secret format fails whatever its name."""
    if not _looks_secret(name, value):
        return False
    if value_kind(value):
        return True
    tail = _after_credential(name)
    if tail is None or _NOT_A_CREDENTIAL.fullmatch(value):
        return False
    return not _is_setting(tail) or _holds_key_material(value, tail)


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
        if _is_finding(name, value)
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
            if _is_finding(name, value) and name not in found:
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
    if name.startswith(".env"):
        named = dotenv_findings(data[:MAX_FILE_BYTES].decode("utf-8", "replace"), name)
        if named:
            listed = ", ".join(named[:4]) + (
                f" and {len(named) - 4} more" if len(named) > 4 else ""
            )
            return Finding(
                "file", f"/{path}", f"is a .env file with secret-looking values ({listed})"
            )
    if name in (".netrc", ".git-credentials", ".pypirc", "credentials") and data.strip():
        return Finding("file", f"/{path}", "holds credentials")
    if name == ".npmrc" and b"_authToken" in data:
        return Finding("file", f"/{path}", "holds an npm auth token")
    return None


_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$")
# A .env file's credential by name, as broad as the file deserves (it exists to hold them):
# a word of the name (MONKEY and KEYCLOAK_URL hold none), unless the name ends in a reference.
_DOTENV_SECRET_WORDS = frozenset({"SECRET", "PASSWORD", "PASSWD", "PWD", "TOKEN", "KEY", "KEYS"})
_DOTENV_REFERENCE_WORDS = frozenset({"URL", "URI", "PATH", "FILE", "DIR", "ENDPOINT", "HOST"})
# The names teams give a .env file that documents the settings: a template, not the values.
_TEMPLATE = re.compile(r"\.env\.(?:example|sample|template|tmpl|tpl|dist|defaults)$")
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
            secret = not _placeholder(value) and _is_finding(key, value)
        else:
            secret = _is_finding(key, value) or (
                _dotenv_credential_name(key)
                and not value.startswith("$")  # a reference to the environment's value
                and not _NOT_A_CREDENTIAL.fullmatch(value)
            )
        if secret or value_kind(value):
            found.append(key)
    return found


def _dotenv_credential_name(key: str) -> bool:
    words = _name_words(key)
    return bool(
        words and _DOTENV_SECRET_WORDS & set(words) and words[-1] not in _DOTENV_REFERENCE_WORDS
    )


def _placeholder(value: str) -> bool:
    reference = _REFERENCE.fullmatch(value)
    if reference:
        default = reference.group("default")
        return not default or _placeholder(default)
    return bool(_PLACEHOLDER.fullmatch(value))
