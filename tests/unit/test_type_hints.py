"""Every dataclass of the package has type hints that resolve at run time: a team's tooling
(typeguard, pydantic, documentation generators) calls typing.get_type_hints on what the fixtures
hand out, and a name imported only under TYPE_CHECKING raised NameError there
(RunningService.image, until 2026-11-30)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import typing

import pytest

import pytest_goimage


def _dataclasses() -> list[type]:
    found = []
    for module_info in pkgutil.walk_packages(pytest_goimage.__path__, "pytest_goimage."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and value.__module__ == module.__name__
                and dataclasses.is_dataclass(value)
            ):
                found.append(value)
    return found


DATACLASSES = _dataclasses()


def test_the_fixtures_types_are_among_those_checked() -> None:
    names = {cls.__name__ for cls in DATACLASSES}
    assert {"RunningService", "MinioServer", "BuiltImage", "GoImageConfig", "ImageConfig"} <= names


@pytest.mark.parametrize("cls", DATACLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_type_hints_resolve(cls: type) -> None:
    hints = typing.get_type_hints(cls)
    assert set(hints) >= {field.name for field in dataclasses.fields(cls)}
