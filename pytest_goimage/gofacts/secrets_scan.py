"""Secret-looking values an image ships: ENV, build arguments in its history, key files.

Values are never printed: a finding shows `***` and the length (a token's first characters
are its format's public prefix, but a password's are part of the secret), and every output of a run (terminal, JSON, JUnit, Markdown, build logs) goes through `redact`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .config_passwords import config_password
from .config_values import literal_credentials
from .credentials import (
    KEY_REFERENCE,
    NOT_A_CREDENTIAL,
    REFERENCE_WORDS,
    TOKEN_FORMATS,
    is_finding,
    name_words,
    value_kind,
)

# BuildKit records a RUN's build arguments as `RUN |<n> K=V ... <command>`, whatever the shell
# (`/bin/sh -c`, a SHELL line, or an exec-form RUN with no shell at all).
HISTORY_ARGS = re.compile(r"^(?:RUN )?\|(\d+) (.*)$", re.S)
# Key files by their usual names: ssh's (`id_ed25519`, `id_ecdsa_sk`, one a team names for
# its use such as `id_github`, a `deploy_key`, a host's `ssh_host_rsa_key`), TLS and PKCS#12
# ones, and the credential files of tools. Not an ssh key's public half (`id_rsa.pub`, as no
# `*.pub` is), nor a glibc locale named like one (`/usr/share/i18n/locales/id_ID`).
_KEY_FILE_NAMES = re.compile(
    r"(^|/)(\.env(\.[\w-]+)?|id_(?![A-Z]{2}([.@][^/]*)?$)(?![^/]*\.pub$)[^/]+|\.netrc|"
    r"\.npmrc|\.pypirc|"
    r"\.git-credentials|\.dockercfg|credentials|[^/]+[_-]key|[^/]+\.(pem|key|p12|pfx))$"
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
# A certificate, which a team's bundle may hold its private key beside (`cat server.key
# server.crt > tls.crt`; trial 17's false pass): read outside the base image's folders, which
# hold the public CA certificates by the hundred.
_CERTIFICATE_NAMES = re.compile(r"(^|/)[^/]+\.(crt|cer|cert|chain|ca-bundle)$")
# Where Docker (compose `secrets:`, swarm) and Kubernetes mount secrets at run time, and where
# a `*_FILE` variable points (`REDIS_URL_FILE=/run/secrets/redis_url`): any file baked there is
# one (trial 17: `COPY deploy/secrets/ /run/secrets/` passed).
# Not a service account's public files (its CA certificate, its namespace's name).
_MOUNTED_SECRETS = re.compile(
    r"(var/)?run/secrets/(?!kubernetes\.io/serviceaccount/(ca\.crt|namespace)$)[^/]"
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

    def describe_place(self) -> str:
        """Where it is, as the failure names it: `ENV SENTRY_DSN`, `file /app/.env`."""
        return f"{self.where} {self.name}"

    def describe(self) -> str:
        return f"{self.describe_place()}: {self.detail}"


def mask(value: str) -> str:
    """`***` plus the length: the finding's name and the value's format say which one it is;
    no character of it is shown, as none is in any other output."""
    return f"*** ({len(value)} characters)" if len(value) > 4 else "(short value)"


def describe_value(value: str, where: str, kind: str | None = None) -> str:
    """A finding's words about `value`: masked, its format if known (`kind`: the format of the
    text it is the secret part of), and where it is."""
    kind = kind or value_kind(value)
    return f"value {mask(value)}{f' looks like {kind} and' if kind else ''} {where}"


def env_findings(env: Mapping[str, str]) -> list[Finding]:
    return [
        Finding("ENV", name, describe_value(value, "is baked into the image config"))
        for name, value in sorted(env.items())
        if is_finding(name, value)
    ]


def config_findings(labels: Mapping[str, str], command: Mapping[str, list[str]]) -> list[Finding]:
    """Values of a known secret format in the image's labels and the words of its ENTRYPOINT,
    CMD, HEALTHCHECK and ONBUILD (a token in `org.opencontainers.image.source`'s URL, a DSN with
    its key in a CMD flag, a Bearer token in a HEALTHCHECK's curl):
    any pull shows them in `docker inspect`. By format only: a label or flag's name says little."""
    where = "is in the image config (`docker inspect` shows it)"
    found = [
        Finding("LABEL", name, describe_value(value, where))
        for name, value in sorted(labels.items())
        if value_kind(value)
    ]
    for key, words in command.items():
        for index, word in enumerate(words):
            if value_kind(word):
                found.append(Finding(key, f"word {index + 1}", describe_value(word, where)))
                continue
            # An option and its value as two exec-form words: `"--db-password", "s3cr3t"`.
            before = words[index - 1] if index else ""
            kind = before.startswith("-") and value_kind(f"{before} {word}")
            if kind and not value_kind(before):
                found.append(Finding(key, f"word {index + 1}", describe_value(word, where, kind)))
    return found


def history_arguments(created_by: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a history line's `|N K=V` build-argument prefix."""
    return split_history(created_by)[0]


# Where a build argument of the prefix starts: a name as ARG declares one, and `=`. Not
# `-mod=readonly` or `main.version=1` inside a value (`GOFLAGS=-trimpath -mod=readonly`).
_ARGUMENT_START = re.compile(r"(?:^| )([A-Za-z_][A-Za-z0-9_]*)=")


def split_history(line: str) -> tuple[list[tuple[str, str]], str]:
    """A history line or instruction with a `|N K=V ...` prefix (`RUN |2 A=1 B=x y /bin/sh -c
    ...`) as its N build arguments and the rest after them. BuildKit writes the values
    unquoted: one runs to where the next argument's name starts, the last to the path that
    follows it (the shell's, or an exec form's program), else to the next space.
    Without a prefix: no arguments and the line."""
    match = HISTORY_ARGS.match(line)
    if not match:
        return [], line
    count, rest = int(match.group(1)), match.group(2)
    starts = list(_ARGUMENT_START.finditer(rest))[:count]
    pairs: list[tuple[str, str]] = []
    end = 0
    for index, start in enumerate(starts):
        if index + 1 < len(starts):
            end = starts[index + 1].start()
        else:  # the shell (`/bin/sh -c`) or an exec form's absolute program: a path
            path = rest.find(" /", start.end())
            space = rest.find(" ", start.end()) if path < 0 else path
            end = len(rest) if space < 0 else space
        pairs.append((start.group(1), rest[start.end() : end]))
    prefix = line[: match.start(2)].removesuffix(f"|{count} ")
    return pairs, prefix + rest[end:].lstrip(" ")


def history_findings(created_by: Iterable[str]) -> list[Finding]:
    """Build arguments recorded in RUN steps (`|2 TOKEN=abc N=1 /bin/sh -c ...`)."""
    found: dict[str, Finding] = {}
    for line in created_by:
        for name, value in history_arguments(line):
            if is_finding(name, value) and name not in found:
                found[name] = Finding(
                    "build argument",
                    name,
                    describe_value(
                        value,
                        "is recorded in the image history (`docker history` shows it); use a "
                        "BuildKit secret mount instead",
                    ),
                )
    return list(found.values())


def candidate_files(paths: Iterable[str]) -> list[str]:
    """Files whose names suggest keys or credentials, and the team's configuration files
    (outside the folders a base image or a toolchain fills), to be read and checked. A .env
    template there is a package's documentation (`/usr/share/doc/<pkg>/.env.example`)."""
    return sorted(
        {
            p
            for p in paths
            if (
                _KEY_FILE_NAMES.search(p)
                and not _PACKAGED_KEYS.match(p)
                and not (_SYSTEM_FOLDERS.match(p) and _TEMPLATE.search(p.rsplit("/", 1)[-1]))
            )
            or (
                (
                    _CONFIG_FILE_NAMES.search(p)
                    or _NAMED_ENV_FILE.search(p)
                    or _CERTIFICATE_NAMES.search(p)
                )
                and not _SYSTEM_FOLDERS.match(p)
            )
            or _MOUNTED_SECRETS.match(p)
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
    registries = docker_config_logins(path, data[:MAX_FILE_BYTES])
    if registries:
        return Finding(
            "file",
            f"/{path}",
            f"is a registry login file with credentials for {', '.join(registries)}; log in "
            "at build time with a BuildKit secret mount instead, or at run time",
        )
    if _KUBECONFIG.search(path) and _KUBE_CREDENTIAL.search(data[:MAX_FILE_BYTES]):
        return Finding("file", f"/{path}", "is a kubeconfig with credentials (a token or key)")
    text = data[:MAX_FILE_BYTES].decode("utf-8", "replace")
    kind = value_kind(text, TOKEN_FORMATS)
    # The keys that write a credential in name it better than "a connection string" does.
    written = literal_credentials(path, text) if kind is None else []
    if kind is None and not written and _CONFIG_FILE_NAMES.search(path):
        kind = config_password(text)
    if written:
        listed = ", ".join(f"`{key}`" for key in written[:4])
        listed += f" and {len(written) - 4} more" if len(written) > 4 else ""
        return Finding(
            "file",
            f"/{path}",
            f"writes credentials in as values ({listed}); read them from the environment or a "
            "secret mounted at run time",
        )
    if kind is None and _MOUNTED_SECRETS.match(path) and data.strip():
        return Finding(
            "file",
            f"/{path}",
            "is in the folder where Docker and Kubernetes mount secrets at run time; baked in, "
            "it ships in the image: mount it at run time (compose `secrets:`, a Kubernetes "
            "Secret) instead",
        )
    return Finding("file", f"/{path}", f"holds {kind}") if kind else None


def docker_config_logins(path: str, data: bytes) -> list[str]:
    """The registries a registry login file holds a login for: Docker's `config.json`
    (`docker login`), the containers tools' `auth.json` (podman, buildah, skopeo: the same
    `auths`) and the old `.dockercfg` (registries at its top level). A login is an `auth`
    (base64 user:password), an `identitytoken`, a `registrytoken` or a `password` that is no
    template's variable (`${REGISTRY_AUTH}`, `{{ .Auth }}`). A `credsStore` or `credHelpers`
    keeps none in the file."""
    name = path.rsplit("/", 1)[-1]
    if name not in ("config.json", "auth.json", ".dockercfg"):
        return []
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        return []
    auths = parsed.get("auths") if name != ".dockercfg" and isinstance(parsed, dict) else parsed
    if not isinstance(auths, dict):
        return []
    return sorted(
        registry
        for registry, entry in auths.items()
        if isinstance(entry, dict)
        and any(_LOGIN_VALUE.match(str(entry.get(key) or "")) for key in _LOGIN_KEYS)
    )


_LOGIN_KEYS = ("auth", "identitytoken", "registrytoken", "password")
_LOGIN_VALUE = re.compile(r"(?!\$|\{\{|<)\S")


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
# A reference to the environment's value (`$VAR`, `${VAR}`), or one with a default for when it
# is unset (`${VAR:-default}`, `${VAR-default}`, `${VAR:=default}`): compose and the shell then
# take the default, the one value the file gives.
_REFERENCE = re.compile(r"\$(?:\w+|\{\w+(?:(?::?[-=])(?P<default>[^}]*))?\})")


def dotenv_findings(text: str, name: str) -> list[str]:
    """The variables of a .env file that hold a secret-looking value: a known secret format
    whatever the name; in a .env, any value under a name with a credential's word (`KEY`,
    `TOKEN`, `SECRET`, `PASSWORD`) that is no reference (`$VAR`, a `*_URL`) and no boolean or
    duration, or one that fails the gate as an ENV's would. A template
    (`.env.example`) documents the settings: its values are judged as ENV values are, and a
    placeholder passes (`<your-key>`, `change-me`). A `${VAR:-default}` is judged by its
    default, which is what the file gives (`${DB_PASSWORD:-hunter2}` was a false pass)."""
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
        reference = _REFERENCE.fullmatch(value)
        if reference:  # the environment's value, or else the default: judged as written here
            value = reference.group("default") or ""
        if not value or key in found:
            continue
        if template:  # settings about a credential (TOKEN_TTL=15m) are documented there too
            secret = not _PLACEHOLDER.fullmatch(value) and is_finding(key, value)
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
