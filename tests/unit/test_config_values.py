"""Credentials a service's YAML, JSON, TOML or INI-style configuration writes in as plain values (trial 12:
`password: ...` in /etc/app/config.yaml passed), on a corpus of configuration files written the
ways Go services' are: found where a deployment's value is written in, not where the file only
says where the value is kept, nor in a laptop's defaults, a translation or a template."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.config_values import literal_credentials
from pytest_goimage.gofacts.secrets_scan import Finding, file_finding

CORPUS = Path(__file__).parent / "corpus" / "configs"


def _keys(name: str, at: str = "etc/svc/") -> list[str]:
    return literal_credentials(at + name, (CORPUS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        (
            "orders-prod.yaml",
            ["database.password", "cache.password", "auth.jwt_signing_key"],
        ),
        (
            "payments.json",
            ["stripe.api_key", "stripe.webhook_secret", "db.password"],
        ),
        ("worker.toml", ["queue.password", "tenants[0].api_token"]),
        ("referenced.yaml", []),
        ("alertmanager.yml", ["global.smtp_auth_password"]),  # not the login's name
        ("local-dev.yaml", []),
        ("locales/de.json", []),
        ("labels.json", []),
        ("helm-values.yaml", []),  # a template: not YAML until rendered
        ("forge-app.ini", ["server.LFS_JWT_SECRET", "database.PASSWD", "security.SECRET_KEY"]),
        ("local-app.ini", []),  # localhost, a password that repeats its USER, a reference
        ("application.properties", ["storage.s3.secret-key", "payments.api.token"]),
        ("supervisord-worker.conf", ["inet_http_server.password"]),
        ("nginx-site.conf", []),  # blocks, not INI: not read, so never failed
    ],
)
def test_the_keys_that_write_a_credential_in(name: str, keys: list[str]) -> None:
    assert _keys(name) == keys


def test_a_translation_is_known_by_its_folder_or_its_language_name() -> None:
    text = (CORPUS / "locales" / "de.json").read_text(encoding="utf-8")
    assert literal_credentials("app/i18n/active.de.json", text) == []
    assert literal_credentials("app/pt-BR.json", text) == []
    # The same words in a file that is no translation are read as configuration.
    assert literal_credentials("app/settings.json", '{"token": "Zk81-Lq0x"}') == ["token"]


@pytest.mark.parametrize(
    ("name", "at", "keys", "value"),
    [
        ("worker.toml", "etc/worker/", "`queue.password`, `tenants[0].api_token`", "W0rk3r"),
        # An INI password is named by its key, not as "a password in a connection string".
        (
            "forge-app.ini",
            "etc/forge/",
            "`server.LFS_JWT_SECRET`, `database.PASSWD`, `security.SECRET_KEY`",
            "Vq3#mZ8w",
        ),
    ],
)
def test_the_finding_names_the_file_and_keys_never_the_values(
    name: str, at: str, keys: str, value: str
) -> None:
    found = file_finding(at + name, (CORPUS / name).read_bytes())
    assert found == Finding(
        "file",
        f"/{at}{name}",
        f"writes credentials in as values ({keys}); read them from the environment or a "
        "secret mounted at run time",
    )
    assert value not in found.describe()


def test_a_password_beside_a_remote_host_among_local_ones_is_still_found() -> None:
    """Each mapping's own host: a laptop's default in one does not excuse another's."""
    text = "dev:\n  host: localhost\n  password: Hunter2pg\nprod:\n  host: db.prod\n  password: Pr0d-pw9\n"
    assert literal_credentials("app/config.yaml", text) == ["prod.password"]


@pytest.mark.parametrize(
    "text",
    [
        "password: [unclosed\n",  # not YAML
        "a: 1\n---\n: bad\n  - x\n",
        "password: true\nsecret: 12h\n",
        "password: ''\ntoken: ~\n",
    ],
)
def test_text_that_does_not_parse_or_holds_no_credential_is_no_finding(text: str) -> None:
    assert literal_credentials("app/config.yaml", text) == []


def test_the_operating_systems_own_settings_are_not_read_as_a_teams() -> None:
    """/etc/nsswitch.conf's `passwd: files` names a lookup source; the same line in a team's
    own configuration folder is read, and its value judged."""
    text = "passwd:         files\ngroup:          files\nhosts:          files dns\n"
    assert literal_credentials("etc/nsswitch.conf", text) == []
    assert literal_credentials("etc/security/limits.conf", "password = Zq8-Lw3xRt\n") == []
    assert literal_credentials("etc/ordersvc/orders.conf", "password = Zq8-Lw3xRt\n") == [
        "password"
    ]
    assert literal_credentials("etc/ordersvc.ini", "password = Zq8-Lw3xRt\n") == ["password"]


@pytest.mark.parametrize(
    "text",
    [
        "requirepass Zq8-Lw3xRt\n",  # redis.conf's form: no INI
        "password\n  Zq8-Lw3xRt\n",  # a key with no value, then a continuation line
        "[db\npassword = Zq8-Lw3xRt\n",  # an unclosed section
    ],
)
def test_text_that_is_no_ini_is_not_judged(text: str) -> None:
    assert literal_credentials("etc/svc/app.conf", text) == []


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        # go-ini strips a value's quotes: `"forge"` repeats USER = forge, a local default.
        ('[database]\nUSER = forge\nPASSWD = "forge"\n', []),
        ("[database]\nUSER = forge\nPASSWD = `forge`\n", []),
        # An inline comment is not part of the value: the token before it is still one.
        (
            "[api]\nTOKEN = Zk81Lq0xAb77 # rotated monthly\nSECRET = Wc8Lr2Qp5Zt9 ; prod\n",
            [
                "api.TOKEN",
                "api.SECRET",
            ],
        ),
        # A section written twice is one section, as go-ini reads it; the later value wins.
        (
            "[db]\nhost = db.prod\n[cache]\nhost = localhost\n[db]\npassword = Zq8-Lw3xRt\n",
            ["db.password"],
        ),
        # [DEFAULT] is a section like another for go-ini: its keys are not copied into the
        # others, nor is a localhost in another section its host.
        ("[DEFAULT]\npassword = Zq8-Lw3xRt\n[dev]\nhost = localhost\n", ["DEFAULT.password"]),
    ],
)
def test_an_ini_file_is_read_as_go_ini_reads_it(text: str, keys: list[str]) -> None:
    assert literal_credentials("etc/forge/app.ini", text) == keys


def test_a_tab_indented_json_file_is_read_as_json() -> None:
    """Go's json.MarshalIndent(v, "", "\t") writes tabs, which YAML does not take for indent."""
    text = '{\n\t"db": {\n\t\t"host": "db.prod",\n\t\t"password": "Zq8-Lw3xRt"\n\t}\n}\n'
    assert literal_credentials("app/config.json", text) == ["db.password"]


def test_a_document_that_is_a_list_names_its_keys_from_the_index() -> None:
    text = "- name: eu\n  host: db.eu.prod\n  password: Zq8-Lw3xRt\n"
    assert literal_credentials("etc/svc/tenants.yaml", text) == ["[0].password"]


def test_a_key_that_is_key_material_is_not_printed_in_the_path() -> None:
    """helper-137's review: a token used as a mapping's key reached the finding as it is."""
    text = "tokens:\n  3f9a8c7d6e5b4a39281f:\n    name: ci\n    secret: Qw3rTy-98sdf-Kk\n"
    assert literal_credentials("etc/svc/auth.yaml", text) == ["tokens.***.secret"]
    # A name with digits is still a name.
    text = "smtp2go:\n  api_key: Qw3rTy-98sdf-Kk\n"
    assert literal_credentials("etc/svc/mail.yaml", text) == ["smtp2go.api_key"]


def test_the_jdks_keystore_default_is_a_sample_password() -> None:
    text = "server.ssl.key-store-password=changeit\n"
    assert literal_credentials("app/application.properties", text) == []
