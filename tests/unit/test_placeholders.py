"""The one list of placeholder names, as configuration validates them and a service gets them."""

from __future__ import annotations

import pytest

from pytest_goimage.config_dependencies import DependencyConfig, known_placeholders
from pytest_goimage.config_keys import PLACEHOLDERS
from pytest_goimage.engine.minio_server import MinioServer
from pytest_goimage.engine.placeholders import expand
from pytest_goimage.engine.running_service import placeholder_values
from pytest_goimage.engine.service import expand_env
from pytest_goimage.errors import ServiceError


def test_validated_placeholders_are_the_ones_a_service_gets() -> None:
    """Config validation and expansion name the same placeholders: none accepted and then
    undefined at service start, none usable but rejected as unknown."""
    for network in ("goimage-net", None):
        offered = MinioServer(image="minio", run_id="r", network=network).placeholders()
        assert sorted([*offered, "bucket"]) == sorted(PLACEHOLDERS)


def test_every_placeholder_in_the_list_is_filled_for_a_service() -> None:
    minio = MinioServer(image="minio", run_id="r", network="goimage-net")
    env = {name: "{" + name + "}" for name in PLACEHOLDERS}
    filled = expand_env(env, placeholder_values(minio, "bookmarks", []))
    assert filled == {**minio.placeholders(), "bucket": "bookmarks"}


def test_dependency_placeholders_name_its_alias_and_container_port() -> None:
    redis = DependencyConfig(name="redis", image="redis:7", origin="t", port=6379)
    assert redis.placeholders() == {
        "redis.host": "redis",
        "redis.port": "6379",
        "redis.endpoint": "redis:6379",
    }
    # The image's EXPOSEd port, found at start, stands in for an unset `port`.
    db = DependencyConfig(name="db", image="postgres:16", origin="t")
    assert db.placeholders(5432)["db.endpoint"] == "db:5432"


def test_validated_dependency_placeholders_are_the_ones_expanded() -> None:
    deps = (DependencyConfig(name="db", image="postgres:16", origin="t", port=5432),)
    known = known_placeholders(deps)
    assert {"db.host", "db.port", "db.endpoint"} <= set(known)
    values = {**deps[0].placeholders(), "bucket": "b"}
    filled = expand({"DSN": "postgres://u@{db.endpoint}/app?x={bucket}"}, values, "env")
    assert filled == {"DSN": "postgres://u@db:5432/app?x=b"}


def test_a_placeholder_without_a_value_names_the_variable_and_the_table() -> None:
    with pytest.raises(
        ServiceError, match=r"^\[tool.goimage.env\] BUCKET uses \{bucket\}, but no `bucket` is set"
    ):
        expand({"BUCKET": "{bucket}"}, {}, "[tool.goimage.env]")


def test_braces_that_name_no_placeholder_are_left_alone() -> None:
    assert expand({"J": '{"a": 1} {other}'}, {"bucket": "b"}, "env") == {"J": '{"a": 1} {other}'}


def test_a_dependency_port_that_is_not_known_is_an_error_not_text_passed_on() -> None:
    """A dependency ready by its log, whose image EXPOSEs no port and whose table sets none:
    `{cache.endpoint}` has no value, and the service must not get the braces."""
    cache = DependencyConfig(name="cache", image="redis:7", origin="t", ready="log:Ready")
    values = cache.placeholders()  # the port is unknown: host only
    assert values == {"cache.host": "cache"}
    with pytest.raises(ServiceError) as caught:
        expand(
            {"CACHE_ADDR": "{cache.endpoint}"},
            values,
            "[tool.goimage.env]",
            known_placeholders((cache,)),
        )
    assert str(caught.value) == (
        "[tool.goimage.env] CACHE_ADDR uses {cache.endpoint}, but dependency 'cache' has no "
        "known port: its image EXPOSEs none or several and its table sets no `port`; set "
        "`port` in [tool.goimage.dependencies.cache]."
    )
