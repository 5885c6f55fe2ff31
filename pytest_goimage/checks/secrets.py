"""`secrets`: no secret-looking values in the image's ENV, labels, ENTRYPOINT and CMD,
build-argument history or files."""

from __future__ import annotations

import tarfile

from ..config import ImageConfig
from ..engine.image import BuiltImage
from ..errors import CheckFailed, CheckSkipped, GoImageError
from ..gofacts.command_secrets import (
    binary_findings,
    computed_secrets,
    history_command_findings,
    linked_secrets,
)
from ..gofacts.go_trees import GoTrees, left_out_note
from ..gofacts.layers import final_files, hidden_versions
from ..gofacts.os_packages import shipped_files, shipped_note
from ..gofacts.run_variables import ldflags_in_run
from ..gofacts.secret_ignores import split_accepted
from ..gofacts.secrets_scan import (
    MAX_FILE_BYTES,
    Finding,
    candidate_files,
    config_findings,
    env_findings,
    file_finding,
    history_findings,
)
from ..gofacts.static_linking import go_build_source
from ..session import GoImageSession
from .base import require_image


def run(session: GoImageSession, image: ImageConfig) -> str:
    if not image.secrets:
        raise CheckSkipped(f"{image.dockerfile}: secrets = false in [tool.goimage].")
    built = require_image(session, image)
    findings: list[Finding] = env_findings(built.config.env)
    findings += history_findings(layer.created_by for layer in built.layers)
    binary, linked, written, computed, computed_at = _linked_secrets(session, image, built)
    findings += binary_findings(binary, linked, written, computed, computed_at)
    steps = ((layer.created_by, layer.instruction) for layer in built.layers)
    findings += history_command_findings(steps, {value for _, value in linked})
    command = {
        "ENTRYPOINT": built.config.entrypoint,
        "CMD": built.config.cmd,
        # A token in a HEALTHCHECK's curl, or in an ONBUILD's clone URL: `docker inspect`
        # shows both, and every child image runs the ONBUILD steps.
        "HEALTHCHECK": list((built.config.healthcheck or {}).get("Test") or []),
        "ONBUILD": built.config.onbuild,
    }
    findings += config_findings(built.config.labels, command)
    try:
        layers = built.layer_files()
        present = final_files(layers)
    except (tarfile.TarError, ValueError) as exc:
        # A layer format this reader does not know (zstd from the containerd store, ...):
        # say which part was not scanned rather than pass it silently or crash.
        listed = "".join(f"\n    {f.describe()}" for f in findings)
        raise CheckFailed(
            f"{image.dockerfile}: the files of image {built.tag} could not be read for the "
            f"secrets scan ({exc}), so it cannot pass; ENV and build history were scanned"
            f"{' and hold:' + listed if findings else ' and hold nothing secret-looking'}. "
            "Set `secrets = false` for this image if its layers cannot be exported as tar."
        ) from None
    names = [p for p in candidate_files(present) if present[p] <= MAX_FILE_BYTES]
    # The Go distribution's and downloaded modules' own test keys are not the team's.
    go_trees = GoTrees.of(
        layers, present, built.config.env, (layer.created_by for layer in built.layers)
    )
    left_out: list[str] = []
    in_files: list[tuple[Finding, bytes]] = []
    if names:
        contents = built.read_files(["/" + name for name in names])
        for name in names:
            finding = file_finding(name, contents["/" + name])
            owner = go_trees.owner(name) if finding else None
            if owner:
                left_out.append(owner)
            elif finding:
                in_files.append((finding, contents["/" + name]))
    findings += _named_by_package(built, present, in_files)
    findings += _hidden_findings(built, layers, present, {f.name for f in findings}, go_trees)
    findings, accepted = split_accepted(findings, image.secrets_ignore)
    notes = [n for n in (left_out_note(left_out), accepted.note()) if n]
    if findings:
        listed = "\n".join(f"    {f.describe()}" for f in findings)
        raise CheckFailed(
            f"{image.dockerfile}: image {built.tag} ships {len(findings)} secret-looking "
            f"value(s); anyone who can pull it can read them. Pass secrets at run time (env, "
            "mounted files) and rebuild; one only the build needs goes in an optional `RUN "
            "--mount=type=secret`, which pytest-goimage's build can run only through a buildx "
            f"builder (`builder` in [tool.goimage]), where BuildKit skips it. One you have "
            "looked at and accept (a package's sample configuration) goes in `secrets_ignore` "
            f"by its path or name, as shown here:\n{listed}"
            + "".join(f"\n{note}" for note in notes)
        )
    return (
        f"nothing secret-looking in {len(built.config.env)} ENV value(s), "
        f"{len(built.config.labels)} label(s), ENTRYPOINT and CMD, the build arguments "
        f"of {len(built.layers)} history entries and {len(names) - len(left_out)} key-like "
        f"file(s)" + "".join(f". {note}" for note in notes)
    )


def _linked_secrets(
    session: GoImageSession, image: ImageConfig, built: BuiltImage
) -> tuple[str, list[tuple[str, str]], str, list[tuple[str, str]], str]:
    """The Go binary's path, the secret-looking `-ldflags -X` values linked into it, where they
    are written, the -X assignments to a credential the build computes (`$(cat
    /run/secrets/k)`) and the Dockerfile line of that build. The values: its build info's
    -ldflags (where ""), which hold them as linked, or, where Go recorded none (-trimpath),
    the Dockerfile's `go build` that made it ("Dockerfile:7"), its variables expanded as the
    build expands them (build_args, ARG defaults, ENV). The computed ones always come from that
    `go build`: the build info holds what this build read (nothing, without the CI's secret).
    Nothing when the image runs no Go program or its binary cannot be read (`static` says
    why)."""
    if session.no_go_binary(image):
        return "", [], "", [], ""
    try:
        binary = built.binary
    except GoImageError:
        return "", [], "", [], ""
    settings = binary.build_info.settings if binary.build_info else ()
    recorded = any(key == "-ldflags" for key, _ in settings)
    source = go_build_source(image.dockerfile_path, binary.path, image.target, image.build_args)
    build = source.build
    if build is None or not build.ldflags:
        return binary.path, linked_secrets(settings) if recorded else [], "", [], ""
    ldflags, _ = ldflags_in_run(build, source.parsed, image.build_args)
    run = next((i for i in source.parsed.instructions if i.line == build.line), None)
    computed = computed_secrets(ldflags, run.text if run is not None else "")
    at = f"{image.file_name}:{build.line}"
    if recorded:  # a value this build read and linked is reported as linked, once
        linked = linked_secrets(settings)
        named = {name for name, _ in linked}
        return binary.path, linked, "", [c for c in computed if c[0] not in named], at
    return binary.path, linked_secrets([("-ldflags", ldflags)]), at, computed, at


def _named_by_package(
    built: BuiltImage, present: dict[str, int], found: list[tuple[Finding, bytes]]
) -> list[Finding]:
    """The file findings, each that an OS package shipped as it is now saying so: a package's
    sample configuration is told from the team's own by the package database, not by a guess."""
    if not found:
        return []

    def read(paths: list[str]) -> dict[str, bytes]:
        return {
            p.lstrip("/"): data for p, data in built.read_files(["/" + p for p in paths]).items()
        }

    shipped = shipped_files(read, present)
    return [
        Finding(f.where, f.name, f.detail + shipped_note(f.name.lstrip("/"), data, shipped))
        for f, data in found
    ]


def _hidden_findings(
    built: BuiltImage,
    layers: list[dict[str, int]],
    present: dict[str, int],
    found: set[str],
    go_trees: GoTrees,
) -> list[Finding]:
    """Key files an earlier layer holds and a later one deleted or replaced (`COPY deploy_key`
    then `RUN rm`): a container no longer sees them, but the image ships them to every pull."""
    every = {path for files in layers for path, size in files.items() if size >= 0}
    wanted = [p for p in candidate_files(every) if f"/{p}" not in found]
    findings: list[Finding] = []
    reported: set[str] = set()  # one finding per path, for its earliest hidden version
    for index, path in hidden_versions(layers, wanted):
        # That layer's own size: an earlier version may be far larger than the last one.
        if layers[index][path] > MAX_FILE_BYTES or f"/{path}" in reported:
            continue
        try:
            finding = file_finding(path, built.read_listed(index, path))
        except OSError as exc:  # it cannot pass unchecked
            finding = Finding("file", f"/{path}", f"could not be read for the scan ({exc})")
        if finding is None or go_trees.owner(path):
            continue
        # The COPY or ADD that names the file, else any step that does (a RUN that wrote it).
        naming = [layer for layer in built.layers if f"/{path}" in layer.created_by]
        naming.sort(key=lambda layer: not layer.instruction.startswith(("COPY", "ADD")))
        added = f" by `{naming[0].instruction}`" if naming else ""
        later = "replaced it" if path in present else "deleted it"
        reported.add(f"/{path}")
        findings.append(
            Finding(
                finding.where,
                finding.name,
                f"{finding.detail}: added in layer {index + 1} of {len(layers)}{added}; a "
                f"later layer {later}, but the image still ships that layer to every pull",
            )
        )
    return findings
