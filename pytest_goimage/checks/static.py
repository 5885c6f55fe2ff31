"""`static`: the Go binary in the image is statically linked and built with CGO_ENABLED=0."""

from __future__ import annotations

from ..config import ImageConfig
from ..errors import CheckFailed, GoImageError
from ..gofacts.versions import (
    SOURCE_DOCKERFILE,
    SOURCE_TOOLCHAIN,
    misaligned,
    parse_go_version,
    required_pin,
    required_version,
)
from ..session import GoImageSession
from .base import config_pins, require_go_binary


def run(session: GoImageSession, image: ImageConfig) -> str:
    built = require_go_binary(session, image)
    binary = built.binary  # raises CheckFailed-worthy GoImageErrors with the path named
    facts = binary.facts
    info = facts.build_info
    problems: list[str] = []
    if facts.interpreter:
        problems.append(f"it asks for the ELF interpreter {facts.interpreter}")
    if facts.needed:
        problems.append(f"it needs shared libraries {', '.join(facts.needed)}")
    if info is None:
        problems.append(
            "it carries no Go build info, so CGO_ENABLED=0 cannot be confirmed (is it the Go "
            "binary? set `binary` to its path)"
        )
    elif info.cgo_enabled is None:
        problems.append("its Go build info does not record CGO_ENABLED")
    elif info.cgo_enabled:
        problems.append("it was built with CGO_ENABLED=1")
    if info is not None:
        goarch, goos = info.setting("GOARCH"), info.setting("GOOS")
        if goarch and built.architecture and goarch != built.architecture:
            problems.append(f"it is a {goarch} binary in a {built.architecture} image")
        if goos and built.os and goos != built.os:
            problems.append(f"it targets GOOS={goos} in a {built.os} image")
    outdated = _older_than_go_mod(session, image, binary.go_version)
    if not problems and not outdated:
        return f"{binary.path}: static, CGO_ENABLED=0, {binary.go_version or 'no Go version'}"
    if not problems:
        raise CheckFailed(f"{image.dockerfile}: {binary.path} in {built.tag} {outdated}")
    settings = (
        ", ".join(
            f"{k}={v}"
            for k, v in info.settings
            if k in ("CGO_ENABLED", "GOOS", "GOARCH", "-ldflags", "-tags", "-buildmode")
        )
        if info is not None
        else "no Go build info in the binary"
    )
    raise CheckFailed(
        f"{image.dockerfile}: {binary.path} in {built.tag} is not a static Go binary: "
        f"{'; '.join(problems)}. Build settings: {settings or 'none recorded'}. Build it with "
        "CGO_ENABLED=0 (and no -linkmode=external), or use a base image that ships the libraries."
        + (f" Also, it {outdated}" if outdated else "")
    )


def _older_than_go_mod(session: GoImageSession, image: ImageConfig, go_version: str | None) -> str:
    """The binary's own Go version against go.mod's: a floating builder tag shows up only here."""
    version = parse_go_version(go_version) if go_version else None
    if version is None:
        return ""
    try:
        policy = session.config.go_version_policy
        pins = config_pins(session.config, [image])
        required = required_version(pins, policy)
    except GoImageError:
        return ""  # the go-version check reports an unreadable go.mod
    if version.satisfies(required):
        return ""
    source = required_pin(pins, policy)
    line = "toolchain" if source.source == SOURCE_TOOLCHAIN else "go"
    builders = [pin for pin in pins if pin.source == SOURCE_DOCKERFILE and pin.version]
    old = misaligned(builders, required)
    if old:
        # The tag itself names the old Go; go-version reports it with every other pin.
        # All of them: which stage built the binary is not known from the text alone.
        named = ", ".join(f"{pin.raw} ({pin.file}:{pin.line})" for pin in old)
        why = (
            f"its builder image {named} has an older Go"
            if len(old) == 1
            else f"its golang images {named} have an older Go"
        )
    elif builders:
        why = "the builder's Go is older than its tag suggests"  # e.g. golang:1.26 floats
    else:
        why = "the Go that built it is older"
    return (
        f"was built with {go_version}, but go.mod requires Go {required} "
        f"({source.file}:{source.line} {line} {source.raw}): {why}. Rebuild with a builder "
        f"that has Go {required} or newer."
    )
