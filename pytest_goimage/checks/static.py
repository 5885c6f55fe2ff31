"""`static`: the Go binary in the image is statically linked, built with CGO_ENABLED=0 and for
the image's platform."""

from __future__ import annotations

import tarfile

from ..config import ImageConfig
from ..engine.image import BuiltImage
from ..engine.shell_form import broken_exec_advice, shell_form_advice
from ..errors import CheckFailed, GoImageError
from ..gofacts.buildinfo import BuildInfo
from ..gofacts.dockerfile import read_dockerfile
from ..gofacts.exec_words import exec_chain
from ..gofacts.executable import inspect_elf
from ..gofacts.git_head import NoRepository
from ..gofacts.go_build_command import setting_line
from ..gofacts.go_module import go_mods_below, module_path
from ..gofacts.layers import final_files
from ..gofacts.project_pins import relative_name
from ..gofacts.script_start import HEAD, script_refusal
from ..gofacts.static_linking import (
    GoBuildSource,
    go_build_source,
    linking_message,
    written_value,
)
from ..gofacts.versions import (
    SOURCE_DOCKERFILE,
    SOURCE_TOOLCHAIN,
    misaligned,
    parse_go_version,
    required_pin,
    required_version,
)
from ..report.records import WRONG_GOARCH
from ..session import GoImageSession
from .base import config_pins, image_build_workspace, require_go_binary


def run(session: GoImageSession, image: ImageConfig) -> str:
    built = require_go_binary(session, image)
    broken = _broken_exec_form(image, built)
    if broken:
        raise CheckFailed(broken)
    no_start = _shell_form_without_shell(image, built) or _script_refused(built)
    if no_start:
        raise CheckFailed(no_start)
    binary = built.binary  # raises CheckFailed-worthy GoImageErrors with the path named
    facts = binary.facts
    shadowed = _shadowed_by_path(built) if facts.build_info is None else ""
    if shadowed:
        raise CheckFailed(f"{image.dockerfile}: {shadowed}")
    source = go_build_source(image.dockerfile_path, binary.path, image.target, image.build_args)
    linking = linking_message(image.file_name, source, facts)
    # Each its own sentence and fix: a static binary for another platform needs no CGO advice.
    platform = _wrong_platform(image, built, source)
    outdated = _older_than_go_mod(session, image, binary.go_version)
    if not linking and not platform and not outdated:
        return f"{binary.path}: static, CGO_ENABLED=0, {binary.go_version or 'no Go version'}"
    where = f"{image.dockerfile}: {binary.path} in {built.tag}"
    also = [*platform, *([outdated] if outdated else [])]
    first, *rest = [linking, *also] if linking else also
    raise CheckFailed(f"{where} {first}" + "".join(f" Also, it {more}" for more in rest))


def _broken_exec_form(image: ImageConfig, built: BuiltImage) -> str:
    """Where the Dockerfile's ENTRYPOINT or CMD is an exec form that is not valid JSON
    (`["/app"`, `['/app']`), which BuildKit silently took for a shell form: the message;
    else "". It fails on an image with /bin/sh too: the shell then runs `[/app`, never what
    was meant (trial 32)."""
    config = built.config
    try:
        has_shell: bool | None = built.exists("/bin/sh")
    except (GoImageError, OSError):
        has_shell = None
    dockerfile = read_dockerfile(image.dockerfile_path)[1]
    advice = broken_exec_advice(
        dockerfile, image.target, image.file_name, config.entrypoint, config.cmd, has_shell
    )
    return f"{image.dockerfile}: {advice}." if advice else ""


def _shell_form_without_shell(image: ImageConfig, built: BuiltImage) -> str:
    """Where what the image runs (its ENTRYPOINT, else its CMD) is in shell form, `/bin/sh -c
    ...`, and the image has no /bin/sh (scratch, distroless), so that no container of it can
    start: the message, as `health` words it when the engine refuses the container; else ""."""
    config = built.config
    if not shell_form_advice(config.entrypoint, config.cmd):
        return ""
    try:
        if built.exists("/bin/sh"):
            return ""
    except (GoImageError, OSError):
        return ""  # the image cannot be read: reading the binary says why
    keyword = "ENTRYPOINT" if config.entrypoint else "CMD"
    written = read_dockerfile(image.dockerfile_path)[1].last_setting(keyword, image.target)
    # The line only where the Dockerfile's own instruction is the shell form the image runs.
    where = f"{image.file_name}:{written[1].line}" if written and not written[1].json else ""
    exec_written = bool(written and written[1].json)
    advice = shell_form_advice(config.entrypoint, config.cmd, where, exec_written)
    return f"{image.dockerfile}: no container of {built.tag} can start, because its {advice}."


def _script_refused(built: BuiltImage) -> str:
    """Where a program a container starts (ENTRYPOINT's, else CMD's first word, and each one
    an init or user-switching wrapper such as tini execs after it) is a script the kernel
    refuses (no `#!`, CRLF, a shell the image lacks), so that no container starts: the
    message, as `health` words it from the engine's error; else "". Read here too, as a run
    with `health` and `bucket` off never starts one (trial 20: an entrypoint.sh on scratch
    passed every check)."""
    words = exec_chain(built.config.entrypoint or built.config.cmd)
    for index, word in enumerate(words):
        path = built.program_path(word)
        if path is None:
            return ""  # reading the binary names the missing program
        try:
            head = built.read_file(path)[:HEAD]
        except (OSError, ValueError):
            return ""
        refusal = script_refusal(
            path, head, built.exists, built.config.working_dir, by_wrapper=index > 0
        )
        if refusal is not None:
            by = f"{words[index - 1]} executes {path}, and " if index else ""
            return f"{built.dockerfile}: no container of {built.tag} can start: {by}{refusal}."
    return ""


def _wrong_platform(image: ImageConfig, built: BuiltImage, source: GoBuildSource) -> list[str]:
    """Per setting (GOARCH, GOOS) the binary was built for another platform than the image's:
    what is wrong, the Dockerfile line that set it and the fix, as a phrase after "it"."""
    facts = built.binary.facts
    info = facts.build_info
    goarch = (info.setting("GOARCH") if info else None) or facts.arch
    goos = info.setting("GOOS") if info else None
    found: list[str] = []
    if goarch and built.architecture and goarch != built.architecture:
        wrong = WRONG_GOARCH.format(goarch=goarch, arch=built.architecture)
        fix = _fix(image, source, "GOARCH", "TARGETARCH", built.architecture)
        found.append(f"{wrong}, so it cannot run there (exec format error){fix}")
    if goos and built.os and goos != built.os:
        fix = _fix(image, source, "GOOS", "TARGETOS", built.os)
        found.append(f"is built for GOOS={goos}, but the image is {built.os}{fix}")
    return found


def _fix(image: ImageConfig, source: GoBuildSource, setting: str, target: str, wanted: str) -> str:
    """`: Dockerfile:6 sets GOARCH=arm64. Build it with GOARCH=$TARGETARCH.`: the line that set
    `setting` for the go build that made the binary (none where the binary was copied in, or
    nothing in the Dockerfile sets it), and what to do."""
    parsed, build = source.parsed, source.build
    if build is None:  # copied in: built elsewhere, or by a Dockerfile line not read
        return (
            f". Build it with {setting}={wanted}, or in the Dockerfile with {setting}=${target} "
            f"in a stage that declares `ARG {target}`."
        )
    declared = any(
        instruction.keyword == "ARG"
        and any(word.partition("=")[0] == target for word in instruction.args)
        and build.arg_applies(index, target)
        for index, instruction in enumerate(build.before)
    )
    declare = "" if declared else f" (declare `ARG {target}` in that stage)"
    number = setting_line(build, source.lines, setting, flag=False)
    if not number:
        return f". Build it with {setting}=${target}{declare}."
    value = written_value(source.lines[number - 1], setting)
    cause = f": {image.file_name}:{number} sets {setting}" + (f"={value}" if value else "")
    if target in value and not declared:
        # Without the ARG in its stage the variable is empty, and Go builds for the builder's CPU.
        return f"{cause}, but ${target} is empty there. Declare `ARG {target}` in that stage."
    # A builder on $BUILDPLATFORM builds for the build machine without it: dropping is no fix.
    stage = next((s for s in parsed.stages if s.line == build.from_line), None)
    native = stage is None or "BUILDPLATFORM" not in (stage.platform or "")
    if not native:
        return (
            f"{cause}. Build it with {setting}=${target}{declare}; without {setting} it would "
            "build for the build machine, as its stage runs on $BUILDPLATFORM."
        )
    return f"{cause}. Build it with {setting}=${target}{declare}, or drop {setting}."


def _older_than_go_mod(session: GoImageSession, image: ImageConfig, go_version: str | None) -> str:
    """The binary's own Go version against go.mod's: a floating builder tag shows up only here."""
    version = parse_go_version(go_version) if go_version else None
    if version is None:
        return ""
    built = session.built(image)
    other = _other_module(session, image, built.binary.build_info)
    if other is not None:
        return f"{other}."
    try:
        policy = session.config.go_version_policy
        pins = config_pins(session.config, [image], session.memo)
        required = required_version(pins, policy)
        source, requirer = required_pin(pins, policy), "go.mod"
        # Built in workspace mode, go.work's lines choose the Go (trial 17: a go.work
        # `toolchain go1.26.9` beside a go1.26.8 binary passed).
        workspace = image_build_workspace(session, image)
    except GoImageError:
        return ""  # the go-version check reports an unreadable go.mod or go.work
    if workspace is not None:
        work_required = required_version(workspace.pins, policy)
        if required < work_required:
            required, requirer = work_required, "go.work"
            source = required_pin(workspace.pins, policy)
    if version.satisfies(required):
        return ""
    line = "toolchain" if source.source == SOURCE_TOOLCHAIN else "go"
    builders = [
        pin for pin in pins if pin.source == SOURCE_DOCKERFILE and pin.version and not pin.ignored
    ]
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
        # The tag floats (golang:1.27 is each 1.27.x in turn): the engine keeps an older pull.
        tags = [pin.resolved or pin.raw for pin in builders]
        named = ", ".join(
            f"{tag} ({pin.file}:{pin.line})" for tag, pin in zip(tags, builders, strict=True)
        )
        why = (
            f"the builder's Go is older than its tag suggests: {named} "
            f"{'names' if len(builders) == 1 else 'name'} a Go that would do, and this engine's "
            "copy is an older pull of a floating tag. Pull it again "
            f"({' '.join(f'`docker pull {tag}`' for tag in dict.fromkeys(tags))}; "
            f"`--pull` in CI), or name the patch release in the tag ({required})"
        )
    else:
        why = "the Go that built it is older"
    return (
        f"was built with {go_version}, but {requirer} requires Go {required} "
        f"({source.file}:{source.line} {line} {source.raw}): {why}. Rebuild with a builder "
        f"that has Go {required} or newer."
    )


def _other_module(
    session: GoImageSession, image: ImageConfig, info: BuildInfo | None
) -> str | None:
    """What static says of a binary whose main module is another go.mod of the repository than
    the image's `project`: `is module X ..., but its Go version is compared with ...: set
    project = ...`. None when it is the same module, has no build info, or the module is not
    in the repository (a tool built from elsewhere)."""
    config = session.config
    module = image.go_module
    declared = module_path(module / "go.mod")
    if info is None or info.main is None or declared is None or declared == info.main.path:
        return None
    try:
        top = config.heads.of(module).root
    except NoRepository:
        top = config.rootdir
    own = [path for path in go_mods_below(top) if module_path(path) == info.main.path]
    if not own:
        return None
    folder = relative_name(own[0].parent, config.rootdir)
    checked = relative_name(module / "go.mod", config.rootdir)
    return (
        f"is module {info.main.path} (its Go build info; {folder}/go.mod), but its Go version "
        f"is compared with {checked}, module {declared}: set project = {folder!r} in this "
        "image's [[tool.goimage.image]] entry, so that it is checked against its own go.mod"
    )


def _shadowed_by_path(built: BuiltImage) -> str:
    """Where the image's program is a bare name that PATH resolves to another program than the
    Go binary of that name the image holds (`ENTRYPOINT ["svc"]` with WORKDIR /app: busybox's
    `svc` applet in /bin wins), what runs and the ENTRYPOINT to write; else ""."""
    words = built.config.entrypoint or built.config.cmd
    name = words[0] if words else ""
    if built.configured_binary or not name or "/" in name:
        return ""
    try:
        files = final_files(built.layer_files())
    except (tarfile.TarError, ValueError):
        return ""
    found = built.binary.path
    for other in sorted(f"/{p}" for p in files if p.rsplit("/", 1)[-1] == name)[:8]:
        if other == found:
            continue
        try:
            go_binary = inspect_elf(built.read_file(other)).build_info is not None
        except (GoImageError, OSError):
            continue
        if go_binary:
            return (
                f"the image runs `{name}` ({'ENTRYPOINT' if built.config.entrypoint else 'CMD'} "
                f"names it without a path), and PATH finds {found} in {built.tag}, another "
                f"program with no Go build info, not the Go binary {other}. Write "
                f'ENTRYPOINT ["{other}"] (or put {other.rsplit("/", 1)[0]} first on PATH).'
            )
    return ""
