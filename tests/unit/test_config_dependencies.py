"""`[tool.goimage.dependencies.NAME]`, `compose_file` and `compose_services`, validated like
every other key: each mistake names the file, the table and the key, with a close match."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from pytest_goimage.config import GoImageConfig, parse_config
from pytest_goimage.errors import ConfigError


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "Dockerfile.docs").write_text("FROM scratch\n")
    return tmp_path


def parse(project: Path, toml: str) -> GoImageConfig:
    table = tomllib.loads(toml)["tool"]["goimage"]
    return parse_config(table, rootdir=project, source=project / "pyproject.toml")


BASE = """
[tool.goimage]
dockerfiles = ["Dockerfile", "Dockerfile.docs"]
"""


def test_a_dependency_table_gives_every_image_the_dependency(project: Path) -> None:
    config = parse(
        project,
        BASE
        + """
[tool.goimage.env]
CACHE_ADDR = "{cache.endpoint}"
[tool.goimage.dependencies.cache]
image = "redis:7"
port = 6379
command = ["redis-server", "--save", ""]
ready = "log:Ready to accept connections"
startup_timeout = "20s"
""",
    )
    for image in config.images:
        (cache,) = image.dependencies
        assert (cache.name, cache.image, cache.port) == ("cache", "redis:7", 6379)
        assert cache.command == ("redis-server", "--save", "")
        assert (cache.ready, cache.startup_timeout) == ("log:Ready to accept connections", 20.0)
        assert cache.origin == "[tool.goimage] dependencies.cache"
        assert image.env["CACHE_ADDR"] == "{cache.endpoint}"


def test_an_image_adds_changes_or_leaves_out_a_shared_dependency(project: Path) -> None:
    config = parse(
        project,
        BASE
        + """
[tool.goimage.dependencies.cache]
image = "redis:7"
[[tool.goimage.image]]
dockerfile = "Dockerfile"
dependencies.cache = { startup_timeout = "5s" }
dependencies.db = { image = "postgres:16", env = { POSTGRES_PASSWORD = "pw" } }
[[tool.goimage.image]]
dockerfile = "Dockerfile.docs"
dependencies.cache = false
""",
    )
    service, docs = config.images
    assert [(d.name, d.image, d.startup_timeout) for d in service.dependencies] == [
        ("cache", "redis:7", 5.0),
        ("db", "postgres:16", 60.0),
    ]
    assert docs.dependencies == ()


def test_a_dependency_may_use_the_bucket_and_placeholders_in_its_command(project: Path) -> None:
    """Trial 17: `{bucket}` in a dependency's env was refused as "no bucket is set" while the
    image set one, and the command's placeholders were not checked (nor filled)."""
    config = parse(
        project,
        BASE
        + """bucket = "uploads"
[tool.goimage.dependencies.cache]
image = "redis:7"
port = 6379
command = ["redis-server", "--port", "{cache.port}"]
env = { SEED_BUCKET = "{bucket}" }
""",
    )
    cache = config.images[0].dependencies[0]
    assert cache.env == {"SEED_BUCKET": "{bucket}"}
    assert cache.command == ("redis-server", "--port", "{cache.port}")
    assert cache.placeholders(6379)["cache.port"] == "6379"


def test_a_dependency_env_builds_a_dsn_from_placeholders(project: Path) -> None:
    config = parse(
        project,
        BASE
        + """
[tool.goimage.dependencies.db]
image = "postgres:16"
port = 5432
[tool.goimage.dependencies.pgbouncer]
image = "bouncer:1"
env = { DATABASE_URL = "postgres://app@{db.endpoint}/app" }
""",
    )
    bouncer = config.images[0].dependencies[1]
    assert bouncer.env == {"DATABASE_URL": "postgres://app@{db.endpoint}/app"}


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\nredy = "tcp"\n',
            "unknown key 'redy' in [tool.goimage] dependencies.cache (did you mean 'ready'?)",
        ),
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\nready = "tpc"\n',
            "[tool.goimage] dependencies.cache ready = 'tpc' is not a readiness test "
            "(did you mean 'tcp'?)",
        ),
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\nready = "http:health"\n',
            "ready = 'http:health' is not a readiness test; use",
        ),
        (
            "[tool.goimage.dependencies.cache]\nport = 6379\n",
            "[tool.goimage] dependencies.cache needs an `image`",
        ),
        (
            '[tool.goimage.dependencies.minio]\nimage = "minio:x"\n',
            "dependency name 'minio' is taken",
        ),
        (
            '[tool.goimage.dependencies."db.main"]\nimage = "postgres:16"\n',
            "dependency name 'db.main' is not a usable network alias",
        ),
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\nport = 70000\n',
            "dependencies.cache port = 70000 is not a TCP port",
        ),
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\ncommand = "redis-server"\n',
            "dependencies.cache key 'command' must be a list of strings in exec form",
        ),
        (
            '[tool.goimage.env]\nCACHE = "{cache.hots}"\n'
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\n',
            "env.CACHE uses {cache.hots}, which is not a placeholder (did you mean {cache.host}?)",
        ),
        (
            # Trial 11: it said "did you mean {minio.endpoint}?"
            '[tool.goimage.env]\nCACHE = "{redis.endpoint}"\n',
            "env.CACHE uses {redis.endpoint}, but [tool.goimage] has no dependency 'redis': none "
            "is declared by that name, or `dependencies.redis = false` leaves it out for this "
            "image. Declare [tool.goimage.dependencies.redis] (or take it from "
            "`compose_services`), or give this image its own env.CACHE.",
        ),
        (
            # The review: a misspelt dependency's name is still a typo to point out.
            '[tool.goimage.env]\nDB = "{postgress.host}"\n'
            '[tool.goimage.dependencies.postgres]\nimage = "postgres:16"\n',
            "env.DB uses {postgress.host}, which is not a placeholder (did you mean "
            "{postgres.host}?)",
        ),
        (
            '[tool.goimage.env]\nCACHE = "{cache.endpoint}"\n'
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\n'
            '[[tool.goimage.image]]\ndockerfile = "Dockerfile"\ndependencies.cache = false\n',
            "env.CACHE uses {cache.endpoint}, but [[tool.goimage.image]] 'Dockerfile' has no "
            "dependency 'cache'",
        ),
        (
            # Dependencies start beside MinIO: its address is not known when they start.
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\nenv = { X = "{minio.url}" }\n',
            "dependencies.cache env.X uses {minio.url}, but a dependency starts at the same "
            "time as MinIO, before MinIO's address and keys are known; only the service's env "
            "may use {minio.*}. Known here: {cache.host}, {cache.port}, {cache.endpoint}.",
        ),
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\nenv = { B = "{bucket}" }\n',
            "dependencies.cache env.B uses {bucket}, but no `bucket` is set; set `bucket`",
        ),
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\n'
            'command = ["redis-server", "--port", "{cache.prot}"]\n',
            "dependencies.cache command uses {cache.prot}, which is not a placeholder (did you "
            "mean {cache.port}?)",
        ),
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\n'
            'entrypoint = ["seed", "{minio.endpoint}"]\n',
            "dependencies.cache entrypoint uses {minio.endpoint}, but a dependency starts at the "
            "same time as MinIO",
        ),
        (
            '[tool.goimage.dependencies.seed]\nimage = "alpine:3.22"\nready = "exit"\n'
            'depends_on = ["migrat"]\n'
            '[tool.goimage.dependencies.migrate]\nimage = "alpine:3.22"\nready = "exit"\n',
            "dependencies.seed depends_on names 'migrat', which is not another dependency of "
            "this image (did you mean 'migrate'?); name one of ['migrate'].",
        ),
        (
            '[tool.goimage.dependencies.db]\nimage = "postgres:16"\ndepends_on = ["db"]\n',
            "dependencies.db depends_on names 'db' itself, so it would wait for its own start; "
            "remove depends_on.",
        ),
        (
            '[tool.goimage.dependencies.db]\nimage = "postgres:16"\ndepends_on = ["db"]\n'
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\n',
            "dependencies.db depends_on names 'db' itself, so it would wait for its own start; "
            "name one of ['cache'], or none.",
        ),
        (
            '[tool.goimage.dependencies.seed]\nimage = "alpine:3.22"\ndepends_on = "migrate"\n',
            "dependencies.seed key 'depends_on' must be a list of dependency names",
        ),
        (
            '[tool.goimage.dependencies.a]\nimage = "alpine:3.22"\ndepends_on = ["b"]\n'
            '[tool.goimage.dependencies.b]\nimage = "alpine:3.22"\ndepends_on = ["a"]\n',
            "dependencies wait for each other in a circle (a -> b -> a), so none could start; "
            "remove one of those depends_on.",
        ),
        (
            '[tool.goimage.env]\nDB_HOST = "{migrate.host}"\n'
            '[tool.goimage.dependencies.migrate]\nimage = "alpine:3.22"\nready = "exit"\n',
            "env.DB_HOST uses {migrate.host}, but [tool.goimage] dependencies.migrate runs to "
            'completion (ready = "exit") and has exited before the service starts, so nothing '
            "answers there.",
        ),
        (
            'compose_services = ["db"]\n',
            "compose_services is set but no compose_file",
        ),
        (
            'compose_file = "docker-compose.yml"\n',
            "compose_file = 'docker-compose.yml' needs compose_services",
        ),
        (
            'compose_file = "compose.yaml"\ncompose_services = ["db"]\n',
            "compose_file = 'compose.yaml' does not exist",
        ),
    ],
)
def test_a_mistake_names_the_key_and_the_fix(project: Path, snippet: str, message: str) -> None:
    head, _, rest = snippet.partition("[")
    toml = BASE + head + ("[" + rest if rest else "")
    with pytest.raises(ConfigError) as caught:
        parse(project, toml)
    assert str(caught.value).startswith(f"{project / 'pyproject.toml'}: ")
    assert message in str(caught.value)


def test_compose_services_become_dependencies_and_a_table_refines_them(project: Path) -> None:
    (project / "docker-compose.yml").write_text(
        "services:\n"
        "  db:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: pw}\n"
        "    healthcheck: {test: [CMD, pg_isready], interval: 1s}\n"
        "  cache:\n    image: redis:7\n    ports: ['6379']\n"
    )
    config = parse(
        project,
        BASE
        + """
compose_file = "docker-compose.yml"
compose_services = ["db", "cache"]
[tool.goimage.env]
DB_HOST = "{db.host}"
[tool.goimage.dependencies.cache]
ready = "log:Ready to accept connections"
""",
    )
    db, cache = config.images[0].dependencies
    assert (db.name, db.image, db.ready, db.env) == (
        "db",
        "postgres:16",
        "healthcheck",
        {"POSTGRES_PASSWORD": "pw"},
    )
    # Trial 18: a compose service without a table of its own was named by a table that the
    # project does not have.
    assert db.origin == "docker-compose.yml service 'db'"
    assert cache.origin == (
        "docker-compose.yml service 'cache', refined by [tool.goimage] dependencies.cache"
    )
    assert (cache.port, cache.ready) == (6379, "log:Ready to accept connections")


def test_a_compose_problem_names_the_compose_file_and_the_key(project: Path) -> None:
    (project / "docker-compose.yml").write_text("services:\n  api:\n    build: .\n")
    with pytest.raises(ConfigError) as caught:
        parse(project, BASE + 'compose_file = "docker-compose.yml"\ncompose_services = ["api"]\n')
    assert str(caught.value).startswith(
        f"{project / 'docker-compose.yml'}: service 'api' builds its image (`build:`)"
    )
    assert str(caught.value).endswith(f"(named by [tool.goimage] in {project / 'pyproject.toml'}).")


def test_a_dependency_password_is_one_of_the_values_every_output_masks(project: Path) -> None:
    from pytest_goimage.report.masking import config_secrets

    config = parse(
        project,
        BASE
        + """
[tool.goimage.dependencies.db]
image = "postgres:16"
env = { POSTGRES_PASSWORD = "db-pass-4f9a2c7e", POSTGRES_USER = "app" }
""",
    )
    assert config_secrets(config) == frozenset({"db-pass-4f9a2c7e"})


def test_an_images_dependency_env_extends_the_shared_one_key_by_key(project: Path) -> None:
    config = parse(
        project,
        BASE
        + """
[tool.goimage.dependencies.db]
image = "postgres:16"
env = { POSTGRES_USER = "app", POSTGRES_PASSWORD = "pw" }
[[tool.goimage.image]]
dockerfile = "Dockerfile"
dependencies.db = { env = { POSTGRES_DB = "orders" } }
""",
    )
    (db,) = config.image("Dockerfile").dependencies
    assert db.env == {"POSTGRES_USER": "app", "POSTGRES_PASSWORD": "pw", "POSTGRES_DB": "orders"}
    (shared,) = config.image("Dockerfile.docs").dependencies
    assert shared.env == {"POSTGRES_USER": "app", "POSTGRES_PASSWORD": "pw"}


def test_leaving_out_a_dependency_nothing_declares_is_refused_with_a_close_match(
    project: Path,
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(
            project,
            BASE
            + """
[tool.goimage.dependencies.cache]
image = "redis:7"
[[tool.goimage.image]]
dockerfile = "Dockerfile.docs"
dependencies.cahce = false
""",
        )
    assert str(caught.value) == (
        f"{project / 'pyproject.toml'}: [[tool.goimage.image]] 'Dockerfile.docs' "
        "dependencies.cahce = false leaves out a dependency that nothing declares (did you "
        "mean 'cache'?); name one of the shared dependencies or compose services, or remove "
        "the line."
    )


def test_compose_depends_on_orders_the_dependencies_it_names(project: Path) -> None:
    """A migration and its seed (both `service_completed_successfully` for the api): the seed
    waits for the migration. A service the image does not start (the api) is left out."""
    (project / "docker-compose.yml").write_text(
        "services:\n"
        "  api:\n    build: .\n    depends_on:\n"
        "      seed: {condition: service_completed_successfully}\n"
        "  db:\n    image: postgres:16\n"
        "  migrate:\n    image: migrate:1\n    depends_on:\n"
        "      db: {condition: service_started}\n"
        "      api: {condition: service_started}\n"
        "  seed:\n    image: seed:1\n    depends_on: [migrate]\n"
    )
    config = parse(
        project,
        BASE
        + 'compose_file = "docker-compose.yml"\ncompose_services = ["db", "migrate", "seed"]\n',
    )
    db, migrate, seed = config.images[0].dependencies
    assert (db.depends_on, migrate.depends_on, seed.depends_on) == ((), ("db",), ("migrate",))
    # `seed` is run to completion only because its own depends_on is written; migrate by
    # seed's short form is not (compose's short form waits for a start, not an exit).
    assert (migrate.ready, seed.ready) == ("tcp", "exit")
