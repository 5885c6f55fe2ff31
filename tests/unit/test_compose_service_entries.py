"""Edges of one compose service's entries: image, env_file, environment, command, entrypoint,
ports, healthcheck and volumes, and of the file around them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from pytest_goimage.gofacts.compose import (
    ComposeError,
    ComposeHealthcheck,
    ComposeService,
    read_compose,
)


def _read(
    tmp_path: Path, text: str, wanted: list[str], environ: Mapping[str, str] | None = None
) -> dict[str, ComposeService]:
    (tmp_path / "docker-compose.yml").write_text(text, encoding="utf-8")
    return read_compose(tmp_path / "docker-compose.yml", wanted, environ or {})


def _refusal(
    tmp_path: Path, text: str, wanted: str, environ: Mapping[str, str] | None = None
) -> str:
    with pytest.raises(ComposeError) as caught:
        _read(tmp_path, text, [wanted], environ)
    return str(caught.value)


def test_an_empty_compose_file_has_no_services_mapping(tmp_path: Path) -> None:
    assert _refusal(tmp_path, "", "db") == "it has no `services` mapping"


def test_an_empty_services_mapping_lists_none(tmp_path: Path) -> None:
    assert _refusal(tmp_path, "services: {}\n", "db") == (
        "it has no service 'db' (its services: none)"
    )


def test_a_control_character_is_not_valid_yaml_naming_its_line(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres:16\x01\n"
    assert _refusal(tmp_path, text, "db") == (
        "not valid YAML (line 3: character #x0001: special characters are not allowed)"
    )


def test_a_service_without_image_or_build_is_refused_with_the_fix(tmp_path: Path) -> None:
    text = "services:\n  db:\n    environment: {POSTGRES_DB: app}\n"
    assert _refusal(tmp_path, text, "db") == (
        "service 'db' names no `image`; pytest-goimage starts dependencies from images, so "
        "give it an `image` that is on the engine"
    )


def test_an_image_that_is_not_a_string_asks_to_quote_it(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: [postgres:16]\n"
    assert _refusal(tmp_path, text, "db") == (
        "service 'db': image must be a string, got ['postgres:16']; quote it"
    )


def test_an_env_file_entry_without_a_path_asks_for_a_string(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres:16\n    env_file: [{file: db.env}]\n"
    assert _refusal(tmp_path, text, "db") == (
        "service 'db': env_file must be a string, got None; quote it"
    )


def test_a_long_form_env_file_is_required_unless_it_says_otherwise(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres:16\n    env_file: [{path: db.env}]\n"
    assert _refusal(tmp_path, text, "db") == (
        f"service 'db': env_file {tmp_path / 'db.env'} does not exist (compose stops on it "
        "too); create it, or mark it `required: false`"
    )


def test_an_environment_list_entry_written_as_a_mapping_asks_for_a_string(
    tmp_path: Path,
) -> None:
    text = "services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_DB: app\n"
    assert _refusal(tmp_path, text, "db") == (
        "service 'db': an environment entry must be a string, got a dict; quote it"
    )


def test_an_environment_given_as_one_string_is_refused(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres:16\n    environment: POSTGRES_DB=app\n"
    assert _refusal(tmp_path, text, "db") == (
        "service 'db': `environment` must be a mapping or a list"
    )


def test_a_mapping_key_without_value_passes_the_variable_through(tmp_path: Path) -> None:
    text = (
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        "      TZ:\n      PGDATA:\n      POSTGRES_DB: app\n"
    )
    services = _read(tmp_path, text, ["db"], {"PGDATA": "/var/lib/postgresql/data/pgdata"})
    assert services["db"].name == "db"
    assert dict(services["db"].environment) == {
        "PGDATA": "/var/lib/postgresql/data/pgdata",
        "POSTGRES_DB": "app",
    }


COMMANDS = """\
services:
  minio:
    image: minio/minio:${MINIO_TAG:-RELEASE.2024-06-13T22-53-53Z}
    entrypoint: ["/usr/bin/docker-entrypoint.sh"]
    command: server /data --console-address ":${CONSOLE_PORT:-9001}"
  worker:
    image: app-worker:dev
    entrypoint: /bin/sh -c 'exec "$$0" "$$@"' ${WORKER_BIN}
    command: ["--concurrency", 4, "--ratio", 0.5, "--queue=${QUEUE}"]
"""


def test_command_and_entrypoint_are_words_with_variables(tmp_path: Path) -> None:
    environ = {"WORKER_BIN": "/usr/local/bin/worker", "QUEUE": "mail"}
    services = _read(tmp_path, COMMANDS, ["minio", "worker"], environ)
    minio, worker = services["minio"], services["worker"]
    assert minio.image == "minio/minio:RELEASE.2024-06-13T22-53-53Z"
    assert minio.entrypoint == ("/usr/bin/docker-entrypoint.sh",)
    assert minio.command == ("server", "/data", "--console-address", ":9001")
    assert worker.entrypoint == ("/bin/sh", "-c", 'exec "$0" "$@"', "/usr/local/bin/worker")
    assert worker.command == ("--concurrency", "4", "--ratio", "0.5", "--queue=mail")


@pytest.mark.parametrize("key", ["command", "entrypoint"])
def test_a_command_or_entrypoint_mapping_is_refused_naming_service_and_key(
    tmp_path: Path, key: str
) -> None:
    text = f"services:\n  worker:\n    image: app-worker:dev\n    {key}: {{run: server}}\n"
    assert _refusal(tmp_path, text, "worker") == (
        f"service 'worker': `{key}` must be a string or a list of strings"
    )


def test_a_published_port_from_a_variable_is_read(tmp_path: Path) -> None:
    text = 'services:\n  api:\n    image: api:dev\n    ports: ["${API_PORT:-8080}:8081"]\n'
    assert _read(tmp_path, text, ["api"], {"API_PORT": "18080"})["api"].port == 8081


def test_an_unreadable_port_names_service_and_entry(tmp_path: Path) -> None:
    text = "services:\n  api:\n    image: api:dev\n    ports: [http]\n"
    assert _refusal(tmp_path, text, "api") == "service 'api': cannot read ports entry 'http'"


def test_a_udp_long_form_port_is_skipped_for_the_next_tcp_one(tmp_path: Path) -> None:
    text = (
        "services:\n  dns:\n    image: coredns:1.11\n    ports:\n"
        "      - {target: 53, published: 1053, protocol: udp}\n"
        "      - {target: 8053, published: 8053}\n"
    )
    assert _read(tmp_path, text, ["dns"])["dns"].port == 8053


HEALTHCHECKS = """\
services:
  api:
    image: api:dev
    healthcheck:
      test: curl -fsS http://localhost:${PORT}/healthz
      interval: ${HC_INTERVAL:-5s}
  web:
    image: web:dev
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:${PORT}/"]
  inherit:
    image: postgres:16
    healthcheck:
      interval: 10s
  empty:
    image: postgres:16
    healthcheck:
      test: []
"""


def test_healthcheck_test_and_durations_take_variables(tmp_path: Path) -> None:
    services = _read(tmp_path, HEALTHCHECKS, ["api", "web"], {"PORT": "8080"})
    assert services["api"].healthcheck == ComposeHealthcheck(
        test=("CMD-SHELL", "curl -fsS http://localhost:8080/healthz"), interval=5.0
    )
    assert services["web"].healthcheck == ComposeHealthcheck(
        test=("CMD", "wget", "-qO-", "http://localhost:8080/")
    )


@pytest.mark.parametrize("service", ["inherit", "empty"])
def test_a_healthcheck_without_a_test_keeps_the_images_own(tmp_path: Path, service: str) -> None:
    assert _read(tmp_path, HEALTHCHECKS, [service])[service].healthcheck is None


def test_a_healthcheck_test_with_an_unknown_first_word_names_it(tmp_path: Path) -> None:
    text = "services:\n  api:\n    image: api:dev\n    healthcheck: {test: [WGET, -q, http://x]}\n"
    assert _refusal(tmp_path, text, "api") == (
        "service 'api': healthcheck test must start with CMD, CMD-SHELL or NONE, got 'WGET'"
    )


def test_an_unreadable_healthcheck_interval_names_the_key(tmp_path: Path) -> None:
    text = (
        "services:\n  api:\n    image: api:dev\n"
        "    healthcheck: {test: [CMD, /healthcheck], interval: soon}\n"
    )
    assert _refusal(tmp_path, text, "api") == (
        "service 'api': healthcheck interval: cannot read 'soon' as a duration; "
        'write e.g. "30s", "500ms", "2m" or "1m30s"'
    )


@pytest.mark.parametrize("retries", ["2.5", "true"])
def test_healthcheck_retries_must_be_a_whole_number(tmp_path: Path, retries: str) -> None:
    text = (
        "services:\n  api:\n    image: api:dev\n"
        f"    healthcheck: {{test: [CMD, /healthcheck], retries: {retries}}}\n"
    )
    assert _refusal(tmp_path, text, "api") == (
        "service 'api': healthcheck retries must be a whole number"
    )


BIND_MESSAGE = (
    "service 'db' bind-mounts {} (`volumes`), which pytest-goimage does not do: the engine may "
    "be on another machine. Build an image that holds those files (FROM the same image, COPY "
    "them in) and name it in `image`"
)


@pytest.mark.parametrize(
    ("volume", "source"),
    [
        ("{type: bind, source: ./initdb, target: /docker-entrypoint-initdb.d}", "./initdb"),
        ("{type: bind, source: initdb, target: /docker-entrypoint-initdb.d}", "initdb"),
        ("/srv/certs:/etc/ssl/private:ro", "/srv/certs"),
        ("~/certs:/etc/ssl/private", "~/certs"),
        ("${PWD}/init.sql:/docker-entrypoint-initdb.d/init.sql", "/home/dev/app/init.sql"),
        ("{type: bind, source: '${PWD}/initdb', target: /initdb}", "/home/dev/app/initdb"),
    ],
)
def test_a_bind_mount_is_refused_naming_its_source(
    tmp_path: Path, volume: str, source: str
) -> None:
    text = f"services:\n  db:\n    image: postgres:16\n    volumes:\n      - {volume}\n"
    refusal = _refusal(tmp_path, text, "db", {"PWD": "/home/dev/app"})
    assert refusal == BIND_MESSAGE.format(source)


def test_long_form_named_volumes_and_tmpfs_are_left_out(tmp_path: Path) -> None:
    text = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - {type: volume, source: pgdata, target: /var/lib/postgresql/data}\n"
        "      - {type: tmpfs, target: /run/postgresql}\n"
    )
    assert _read(tmp_path, text, ["db"])["db"].image == "postgres:16"


def test_a_tagged_value_that_does_not_convert_is_not_valid_yaml(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres:16\n    healthcheck:\n      retries: !!int x\n"
    assert _refusal(tmp_path, text, "db") == (
        "not valid YAML (a tagged value does not convert: invalid literal for int() with base "
        "10: 'x')"
    )


def test_compose_merge_tags_say_they_need_merged_files(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres:16\n    ports: !reset []\n"
    assert _refusal(tmp_path, text, "db") == (
        "not valid YAML (line 4: could not determine a constructor for the tag '!reset' "
        "(compose's merge tags !reset and !override need several compose files merged; name "
        "one file whose services are complete))"
    )


def test_the_dependency_configurations_annotations_resolve() -> None:
    """The compose types stay importable at run time (the reader imports YAML only when it
    reads a file), so tools that resolve a dataclass's annotations can."""
    import typing

    from pytest_goimage.config_dependencies import DependencyConfig

    hints = typing.get_type_hints(DependencyConfig)
    assert hints["healthcheck"] == ComposeHealthcheck | None


def test_a_service_another_waits_to_complete_runs_to_completion(tmp_path: Path) -> None:
    """`condition: service_completed_successfully` marks a migration container; the short
    `depends_on` list and `service_started`/`service_healthy` mark none."""
    text = (
        "services:\n"
        "  api:\n    image: api:1\n    depends_on:\n"
        "      migrate: {condition: service_completed_successfully}\n"
        "      db: {condition: service_healthy}\n"
        "  worker:\n    image: worker:1\n    depends_on: [cache]\n"
        "  db:\n    image: postgres:16\n"
        "  cache:\n    image: redis:7\n"
        "  migrate:\n    image: migrate:1\n    depends_on:\n"
        "      db: {condition: service_healthy}\n"
    )
    services = _read(tmp_path, text, ["db", "cache", "migrate"])
    assert {name: s.run_to_completion for name, s in services.items()} == {
        "db": False,
        "cache": False,
        "migrate": True,
    }
