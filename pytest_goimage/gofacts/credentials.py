"""Whether a `name=value` setting holds a credential: by its name (DB_PASSWORD, not
TOKEN_TTL or SECRET_FILE), by a known secret format (an AWS key id, a GitHub token), or by key
material in a setting's value. The secrets check fails on `is_finding`; outputs mask the wider
`looks_secret`."""

from __future__ import annotations

import math
import re
from collections import Counter

from .option_credentials import OPTION_CREDENTIALS

# PASS and PWD only as a name's last word of their own (DB_PASS, MYSQL_PWD, which MySQL reads):
# not BYPASS, PASSPORT, COMPASS or PASS_THROUGH, not a pass of a process (SKIP_PASS,
# FIRST_PASS), and not the shell's PWD and OLDPWD, which hold a folder.
_PASS_AS_STEP = "".join(
    f"(?<!{word}_)" for word in ("NO", "SKIP", "FIRST", "SECOND", "LAST", "FINAL", "SINGLE")
) + "".join(f"(?<!{word}_)" for word in ("MULTI", "ONE", "TWO", "EACH", "PER", "BY", "ANY"))
_SECRET_NAME = re.compile(
    r"(SECRET|PASSW(OR)?D|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH"
    # Short and tool-specific forms (REDIS_CREDS; Redis's own `requirepass`, OpenLDAP's
    # LDAP_BINDPW; a .netrc's content in NETRC, trial 20), and the key
    # material of a signature or a hash (WEBHOOK_HMAC, SIGNING_SALT; trial 18).
    r"|(?<![A-Z])(CREDS|HMAC|SALTS?)(?![A-Z])|(?<![A-Z])NETRC$|REQUIREPASS|BINDPW$"
    # A key that signs, encrypts or unlocks: the key itself (JWT_SIGNING_KEY, ENCRYPTION_KEY).
    r"|(SIGNING|ENCRYPTION|ENCRYPT|MASTER|SESSION|HMAC|JWT|CRYPTO|CIPHER|LICENSE|WEBHOOK"
    # A CSRF middleware's key, and gorilla/securecookie's hash and block keys (trial 17), the
    # latter only after a cookie's or session's word: a bare HASH_KEY is DynamoDB's partition
    # key or a Redis hash's name, a BLOCK_KEY or COOKIE_KEY a name too (the review).
    r"|CSRF|XSRF|(?:SECURE_?)?(?:COOKIE|SESSION)_?(?:HASH|BLOCK))_?KEYS?(?![A-Z])"
    # A password's short forms at a name's end (LDAP_BIND_PW, DB_PWD).
    rf"|(?<![A-Z0-9]){_PASS_AS_STEP}PASS$|(?<=_)PWD?$)",
    re.I,
)
# Last words of a name that make it a reference to a secret, not the secret (TOKEN_FILE,
# API_KEY_ID): one list for ENV, build arguments and .env files.
REFERENCE_WORDS = frozenset(
    {"FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "ID", "HEADER", "NAME"}
)
_HARMLESS_NAME = re.compile(rf"_(?:{'|'.join(sorted(REFERENCE_WORDS))})$", re.I)
# A connection string's password key, where a bare value before it ends.
_DSN_KEY = r"(?<![\w.-])(?:password|passwd|pwd)[ \t]*="
# Values that are secrets whatever the variable is called: well-known token formats, and
# credentials inside a URL (`postgres://app:pw@db/app`). Where a pattern has `secret` groups,
# only the part one of them matched is masked (the URL's password, not its host).
SECRET_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Not AWS's documented example (AKIAIOSFODNN7EXAMPLE), which sample configurations carry.
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)(?![0-9A-Z]{9}EXAMPLE)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,})")),
    ("a GitLab token", re.compile(r"\bglpat-[\w-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[\w-]{10,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[\w-]{35}")),
    ("a Google OAuth client secret", re.compile(r"\bGOCSPX-[\w-]{28}")),
    # Project, service-account and admin keys, and the older ones with "OpenAI" in base64 inside.
    (
        "an OpenAI API key",
        re.compile(
            r"\bsk-(?:(?:proj|svcacct|admin)-[\w-]{40,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})"
        ),
    ),
    ("an Anthropic API key", re.compile(r"\bsk-ant-(?:api|admin|oat)\d\d-[\w-]{40,}")),
    ("a SendGrid API key", re.compile(r"\bSG\.[\w-]{20,24}\.[\w-]{39,50}")),
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z]{34}\b")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a PyPI token", re.compile(r"\bpypi-AgEIcHlwaS5vcmc[\w-]{50,}")),
    ("a Docker Hub token", re.compile(r"\bdckr_pat_[\w-]{27,}")),
    ("a DigitalOcean token", re.compile(r"\bdo[opr]_v1_[a-f0-9]{64}\b")),
    (  # the URL is the credential: whoever has it posts to the channel. Its host stays
        # readable; Slack's documented sample (T00000000/B00000000/XXXX...) is none.
        "a Slack webhook URL",
        re.compile(
            r"\bhooks\.slack\.com/(?:services/(?P<secret>T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/"
            r"(?!X{24})[A-Za-z0-9]{24})\b|(?:workflows|triggers)/(?P<secret_flow>[A-Za-z0-9/_-]{40,}))"
        ),
    ),
    (  # an Authorization header's credentials: only the token is masked, not the scheme
        "an HTTP credential",
        re.compile(
            r"(?i)\b(?:Bearer|Basic)\s+"
            r"(?P<secret>(?=[A-Za-z0-9+/=._~-]*[0-9+/=._~-])[A-Za-z0-9+/=._~-]{16,})"
        ),
    ),
    (  # the user may be empty: Redis has none (`redis://:pw@cache:6379/0`)
        "a password in a URL",
        # GitHub's fixed `x-oauth-basic` is no password: the token is the user (often `${TOKEN}`).
        # Nor is a shell's variable, quoted or not (`https://oauth2:"${TOKEN}"@`), or an image's
        # tag before its digest (`docker://golang:1.22@sha256:...`). A `$` inside a password
        # is part of it (`app:Xy$9kLmQ2@db`), and so are a `/` (a generated password's, left
        # unencoded: `app:Mv8/Rt5@db`; not a port's `:8080/`, `:27017,`) and an unencoded `@`, up to the
        # last one before the host (`app:Xy7@Qz9@db`; not one in the path, after a `/`). No
        # part is empty (`//`), which keeps the match linear on a long line of URLs; no `"`
        # (a compact JSON log: `"http://auth:9000","path":"/x","user":"a@b"`).
        re.compile(
            r"(?<![\w+.-])[a-z][\w+.-]*://[^/\s:@]*:"
            r"(?P<secret>(?![$%{*<\"'`]|x-oauth-basic@|\d+[/,?#])[^\s@/\"]+(?:/[^\s@/\"]+)*(?:@[^\s@/\"]+)*)"
            r"@(?!sha\d+:)",
            re.I,
        ),
    ),
    (  # a libpq or MySQL key/value DSN: `host=db user=app password=... dbname=app`
        "a password in a connection string",
        re.compile(
            r"(?i)" + _DSN_KEY + r"[ \t]*"
            # Not a sed expression's (`s/^password=.*/password=${PW}/`) nor a variable's. A
            # bare value ends where the next key starts: each is read once on a long line; and
            # at a backtick, where a message quotes it (`host=db password=...`).
            r"(?P<secret>'(?![$%{*<])[^']+'|(?!['\"$%{*<.^\[`])(?:(?!" + _DSN_KEY + r")"
            r"[^\s;'\"`])+(?=[\s;'\"`]|$|" + _DSN_KEY + r"))"
        ),
    ),
    (  # a netrc entry, the usual way a build reaches private Go modules (GOPRIVATE):
        # `machine git.acme.io login ci password ...` in a build argument (trial 20). Not a
        # variable (`password $NETRC_PASSWORD`) nor a template's placeholder.
        "a password in netrc form",
        re.compile(
            r"(?i)(?<![\w-])(?:machine[ \t]+\S+|default)(?:[ \t]+(?:login|account)[ \t]+\S+)*"
            r"[ \t]+password[ \t]+(?P<secret>(?![$%{*<])[^\s\"'`]+)"
        ),
    ),
    # `--db-password s3cr3t`, `mysql -ps3cr3t`, `curl -u admin:s3cr3t` (option_credentials)
    *OPTION_CREDENTIALS,
)


# The formats issued as secret tokens, which no example or documentation text carries by chance:
# what a file's whole text is searched for. Not a URL with a password (often a sample there),
# nor a Google API key (a web app's config.json ships its browser key on purpose), nor a
# command line's password (a tool's manual shows `mysql -pPASSWORD`).
TOKEN_FORMATS = tuple(
    (kind, pattern)
    for kind, pattern in SECRET_VALUES
    if (kind, pattern) not in OPTION_CREDENTIALS
    and kind
    not in (
        "a Google API key",
        "an HTTP credential",
        "a password in a URL",
        "a password in a connection string",
        "a password in netrc form",
    )
)


def value_kind(
    value: str, formats: tuple[tuple[str, re.Pattern[str]], ...] = SECRET_VALUES
) -> str | None:
    """What a value is by its format alone ("a GitHub token"), or None."""
    return next((kind for kind, pattern in formats if pattern.search(value)), None)


# A value that is only placeholders: the plugin's (`{minio.secret_key}`, filled in and masked
# at run time) or a template's (`{{ .Token }}`). A JSON credential starts with `{` too, and is
# a secret.
_PLACEHOLDERS = re.compile(r"(\{[\w.-]+\}|\{\{[^{}\n]*\}\})+")


# Tools' settings whose names hold a credential's word but whose values never are one: Go's
# GOAUTH (1.24+) names how the go command authenticates (`off`, `netrc`, `git dir`, a command).
_TOOL_SETTINGS = frozenset({"GOAUTH"})


def looks_secret(name: str, value: str) -> bool:
    """Whether outputs mask `value`: broad on purpose, as masking a setting costs nothing. The
    gate fails on a narrower set (`is_finding`)."""
    by_name = (
        name.upper() not in _TOOL_SETTINGS
        and (_SECRET_NAME.search(name) or _SECRET_NAME.search("_".join(name_words(name))))
        and not _HARMLESS_NAME.search(name)
        and not value.startswith(("/", "~/", "$"))  # a path (home's too) or a variable
        and not _PLACEHOLDERS.fullmatch(value)
    )
    return bool(value and (by_name or value_kind(value)))


# Values no credential takes, whatever the name: a boolean or "none" (MYSQL_ALLOW_EMPTY_PASSWORD
# =yes, ENABLE_AUTH=1; detect-secrets' keyword FALSE_POSITIVES) and a duration with its unit
# (TOKEN_DURATION=15m, REFRESH_TOKEN_DURATION=7d). A bare number is not among them: it is a
# common real password (MYSQL_ROOT_PASSWORD=123456).
NOT_A_CREDENTIAL = re.compile(
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
        *("STORE", "BACKEND", "PROVIDER", "TYPE", "MODE", "METHOD", "ALGORITHM", "ALGO", "ALG"),
        *("ENV", "VAR", "POLICY", "SCOPE", "ENABLED", "DISABLED", "REQUIRED"),
        *("ISSUER", "AUDIENCE", "USER", "EMAIL", "GROUP", "ROLE", "PORT"),
        # Who logs in and how (Alertmanager's smtp_auth_username, auth_mechanism: PLAIN).
        *("USERNAME", "LOGIN", "IDENTITY", "MECHANISM"),
        *("ADDR", "ADDRESS", "DOMAIN", "REALM", "SERVICE", "PREFIX", "SUFFIX", "SERVER"),
        # Where a key is kept and how it is written, not the key (KMS_MASTER_KEY_ARN).
        *("ARN", "ALIAS", "RING", "ENCODING", "FORMAT", "COOKIE", "SET", "SPACE"),
        *("VERSION", "COMMIT"),
        # How hard a password is hashed or guessed at (PASSWORD_HASH_COST=12, BCRYPT_ROUNDS).
        *("COST", "ROUND", "ITERATION", "FACTOR", "STRENGTH", "ATTEMPT", "RETRY", "THRESHOLD"),
        # The references, also for camelCase and dotted names (tokenFile).
        *REFERENCE_WORDS,
    }
)
# Key material as a setting's value would be: one long run of base64 or token characters
# mixing cases and digits. Not a hex digest or UUID (one case), a word or an environment
# variable's name, a URL or a host:port.
_KEY_RUN = re.compile(r"[A-Za-z0-9+/=_-]{20,}")
_AUTH_SCHEME = re.compile(r"(?i)\b(?:bearer|basic|digest|token)\s+[A-Za-z0-9+/=._~-]{8,}")
# `alice:s3cr3t` (a users list, basic-auth credentials); not `host:9000`, an ARN or a URL.
_USER_PASSWORD = re.compile(r"(?:^|[\s,;])[\w.@-]+:(?!//)(?!\d+(?:[\s,;/]|$))[^\s,;:]{4,}")
# A key's name in a cloud's key service, never the key: a GCP resource name (KMS, Secret
# Manager; SOPS writes it `gcpkms://projects/...`) or an AWS ARN (`awskms:///arn:...`).
KEY_REFERENCE = re.compile(
    r"(?:gcpkms://)?projects/[a-z][a-z0-9-]{4,28}[a-z0-9](?:/[a-z][A-Za-z]*/[\w.@-]+)+"
    r"|(?:awskms:///)?arn:aws[\w-]*:[a-z0-9-]+:[\w-]*:(?:\d{12})?:[\w/.:+=@-]+"
)
_HEX_KEY = re.compile(r"[0-9a-fA-F]{32,}")
_HEX_NAMES = frozenset({"COMMIT", "VERSION", "ID", "SHA", "HASH", "DIGEST", "CHECKSUM"})
_AUTHOR = re.compile(r"AUTHOR(?!IZATION)")
_MIN_KEY_ENTROPY = 3.5  # bits per character, gitleaks' generic-api-key threshold


def name_words(name: str) -> list[str]:
    """`name`'s words in capitals, camelCase split: apiTokenTtl is API TOKEN TTL."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()
    return [word for word in re.split(r"[^A-Z0-9]+", spaced) if word]


def _after_credential(name: str) -> list[str] | None:
    """The words after the last word of `name` that names a credential ([] when the name is
    the credential: `dbPassWord`, whose camelCase split hides PASSWORD), or None without one:
    AUTHOR, AUTHORITY and AUTHORIZED are no AUTHORIZATION."""
    words = name_words(name)
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


# Words that make the credential word after them a count (MAX_TOKENS=4096, an LLM's tokens;
# NUM_API_KEYS=3): with a whole number as the value, a setting.
_QUANTITY_WORDS = frozenset({"MAX", "MIN", "NUM", "NUMBER", "TOTAL", "LIMIT"})


def _counts_credentials(name: str, value: str) -> bool:
    words = name_words(name)
    return value.isdigit() and len(value) <= 7 and bool(_QUANTITY_WORDS & set(words[:-1]))


def names_a_credential(name: str) -> bool:
    """Whether `name` alone says it holds a credential (apiKey, DB_PASSWORD), not a setting
    about one or a reference to one (TOKEN_TTL, API_KEY_FILE): for a value not known here."""
    if name.upper() in _TOOL_SETTINGS:
        return False
    tail = _after_credential(name)
    return tail is not None and not _HARMLESS_NAME.search(name) and not _is_setting(tail)


def is_finding(name: str, value: str) -> bool:
    """Whether `name=value` fails the gate. Always a value that `looks_secret` masks, less the
    settings about a credential (TOKEN_TTL=15m, SECRET_STORE=vault, GITHUB_TOKEN_ENV=GH_TOKEN)
    and the values no credential takes: a false failure teaches teams to switch the check off.
    A value in a known secret format fails whatever its name."""
    if not looks_secret(name, value):
        return False
    if value_kind(value):
        return True
    tail = _after_credential(name)
    if tail is None or NOT_A_CREDENTIAL.fullmatch(value) or KEY_REFERENCE.fullmatch(value):
        return False
    if _counts_credentials(name, value):
        return False
    return not _is_setting(tail) or _holds_key_material(value, tail)


def secret_group(match: re.Match[str]) -> str | None:
    """The `secret...` group a known-format match masks (a URL's password), None: all of it."""
    return next(
        (
            name
            for name in match.re.groupindex
            if name.startswith("secret") and match.group(name) is not None
        ),
        None,
    )


def secret_part(match: re.Match[str]) -> str:
    """What of a known-format match is the secret: its `secret` group's text, or all of it."""
    group = secret_group(match)
    return match.group(group or 0)
