"""A `RUN --mount=type=secret` or `--mount=type=ssh` the build cannot serve.

BuildKit asks the client for a secret or the SSH agent over the build's session. An Engine
API build (`POST /build`, what pytest-goimage does without a buildx builder) has no session,
so BuildKit fails every such mount, required or not, with "no active sessions". `docker
buildx build` has one, but pytest-goimage passes it no `--secret` or `--ssh`: BuildKit skips
an optional mount and fails a `required` one.
"""

from __future__ import annotations

import re

from ..gofacts.dockerfile import Instruction
from ..gofacts.run_mounts import Mount, run_mounts
from .failed_build import FailedBuild

NO_SESSION = "no active sessions"
# What buildx's BuildKit says of a required secret or SSH agent it was not given.
_NOT_GIVEN = re.compile(
    r"secret \S+ not found|secret \S+: not found|unset ssh forward key|no SSH key \S* ?forwarded"
)


def session_mounts_unserved(build: FailedBuild) -> str | None:
    """The message for a build that failed on its secret or ssh mounts, else None."""
    said = f"{build.error}\n{build.trace_error}"
    engine = NO_SESSION in said
    refused = _NOT_GIVEN.search(said)
    if not engine and not refused:
        return None
    pools = [[build.instruction] if build.instruction else [], list(build.parsed.instructions)]
    found = next(filter(None, (_session_mounts(pool) for pool in pools)), [])
    if not found:
        return None
    line = found[0][0].line
    mounts = [m for i, m in found if i.line == line]
    wanted = " and ".join(dict.fromkeys(_what(m) for m in mounts))
    written = " ".join(f"`{m.written}`" for m in mounts)
    required = any(m.required for m in mounts)
    where = f"{build.dockerfile_label}:{line}"
    if engine:
        cause = (
            f"{where}: this RUN's {written} asks BuildKit for {wanted}, and pytest-goimage's "
            "build has no BuildKit session to provide it: it builds through the Engine API, "
            "which carries no `--secret` or `--ssh`, so BuildKit fails every secret and ssh "
            f'mount, required or not ("{NO_SESSION}").'
        )
    else:
        cause = (
            f"{where}: this RUN's {written} requires {wanted}, and pytest-goimage passes "
            "`docker buildx build` no `--secret` or `--ssh`, so BuildKit has none to mount "
            f'("{refused.group(0) if refused else ""}").'
        )
    optional = "drop `required=true` from the mount" if required else "keep the mount optional"
    through = (
        " and build through buildx (`builder` in [tool.goimage] or GOIMAGE_BUILDER; `default` "
        "is the docker CLI's own builder): pytest-goimage passes buildx no `--secret` or "
        "`--ssh` either, but its BuildKit skips an optional mount it is given nothing for"
        if engine
        else ": BuildKit then skips it"
    )
    return (
        f"{cause} Make the build work without it: vendor the private modules (`go mod vendor`, "
        "commit vendor/) so no step needs credentials, or, where the step works without "
        f"{'them' if len(mounts) > 1 else 'it'}, {optional}{through}."
    )


def _session_mounts(pool: list[Instruction]) -> list[tuple[Instruction, Mount]]:
    return [(i, m) for i in pool for m in run_mounts(i) if m.type in ("secret", "ssh")]


def _what(mount: Mount) -> str:
    if mount.type == "ssh":
        name = mount.option("id")
        return f"the SSH agent{f' (id {name})' if name and name != 'default' else ''}"
    name = (
        mount.option("id")
        or (mount.option("target", "dst", "destination") or "").rsplit("/", 1)[-1]
    )
    return f"a build secret{f' (id {name})' if name else ''}"
