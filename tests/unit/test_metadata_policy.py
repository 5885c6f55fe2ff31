"""The `metadata` policy: how [tool.goimage] declares it, and what each rule finds in an image
config (no engine: the config is the one `docker inspect` returns, as data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.checks.metadata import policy_problems
from pytest_goimage.config import parse_config
from pytest_goimage.config_release import MetadataPolicy, metadata_policy
from pytest_goimage.engine.image import ImageConfigView
from pytest_goimage.errors import ConfigError

SRC = Path("/repo/pyproject.toml")
REVISION = "org.opencontainers.image.revision"


def view(**changes: object) -> ImageConfigView:
    values: dict[str, object] = {
        "user": "65532:65532",
        "env": {"PORT": "8080", "PATH": "/bin"},
        "entrypoint": ["/app/api"],
        "cmd": [],
        "exposed_ports": ["8080/tcp"],
        "labels": {REVISION: "a" * 40},
        "healthcheck": None,
        "working_dir": "",
    }
    values.update(changes)
    return ImageConfigView(**values)  # type: ignore[arg-type]


def policy(**table: object) -> MetadataPolicy:
    return metadata_policy({"metadata": table}, "[tool.goimage]", SRC)


def test_default_policy_asks_nothing() -> None:
    assert not metadata_policy({}, "[tool.goimage]", SRC).declared
    assert policy_problems(MetadataPolicy(), view(user="", labels={})) == []


# (policy table, image config changes, the one problem found)
VIOLATIONS = [
    ({"labels": [REVISION]}, {"labels": {}}, f"label {REVISION} is missing"),
    ({"labels": [REVISION]}, {"labels": {REVISION: ""}}, f"label {REVISION} is empty"),
    (
        {"labels": {REVISION: "[0-9a-f]{40}"}},
        {"labels": {REVISION: "main"}},
        f"label {REVISION}='main' does not match '[0-9a-f]{{40}}'",
    ),
    ({"expose": [8080]}, {"exposed_ports": []}, "it exposes no port, the policy says 8080/tcp"),
    (
        {"expose": ["8080/tcp"]},
        {"exposed_ports": ["8080/tcp", "9090/tcp"]},
        "it exposes 8080/tcp, 9090/tcp, the policy says 8080/tcp",
    ),
    (
        {"user": "non-root"},
        {"user": ""},
        'it runs as root (no USER instruction), the policy says user = "non-root"',
    ),
    (
        {"user": "non-root"},
        {"user": "0:0"},
        'it runs as root (USER 0:0), the policy says user = "non-root"',
    ),
    (
        {"user": "non-root"},
        {"user": "00:app"},
        'it runs as root (USER 00:app), the policy says user = "non-root"',
    ),
    ({"user": "app"}, {"user": "65532"}, "it runs as USER 65532, the policy says USER app"),
    ({"healthcheck": True}, {"healthcheck": {"Test": ["NONE"]}}, "it has no HEALTHCHECK"),
    (
        {"entrypoint": ["/app/api"]},
        {"entrypoint": ["/bin/sh", "-c", "/app/api"]},
        'ENTRYPOINT is ["/bin/sh", "-c", "/app/api"], the policy says ["/app/api"]',
    ),
    ({"cmd": ["serve"]}, {"cmd": []}, 'CMD is [], the policy says ["serve"]'),
    ({"workdir": "/app"}, {"working_dir": ""}, "WORKDIR is /, the policy says /app"),
    ({"env_required": ["PORT", "TZ"]}, {}, "ENV lacks TZ"),
    (
        {"env_forbidden": ["AWS_SECRET_ACCESS_KEY"]},
        {"env": {"AWS_SECRET_ACCESS_KEY": "hunter22hunter22"}},
        "ENV sets AWS_SECRET_ACCESS_KEY, which the policy forbids",
    ),
]


@pytest.mark.parametrize(
    ("table", "changes", "problem"), VIOLATIONS, ids=[v[2][:40] for v in VIOLATIONS]
)
def test_each_rule_names_its_violation(
    table: dict[str, object], changes: dict[str, object], problem: str
) -> None:
    assert policy_problems(policy(**table), view(**changes)) == [problem]


def test_an_image_meeting_every_rule_has_no_problem() -> None:
    every = policy(
        labels={REVISION: "[0-9a-f]{40}"},
        expose=[8080],
        user="non-root",
        healthcheck=True,
        entrypoint=["/app/api"],
        cmd=[],
        workdir="/",
        env_required=["PORT"],
        env_forbidden=["DEBUG"],
    )
    image = view(healthcheck={"Test": ["CMD", "/app/api", "-health"]})
    assert policy_problems(every, image) == []


# (table, the message's tail): every bad value names the file, the key and a fix.
BAD_POLICIES = [
    ({"metadata": "strict"}, "key 'metadata' must be a table such as"),
    ({"metadata": {"lables": []}}, "unknown key 'lables' in [tool.goimage] metadata"),
    ({"metadata": {"labels": "revision"}}, "key 'labels' must be a list of label names"),
    ({"metadata": {"labels": {"a": "("}}}, "labels.a = '(' is not a regular expression"),
    ({"metadata": {"expose": [0]}}, "expose entry 0 is not a port"),
    ({"metadata": {"expose": ["8080/http"]}}, "expose entry '8080/http' is not a port"),
    ({"metadata": {"user": ""}}, 'user = "" names no user'),
    ({"metadata": {"cmd": "serve"}}, "key 'cmd' must be a list of strings"),
    ({"parity_ignore": ["ldflags"]}, "parity_ignore entry 'ldflags' is not a build fact"),
    ({"build_args": {"SHA": "{git.HEAD}"}}, "uses {git.HEAD}, which is not a build argument"),
]


@pytest.mark.parametrize(("table", "message"), BAD_POLICIES, ids=[b[1][:30] for b in BAD_POLICIES])
def test_bad_release_settings_name_the_key(
    tmp_path: Path, table: dict[str, object], message: str
) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(ConfigError) as raised:
        parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert str(raised.value).startswith(f"{tmp_path / 'pyproject.toml'}: ")
    assert message in str(raised.value)


def test_an_image_entry_extends_the_shared_policy(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "Dockerfile.prod").write_text("FROM scratch\n")
    table = {
        "metadata": {"labels": [REVISION]},
        "image": [{"dockerfile": "Dockerfile.prod", "metadata": {"user": "non-root"}}],
    }
    config = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    shared, prod = config.image("Dockerfile").metadata, config.image("Dockerfile.prod").metadata
    assert (shared.labels, shared.user) == (((REVISION, None),), None)
    assert (prod.labels, prod.user) == (((REVISION, None),), "non-root")


def test_a_build_label_only_the_base_image_sets_describes_the_base() -> None:
    """ubuntu:24.04 carries org.opencontainers.image.version=24.04: a policy that wants the
    release's version must not pass on the base image's."""
    version = "org.opencontainers.image.version"
    wanted = policy(labels=[version, "org.opencontainers.image.vendor"])
    image = view(labels={version: "24.04", "org.opencontainers.image.vendor": "Example"})
    assert policy_problems(wanted, image, own_labels=set()) == [
        "label org.opencontainers.image.version='24.04' comes from the base image (no LABEL of "
        "the final stage sets it), so it describes the base image, not this build"
    ]
    # Set by the Dockerfile itself, or the Dockerfile unknown: the label stands. A vendor
    # label may well come from a company base image.
    assert policy_problems(wanted, image, own_labels={version}) == []
    assert policy_problems(wanted, image, own_labels=None) == []


def test_labels_set_are_the_keys_of_the_built_stages_label_instructions() -> None:
    from pytest_goimage.gofacts.dockerfile import parse_dockerfile

    parsed = parse_dockerfile(
        "FROM golang AS build\nLABEL stage=build\n"
        'FROM alpine AS base\nLABEL "org.opencontainers.image.version"="1.0 beta" a=b\n'
        "FROM base\nLABEL maintainer me\n"
    )
    assert parsed.labels_set(None) == {"org.opencontainers.image.version", "a", "maintainer"}
    assert parsed.labels_set("build") == {"stage"}


def test_labels_set_strip_either_quote_and_are_unknown_behind_a_variable() -> None:
    from pytest_goimage.gofacts.dockerfile import parse_dockerfile

    quoted = parse_dockerfile("FROM alpine\nLABEL 'org.opencontainers.image.revision'=$SHA\n")
    assert quoted.labels_set(None) == {"org.opencontainers.image.revision"}
    for text in (
        "ARG FINAL=alpine\nFROM golang AS a\nFROM ${FINAL}\nLABEL a=b\n",
        "FROM alpine\nARG KEY=org.opencontainers.image.revision\nLABEL $KEY=x\n",
    ):
        assert parse_dockerfile(text).labels_set(None) is None
