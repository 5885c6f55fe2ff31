"""The project's compose file, read as `docker compose` would start the services it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.compose import (
    ComposeError,
    ComposeHealthcheck,
    interpolate,
    read_compose,
    read_dotenv,
)

COMPOSE = """\
x-common: &common
  restart: unless-stopped
services:
  api:
    build: .
    depends_on: [db, cache]
  db:
    <<: *common
    image: postgres:${PG_MAJOR:-16}-alpine
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
      POSTGRES_DB: app
      PGDATA:
    ports:
      - "127.0.0.1:5433:5432"
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app -d app"]
      interval: 2s
      timeout: 1s
      retries: 15
      start_period: 1m30s
  cache:
    image: "redis:7"
    command: redis-server --appendonly no --save ''
    expose: ["6379"]
    env_file: cache.env
    environment:
      - REDIS_ARGS=--maxmemory 64mb
      - FROM_ENV
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env").write_text("# compose reads this\nPG_MAJOR=15\nDB_PASSWORD='from-dotenv'\n")
    (tmp_path / "cache.env").write_text("export MODE=test\nEMPTY=\n")
    return tmp_path


def test_services_take_image_environment_port_and_healthcheck(project: Path) -> None:
    services = read_compose(project / "docker-compose.yml", ["db", "cache"], {"FROM_ENV": "x"})
    db, cache = services["db"], services["cache"]
    assert db.image == "postgres:15-alpine"  # .env beats the default
    assert dict(db.environment) == {
        "POSTGRES_USER": "app",
        "POSTGRES_PASSWORD": "from-dotenv",
        "POSTGRES_DB": "app",
    }
    assert db.port == 5432  # the container side of host:published:target
    assert db.healthcheck == ComposeHealthcheck(
        test=("CMD-SHELL", "pg_isready -U app -d app"),
        interval=2.0,
        timeout=1.0,
        retries=15,
        start_period=90.0,
    )
    assert cache.command == ("redis-server", "--appendonly", "no", "--save", "")
    assert cache.port == 6379
    assert dict(cache.environment) == {
        "MODE": "test",
        "EMPTY": "",
        "REDIS_ARGS": "--maxmemory 64mb",
        "FROM_ENV": "x",
    }
    assert list(services) == ["db", "cache"]


def test_the_environment_beats_the_dotenv_file(project: Path) -> None:
    services = read_compose(project / "docker-compose.yml", ["db"], {"DB_PASSWORD": "env"})
    assert services["db"].environment["POSTGRES_PASSWORD"] == "env"


def test_healthcheck_in_engine_terms_is_in_nanoseconds() -> None:
    check = ComposeHealthcheck(test=("CMD", "true"), interval=0.5, retries=3)
    assert check.engine_form() == {"test": ["CMD", "true"], "interval": 500_000_000, "retries": 3}


def test_a_service_that_builds_its_image_is_refused(project: Path) -> None:
    with pytest.raises(ComposeError, match=r"^service 'api' builds its image \(`build:`\)"):
        read_compose(project / "docker-compose.yml", ["api"], {})


def test_an_unknown_service_lists_the_known_ones(project: Path) -> None:
    with pytest.raises(ComposeError, match=r"no service 'redis' \(its services: api, cache, db\)"):
        read_compose(project / "docker-compose.yml", ["redis"], {})


def test_a_required_variable_that_is_unset_names_it(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text(COMPOSE)
    with pytest.raises(ComposeError, match=r"variable DB_PASSWORD is required \(set DB_PASSWORD\)"):
        read_compose(tmp_path / "c.yml", ["db"], {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$A-${A}", "a-a"),
        ("${UNSET:-d}", "d"),
        ("${EMPTY:-d}", "d"),
        ("${EMPTY-d}", ""),
        ("${UNSET-d}", "d"),
        ("${A:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET:-${A}}", "a"),
        ("$$A costs $$5", "$A costs $5"),
        ("${UNSET}", ""),
    ],
)
def test_interpolation_follows_the_compose_specification(text: str, expected: str) -> None:
    assert interpolate(text, {"A": "a", "EMPTY": ""}) == expected


def test_a_malformed_reference_is_refused() -> None:
    with pytest.raises(ComposeError, match="invalid interpolation format"):
        interpolate("${1BAD}", {})


def test_values_are_read_with_yaml_1_2_booleans_and_numbers_as_compose_reads_them(
    tmp_path: Path,
) -> None:
    """Compose v2 (go-yaml v3) takes `yes` and `off` as text and a plain boolean as `true` or
    `false`; PyYAML's YAML 1.1 made `yes` a boolean (refused) and the port `25:25` the
    base-60 number 1525."""
    (tmp_path / "c.yml").write_text(
        "services:\n  smtp:\n    image: x\n    ports:\n      - 25:25\n"
        "    environment:\n      ALLOW_PLAINTEXT_LISTENER: yes\n      DEBUG: true\n"
        "      TLS: off\n      RETRIES: 3\n      RATIO: 1.5\n      UPTIME: 1:30\n"
    )
    smtp = read_compose(tmp_path / "c.yml", ["smtp"], {})["smtp"]
    assert smtp.port == 25
    assert smtp.environment == {
        "ALLOW_PLAINTEXT_LISTENER": "yes",
        "DEBUG": "true",
        "TLS": "off",
        "RETRIES": "3",
        "RATIO": "1.5",
        "UPTIME": "1:30",
    }


def test_a_list_as_an_environment_value_asks_to_be_quoted(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text(
        "services:\n  db:\n    image: x\n    environment:\n      HOSTS: [a, b]\n"
    )
    with pytest.raises(
        ComposeError, match=r"environment HOSTS must be a string, got a list; quote it"
    ):
        read_compose(tmp_path / "c.yml", ["db"], {})


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text("services:\n  db:\n    image: [x\n")
    with pytest.raises(ComposeError, match=r"not valid YAML \(line 4: "):
        read_compose(tmp_path / "c.yml", ["db"], {})


def test_a_disabled_or_none_healthcheck_is_no_healthcheck(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text(
        "services:\n  a:\n    image: x\n    healthcheck: {disable: true, test: [CMD, 'true']}\n"
        "  b:\n    image: x\n    healthcheck: {test: [NONE]}\n"
        "  c:\n    image: x\n    healthcheck: {test: 'curl -f localhost', retries: '3'}\n"
        # compose-go casts `disable` with toBoolean: yes, on, y count, in any case.
        "  d:\n    image: x\n    healthcheck: {disable: yes, test: [CMD, 'true']}\n"
        "  e:\n    image: x\n    healthcheck: {disable: 'On', test: [CMD, 'true']}\n"
        "  f:\n    image: x\n    healthcheck: {disable: off, test: [CMD, 'true'], retries: 1e1}\n"
        "  g:\n    image: x\n    healthcheck: {disable: ' yes', test: [CMD, 'true']}\n"
    )
    services = read_compose(tmp_path / "c.yml", ["a", "b", "c", "d", "e", "f", "g"], {})
    assert [services[name].healthcheck for name in "abde"] == [None] * 4
    assert services["c"].healthcheck == ComposeHealthcheck(
        test=("CMD-SHELL", "curl -f localhost"), retries=3
    )
    assert services["f"].healthcheck == ComposeHealthcheck(test=("CMD", "true"), retries=10)
    assert services["g"].healthcheck == ComposeHealthcheck(test=("CMD", "true"))  # untrimmed


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        (["5432"], 5432),
        (["8080:80"], 80),
        (["127.0.0.1:8080:80/tcp"], 80),
        (["[::1]:8080:80"], 80),
        (["53:53/udp", "8053:8053"], 8053),
        ([{"target": 6379, "published": 6380}], 6379),
        ([{"target": "6380", "published": "6381"}], 6380),
    ],
)
def test_the_container_port_is_the_target_of_the_first_tcp_mapping(
    tmp_path: Path, ports: list[object], expected: int
) -> None:
    import yaml

    (tmp_path / "c.yml").write_text(
        yaml.safe_dump({"services": {"s": {"image": "x", "ports": ports}}})
    )
    assert read_compose(tmp_path / "c.yml", ["s"], {})["s"].port == expected


def test_dotenv_quotes_comments_and_export(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('export A="x y"\nB=plain # note\n# C=no\nD\n')
    assert read_dotenv(tmp_path / ".env") == {"A": "x y", "B": "plain"}


def test_a_bind_mount_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text(
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - pgdata:/var/lib/postgresql/data\n"
        "      - ./db/init.sql:/docker-entrypoint-initdb.d/init.sql:ro\n"
    )
    with pytest.raises(
        ComposeError, match=r"^service 'db' bind-mounts \./db/init\.sql \(`volumes`\)"
    ):
        read_compose(tmp_path / "c.yml", ["db"], {})


def test_a_named_volume_is_left_out_for_fresh_state(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text(
        "services:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]\n"
    )
    assert read_compose(tmp_path / "c.yml", ["db"], {})["db"].image == "postgres:16"


def test_a_missing_env_file_stops_unless_it_is_optional(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text(
        "services:\n  a:\n    image: x\n    env_file: missing.env\n"
        "  b:\n    image: x\n    env_file: [{path: missing.env, required: false}]\n"
    )
    with pytest.raises(ComposeError, match=r"^service 'a': env_file .*missing\.env does not exist"):
        read_compose(tmp_path / "c.yml", ["a"], {})
    assert dict(read_compose(tmp_path / "c.yml", ["b"], {})["b"].environment) == {}


def test_a_dependency_healthcheck_runs_at_least_every_second() -> None:
    from pytest_goimage.config_dependencies import DependencyConfig
    from pytest_goimage.engine.dependency import healthcheck_options

    slow = ComposeHealthcheck(test=("CMD", "pg_isready"), interval=30.0, retries=5)
    with_compose = DependencyConfig("db", "postgres:16", "t", ready="healthcheck", healthcheck=slow)
    assert healthcheck_options(with_compose) == {
        "test": ["CMD", "pg_isready"],
        "interval": 1_000_000_000,
        "retries": 5,
    }
    # No compose healthcheck: the image's own HEALTHCHECK (an empty test inherits it), faster.
    image_own = DependencyConfig("db", "postgres:16", "t", ready="healthcheck")
    assert healthcheck_options(image_own) == {"test": [], "interval": 1_000_000_000}
