"""The package's layers, as its folders show them: imports only go down.

Every top-level module and folder has a rank in `LAYERS`, lowest first:

    errors, run_secrets, run_outputs, termination, go_project < gofacts < config_keys, config_defaults < config < config_committed < engine < build < report
    < session < checks < stash_keys < config_loading < run_folder < selection, run, assertions
    < items < plugin < __init__

config sits low because everything reads it and it reads only files (gofacts). report sits
below session because a session records `ImageFacts`; it renders records, never runs checks.
An import may go to a lower rank, or stay inside its own folder; two top-level modules of one
rank never import each other. This holds for every import, those under TYPE_CHECKING and those
inside functions too: a type from a layer above is a sign the code sits in the wrong layer.
gofacts is pure (no Docker, no engine or build code), and no check imports another check:
what two checks share lives a layer below.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_goimage

PACKAGE = Path(pytest_goimage.__file__).parent
GOFACTS = sorted((PACKAGE / "gofacts").rglob("*.py"))
CHECKS = sorted((PACKAGE / "checks").glob("*.py"))
# Third-party clients of the engine and the network; gofacts reads bytes and text only.
_OUTSIDE = ("docker", "requests", "urllib3", "minio", "testinfra")


def imported(path: Path) -> set[str]:
    """Absolute names of the modules `path` imports (relative imports resolved)."""
    package = "pytest_goimage." + ".".join(path.relative_to(PACKAGE).parent.parts)
    package = package.rstrip(".")
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "run_secrets", "run_outputs", "termination", "go_project"),
    ("gofacts",),
    ("config_keys", "config_defaults"),
    (
        "config_dependencies",
        "config_dockerfiles",
        "config_go_versions",
        "config_modules",
        "config_release",
    ),
    ("config",),
    ("config_committed",),
    ("engine",),
    ("build",),
    ("report",),
    ("session",),
    ("checks",),
    ("stash_keys",),
    ("config_loading",),
    ("run_folder",),
    ("selection", "run", "assertions"),
    ("items", "fixtures"),
    ("plugin",),
    ("__init__",),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
MODULES = sorted(PACKAGE.rglob("*.py"))


def unit_of(module: str) -> str:
    """The top-level module or folder `module` (a dotted name in the package) belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path: Path) -> set[str]:
    """The package modules (or names in them) `path` imports, each once, most specific."""
    package = ["pytest_goimage", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("pytest_goimage.")}


def unit_of_path(path: Path) -> str:
    return unit_of(".".join(("pytest_goimage", *path.relative_to(PACKAGE).with_suffix("").parts)))


def test_every_module_has_a_layer() -> None:
    assert sorted({unit_of_path(p) for p in MODULES} - RANK.keys()) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path: Path) -> None:
    me = unit_of_path(path)
    up = sorted(
        f"{name} ({unit_of(name)})"
        for name in imported_modules(path)
        if unit_of(name) != me and RANK.get(unit_of(name), len(LAYERS)) >= RANK[me]
    )
    assert up == [], f"{path.relative_to(PACKAGE)} ({me}) imports from its layer or above: {up}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_registry_imports_a_check(path: Path) -> None:
    """What a check and a fixture or report share lives below checks/, not in a check module
    (checks/base.py holds what a check raises; checks/__init__.py is the registry)."""
    if path.parent == PACKAGE / "checks":
        return  # the registry imports them all; check to check is the test below
    checks = sorted(
        name
        for name in imported_modules(path)
        if name.startswith("pytest_goimage.checks.")
        and name.split(".")[2] != "base"
        and (PACKAGE / "checks" / f"{name.split('.')[2]}.py").is_file()
    )
    assert checks == [], f"{path.relative_to(PACKAGE)} imports {checks}"


@pytest.mark.parametrize("path", GOFACTS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_gofacts_imports_no_engine_build_or_docker(path: Path) -> None:
    higher = (
        "pytest_goimage.engine",
        "pytest_goimage.build",
        "pytest_goimage.report",
        "pytest_goimage.checks",
        "pytest_goimage.session",
        "pytest_goimage.plugin",
        "pytest_goimage.config",
    )
    bad = sorted(
        name for name in imported(path) if name.split(".")[0] in _OUTSIDE or name.startswith(higher)
    )
    assert bad == [], f"{path.name} imports {bad}"


def test_gofacts_loads_without_docker() -> None:
    """Transitively too: importing every reader leaves Docker's client unloaded."""
    modules = [
        ".".join(("pytest_goimage", *p.relative_to(PACKAGE).with_suffix("").parts))
        for p in GOFACTS
        if p.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {_OUTSIDE!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_no_check_imports_another_check(path: Path) -> None:
    allowed = {"pytest_goimage.checks.base", "pytest_goimage.checks"}
    if path.name == "__init__.py":  # the registry of checks imports them all
        return
    others = sorted(
        name
        for name in imported(path)
        if name.startswith("pytest_goimage.checks.")
        and name not in allowed
        and not name.startswith("pytest_goimage.checks.base.")
    )
    assert others == [], f"{path.name} imports {others}"


def test_public_types_are_exported() -> None:
    from pytest_goimage import (
        BuiltImage,
        DependencyServer,
        GoImageConfig,
        ImageConfig,
        MinioServer,
        RunningService,
    )

    assert sorted(pytest_goimage.__all__) == [
        "BuiltImage",
        "DependencyServer",
        "GoImageConfig",
        "ImageConfig",
        "MinioServer",
        "RunningService",
    ]
    assert [
        t.__name__
        for t in (
            BuiltImage,
            DependencyServer,
            GoImageConfig,
            ImageConfig,
            MinioServer,
            RunningService,
        )
    ] == sorted(pytest_goimage.__all__)
