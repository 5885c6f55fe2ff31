"""A CycloneDX SBOM of one image's Go binary, from the build info the Go linker embedded.

The image is the subject (a container component, its digest as the version); the main module is
an application component, and every module `go version -m` lists is a library with its version,
a `pkg:golang/...` purl and its `h1:` hash (base64 SHA-256, written as hex SHA-256, as
cyclonedx-gomod does). The Go version and build settings are properties of the main module.
Built and serialized with cyclonedx-python-lib, imported on first use (it is not light).
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.names import image_key
from ..gofacts.linker_flags import linker_assignments, variable_name
from ..gofacts.redaction import redact, secret_values

if TYPE_CHECKING:
    from cyclonedx.model import HashType
    from cyclonedx.model.component import Component

    from ..engine.image import BuiltImage
    from ..gofacts.buildinfo import BuildInfo, Module

SPEC_VERSION = "1.6"
SBOM_SUFFIX = ".cdx.json"  # the file name ending of each image's SBOM


def sbom_path(directory: Path, dockerfile: str) -> Path:
    """Where --goimage-sbom puts the SBOM of the image built from `dockerfile`."""
    return directory / f"{image_key(dockerfile)}{SBOM_SUFFIX}"


_H1 = "h1:"


def sbom_json(info: BuildInfo, *, image_name: str, image_digest: str) -> str:
    """The CycloneDX 1.6 JSON document of `info`, the build info of the Go binary in the image
    `image_name` (a tag) whose digest is `image_digest` (`sha256:...`)."""
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6

    bom = Bom()
    subject = Component(
        type=ComponentType.CONTAINER,
        name=image_name.rsplit(":", 1)[0],
        version=image_digest,
        bom_ref=image_digest,
    )
    bom.metadata.component = subject
    main = _module_component(info.main, info.path) if info.main else None
    if main is None:
        main = Component(
            type=ComponentType.APPLICATION, name=info.path or "unknown", bom_ref=info.path
        )
    main.type = ComponentType.APPLICATION
    main.properties.add(Property(name="go:version", value=info.go_version))
    if info.path:
        main.properties.add(Property(name="go:path", value=info.path))
    for key, value in info.settings:
        main.properties.add(Property(name=f"go:build:{key}", value=masked_setting(value)))
    libraries = [_module_component(dep, None) for dep in info.deps]
    bom.components.add(main)
    bom.components.update(libraries)
    bom.register_dependency(subject, [main])
    bom.register_dependency(main, libraries)
    text: str = JsonV1Dot6(bom).output_as_string(indent=2)
    return text


def write_sbom(path: Path, info: BuildInfo, *, image_name: str, image_digest: str) -> Path:
    """Write the SBOM of `info` (see `sbom_json`) to `path`, whole or not at all: xdist
    workers that read the same image may write it at the same time. Raises OSError."""
    text = sbom_json(info, image_name=image_name, image_digest=image_digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _module_component(module: Module, path: str | None) -> Component:
    """A module as a library component; a `=>` replacement is what was linked."""
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component, ComponentType
    from packageurl import PackageURL

    linked = module.replace or module
    if linked.path.startswith((".", "/")):
        # `replace m => ../dir`: source from a folder, no module version a scanner could
        # look up. Named after the module it stands in for, the folder as a property.
        component = Component(
            type=ComponentType.LIBRARY,
            name=module.path,
            bom_ref=f"{module.path}@directory:{linked.path}",
        )
        component.properties.add(Property(name="go:replaced-by-directory", value=linked.path))
        component.properties.add(
            Property(name="go:replaces", value=f"{module.path}@{module.version}")
        )
        return component
    version = linked.version if linked.version != "(devel)" else None
    purl = PackageURL(type="golang", name=linked.path, version=version)
    component = Component(
        type=ComponentType.LIBRARY,
        name=linked.path,
        version=version,
        purl=purl,
        bom_ref=f"{purl}",
        hashes=[h for h in [_sha256(linked.sum)] if h is not None],
    )
    if module.replace is not None:
        component.properties.add(
            Property(name="go:replaces", value=f"{module.path}@{module.version}")
        )
    return component


def _sha256(go_sum: str) -> HashType | None:
    """`h1:<base64 SHA-256>` as a CycloneDX SHA-256 hash (hex); None without one."""
    from cyclonedx.model import HashAlgorithm, HashType

    if not go_sum.startswith(_H1):
        return None
    try:
        digest = base64.b64decode(go_sum[len(_H1) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return HashType(alg=HashAlgorithm.SHA_256, content=digest.hex())


def image_sbom(path: Path, built: BuiltImage) -> str | None:
    """Write the SBOM of `built`'s Go binary to `path`; the path written, or None without Go
    build info or when it cannot be written (the terminal summary names images without one)."""
    info = built.binary.build_info
    if info is None:
        return None
    try:
        return str(write_sbom(path, info, image_name=built.tag, image_digest=built.id))
    except OSError:
        return None


def masked_setting(value: str) -> str:
    """A build setting with every secret-looking `-X name=value` and known-format secret
    masked, as every other output of the run is: a token baked into the binary must not reach
    the SBOM."""
    secrets = {
        secret
        for name, secret in linker_assignments(value)
        if secret_values({variable_name(name): secret})
    }
    return redact(value, secrets)
