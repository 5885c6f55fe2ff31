"""Credentials a service's own YAML, JSON or TOML configuration writes in as plain values
(`database: {password: s3cr3t-prod}`), told apart as an ENV's would be (`is_finding`) and from
local defaults and samples, as config_passwords does for URLs and DSNs (trial 12: a literal
`password:` in /etc/app/config.yaml passed)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from .config_ini import ini_document, reads_as_ini
from .config_passwords import is_local_default
from .credentials import TOKEN_FORMATS, is_finding, value_kind

STRUCTURED_CONFIG = re.compile(r"(^|/)[^/]+\.(json|ya?ml|toml)$")
# Translations map words to words: `{"password": "Passwort"}` is a label, not a credential.
_TRANSLATIONS = re.compile(
    r"(^|/)(locales?|i18n|l10n|lang|langs|languages|translations?)/"
    r"|(^|/)(active\.)?[a-z]{2,3}([-_][A-Za-z]{2,4})?\.(json|ya?ml|toml)$"
)
# Where a value only says where the credential is: a variable (`env:DB_PASSWORD`, `%(pw)s`,
# `#{PW}`, ERB), a file (`./secrets/db`), a secret manager's name (`vault:`, `op://`, Azure's
# `@Microsoft.KeyVault(...)`), or sops' encrypted value (`ENC[AES256_GCM,...]`).
_REFERENCE = re.compile(
    r"(?:env|environ|vault|file|secret|secrets|sm|ssm|awssm|secretsmanager|gcpsm|gsm|azkv|"
    r"keyvault|kms|op|doppler|sops|ref|k8s|kubernetes):(?://)?\S+"
    r"|%\(\w+\)s|#\{\w+\}|<%=.*%>|\.{0,2}/\S+|@Microsoft\.KeyVault\(.*\)|ENC\[\w+,.*\]",
    re.IGNORECASE,
)
_HOST_KEYS = ("host", "hostname", "addr", "address", "server")
_USER_KEYS = ("user", "username", "login")


def literal_credentials(path: str, text: str) -> list[str]:
    """The keys (dotted, from the document's top) whose values are credentials written into a
    parseable YAML, JSON, TOML or INI-style file at `path` (`database.PASSWD`); [] for another
    file, a translation, the OS's own settings or text that does not parse (a template:
    `password: {{ .Values.db }}`)."""
    if _TRANSLATIONS.search(path):
        return []
    if STRUCTURED_CONFIG.search(path):
        documents = _parsed(path, text)
    elif reads_as_ini(path):
        documents = [ini_document(text)]
    else:
        return []
    return [key for document in documents for key in _credential_keys(document, "")]


def _parsed(path: str, text: str) -> list[Any]:
    try:
        if path.endswith(".json"):
            return [json.loads(text)]
        if path.endswith(".toml"):
            return [tomllib.loads(text)]
        import yaml  # only for an image that ships a YAML file

        return list(yaml.safe_load_all(text))
    except (ValueError, RecursionError):  # tomllib's and json's errors are ValueErrors
        return []
    except Exception as error:  # PyYAML's YAMLError, imported lazily with it
        if type(error).__module__.startswith("yaml"):
            return []
        raise


def _credential_keys(node: Any, prefix: str) -> Iterator[str]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _credential_keys(item, f"{prefix}[{index}]")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        shown = _shown_key(str(key))
        path = f"{prefix}.{shown}" if prefix else shown
        if isinstance(value, (dict, list)):
            yield from _credential_keys(value, path)
        elif (
            isinstance(value, (str, int))
            and not isinstance(value, bool)
            and _is_credential(node, str(key), str(value))
        ):
            yield path


# A key that is itself key material (`tokens: {3f9a8c7d6e5b4a39281f: {...}}`): the finding names
# the path to the value, and must not print a token on the way (helper-137's review).
_KEY_MATERIAL = re.compile(r"(?=.*\d)[A-Za-z0-9+/=]{16,}")  # no separator, as a name has


def _shown_key(key: str) -> str:
    return "***" if _KEY_MATERIAL.fullmatch(key) else key


def _is_credential(mapping: dict[Any, Any], key: str, value: str) -> bool:
    """`key: value` fails as an ENV would, unless it is a label (words with spaces), a sample
    word, the user's own name or a password for a local host beside it."""
    if not is_finding(key, value) or re.search(r"\s", value.strip()):
        return False
    if _REFERENCE.fullmatch(value.strip()):
        return False
    if value_kind(value) is not None and value_kind(value, TOKEN_FORMATS) is None:
        # A format a file is not failed for (a URL's password, which config_password judges
        # with its host; a web app's Google browser key): the same here.
        return False
    # An INI file's keys are often in capitals (go-ini, Gitea's `USER =` and `HOST =`).
    siblings = {str(k).lower(): v for k, v in mapping.items()}
    user = next((str(siblings[k]) for k in _USER_KEYS if k in siblings), None)
    hosts = [str(siblings[k]) for k in _HOST_KEYS if isinstance(siblings.get(k), str)]
    return not is_local_default(value, user, hosts)
