"""A compose file's `include` and its services' `extends`, put together as `docker compose -f
FILE` (compose-go) puts them together, and the errors when they cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.compose import ComposeError, ComposeHealthcheck, read_compose


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "compose.yaml"


def test_a_service_defined_in_an_included_file(tmp_path: Path) -> None:
    """A team's dependencies in their own folder, with their own .env and env_file."""
    path = _write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - deps/compose.deps.yaml\nservices:\n  api:\n"
            "    build: .\n    depends_on: [cache, db]\n",
            ".env": "PG_TAG=16\n",
            "deps/compose.deps.yaml": """\
services:
  cache:
    image: redis:${REDIS_TAG}
    ports: ["6379:6379"]
  db:
    image: postgres:${PG_TAG}
    env_file: db.env
    environment:
      POSTGRES_DB: ${DB_NAME:-app}
""",
            "deps/.env": "REDIS_TAG=7-alpine\nPG_TAG=15\nDB_NAME=orders\n",
            "deps/db.env": "POSTGRES_PASSWORD=secret\n",
        },
    )
    services = read_compose(path, ["cache", "db"], {})
    assert (services["cache"].image, services["cache"].port) == ("redis:7-alpine", 6379)
    # The including project's variables (its .env) win over the included project's .env.
    assert services["db"].image == "postgres:16"
    assert dict(services["db"].environment) == {
        "POSTGRES_PASSWORD": "secret",
        "POSTGRES_DB": "orders",
    }


def test_the_long_include_form_with_project_directory_and_env_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "compose.yaml": """\
include:
  - path: infra/queue.yaml
    project_directory: infra/queue
    env_file: config/queue.env
""",
            "config/queue.env": "NATS_TAG=2.10\n",
            "infra/queue.yaml": "include:\n  - nested.yaml\nservices:\n  nats:\n"
            "    image: nats:${NATS_TAG}\n    env_file: nats.env\n",
            "infra/queue/nats.env": "FROM_PROJECT_DIRECTORY=yes\n",
            # A nested include is relative to the project directory too, as in compose-go.
            "infra/queue/nested.yaml": "services:\n  mailpit:\n    image: axllent/mailpit\n",
        },
    )
    services = read_compose(path, ["nats", "mailpit"], {})
    assert services["nats"].image == "nats:2.10"
    assert dict(services["nats"].environment) == {"FROM_PROJECT_DIRECTORY": "yes"}
    assert services["mailpit"].image == "axllent/mailpit"


def test_extends_a_service_of_another_file_merges_as_compose_does(tmp_path: Path) -> None:
    """docker/dev/compose.yaml extends ../common.yaml: its paths are relative to common.yaml,
    its values interpolated with the extending file's variables."""
    path = _write(
        tmp_path,
        {
            "docker/common.yaml": """\
services:
  db:
    image: postgres:${PG_TAG:-16}
    env_file: env/db.env
    environment:
      - POSTGRES_USER=app
      - POSTGRES_DB=app
    ports: ["5432:5432"]
    command: ["postgres", "-c", "fsync=on"]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app"]
      interval: 10s
      retries: 3
""",
            "docker/env/db.env": "POSTGRES_PASSWORD=secret\nTZ=UTC\n",
            "docker/dev/compose.yaml": """\
services:
  db:
    extends:
      file: ../common.yaml
      service: db
    environment:
      POSTGRES_DB: app_test
      LOG_LEVEL:
      TZ:
    ports: ["55432:5433"]
    command: postgres -c fsync=off
    healthcheck:
      interval: 1s
""",
            "docker/dev/.env": "PG_TAG=17\nLOG_LEVEL=debug\n",
        },
    )
    db = read_compose(path.parent / "docker/dev/compose.yaml", ["db"], {})["db"]
    assert db.image == "postgres:17"
    # Merged by key, the extending service's values last; a bare unset name removes one.
    assert dict(db.environment) == {
        "POSTGRES_PASSWORD": "secret",
        "POSTGRES_USER": "app",
        "POSTGRES_DB": "app_test",
        "LOG_LEVEL": "debug",
    }
    assert db.port == 5432  # ports are appended: the base's come first
    assert db.command == ("postgres", "-c", "fsync=off")  # replaced whole
    assert db.healthcheck == ComposeHealthcheck(
        test=("CMD-SHELL", "pg_isready -U app"), interval=1.0, retries=3
    )


def test_extends_in_the_same_file_follows_the_chain(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "compose.yaml": """\
services:
  cache-base:
    image: redis:7
    expose: ["6379"]
    environment: [MAXMEMORY=64mb, MODE=base]
  cache-tuned:
    extends: cache-base
    entrypoint: ["redis-server"]
    environment: {MODE: tuned, APPENDONLY: no}
  cache:
    extends: {service: cache-tuned}
    environment: [MODE=test]
""",
        },
    )
    cache = read_compose(path, ["cache"], {})["cache"]
    assert (cache.image, cache.port, cache.entrypoint) == ("redis:7", 6379, ("redis-server",))
    assert dict(cache.environment) == {"MAXMEMORY": "64mb", "MODE": "test", "APPENDONLY": "no"}


def test_a_file_included_twice_defines_its_services_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "compose.yaml": "include: [a/compose.yaml, b/compose.yaml]\n",
            "a/compose.yaml": "include: [../shared.yaml]\nservices:\n  a:\n    image: a\n",
            "b/compose.yaml": "include: [../shared.yaml]\nservices:\n  b:\n    image: b\n",
            "shared.yaml": "services:\n  cache:\n    image: redis:7\n",
        },
    )
    assert read_compose(path, ["cache"], {})["cache"].image == "redis:7"


REFUSED = {
    "an included file that does not exist": (
        {"compose.yaml": "include:\n  - compose.deps.yaml\nservices:\n  api:\n    image: x\n"},
        "line 2: `include` names compose.deps.yaml, which does not exist (looked for "
        "{root}/compose.deps.yaml; it is relative to {root}); fix the path",
    ),
    "a remote include": (
        {"compose.yaml": "include:\n  - oci://docker.io/acme/deps:1\n"},
        "line 2: `include` names oci://docker.io/acme/deps:1, a remote compose file, which "
        "pytest-goimage does not fetch; copy that file into the repository and include it by "
        "its path",
    ),
    "an include cycle": (
        {
            "compose.yaml": "include: [deps/deps.yaml]\n",
            "deps/deps.yaml": "include: [../compose.yaml]\nservices:\n  cache:\n    image: x\n",
        },
        "in deps/deps.yaml line 1: include cycle: compose.yaml includes deps/deps.yaml "
        "includes compose.yaml; remove one of these includes",
    ),
    "an included file that redefines a service": (
        {
            "compose.yaml": "include:\n  - compose.deps.yaml\nservices:\n  cache:\n"
            "    image: redis:7\n",
            "compose.deps.yaml": "services:\n  cache:\n    image: valkey/valkey:8\n",
        },
        "line 2: service 'cache' is defined both in compose.yaml line 5 and in "
        "compose.deps.yaml, which `include` brings in; compose refuses that too (an included "
        "service is not merged), so remove or rename one of them",
    ),
    "several files in an include's path": (
        {
            "compose.yaml": "include:\n  - path: [a.yaml, a.override.yaml]\n",
            "a.yaml": "services: {}\n",
            "a.override.yaml": "services: {}\n",
        },
        "line 2: `include` with several files in `path` merges them as override files, which "
        "pytest-goimage does not do; include the one file that defines the services",
    ),
    "an included file that is not valid YAML": (
        {"compose.yaml": "include: [deps.yaml]\n", "deps.yaml": "services:\n  cache: [\n"},
        "in deps.yaml: not valid YAML (line 3: expected the node content, but found "
        "'<stream end>')",
    ),
    "an included service without an image": (
        {"compose.yaml": "include: [deps.yaml]\n", "deps.yaml": "services:\n  cache: {}\n"},
        "in deps.yaml: service 'cache' names no `image`; pytest-goimage starts dependencies "
        "from images, so give it an `image` that is on the engine",
    ),
    "extends of a service the file lacks": (
        {"compose.yaml": "services:\n  redis:\n    image: x\n  cache:\n    extends: cache-base\n"},
        "line 5: service 'cache' extends 'cache-base', which the file does not define (its "
        "services: cache, redis); name one of those, or `extends: {{file: FILE, service: NAME}}` "
        "for another file's",
    ),
    "extends of a file that does not exist": (
        {
            "compose.yaml": "services:\n  cache:\n    extends:\n      file: compose.deps.yml\n"
            "      service: cache\n"
        },
        "line 4: service 'cache' extends 'cache' of compose.deps.yml, which does not exist "
        "(looked for {root}/compose.deps.yml; it is relative to {root}); fix `file`",
    ),
    "extends of a service another file lacks": (
        {
            "compose.yaml": "services:\n  cache:\n    extends: {file: deps.yaml, service: redis}\n",
            "deps.yaml": "services:\n  cache:\n    image: redis:7\n",
        },
        "line 3: service 'cache' extends 'redis' of deps.yaml, which deps.yaml does not define "
        "(its services: cache); name one of those",
    ),
    "an extends cycle": (
        {
            "compose.yaml": "services:\n  a:\n    extends: b\n  b:\n"
            "    extends: {file: base.yaml, service: c}\n",
            "base.yaml": "services:\n  c:\n    extends: {file: compose.yaml, service: a}\n",
        },
        "in base.yaml line 3: service 'c' closes an extends cycle: a (compose.yaml) extends b "
        "(compose.yaml) extends c (base.yaml) extends a (compose.yaml); break the cycle",
    ),
    "an extends that names no service": (
        {"compose.yaml": "services:\n  cache:\n    extends: {file: deps.yaml}\n"},
        "line 3: service 'cache': `extends` is a service's name or a mapping with `service` "
        "(and `file`); got {{'file': 'deps.yaml'}}",
    ),
}


@pytest.mark.parametrize(("files", "expected"), list(REFUSED.values()), ids=list(REFUSED))
def test_what_cannot_be_put_together_is_refused_naming_where(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    path = _write(tmp_path, files)
    wanted = ["cache"] if "cache" in "".join(files.values()) else ["a"]
    with pytest.raises(ComposeError) as caught:
        read_compose(path, wanted, {})
    assert str(caught.value) == expected.format(root=tmp_path)
