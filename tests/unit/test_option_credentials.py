"""Passwords given as a command-line option (gofacts/option_credentials.py): a literal one in a
build step is a finding the history keeps, and masked in every output; a prompt, a variable,
stdin, a file or BuildKit's `--secret` reference holds none."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.command_secrets import history_command_findings
from pytest_goimage.gofacts.credentials import value_kind
from pytest_goimage.gofacts.redaction import redact
from pytest_goimage.gofacts.secrets_scan import config_findings, env_findings, file_finding

# (a build step's command as written, the password in it)
GIVEN = [
    ("mysql -uroot -pHunter2db -e 'CREATE DATABASE app'", "Hunter2db"),
    ('mysqladmin --user=root -p"Hunter2db" status', "Hunter2db"),
    ("mariadb -h db -P 3306 -u app -pHunter2db app < /seed.sql", "Hunter2db"),
    ("sshpass -p Hunter2ssh scp deploy@build:/out/app /app", "Hunter2ssh"),
    ("redis-cli -h cache -a Hunter2redis PING", "Hunter2redis"),
    ("docker login -u ci -p Hunter2reg registry.example.com", "Hunter2reg"),
    ("helm registry login ghcr.io -u ci -p 'Hunter2reg'", "Hunter2reg"),
    ("curl -fsSL -u deploy:Hunter2nexus https://nexus.example.com/app.tgz", "Hunter2nexus"),
    ("curl --user 'deploy:Hunter2nexus' -O https://nexus.example.com/app.tgz", "Hunter2nexus"),
    ("/app/server migrate --db-password Hunter2pg --db-host db", "Hunter2pg"),
    ("vault login --token=s.Hunter2vaultToken", "s.Hunter2vaultToken"),
    ("./seed --api-key Hunter2api", "Hunter2api"),
    ("openssl pkcs12 -export -in c.pem -passout pass:Hunter2p12 -out c.p12", "Hunter2p12"),
    # A review: pkcs12's `-password`, and a passphrase quoted with its spaces.
    ("openssl pkcs12 -export -in c.pem -password pass:Hunter2p12 -out c.p12", "Hunter2p12"),
    ("openssl rsa -in k.pem -passin 'pass:Hunter2 horse battery' -out p.pem", "horse battery"),
    ('openssl enc -aes256 -pass "pass:Hunter2 horse battery" -in a -out b', "horse battery"),
]


@pytest.mark.parametrize(("command", "password"), GIVEN, ids=[c[:14] for c, _ in GIVEN])
def test_a_literal_password_option_in_a_build_step_is_found_and_masked(
    command: str, password: str
) -> None:
    step = f"RUN /bin/sh -c {command} # buildkit"
    findings = history_command_findings([(step, f"RUN {command}")])
    assert len(findings) == 1, findings
    shown = findings[0].describe()
    assert password not in shown
    assert " looks like a password given " in shown, shown
    assert "is written in a build step's command (`docker history --no-trunc` shows it)" in shown
    assert password not in redact(f"#8 0.214 {command}")


NOT_GIVEN = [
    "mysql -uroot -p -e 'SELECT 1'",  # asks for it
    "mysql -h db -P3306 -uapp app",  # -P is the port
    'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" app',
    "mkdir -p /var/lib/mysql /run/mysqld",
    'echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin registry.example.com',
    "docker login -u ci -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
    "curl -u deploy -O https://nexus.example.com/app.tgz",  # asks for it
    'curl -u "$NEXUS_USER:$NEXUS_PASSWORD" -O https://nexus.example.com/app.tgz',
    "docker build --secret id=npmrc,src=.npmrc .",
    "./seed --api-key-file /run/secrets/api_key --no-password prod",
    "gh auth login --with-token < /run/secrets/gh",
    "openssl pkcs12 -export -in c.pem -passout env:P12_PASS -out c.p12",
    "openssl req -passin file:/run/secrets/pw -new -key k.pem",
    "/app/server --password <password> --token {{.Token}}",
    "sshpass -p $SSH_PASS scp deploy@build:/out/app /app",
    # A review's false failures: a switch about a password, mysql as a build tag, Redis's
    # shipped comment in a sed expression.
    "adduser --disabled-password --gecos '' appuser",
    "go build -tags mysql -pgo=auto -o /bin/app ./cmd/app",
    "sed -i 's/^# requirepass foobared/requirepass ${REDIS_PASSWORD}/' /etc/redis/redis.conf",
    "echo '# requirepass foobared' >> /etc/redis/redis.conf",
]


@pytest.mark.parametrize("command", NOT_GIVEN, ids=[c[:24] for c in NOT_GIVEN])
def test_no_literal_password_option_is_no_finding(command: str) -> None:
    step = f"RUN /bin/sh -c {command} # buildkit"
    assert history_command_findings([(step, f"RUN {command}")]) == []
    assert value_kind(command) is None


def test_an_env_value_with_a_password_option_fails_whatever_its_name() -> None:
    env = {"SERVER_ARGS": "--listen :8080 --admin-password Hunter2adm", "DEBUG": "--verbose"}
    assert [finding.name for finding in env_findings(env)] == ["SERVER_ARGS"]


def test_a_tools_manual_in_the_image_is_not_a_finding() -> None:
    """Whole files are searched for issued token formats only: a man page or README shows
    `mysql -pPASSWORD` as an example."""
    manual = b"Connect with:\n    mysql -uroot -pyourpassword dbname\n"
    assert file_finding("usr/share/doc/mysql/README", manual) is None


def test_a_long_line_naming_the_program_often_is_read_in_linear_time() -> None:
    line = "mysql " * 20_000 + "-p"
    assert value_kind(line) is None


def test_a_password_option_in_exec_form_words_is_found_by_its_value_word() -> None:
    command = {
        "Cmd": ["/app/server", "--listen", ":8080", "--db-password", "Hunter2pg"],
        "Entrypoint": ["/app/server", "--password-stdin", "--token-file", "/run/secrets/t"],
    }
    findings = config_findings({}, command)
    assert [(f.where, f.name) for f in findings] == [("Cmd", "word 5")]
    assert "Hunter2pg" not in findings[0].describe()
    assert "looks like a password given as a command-line option" in findings[0].describe()


def test_a_long_run_of_scheme_characters_is_read_in_linear_time() -> None:
    """A review timed `redact("A-" * 80000)` at 25 s: the URL pattern tried a scheme at every
    character of the run."""
    assert redact("A-" * 80_000) == "A-" * 80_000


def test_many_password_keys_on_one_long_line_are_read_in_linear_time() -> None:
    """helper-117 timed this at 36 s: each `password=` read the rest of the line again."""
    assert redact(",password=x" * 18_000 + "`").count("x") == 0
    assert redact("host=db password=Hunter2a,password=Hunter2b dbname=app") == (
        "host=db password=*** dbname=app"
    )
