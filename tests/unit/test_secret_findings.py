"""What a secret finding says, word for word, and which names, values and files make one
(gofacts/secrets_scan.py); these sentences are what a user reads in the report."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from pytest_goimage.gofacts.credentials import value_kind
from pytest_goimage.gofacts.redaction import redact, secret_redactor, secret_values
from pytest_goimage.gofacts.secrets_scan import (
    Finding,
    candidate_files,
    config_findings,
    env_findings,
    file_finding,
    history_findings,
    mask,
)

GITHUB_TOKEN = "ghp_" + "a1" * 18
CERTIFICATE = b"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
HISTORY = "is recorded in the image history (`docker history` shows it); use a BuildKit secret mount instead"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("", "(short value)"), ("abcd", "(short value)"), ("abcde", "*** (5 characters)")],
)
def test_a_mask_shows_two_characters_and_the_length_of_values_longer_than_four(
    value: str, masked: str
) -> None:
    assert mask(value) == masked


def test_an_env_finding_says_where_the_value_is_and_what_it_looks_like() -> None:
    findings = env_findings({"API_TOKEN": "abc123xyz", "UPSTREAM": GITHUB_TOKEN})
    assert [finding.describe() for finding in findings] == [
        "ENV API_TOKEN: value *** (9 characters) is baked into the image config",
        "ENV UPSTREAM: value *** (40 characters) looks like a GitHub token and is baked into "
        "the image config",
    ]


@pytest.mark.parametrize(
    "value", ["/run/secrets/token", "~/.config/acme/token", "$API_TOKEN", "{{ .Token }}"]
)
def test_a_secret_name_holding_a_path_or_placeholder_is_no_finding(value: str) -> None:
    assert env_findings({"API_TOKEN": value}) == []


def test_a_build_argument_finding_says_it_is_in_the_history_and_what_to_use() -> None:
    lines = [
        "/bin/sh -c #(nop)  ENV A=1",
        "RUN |3 GO=1.26 NPM_TOKEN=abc=def\tghi API_KEY=k3y-value /bin/sh -c npm ci # buildkit",
        "RUN |1 NPM_TOKEN=second-value /bin/sh -c true # buildkit",
    ]
    assert history_findings(lines) == [
        Finding("build argument", "NPM_TOKEN", f"value *** (11 characters) {HISTORY}"),
        Finding("build argument", "API_KEY", f"value *** (9 characters) {HISTORY}"),
    ]


@pytest.mark.parametrize(
    ("path", "data", "detail"),
    [
        ("id_rsa", b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", "holds a private key"),
        (
            "srv/app/.env",
            b"# local\nDB_PASSWORD=hunter22\nexport STRIPE_API_KEY='sk-abc' # test key\nDEBUG=1\n",
            "is a .env file with secret-looking values (DB_PASSWORD, STRIPE_API_KEY)",
        ),
        (
            "srv/app/.env.prod",
            b"  api_key = x\n",
            "is a .env file with secret-looking values (api_key)",
        ),
        # A template's placeholders pass; a real value in it still fails, and so does a value
        # in a known secret format whatever it is wrapped in (the review's false passes).
        (
            "srv/app/.env.example",
            b"STRIPE_API_KEY=<your-stripe-key>\nJWT_SECRET=change-me\nDB_PASSWORD=s3cr3t-Pa55\n"
            b"AWS_KEY_ID=${AWS_KEY_ID:-AKIAIOSFODNN7EXAMPL3}\nGITHUB_TOKEN=your_ghp_7fQ2kL9x\n"
            b"ADMIN_PASSWORD=my-db-password-Pr0d!\n",
            "is a .env file with secret-looking values (DB_PASSWORD, AWS_KEY_ID, GITHUB_TOKEN, "
            "ADMIN_PASSWORD)",
        ),
        # A key that signs or encrypts is the key itself, in a .env and in ENV alike.
        (
            "srv/app/.env",
            b"ENCRYPTION_KEY=c2VjcmV0a2V5c2VjcmV0a2V5==\nJWT_SIGNING_KEY=supersecret\n",
            "is a .env file with secret-looking values (ENCRYPTION_KEY, JWT_SIGNING_KEY)",
        ),
        ("home/app/.netrc", b"machine h login u password p\n", "holds credentials"),
        ("home/app/.git-credentials", b"https://u:p@h\n", "holds credentials"),
        ("home/app/.pypirc", b"[pypi]\npassword = p\n", "holds credentials"),
        ("home/app/.aws/credentials", b"[default]\n", "holds credentials"),
        ("home/app/.npmrc", b"//registry/:_authToken=x\n", "holds an npm auth token"),
    ],
)
def test_a_key_or_credentials_file_is_a_finding_that_names_it(
    path: str, data: bytes, detail: str
) -> None:
    assert file_finding(path, data) == Finding("file", f"/{path}", detail)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("srv/.env", b"DEBUG=1\n"),
        # A user trial's template: placeholders only, and settings about a credential.
        (
            "app/.env.example",
            b"STRIPE_API_KEY=<your-stripe-key>\nJWT_SECRET=change-me\n"
            b"DB_PASSWORD=your-password-here\nAPI_TOKEN=${API_TOKEN}\nTOKEN_TTL=15m\n"
            b'SESSION_SECRET=""\n',
        ),
        # Names that only contain a credential's letters, references and settings (the second
        # review's false failures).
        (
            "srv/.env",
            b"MONKEY=1\nKEYCLOAK_URL=https://id.example.com\nTOKEN_URL=https://x/oauth/token\n"
            b"DB_PASSWORD=${DB_PASSWORD}\nAPI_KEY=$API_KEY\nTOKEN_TTL=15m\nKEY_ROTATION=false\n",
        ),
        # What a secret is called or where it is: the references an ENV's rule knows too.
        (
            "srv/.env",
            b"SECRET_NAME=orders-db-credentials\nSIGNING_KEY_ID=kid-2026-11\n"
            b"AUTH_TOKEN_HEADER=X-Api-Token\n"
            b"GCP_KMS_CRYPTO_KEY=projects/acme-prod/locations/global/keyRings/app/cryptoKeys/k\n",
        ),
        ("home/app/.netrc", b"  \n"),
        ("home/app/.npmrc", b"registry=https://registry.npmjs.org/\n"),
        ("srv/notes.txt", b"_authToken"),
        ("srv/.netrc.bak", b"machine h\n"),
    ],
)
def test_a_file_without_secrets_is_no_finding(path: str, data: bytes) -> None:
    assert file_finding(path, data) is None


def test_candidate_files_are_key_and_credential_names_once_each() -> None:
    """Trial 14: a key in /etc/ssl/private/ and one named `deploy_key` went unread (a false
    pass); the CA bundle's certificates and Debian's snakeoil key are no team's secret."""
    paths = [
        "srv/.env",
        "etc/ssl/private/site.key",
        "etc/ssl/private/ssl-cert-snakeoil.key",
        "etc/ssl/certs/ca-cert-ISRG_Root_X1.pem",
        "srv/tls.key",
        "srv/.env",
        "srv/app",
        "home/app/.ssh/deploy_key",
        "usr/share/filesvc/deploy-key",
        "srv/keyring.go",
        # A team's certificate bundle may hold its key (trial 17); the base image's hundreds
        # of public CA certificates are not read.
        "srv/certs/tls.crt",
        "etc/nginx/server.cer",
        "usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt",
        "etc/ssl/certs/ca-certificates.crt",
    ]
    assert candidate_files(paths) == [
        "etc/nginx/server.cer",
        "etc/ssl/private/site.key",
        "home/app/.ssh/deploy_key",
        "srv/.env",
        "srv/certs/tls.crt",
        "srv/tls.key",
        "usr/share/filesvc/deploy-key",
    ]


def test_every_id_file_is_read_as_an_ssh_key_but_not_its_public_half() -> None:
    """The README's `id_*`: a key named for its use (`id_github`) or a security key's
    (`id_ed25519_sk`) went unread, a false pass. A public key, and the glibc locale named
    `id_ID`, hold no secret."""
    paths = [
        "root/.ssh/id_github",
        "home/app/.ssh/id_deploy",
        "root/.ssh/id_ed25519_sk",
        "root/.ssh/id_ecdsa_sk",
        "root/.ssh/id_rsa",
        "srv/keys/id_rsa.old",
        "root/.ssh/id_rsa.pub",
        "root/.ssh/id_github.pub",
        "root/.ssh/id_ed25519-cert.pub",
        "usr/share/i18n/locales/id_ID",
        "usr/lib/locale/id_ID.utf8",
        "srv/idle",
        "srv/my_id_rsa/config.txt",
    ]
    assert candidate_files(paths) == [
        "home/app/.ssh/id_deploy",
        "root/.ssh/id_ecdsa_sk",
        "root/.ssh/id_ed25519_sk",
        "root/.ssh/id_github",
        "root/.ssh/id_rsa",
        "srv/keys/id_rsa.old",
    ]
    key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n"
    assert file_finding("root/.ssh/id_github", key) == Finding(
        "file", "/root/.ssh/id_github", "holds a private key"
    )


def test_a_redactor_masks_the_secret_looking_values_of_its_tables() -> None:
    redact = secret_redactor({"API_TOKEN": "abc123xyz", "GREETING": "hello world"})
    assert redact("abc123xyz says hello world") == "*** says hello world"


def test_secret_values_start_at_four_characters() -> None:
    assert secret_values({"API_TOKEN": "abcd", "DB_PASSWORD": "abc"}) == {"abcd"}


def test_the_secret_part_of_a_known_format_is_masked_on_its_own_too() -> None:
    """Trial 15: a Redis URL's password was masked in the URL but shown bare in Redis's own
    log line (`requirepass "..."`), whatever the setting holding the URL was called."""
    env = {"LEDGER_REDIS_URL": "redis://:Zq8vT3kLmN2pR7wX@{cache.endpoint}/0", "PORT": "8080"}
    assert secret_values(env) == {env["LEDGER_REDIS_URL"], "Zq8vT3kLmN2pR7wX"}
    assert redact("using Zq8vT3kLmN2pR7wX", secret_values(env)) == "using ***"
    line = """>>> 'requirepass "Zq8vT3kLmN2pR7wX" "extra"'"""
    assert redact(line) == """>>> 'requirepass "***" "extra"'"""


def test_the_pieces_a_url_parser_splits_an_unencoded_password_into_are_masked_too() -> None:
    """Trial 16: with a raw `@` in the password, pgx took the part after it for the host and
    logged `lookup Qz9-s3cret@db: no such host` 60 times."""
    env = {"DATABASE_URL": "postgres://orders:Xy7@Qz9-s3cret@{db.endpoint}/orders"}
    assert secret_values(env) == {env["DATABASE_URL"], "Xy7@Qz9-s3cret", "Qz9-s3cret"}
    assert redact("lookup Qz9-s3cret@db: no such host", secret_values(env)) == (
        "lookup ***@db: no such host"
    )


def test_go_s_invalid_port_error_on_a_password_with_a_slash_shows_none_of_it() -> None:
    """Trial 17: net/url took the password's start, up to its raw `/`, for a port, and the
    service logged `invalid port ":Mv8xQ2k" after host`; a 7-character piece was not masked.
    A short piece is masked there, and a split-off piece from 4 characters anywhere, unless
    it is one plain word or number."""
    env = {"REDIS_URL": "redis://:Mv8xQ2k/Rt5-redis@cache:6379/0"}
    logged = '{"err":"redis url: parse \\"%s\\": invalid port \\":%s\\" after host"}'
    assert redact(logged % (env["REDIS_URL"], "Mv8xQ2k"), secret_values(env)) == (
        logged % ("***", "***")
    )
    assert redact('invalid port ":Mv8" after host', []) == 'invalid port ":***" after host'
    assert redact("dial Mv8xQ2k", secret_values(env)) == "dial ***"
    plain = {"REDIS_URL": "redis://:cache/2024/Rt5-redis@cache:6379/0"}
    assert redact("the cache of 2024", secret_values(plain)) == "the cache of 2024"
    # The review: a word, a capitalised word or a version a piece happens to be stays readable.
    for password, text in (
        ("Prod/9xQ-2b!", "ProductionService"),
        ("abc/Healthy", "Healthy"),
        ("v1.2/Zk9-77x", "v1.25.3"),
    ):
        assert redact(text, secret_values({"URL": f"redis://:{password}@c/0"})) == text
    # An unexpanded variable or digits in the port are a configuration's, not a password.
    for port in ("${DB_PORT}", "8080abc"):
        assert redact(f'invalid port ":{port}" after host', []) == (
            f'invalid port ":{port}" after host'
        )


def test_the_key_material_of_a_multi_line_secret_is_masked_wherever_its_lines_are_prefixed() -> (
    None
):
    key = (
        "-----BEGIN PRIVATE KEY-----\n"
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
        "  Zm9vYmFyYmF6cXV1eDEy\n"
        "}\n"
        "-----END PRIVATE KEY-----\n"
    )
    values = secret_values({"TLS_PRIVATE_KEY": key, "GREETING": "hello\nworld, again"})
    assert values == {
        key,
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
        "Zm9vYmFyYmF6cXV1eDEy",  # indented in the value: an output may indent it otherwise
    }
    build_log = (
        "#8 0.214 -----BEGIN PRIVATE KEY-----\n"
        "#8 0.214 MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
    )
    assert redact(build_log, values) == "#8 0.214 -----BEGIN PRIVATE KEY-----\n#8 0.214 ***\n"


def test_only_the_key_material_of_a_credential_file_is_masked_not_its_words() -> None:
    """Lines of a structured secret are masked by their runs of 16 or more characters without
    a space, quote or separator: the key id, not `[default]` or `clusters: 2`."""
    credentials = (
        "[default]\n"
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        "region = eu-west-1\n"
    )
    values = secret_values({"AWS_CREDENTIALS": credentials})
    text = "profile [default] in eu-west-1 has wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert redact(text, values) == "profile [default] in eu-west-1 has ***"


def test_a_json_credential_is_a_secret_but_a_placeholder_is_not() -> None:
    """A value that starts with `{` was taken for the plugin's placeholder and never masked."""
    credential = (
        '{\n  "type": "service_account",\n'
        '  "private_key_id": "0123456789abcdef0123456789abcdef",\n'
        '  "client_email": "ci@project.iam.gserviceaccount.com"\n}'
    )
    values = secret_values(
        {
            "GOOGLE_CREDENTIALS_SECRET": credential,
            "STORAGE_SECRET_KEY": "{minio.secret_key}",
            "DB_PASSWORD": "{db.password}{db.suffix}",
        }
    )
    assert credential in values
    assert "0123456789abcdef0123456789abcdef" in values
    assert not {v for v in values if v.startswith("{") and v != credential}


@pytest.mark.parametrize(
    ("name", "value", "found"),
    [
        # A key that signs, encrypts or unlocks is a credential by its name (the review: an
        # ENCRYPTION_KEY baked into an image passed).
        ("JWT_SIGNING_KEY", "supersecret", True),
        ("ENCRYPTION_KEY", "c2VjcmV0a2V5c2VjcmV0a2V5==", True),
        ("SESSION_KEY", "x8d9s0", True),
        # Settings about such a key, and keys that are no credentials, pass.
        ("SESSION_KEY_PREFIX", "sess:", False),
        ("MASTER_KEY_ROTATION", "30d", False),
        ("CACHE_KEY", "users", False),
        ("S3_KEY", "uploads/avatar.png", False),
        # Where such a key is kept and how it is written (the second review's false failures).
        ("SESSION_KEYSPACE", "sessions", False),
        ("KMS_MASTER_KEY_ARN", "arn:aws:kms:eu-west-1:123456789012:key/abc", False),
        ("MASTER_KEY_ALIAS", "alias/app", False),
        ("CRYPTO_KEY_RING", "app-ring", False),
        ("HMAC_KEY_ENCODING", "base64", False),
        ("ENCRYPTION_KEY_FORMAT", "hex", False),
        ("JWT_KEY_SET", "https://auth.example.com/jwks.json", False),
        ("SESSION_KEY_COOKIE", "sid", False),
        ("LICENSE_KEY_SERVER", "lic.example.com", False),
        ("PUBLIC_KEY", "ssh-ed25519 AAAAC3Nza", False),
        # A key's name in a cloud key service, under the key's own name (the review's false
        # failure), as SOPS writes it too; key material under such a name still fails.
        (
            "GCP_KMS_CRYPTO_KEY",
            "projects/acme-prod/locations/global/keyRings/app/cryptoKeys/tokens",
            False,
        ),
        ("DB_PASSWORD", "projects/acme-prod/secrets/db-password/versions/latest", False),
        ("SOPS_KMS_KEY", "awskms:///arn:aws:kms:eu-west-1:123456789012:alias/sops", False),
        ("SECRET_KEY", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbC123", False),
        ("ENCRYPTION_KEY", "projects/Kq8vR2mZpL4xT9wB3nY7cF1s/keys", True),
        ("ENCRYPTION_KEY", "Kq8vR2mZpL4xT9wB3nY7cF1sprojects/acme-prod/keys/x", True),
        # Trial 17's false passes: gorilla/securecookie's keys, a CSRF key, a password's
        # short form; the shell's own PWD and settings about such a key still pass.
        ("COOKIE_HASH_KEY", "hash-key-for-cookies-2026", True),
        ("SESSION_BLOCK_KEY", "0123456789abcdef", True),
        ("CSRF_KEY", "csrf-auth-key-32-bytes-long-here", True),
        ("csrfKey", "Zz9aa8bbcc", True),
        ("LDAP_BIND_PW", "Xk39fmq2", True),
        ("bindPw", "q8Wm3ncz", True),
        ("PWD", "/app", False),
        ("OLDPWD", "/srv", False),
        ("CSRF_KEY_TTL", "12h", False),
        ("BLOCKSIZE", "4096", False),
        # Names, not keys (the review's false failures).
        ("DYNAMODB_HASH_KEY", "pk", False),
        ("REDIS_HASH_KEY", "sessions", False),
        ("BLOCK_KEY", "height", False),
        ("COOKIE_KEY", "session_id", False),
        ("CSRF_COOKIE_KEY", "csrf_token", False),
        ("SECURECOOKIE_BLOCK_KEY", "0123456789abcdef0123456789abcdef", True),
        # Trial 18: shown in a service's log and passed in an image's ENV.
        ("REDIS_CREDS", "Bb22CredsVal9x", True),
        ("WEBHOOK_HMAC", "Ii99HmacVal7q", True),
        ("SIGNING_SALT", "Hh88SaltVal", True),
        ("REDIS_REQUIREPASS", "q7Hx2pLm9Vt4", True),
        ("SALT_ROUNDS", "10", False),
        ("HMAC_ALGORITHM", "sha256", False),
        ("CREDS_FILE", "run/secrets/creds", False),
        ("BASALT_LAYER", "rock", False),
    ],
)
def test_keys_that_sign_or_encrypt_are_credentials(name: str, value: str, found: bool) -> None:
    assert bool(env_findings({name: value})) is found


def test_the_teams_configuration_files_are_read_but_not_the_base_images() -> None:
    """Round 9's false pass: a GCP service-account JSON with its private key, an app.yaml with
    an AWS key, picked by name alone, were never read."""
    paths = [
        "app/config/service-account.json",
        "srv/app.yaml",
        "home/app/.kube/config",
        "usr/share/doc/pkg/example.json",
        "etc/apk/repositories.conf",
        "etc/ssl/openssl.cnf.json",
        "go/pkg/mod/example.com/x@v1/testdata/k.json",
        "app/web/node_modules/left-pad/package.json",
        "app/bin/server",
        # A service's own configuration in /etc/<service>/ (the review's false pass).
        "etc/myapp/config.yaml",
    ]
    assert candidate_files(paths) == [
        "app/config/service-account.json",
        "etc/myapp/config.yaml",
        "home/app/.kube/config",
        "srv/app.yaml",
    ]


@pytest.mark.parametrize(
    ("path", "data", "detail"),
    [
        (
            "srv/app.yaml",
            b"aws:\n  access_key_id: AKIAIOSFODNN7EXAMPL3\n",
            "holds an AWS access key id",
        ),
        ("srv/ci.json", b'{"token": "glpat-abcdefghijklmnopqrstuvwx"}', "holds a GitLab token"),
        # Trial 16: a production database's password in the service's own configuration.
        (
            "etc/ordersvc/config.yaml",
            b"db:\n  url: postgres://orders:Pr0d-0rders-pw@orders-db.prod.internal/orders\n",
            "holds a password in a URL",
        ),
        (  # a local default beside the production value hides nothing
            "app/config.yaml",
            b"dev:\n  url: postgres://app:x9@localhost/app\n"
            b"prod:\n  url: postgres://app:Pr0d-0rders-pw@prod-db/app\n",
            "holds a password in a URL",
        ),
        (
            "app/config.toml",
            b'[db]\ndsn = "host=orders-db user=app password=Pr0d-0rders-pw dbname=app"\n',
            "holds a password in a connection string",
        ),
        # A DSN's host and user are its own: not a comment's nor another DSN's on its line.
        (
            "app/config.yaml",
            b'dsn: "host=orders-db user=app password=Pr0d-pw dbname=app"  # dev: host=localhost\n',
            "holds a password in a connection string",
        ),
        (
            "app/config.yaml",
            b'db: {primary: "host=db.prod password=Pr0d-pw", replica: "host=localhost"}\n',
            "holds a password in a connection string",
        ),
        (
            "app/config.yaml",
            b'dsn: "host=db password=Pr0d-pw"  # user=Pr0d-pw\n',
            "holds a password in a connection string",
        ),
        # helper-122's false passes: a YAML flow list of a local and a production DSN, a host
        # list with a production host after localhost (libpq, pgx), and a `;`-joined line.
        (
            "app/config.yaml",
            b"dsns: [host=localhost password=dev1x, host=db.prod password=Pr0d-pw]\n",
            "holds a password in a connection string",
        ),
        (
            "app/config.yaml",
            b"dsn: host=localhost,db.prod user=app password=Pr0d-pw\n",
            "holds a password in a connection string",
        ),
        (
            "app/config.yaml",
            b"url: postgres://app:Pr0d-pw@localhost:5432,db.prod:5432/app\n",
            "holds a password in a URL",
        ),
        (
            "app/app.ini",
            b"primary=host=db.prod password=Pr0d-pw;replica=host=localhost\n",
            "holds a password in a connection string",
        ),
        # The review: libpq's `?host=` overrides a URL's empty host list; a DSN's last host=
        # is the one used, and hostaddr= is where libpq connects.
        (
            "app/config.yaml",
            b"url: postgres://app:Pr0d-pw@/app?host=db.prod.internal\n",
            "holds a password in a URL",
        ),
        ("app/config.yaml", b"url: postgres://app:Pr0d-pw@\n", "holds a password in a URL"),
        (
            "app/config.yaml",
            b"dsn: host=127.0.0.1 host=db.prod user=app password=Pr0d-pw\n",
            "holds a password in a connection string",
        ),
        (
            "app/config.yaml",
            b"dsn: host=localhost hostaddr=10.1.2.3 user=app password=Pr0d-pw\n",
            "holds a password in a connection string",
        ),
        # An XML comment is taken out, not put in the key's way.
        (
            "app/web.xml",
            b"<add key='db' value='<!-- rotated -->Password=Pr0d-pw;Server=db.prod' />\n",
            "holds a password in a connection string",
        ),
    ],
)
def test_a_token_in_a_configuration_file_is_a_finding(path: str, data: bytes, detail: str) -> None:
    assert file_finding(path, data) == Finding("file", f"/{path}", detail)


def test_a_certificate_bundle_that_holds_its_private_key_is_a_finding() -> None:
    """Trial 17: `cat tls.key tls.crt > /srv/certs/tls.crt` passed, as .crt was never read."""
    key = b"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----\n"
    assert candidate_files(["srv/certs/tls.crt"]) == ["srv/certs/tls.crt"]
    assert file_finding("srv/certs/tls.crt", CERTIFICATE + key) == Finding(
        "file", "/srv/certs/tls.crt", "holds a private key"
    )
    assert file_finding("srv/certs/tls.crt", CERTIFICATE) is None


def test_a_file_in_the_run_time_secrets_folder_is_a_finding_unless_empty() -> None:
    """Trial 17: `COPY deploy/secrets/ /run/secrets/` for a `*_FILE` variable passed."""
    assert candidate_files(
        ["run/secrets/s3_secret", "var/run/secrets/token", "app/run/secrets/x", "run/secretsx"]
    ) == ["run/secrets/s3_secret", "var/run/secrets/token"]
    found = file_finding("run/secrets/s3_secret", b"Hq2-staging-s3-77Lm\n")
    assert found is not None and found.detail.startswith("is in the folder where Docker")
    assert file_finding("run/secrets/.keep", b"\n") is None
    # A service account's public files are no secret; its token is. Its CA certificate is
    # read as every certificate is, for a private key beside it.
    account = "var/run/secrets/kubernetes.io/serviceaccount/"
    assert candidate_files([account + "ca.crt", account + "namespace", account + "token"]) == [
        account + "ca.crt",
        account + "token",
    ]
    assert file_finding(account + "ca.crt", CERTIFICATE) is None
    assert file_finding(account + "token", b"eyJhbGciOiJSUzI1NiJ9.e30.sig\n") is not None
    # A specific kind still says what it is.
    assert file_finding(
        "run/secrets/tls.key", b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"
    ) == Finding("file", "/run/secrets/tls.key", "holds a private key")


@pytest.mark.parametrize(
    "sample",
    [
        b'{"dsn": "postgres://app:app@localhost/app", "auth": "Bearer abcdefghijklmnop1"}',
        b"aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n",  # AWS's documented example key
        b'{"firebase": {"apiKey": "AIzaSyD-1a2b3c4d5e6f7g8h9i0jklmnopqrstu"}}',  # a browser key
        # A local default, a password that repeats its user, a sample word, a commented
        # example, a variable: none is a deployment's secret.
        b"dsn: postgres://app:s3cr3t-dev@127.0.0.1:5432/app\n",
        b"dsn: host=localhost user=app password=Hunter2pg dbname=app\n",
        # Every host of a list local (libpq's failover between two local servers).
        b"url: postgres://app:Hunter2pg@localhost:5432,127.0.0.1:5433/app\n",
        b"dsn: host=localhost,127.0.0.1 user=app password=Hunter2pg\n",
        b"url: postgres://app:Hunter2pg@/app?host=%2Fvar%2Frun%2Fpostgresql\n",
        b"dsn: host=/var/run/postgresql user=app password=Hunter2pg\n",
        # ADO.NET's keys with spaces are keys of the same DSN (helper-122's false failure).
        b"ConnectionString=Host=localhost;User ID=app;Password=devpass123;Database=app\n",
        b'conn: "Host=localhost;Persist Security Info=true;Password=devpass123"\n',
        b"url: postgres://orders:orders@orders-db/orders\n",
        b"url: postgres://orders:changeme@orders-db/orders\n",
        b"# url: postgres://orders:Pr0d-0rders-pw@orders-db/orders\nurl: ${DATABASE_URL}\n",
        # The DSN's host after its password is its host all the same.
        b"dsn: password=Hunter2pg host=localhost user=app\n",
        # A quoted value is judged without its quotes: a sample word, the user's name.
        b"dsn: host=db.prod user=app password='changeme'\n",
        b"dsn: host=db.prod user=appX password='appX'\n",
    ],
)
def test_a_sample_or_public_value_in_a_configuration_file_is_no_finding(sample: bytes) -> None:
    """Only issued secret token formats count in a file's text: docs and samples carry URLs
    with a password, `Bearer <token>` and AWS's example key; a web app's config.json ships its
    Google browser key on purpose (the review's false failures)."""
    assert file_finding("srv/config.json", sample) is None


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("assert 'jDB9KD0q2JPu...9SMANvAwpNHbb' == 'x'", "assert '***...***' == 'x'"),
        ("value 'jDB9KD0q2JPuXy...' was cut", "value '***...' was cut"),
        ('a "...wpNHbb" tail', 'a "...***" tail'),
        # Five characters of the key are not enough to mask, six are.
        ("'jDB9K...wpNHbb'", "'jDB9K...***'"),
        # base64 padding and separators are part of the secret (the review's leaks).
        ("assert 'Zx9kQ2mB7v...1wLp0sNc==' == 'x'", "assert '***...***' == 'x'"),
        ("x 'ab:defghijk...' y", "x '***...' y"),
        # pytest's repr of a message around the secret (the second review's leak).
        (
            "assert 'rejected token jDB9KD0q2J...wpNHbb for user alice' == 'x'",
            "assert 'rejected token ***...*** for user alice' == 'x'",
        ),
        # Outside a quoted repr, `...` is text: a log's "postgres... done" stays.
        ("Waiting for postgres... done", "Waiting for postgres... done"),
        ("KEY=jDB9KD0q... and ... and a.b...c", "KEY=jDB9KD0q... and ... and a.b...c"),
    ],
)
def test_the_ends_of_a_shortened_secret_are_masked(text: str, masked: str) -> None:
    secrets = [
        "jDB9KD0q2JPuXyZ1239SMANvAwpNHbb",
        "Zx9kQ2mB7vR4tY1wLp0sNc==",
        "ab:defghijklmnopq",
        "postgres-password-dev",
    ]
    assert redact(text, secrets) == masked


def test_a_long_word_after_a_shortened_repr_is_read_in_linear_time() -> None:
    """helper-117 timed this at 159 s: the `head...tail` pattern tried every start of the run."""
    text = "'... " + "a" * 200_000
    assert redact(text, ["jDB9KD0q2JPuXyZ1239SMANvAwpNHbb"]) == text


def test_many_shortened_words_on_one_line_are_read_in_linear_time() -> None:
    """helper-119 timed 1 MB of `ab...cd` words at 3.6 s: each word looked back along its whole
    line for a quote. Four times the words take about four times as long, not sixteen."""
    secret = "jDB9KD0q2JPuXyZ1239SMANvAwpNHbb"

    def seconds(words: int) -> float:
        text = "'" + "ab...cd " * words + "jDB9KD...wpNHbb'"
        return _cpu_seconds(lambda: redact(text, [secret]).endswith(" ***...***'"))

    assert seconds(160_000) < 8 * seconds(40_000)


def _cpu_seconds(work: Callable[[], object]) -> float:
    """The best of three CPU times of `work`: steadier than wall time on a loaded machine."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        assert work()
        best = min(best, time.process_time() - started)
    return best


def test_a_long_line_of_database_urls_in_a_config_file_is_read_in_linear_time() -> None:
    """helper-122: each URL's match read its whole line again (50 KB: 8.7 s; 1 MB did not end
    in 10 minutes); a line of DSN pairs was quadratic before that too."""
    for unit in ("postgres://u:pw12345x@localhost/db ", "host=localhost password=devpass1 "):

        def seconds(count: int, unit: str = unit) -> float:
            text = ("x: " + unit * count + "postgres://u:Pr0d-pw-77@db.prod/db\n").encode()
            return _cpu_seconds(lambda: file_finding("srv/config.yaml", text))

        assert seconds(8_000) < 8 * seconds(2_000)


def test_a_known_secret_format_in_a_label_or_command_is_a_finding() -> None:
    """Round 9's false pass: a `glpat-` token in a LABEL and a DSN with its key in CMD."""
    token = "glpat-" + "x1Y2z3A4b5C6d7E8f9G0"
    labels = {"com.acme.registry-token": token, "org.opencontainers.image.version": "1.4.2"}
    command = {"ENTRYPOINT": ["/app"], "CMD": ["--dsn", "https://k3y:s3cr3tpart@sentry.example/4"]}
    assert [(f.where, f.name) for f in config_findings(labels, command)] == [
        ("LABEL", "com.acme.registry-token"),
        ("CMD", "word 2"),
    ]
    assert config_findings({"maintainer": "team@example.com"}, {"CMD": ["serve"]}) == []


KUBECONFIG = b"""apiVersion: v1
clusters:
- cluster: {server: "https://k8s.example.com"}
  name: prod
users:
- name: deployer
  user:
    token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXBsb3llciJ9.c2lnbmF0dXJlLWJ5dGVz
"""


@pytest.mark.parametrize(
    "path",
    [
        "home/app/.kube/config",
        "srv/deploy.kubeconfig",
        "srv/kubeconfig",
        # Names the first narrowing missed (the second review's false pass).
        "app/admin-kubeconfig.yaml",
        "app/kubeconfig-prod",
        "app/kubeconfig.json",
    ],
)
def test_a_kubeconfig_with_a_users_token_is_a_finding(path: str) -> None:
    """Round 9: a kubeconfig's bearer token shipped unnoticed."""
    assert candidate_files([path]) == [path]
    assert file_finding(path, KUBECONFIG) == Finding(
        "file", f"/{path}", "is a kubeconfig with credentials (a token or key)"
    )
    # One that asks a command for the credentials at run time holds none, nor a template's.
    for value in (b"exec: {command: aws}\n    # eyJ", b'token: ""\n    # eyJ', b"token: ${K8S_"):
        assert file_finding(path, KUBECONFIG.replace(b"token: eyJ", value)) is None, value
    assert file_finding(path, KUBECONFIG.replace(b"token: eyJ", b"token: {{ .Token }} eyJ")) is None


@pytest.mark.parametrize(
    "path", ["app/templates/kubeconfig.tmpl", "src/internal/kubeconfig/kubeconfig.go"]
)
def test_a_file_only_named_for_kubeconfigs_is_no_kubeconfig(path: str) -> None:
    """The review: a generator's template and its Go source held `token: t` and failed."""
    assert file_finding(path, b"users:\n- user:\n    token: t,\n") is None


def test_an_env_file_by_its_other_usual_name_is_judged_as_a_dot_env() -> None:
    """Trial 12: `/etc/web/app.env` (compose's `env_file:`, systemd's EnvironmentFile=) with
    a GitHub token was not read at all; `.env.production` was. A template's name
    (`example.env`) documents the settings; Go's own go.env is the toolchain's, not read."""
    paths = ["etc/web/app.env", "app/prod.env", "app/example.env", "usr/local/go/go.env"]
    assert candidate_files(paths) == ["app/example.env", "app/prod.env", "etc/web/app.env"]
    data = (
        b"GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a\n"
        b"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLF\nDB_PASSWORD=hunter2prod\nLOG_LEVEL=info\n"
    )
    assert file_finding("etc/web/app.env", data) == Finding(
        "file",
        "/etc/web/app.env",
        "is an env file with secret-looking values (GITHUB_TOKEN, AWS_ACCESS_KEY_ID, DB_PASSWORD)",
    )
    assert file_finding("app/example.env", b"DB_PASSWORD=change-me\n") is None
    assert file_finding("app/prod.env", b"LOG_LEVEL=info\nPORT=8080\n") is None


DOCKER_LOGIN = b'{"auths": {"registry.example.com": {"auth": "ZGVwbG95OnMzY3JldC1wdw=="}}}'


@pytest.mark.parametrize(
    ("data", "registries"),
    [
        (DOCKER_LOGIN, ["registry.example.com"]),
        (
            b'{"auths": {"ghcr.io": {"identitytoken": "abc"}, "docker.io": {}}, "psFormat": ""}',
            ["ghcr.io"],
        ),
        # A credential helper keeps the login outside the file; an empty entry holds none.
        (b'{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}', []),
        (b'{"credHelpers": {"123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}}', []),
        (b'{"auths": ', []),  # not JSON: no login read, and no traceback
        (b'["auths"]', []),
        (b'{"auths": {"ghcr.io": {"registrytoken": "eyJhbGciOi"}}}', ["ghcr.io"]),
        # A template's variables, filled only where it is rendered, hold no login.
        (b'{"auths": {"ghcr.io": {"auth": "${REGISTRY_AUTH}"}, "q.io": {"auth": "{{ .A }}"}}}', []),
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "root/.docker/config.json",
        "kaniko/.docker/config.json",
        # podman, buildah and skopeo keep the same `auths` in auth.json.
        "root/.config/containers/auth.json",
        "run/containers/0/auth.json",
    ],
)
def test_a_docker_client_config_with_a_login_is_a_finding(
    data: bytes, registries: list[str], path: str
) -> None:
    """Trial 14's false pass: `COPY .docker/config.json /root/.docker/` after a `docker login`
    shipped the registry password (base64 in `auth`)."""
    assert path in candidate_files([path])
    finding = file_finding(path, data)
    if not registries:
        assert finding is None
        return
    assert finding == Finding(
        "file",
        f"/{path}",
        f"is a registry login file with credentials for {', '.join(registries)}; log in at "
        "build time with a BuildKit secret mount instead, or at run time",
    )
    assert "ZGVw" not in finding.describe()


def test_the_old_dockercfg_holds_its_registries_at_the_top_level() -> None:
    path = "root/.dockercfg"
    assert path in candidate_files([path])
    data = b'{"https://index.docker.io/v1/": {"auth": "ZGVwbG95OnB3", "email": "ci@example.com"}}'
    finding = file_finding(path, data)
    assert finding is not None and "credentials for https://index.docker.io/v1/;" in finding.detail
    assert (
        file_finding(path, b'{"https://index.docker.io/v1/": {"email": "ci@example.com"}}') is None
    )


@pytest.mark.parametrize("name", [".env.example", "example.env", ".env"])
def test_a_shell_default_in_an_env_file_is_judged_as_its_value_would_be(name: str) -> None:
    """The audit's false pass: `${DB_PASSWORD:-hunter2}` is `hunter2` wherever the variable is
    unset (compose, the shell), yet passed as a reference. No default, or an empty one, gives
    no value; a template's placeholder default passes."""
    text = (
        b"DB_PASSWORD=${DB_PASSWORD:-hunter2}\nAPI_TOKEN=${API_TOKEN-tok3n-Value}\n"
        b"SESSION_SECRET=${SESSION_SECRET:=s3ss10n}\nJWT_SECRET=${JWT_SECRET}\n"
        b"REDIS_PASSWORD=${REDIS_PASSWORD:-}\nADMIN_TOKEN=$ADMIN_TOKEN\nTOKEN_TTL=${TOKEN_TTL:-15m}\n"
    )
    what = "an env file" if name == "example.env" else "a .env file"
    assert file_finding(f"app/{name}", text) == Finding(
        "file",
        f"/app/{name}",
        f"is {what} with secret-looking values (DB_PASSWORD, API_TOKEN, SESSION_SECRET)",
    )


def test_a_templates_placeholder_default_passes_where_a_env_files_fails() -> None:
    text = b"STRIPE_KEY=${STRIPE_KEY:-<your-key>}\nDB_PASSWORD=${DB_PASSWORD:-changeme}\n"
    assert file_finding("app/.env.example", text) is None
    assert file_finding("app/.env", text) == Finding(
        "file", "/app/.env", "is a .env file with secret-looking values (STRIPE_KEY, DB_PASSWORD)"
    )


def test_a_packages_env_template_is_documentation_but_a_teams_env_file_is_read() -> None:
    """Trial 14's false failure: a package's `/usr/share/doc/<pkg>/.env.example` with MinIO's
    documented `minioadmin`. A template the team copies to /app is still read."""
    paths = [
        "usr/share/doc/minio-client/.env.example",
        "usr/share/doc/minio-client/examples/sample.env",
        "usr/share/app/.env",
        "app/.env.example",
    ]
    assert candidate_files(paths) == ["app/.env.example", "usr/share/app/.env"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgres://app:Xy$9kLmQ2@db:5432/app", "postgres://app:***@db:5432/app"),
        ("host=db password=Pa$$w0rd dbname=app", "host=db password=*** dbname=app"),
        ("password='Pa$$w0rd'", "password=***"),
        # A variable holds none: the shell fills it in.
        ('https://oauth2:"${TOKEN}"@gitlab.com/x', 'https://oauth2:"${TOKEN}"@gitlab.com/x'),
        ("https://ci:$CI_JOB_TOKEN@gitlab.com/x", "https://ci:$CI_JOB_TOKEN@gitlab.com/x"),
        (
            "https://ci:`cat /run/secrets/t`@gitlab.com/x",
            "https://ci:`cat /run/secrets/t`@gitlab.com/x",
        ),
    ],
)
def test_a_dollar_inside_a_password_is_part_of_it(text: str, masked: str) -> None:
    """A review found `Xy$9...` in a URL or DSN neither masked nor a finding: the patterns
    took any `$` for a variable."""
    assert redact(text) == masked
    assert (value_kind(text) is None) == (text == masked)


def test_a_sample_password_in_a_url_is_not_masked_in_every_word() -> None:
    """A review: `postgres://user:pass@db` masked "pass" everywhere ("3 ***ed")."""
    env = {"DATABASE_URL": "postgres://user:pass@db/app", "REDIS_URL": "redis://:redis@cache"}
    assert secret_values(env) == set(env.values())
    assert redact("3 passed; redis:7", secret_values(env)) == "3 passed; redis:7"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        # A review of session 28: a key left empty for the environment to fill, a DSN whose
        # password repeats its user, a commented XML example.
        ("etc/ordersvc/app.ini", b"[database]\nhost = db\nuser = app\npassword =\nname = app\n"),
        ("app/config.yaml", b'dsn: "host=db user=app password=app dbname=app"\n'),
        ("app/c6.xml", b"<!-- example: jdbc:postgresql://user:mypassword1@host/db -->\n<a/>\n"),
    ],
)
def test_an_empty_key_a_repeated_user_or_an_xml_comment_is_no_finding(
    path: str, data: bytes
) -> None:
    assert file_finding(path, data) is None


def test_a_compact_json_log_line_is_no_url_password() -> None:
    line = '{"upstream":"http://auth:9000","path":"/login","user":"alice@example.com"}'
    assert redact(line) == line
    assert env_findings({"APP_CONFIG": line}) == []


def test_a_history_line_quoted_in_a_repr_is_masked_whole() -> None:
    text = repr(["|1 DB_PASSWORD=correct horse battery /bin/sh -c make"])
    assert redact(text) == "['|1 DB_PASSWORD=*** /bin/sh -c make']"


NETRC_LINE = "machine git.acme.io login ci password Tz8kq2LmW9"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (NETRC_LINE, "machine git.acme.io login ci password ***"),
        # As a RUN writes it, quoted: the closing quote stays.
        (
            f'echo "{NETRC_LINE}" > ~/.netrc',
            'echo "machine git.acme.io login ci password ***" > ~/.netrc',
        ),
        (
            "default login bot account ops password Q7w-e9r2t",
            "default login bot account ops password ***",
        ),
        # A variable or a placeholder is no password.
        (
            "machine github.com login x password $GITHUB_TOKEN",
            "machine github.com login x password $GITHUB_TOKEN",
        ),
        ('machine github.com password "${PW}"', 'machine github.com password "${PW}"'),
    ],
)
def test_a_netrc_entry_s_password_is_masked_wherever_it_shows(text: str, masked: str) -> None:
    """Trial 20: the usual way to reach private Go modules, a netrc in a build argument."""
    assert redact(text) == masked


def test_a_netrc_entry_in_a_build_argument_is_a_finding_whatever_the_argument_is_called() -> None:
    lines = [f"RUN |2 GIT_AUTH={NETRC_LINE} GO=1.26 /bin/sh -c true # buildkit"]
    assert history_findings(lines) == [
        Finding(
            "build argument",
            "GIT_AUTH",
            f"value *** (48 characters) looks like a password in netrc form and {HISTORY}",
        )
    ]


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("NETRC", True),
        ("GIT_NETRC", True),
        ("LDAP_BINDPW", True),
        # A netrc's parts and where it is are no credential by name (its value's form is).
        ("NETRC_FILE", False),
        ("NETRC_MACHINE", False),
        ("NETRC_LOGIN", False),
    ],
)
def test_netrc_and_bind_password_names_hold_credentials(name: str, found: bool) -> None:
    """Trial 20: `ENV LDAP_BINDPW=...` (OpenLDAP's setting) and a netrc's text in NETRC."""
    assert [f.name for f in env_findings({name: "Hunter2-Prod88"})] == ([name] if found else [])


def test_a_percent_encoded_url_password_is_masked_as_the_service_decodes_it() -> None:
    """Trial 20: a Go service logged url.Parse's decoded password (`P@ss...`)."""
    env = {"DATABASE_URL": "postgres://app:P%40ssw0rdXy9@{db.endpoint}/app"}
    shown = "db password decoded: P@ssw0rdXy9; url postgres://app:P%40ssw0rdXy9@db/app"
    assert redact(shown, secret_values(env)) == (
        "db password decoded: ***; url postgres://app:***@db/app"
    )
