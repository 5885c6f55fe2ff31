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


@pytest.mark.parametrize("text", list(SHAPES.values()), ids=list(SHAPES))
def test_a_service_reads_as_compose_reads_it(
    oracle: Callable[[str], Path], tmp_path: Path, text: str
) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    loader = [str(oracle("compose_load")), str(path)]
    loaded = json.loads(subprocess.run(loader, capture_output=True, text=True, check=True).stdout)
    ours = read_compose(path, list(loaded), {})
    for name, service in loaded.items():
        environment = {k: v for k, v in service["environment"].items() if v is not None}
        assert (ours[name].environment, ours[name].port) == (environment, service["port"])
