"""Which ENV values and build arguments fail the `secrets` gate (gofacts/secrets_scan.py): a
setting about a credential (TOKEN_TTL=15m, SECRET_STORE=vault) passes, the credential fails.

A false failure teaches teams to switch the check off; a false pass ships a secret. The rows
are modelled on real Dockerfiles, compose and .env files; the gate must not unmask anything
outputs masked before."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.redaction import secret_values
from pytest_goimage.gofacts.secrets_scan import env_findings, history_findings

GITHUB_TOKEN = "ghp_" + "a1" * 18
# gitleaks' generic-api-key sample secret: random key material.
RANDOM_KEY = "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"

# Settings about a credential, each a false failure of the name-only rule.
SETTINGS: list[tuple[str, str]] = [
    # Go's GOAUTH (1.24+) says how the go command authenticates, never with what (a review).
    ("GOAUTH", "netrc"),
    ("GOAUTH", "git /src"),
    ("GOAUTH", "off"),
    # Where a service finds its auth service (a review's false failures).
    ("AUTH_SERVICE_ADDR", "auth:9000"),
    ("AUTH_ADDRESS", "auth.internal:443"),
    ("AUTH0_DOMAIN", "myapp.eu.auth0.com"),
    ("AUTH_REALM", "myrealm"),
    # The user trial.
    ("TOKEN_TTL", "15m"),
    ("SECRET_STORE", "vault"),
    ("GITHUB_TOKEN_ENV", "GH_TOKEN"),
    ("AUTH_MODE", "jwt"),
    ("OAUTH_ISSUER", "https://auth.example.com"),
    ("JWT_SECRET_ROTATION_DAYS", "30"),
    ("TOKEN_EXPIRY", "3600"),
    ("SESSION_SECRET_LENGTH", "64"),
    # Official images' own switches (postgres, mysql/mariadb, grafana).
    ("POSTGRES_HOST_AUTH_METHOD", "trust"),
    ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
    ("MYSQL_ALLOW_EMPTY_PASSWORD", "1"),
    ("GF_AUTH_ANONYMOUS_ENABLED", "true"),
    ("GF_AUTH_ANONYMOUS_ORG_ROLE", "Admin"),
    ("GF_AUTH_DISABLE_LOGIN_FORM", "true"),
    # How long a token lives, in seconds or with a unit.
    ("ACCESS_TOKEN_TTL", "100"),
    ("HLS_PLAYBACK_TOKEN_TTL", "720"),
    ("JWT_SECRET_EXPIRES_IN", "15m"),
    ("JWT_SECRET_EXPIRES", "24h"),
    ("API_TOKEN_EXPIRES_AT", "2030-01-01"),
    ("JWT_ACCESS_TOKEN_LIFETIME", "1440"),
    ("REFRESH_TOKEN_DURATION", "168h"),
    ("JWT_REFRESH_TOKEN_DURATION", "7d"),
    ("WORKER_TOKEN_REFRESH_INTERVAL_MS", "3600000"),
    ("KOAUTH_TIMEOUT", "5000"),
    # Vault AppRole settings.
    ("SECRET_ID_TTL", "10m"),
    ("TOKEN_MAX_TTL", "4h"),
    ("TOKEN_POLICIES", "payment-service-read"),
    # Password policy.
    ("PASSWORD_MIN_LENGTH", "12"),
    ("PASSWORD_MAX_AGE", "90"),
    ("PASSWORD_REQUIRE_UPPERCASE", "true"),
    # Which kind, which backend, which algorithm.
    ("AUTH_PROVIDER", "ldap"),
    ("AUTH_PROVIDERS", "credentials"),
    ("AUTH_TYPE", "bearer_token"),
    ("TOKEN_TYPE", "jwt"),
    ("JWT_SECRET_ALGORITHM", "HmacSHA256"),
    ("EDGEX_SECURITY_SECRET_STORE", "false"),
    ("MODEL_GATEWAY_SECRET_STORE", "environment"),
    ("WAZUH_SECRET_BACKEND", "vault"),
    ("DISCORD_TOKEN_VAR", "DISCORD_TOKEN"),
    # Who issues a token, who it is for, who logs in, where the service listens.
    ("JWT_TOKEN_ISSUER", "localhost:3000"),
    ("MQTT1_TOKEN_AUDIENCE", "mqtt-us-v1.letsmesh.net"),
    ("TOKEN_AUDIENCE", "25872395-ed3a-4703-b647-22ec53f3683c"),
    ("AUTH_URI", "https://accounts.google.com/o/oauth2/auth"),
    ("TOKEN_URI", "https://oauth2.googleapis.com/token"),
    ("AUTH_HOST", "auth"),
    ("AUTH_PORT", "8080"),
    ("BASIC_AUTH_USER", "user"),
    ("MQTT1_USE_AUTH_TOKEN", "true"),
    ("ENABLE_AUTH", "1"),
    # OAUTH names the protocol, AUTHOR and AUTHORIZED no credential.
    ("OAUTH2_PROXY_VERSION", "7.4.0"),
    ("OAUTH2_PROXY_COMMIT", "42f1651ba5ab411e3216bd46f3c90bab153a2f13"),
    ("OAUTH2_PROXY_AUTHENTICATED_EMAILS", "self@example.com"),
    ("OAUTH2_PROXY_HTPASSWD_USER_GROUP", "write"),
    ("AUTHOR", "jane"),
    ("AUTHORIZED_KEYS", "**None**"),
    # PASS and PWD inside other words, and the shell's own folders.
    ("PWD", "/app"),
    ("OLDPWD", "srv"),
    ("HTTP_BYPASS", "internal"),
    ("PASSPORT_COUNTRY", "NL"),
    ("COMPASS_HEADING", "north"),
    # A pass of a process, not a password (a review's false failures).
    ("PASS_THROUGH", "headers"),
    ("NO_PASS", "build"),
    ("SKIP_PASS", "lint,vet"),
    ("FIRST_PASS", "analysis"),
    ("PASS_RATE", "0.95"),
    ("MIN_PASS_RATE", "high"),
    ("MULTI_PASS_ENCODE", "two"),
    # A camelCase build argument naming a file.
    ("apiTokenFile", "secrets/token"),
    # Trial 14: how hard a password is hashed, how many tries, and an LLM's tokens.
    ("PASSWORD_HASH_COST", "12"),
    ("PASSWORD_HASH_ROUNDS", "10"),
    ("PASSWORD_MAX_ATTEMPTS", "5"),
    ("LOGIN_PASSWORD_RETRIES", "3"),
    ("MAX_TOKENS", "4096"),
    ("OPENAI_MAX_TOKENS", "2048"),
    ("LLM_MAX_NEW_TOKENS", "512"),
    ("NUM_API_KEYS", "3"),
]

# Credentials: each must still fail, whatever the new exemptions.
CREDENTIALS: list[tuple[str, str]] = [
    ("API_TOKEN", GITHUB_TOKEN),
    ("DB_PASSWORD", "hunter2"),
    ("SECRET_KEY", "changeme123"),
    ("JWT_SECRET", "supersecretvalue"),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("PASSWORD", "vault"),  # a word as a credential's value is still a credential
    ("MYSQL_ROOT_PASSWORD", "root"),
    ("MYSQL_ROOT_PASSWORD", "123456"),  # a number is no setting when the name is a password
    ("DB_PASSWORD", "02052005"),
    ("SECRET_KEY", "12345678910111213141516171819202"),
    ("GF_SECURITY_ADMIN_PASSWORD", "admin"),
    ("GF_AUTH_GITHUB_CLIENT_SECRET", "xyz789"),
    ("OAUTH2_PROXY_COOKIE_SECRET", "__24_BYTE_COOKIE_SECRET_"),
    ("SDP_ACCESS_TOKEN", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl"),
    ("EXT_JNJ_JWT_SECRET", "dGhpcy1pcy1hLXNlY3JldC1rZXktZm9yLWxvY2FsLWRldmVsb3BtZW50"),
    ("SECRET_KEY_BASE", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),  # Rails: BASE is no setting
    ("WORDPRESS_AUTH_SALT", "k3y-s4lt-v4lue"),
    ("AUTHORIZATION", "Bearer abc123"),
    ("BASIC_AUTH", "admin:s3cret"),
    ("GITHUB_OAUTH", "0f1e2d3c4b5a"),  # OAUTH as the last word is the credential
    ("AUTH_HEADER_VALUE", "Bearer abc123"),  # the header's value, not its name
    # A setting's name does not excuse a credential in its value.
    ("TOKEN_TTL", RANDOM_KEY),
    ("SECRET_STORE", GITHUB_TOKEN),
    ("OAUTH_ISSUER", "https://admin:s3cretpw@auth.example.com"),
    # A review's false passes: credentials under names whose last word is a setting word, an
    # OAUTH name that ends in KEY, and a camelCase password.
    ("BASIC_AUTH_USERS", "alice:s3cr3tpass,bob:hunter22"),
    ("TRAEFIK_HTTP_MIDDLEWARES_AUTH_BASICAUTH_USERS", "admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTr"),
    ("AUTH_METHOD", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sflKxwRJSMeKKF2QT4fw"),
    ("AUTH_TYPE", "Basic dXNlcjpwYXNzd29yZA=="),
    ("OAUTH_SIGNING_KEY", "Zx8Qp2Lk9Vb7Nm4Rt6Yw1Hs3Jd5Fg0Ae"),
    ("OAUTH_CONSUMER_KEY", "ck_live_abcdef"),
    ("dbPassWord", "hunter2hunter2"),
    ("PassWd", "hunter2"),
    # A user trial's false passes: MySQL's own MYSQL_PWD, and the everyday _PASS and _PWD.
    ("MYSQL_PWD", "Hunter2-prod-pw"),
    ("DB_PASS", "dbpass-value-777"),
    ("REDIS_PASS", "s3cret"),
    ("DB_PWD", "dbpwd-value-888"),
    ("smtpPass", "mailpass123"),
    ("PASSPHRASE", "correct horse battery"),
    ("SSH_KEY_PASSPHRASE", "abc12345"),
    ("GITHUB_TOKEN_ENV", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    # A header's value under a name that holds references (`_HEADER`): its format decides.
    ("AUTH_HEADER", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
    ("UPSTREAM_AUTHORIZATION_HEADER", "Basic dXNlcjpwYXNzd29yZA=="),
    # A count's name excuses a number only: a key under it, or a number under another name.
    ("MAX_TOKENS", "sk-proj-" + "Qm7vK2pX9rT4wB8nL3sD6fH1jG5cZ0yA" * 2),
    ("MAX_TOKENS", "hunter2hunter2"),
    ("DB_PASSWORD_PROD", "123456"),
    ("PASSWORD_HASH_COST", "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"),
]


def _fails(name: str, value: str) -> bool:
    return bool(env_findings({name: value}))


@pytest.mark.parametrize(("name", "value"), SETTINGS, ids=[f"{n}={v}" for n, v in SETTINGS])
def test_a_setting_about_a_credential_passes(name: str, value: str) -> None:
    assert not _fails(name, value)


@pytest.mark.parametrize(
    ("name", "value"), CREDENTIALS, ids=[f"{n}={v[:12]}" for n, v in CREDENTIALS]
)
def test_a_credential_still_fails(name: str, value: str) -> None:
    assert _fails(name, value)


def test_build_arguments_in_the_history_are_judged_alike() -> None:
    """A build argument is the same name and value as an ENV line: the same verdict."""
    rows = [(n, v) for n, v in SETTINGS + CREDENTIALS if " " not in v]
    lines = [f"RUN |1 {name}={value} /bin/sh -c true # buildkit" for name, value in rows]
    failing = [finding.name for finding in history_findings(lines)]
    assert sorted(set(failing)) == sorted({n for n, v in rows if _fails(n, v)})


def test_every_value_the_gate_fails_on_is_masked_in_outputs() -> None:
    """The gate fails on a subset of what outputs mask, never on a value a log still prints."""
    for name, value in SETTINGS + CREDENTIALS:
        if _fails(name, value) and len(value) >= 4:
            assert value in secret_values({name: value}), name


def test_settings_that_now_pass_are_still_masked() -> None:
    """Passing the gate unmasks nothing: masking a setting is harmless, failing on it is not."""
    settings = {
        "SECRET_STORE": "vault",
        "GITHUB_TOKEN_ENV": "GH_TOKEN",
        "OAUTH_ISSUER": "https://auth.example.com",
        "TOKEN_EXPIRY": "3600",
        "AUTHOR": "jane",
        "OAUTH2_PROXY_COMMIT": "42f1651ba5ab411e3216bd46f3c90bab153a2f13",
    }
    assert not env_findings(settings)
    assert secret_values(settings) == set(settings.values())


# The last words that make a name a setting about a credential, singular and plural.
SETTING_WORDS = (
    *("TTL", "EXPIRY", "EXPIRE", "EXPIRES", "EXPIRATION", "TIMEOUT", "LIFETIME", "DURATION"),
    *("INTERVAL", "AGE", "ROTATION", "MS", "SECONDS", "MINUTES", "HOURS", "DAYS"),
    *("LENGTH", "LEN", "SIZE", "BITS", "COUNT", "USES", "MIN", "MAX", "LIMIT"),
    *("STORE", "BACKEND", "PROVIDER", "TYPE", "MODE", "METHOD", "ALGORITHM", "ALG"),
    *("ENV", "VAR", "POLICIES", "SCOPES", "ENABLED", "DISABLED", "REQUIRED"),
    *("ISSUER", "AUDIENCE", "USER", "EMAIL", "GROUP", "ROLE", "URI", "HOST", "PORT"),
    *("VERSION", "COMMIT", "FILE", "PATH", "DIR", "URL", "ENDPOINT", "ID", "HEADER", "NAME"),
)


@pytest.mark.parametrize("word", SETTING_WORDS)
def test_a_setting_word_excuses_only_the_name_it_ends(word: str) -> None:
    """DEPLOY_TOKEN_<WORD> is a setting; DEPLOY_<WORD>_TOKEN is still the token. camelCase
    build arguments read alike."""
    camel = "deployToken" + word.capitalize()
    assert env_findings({f"DEPLOY_TOKEN_{word}": "value-1", camel: "value-1"}) == []
    assert [f.name for f in env_findings({f"DEPLOY_{word}_TOKEN": "value-1"})] == [
        f"DEPLOY_{word}_TOKEN"
    ]


@pytest.mark.parametrize(
    ("value", "fails"),
    [
        (RANDOM_KEY, True),
        (RANDOM_KEY[:20], True),
        (RANDOM_KEY[:19], False),  # shorter than 20: a setting's word or code
        (RANDOM_KEY.lower(), False),  # one case: a hex digest, a UUID
        (RANDOM_KEY.upper(), False),  # one case: an environment variable's name
        ("".join(c for c in RANDOM_KEY if not c.isdigit()), False),  # no digit: words
        ("Aa1Bb2Cc3Dd" * 2, False),  # 11 symbols evenly: 3.46 bits a character
        ("Aa1Bb2Cc3DdE" * 2, True),  # 12 symbols evenly: 3.58 bits a character
        (RANDOM_KEY + ":" + RANDOM_KEY, True),  # key material either side of a separator
        ("vault.internal:8200", False),  # a host:port
        ("arn:aws:kms:eu-west-1:123456789012:key/abcd", False),  # an ARN
    ],
)
def test_a_setting_holding_key_material_still_fails(value: str, fails: bool) -> None:
    """Key material under a setting's name fails: one run of 20 or more token characters, both
    cases and a digit, and at least gitleaks' 3.5 bits of entropy a character."""
    assert _fails("TOKEN_TTL", value) is fails
