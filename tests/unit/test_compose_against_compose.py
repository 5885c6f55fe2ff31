"""The compose reader against Compose v2's own loader (compose-spec/compose-go, built from
tests/oracles/compose_load): each service's environment and first container port, on the
shapes teams write their dependencies in."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_goimage.gofacts.compose import read_compose

SHAPES = {
    "postgres, environment as a mapping": """\
services:
  db:
    image: postgres:16
    ports: ["5432:5432"]
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: secret
      POSTGRES_DB: app
      PGDATA: /var/lib/postgresql/data/pgdata
""",
    "environment as a list, a port on one address": """\
services:
  cache:
    image: redis:7
    ports:
      - "127.0.0.1:6379:6379"
    environment:
      - REDIS_ARGS=--save ""
      - ALLOW_EMPTY_PASSWORD=yes
""",
    "YAML 1.1 booleans and numbers": """\
services:
  kafka:
    image: bitnami/kafka:3.7
    ports:
      - 9092:9092
    environment:
      ALLOW_PLAINTEXT_LISTENER: yes
      KAFKA_CFG_AUTO_CREATE_TOPICS_ENABLE: true
      KAFKA_ENABLE_KRAFT: on
      KAFKA_CFG_NODE_ID: 0
      KAFKA_HEAP_RATIO: 1.50
      KAFKA_CFG_LOG_RETENTION_MS: 1e3
      KAFKA_CFG_NUM_PARTITIONS: 1_000
      KAFKA_UMASK: 022
""",
    "a small port in base 60 for YAML 1.1": """\
services:
  smtp:
    image: axllent/mailpit
    ports:
      - 25:25
      - 1025:1025
    environment:
      MP_MAX_MESSAGES: 5000
      MP_SMTP_AUTH_ACCEPT_ANY: 1
      UPTIME: 1:30
""",
    "long port syntax and interpolation defaults": """\
services:
  minio:
    image: minio/minio
    ports:
      - target: 9000
        published: "9000"
        protocol: tcp
    environment:
      MINIO_ROOT_USER: ${MINIO_USER:-minioadmin}
      MINIO_ROOT_PASSWORD: "${MINIO_PASSWORD:-change-me}"
      MINIO_BROWSER: "off"
      MINIO_PATH: $${HOME}/data
""",
    "numbers as go-yaml v3 reads and compose writes them": """\
services:
  app:
    image: x
    ports:
      - 08:8080
    environment:
      A: 08
      B: 0o17
      C: 0b101
      D: 0X1F
      E: -0x1F
      F: 1_000.5
      G: 99999999999999999999999
      H: 1e20
      I: 1e-7
      J: 1e400
      K: +18446744073709551615
      L: 18446744073709551615
      M: 0.0001
      N: -0.0
      O: 1.
      P: "007"
""",
    "a long-syntax port that reads as a float, digits past any integer": f"""\
services:
  app:
    image: x
    ports:
      - target: 080
    environment:
      LONG: {"7" * 5000}
      WIDE: {"7" * 400}.5
""",
    "a container port alone, a range start": """\
services:
  nats:
    image: nats:2
    ports:
      - "4222"
      - "8222-8223:8222-8223"
    environment:
      NATS_OPTS: "-js"
""",
}


def _reads_as_compose_reads_it(oracle: Callable[[str], Path], path: Path) -> None:
    """Every service compose-go reads from `path`: our environment and port are its own."""
    loader = [str(oracle("compose_load")), str(path)]
    loaded = json.loads(subprocess.run(loader, capture_output=True, text=True, check=True).stdout)
    ours = read_compose(path, list(loaded), {})
    for name, service in loaded.items():
        environment = {k: v for k, v in service["environment"].items() if v is not None}
        assert (ours[name].environment, ours[name].port) == (environment, service["port"])


@pytest.mark.parametrize("text", list(SHAPES.values()), ids=list(SHAPES))
def test_a_service_reads_as_compose_reads_it(
    oracle: Callable[[str], Path], tmp_path: Path, text: str
) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    _reads_as_compose_reads_it(oracle, path)


# Several files: `include` (each included project with its own .env) and `extends`. No .env
# beside compose.yaml: the oracle, like `docker compose` given no environment, reads none.
# Every service publishes a port: the oracle reads `ports` only (0 where there is none).
PROJECTS = {
    "an included file in its own folder, with its .env and an env_file": {
        "compose.yaml": "include:\n  - deps/compose.deps.yaml\nservices:\n  api:\n"
        "    image: api\n    ports: ['8080:8080']\n    depends_on: [cache]\n",
        "deps/compose.deps.yaml": """\
services:
  cache:
    image: redis:${REDIS_TAG}
    ports: ["6379:6379"]
    env_file: cache.env
    environment:
      REDIS_ARGS: --maxmemory ${MAXMEMORY:-64mb}
      MODE:
""",
        "deps/.env": "REDIS_TAG=7\nMAXMEMORY=128mb\n",
        "deps/cache.env": "MODE=from-env-file\nTZ=UTC\n",
    },
    "the long include form, nested includes": {
        "compose.yaml": "include:\n  - path: infra/queue.yaml\n    project_directory: infra/q\n"
        "    env_file: q.env\n",
        "q.env": "NATS_OPTS=-js\n",
        "infra/queue.yaml": "include: [more.yaml]\nservices:\n  nats:\n    image: nats:2\n"
        "    ports: ['4222']\n    environment: ['NATS_OPTS=${NATS_OPTS}']\n",
        "infra/q/more.yaml": "services:\n  mail:\n    image: axllent/mailpit\n"
        "    ports: ['1025:1025', '8025:8025']\n",
    },
    "extends across files and in one file, chained": {
        "compose.yaml": """\
services:
  db:
    extends:
      file: docker/common.yaml
      service: db
    environment:
      POSTGRES_DB: app_test
      TZ:
    ports: ["55432:5433"]
  cache:
    extends: cache-tuned
    environment: [MODE=test, "LEVEL=1.50"]
  cache-tuned:
    extends: {service: cache-base}
    environment: {MODE: tuned, APPENDONLY: no, ON: true}
    ports: ["6380:6379"]
  cache-base:
    image: redis:7
    ports: ["6379"]
    environment: [MAXMEMORY=64mb, MODE=base]
""",
        "docker/common.yaml": """\
services:
  db:
    image: postgres:16
    env_file: env/db.env
    environment:
      - POSTGRES_USER=app
      - POSTGRES_DB=app
    ports: ["5432:5432"]
""",
        "docker/env/db.env": "POSTGRES_PASSWORD=secret\nTZ=UTC\n",
    },
}


@pytest.mark.parametrize("files", list(PROJECTS.values()), ids=list(PROJECTS))
def test_included_and_extended_services_read_as_compose_reads_them(
    oracle: Callable[[str], Path], tmp_path: Path, files: dict[str, str]
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    path = tmp_path / "compose.yaml"
    _reads_as_compose_reads_it(oracle, path)
