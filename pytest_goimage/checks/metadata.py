"""`metadata`: the image config meets the declared `metadata` policy (labels, ports, user,
healthcheck, entrypoint/cmd, workdir, env), read from the image without running it."""

from __future__ import annotations

import json
import re
import shutil

from ..config import ImageConfig
from ..config_release import NON_ROOT, MetadataPolicy
from ..engine.image import BuiltImage, ImageConfigView
from ..engine.image_users import is_root_spelling, named_user_problem
from ..errors import CheckFailed, CheckSkipped
from ..gofacts.arg_scope import stage_out_of_scope
from ..gofacts.dockerfile import parse_dockerfile_leniently
from ..gofacts.git_head import GitRefused, NoRepository
from ..gofacts.user_instruction import unset_variable, user_in_another_stage, user_instruction
from ..session import GoImageSession
from .base import require_image

# Labels that describe one build: inherited from a base image, they describe the base's.
BUILD_LABELS = frozenset(
    f"org.opencontainers.image.{name}" for name in ("revision", "version", "created")
)


def run(session: GoImageSession, image: ImageConfig) -> str:
    policy = image.metadata
    if not policy.declared:
        raise CheckSkipped(
            f"{image.dockerfile}: no metadata policy is declared, so the image config is not "
            'checked; set `metadata = { labels = [...], user = "non-root" }` in '
            "[tool.goimage] (the README's release-gate section shows a typical one)."
        )
    built = require_image(session, image)
    problems = policy_problems(policy, built.config, _own_labels(image))
    problems = [_root_user_why(image, built, problem) for problem in problems]
    problems += _named_user_problems(policy, built)
    if problems:
        raise CheckFailed(
            f"{image.dockerfile}: image {built.tag} does not meet its metadata policy "
            f"({session.config.source.name} [tool.goimage] metadata): {'; '.join(problems)}. "
            f"{_out_of_scope(image, problems) or _no_commit(session, image, problems) or _FIX}"
        )
    return f"{built.tag}: {', '.join(_checked(policy))} as declared"


_FIX = (
    "Fix the Dockerfile (LABEL, EXPOSE, USER, HEALTHCHECK, ENTRYPOINT, CMD, WORKDIR, ENV) or "
    "the policy."
)


def _out_of_scope(image: ImageConfig, problems: list[str]) -> str:
    """Why an empty label is empty when its LABEL reads a global ARG its stage does not
    declare again: out of scope, `$GIT_SHA` is "" whatever the build argument says."""
    empty = {p[len("label ") : -len(" is empty")] for p in problems if p.endswith(" is empty")}
    if not empty:
        return ""
    try:
        parsed = parse_dockerfile_leniently(image.dockerfile_path.read_text(errors="replace"))
    except OSError:
        return ""
    for stage in parsed.built_stages(image.target):
        for instruction in stage.instructions:
            keys = {key.strip("\"'") for key in instruction.args[0::2]}
            if instruction.keyword != "LABEL" or not keys & empty:
                continue
            for unseen in stage_out_of_scope(parsed, stage, instruction):
                return (
                    f"`LABEL {instruction.value}` ({image.file_name}:{instruction.line}) reads "
                    f"${unseen.name}, which `{unseen.declaration}` at "
                    f"{image.file_name}:{unseen.declared} declares before the first FROM: a "
                    "stage sees such an ARG only after it declares it again, so it is empty "
                    f"there. Add `ARG {unseen.name}` to that stage before the LABEL."
                )
    return ""


def _no_commit(session: GoImageSession, image: ImageConfig, problems: list[str]) -> str:
    """Why a label is empty when the build argument that fills it had no commit to give:
    `{git.head}` outside a git checkout (a source tarball, a copy without .git) is ""."""
    empty = [name for name, value in image.build_args.items() if value == ""]
    if not empty or not any(p.startswith("label ") and p.endswith(" is empty") for p in problems):
        return ""
    try:
        session.config.heads.of(image.context_path)
    except NoRepository as exc:
        others = [p for p in problems if not p.endswith(" is empty")]
        way_out = "; run in a checkout with a commit"
        if isinstance(exc, GitRefused):
            way_out = ""  # its text says the way out
        elif shutil.which("git") is None:
            way_out = "; install git where pytest runs (`{git.head}` asks it for HEAD)"
        return (
            f"The build argument {', '.join(empty)} was empty because `{{git.head}}` in "
            f"build_args had no commit to give: {exc}{way_out}.{' ' + _FIX if others else ''}"
        )
    return ""


def policy_problems(
    policy: MetadataPolicy, config: ImageConfigView, own_labels: set[str] | None = None
) -> list[str]:
    """What the image config says against what the policy asks, one phrase per difference.
    `own_labels`: the keys the Dockerfile's own LABELs set (None: unknown)."""
    problems: list[str] = []
    for name, pattern in policy.labels:
        value = config.labels.get(name)
        if not value:
            problems.append(f"label {name} is {'empty' if value == '' else 'missing'}")
        elif name in BUILD_LABELS and own_labels is not None and name not in own_labels:
            problems.append(
                f"label {name}={value!r} comes from the base image (no LABEL of the final "
                "stage sets it), so it describes the base image, not this build"
            )
        elif pattern is not None and not re.fullmatch(pattern, value):
            problems.append(f"label {name}={value!r} does not match {pattern!r}")
    if policy.expose is not None and tuple(sorted(config.exposed_ports)) != policy.expose:
        problems.append(
            f"it exposes {_list(config.exposed_ports)}, the policy says {_list(policy.expose)}"
        )
    if policy.user is not None:
        problems += _user_problems(policy.user, config.user)
    if policy.healthcheck and not _has_healthcheck(config):
        problems.append("it has no HEALTHCHECK")
    for word, wanted, actual in (
        ("ENTRYPOINT", policy.entrypoint, config.entrypoint),
        ("CMD", policy.cmd, config.cmd),
    ):
        if wanted is not None and list(wanted) != actual:
            problems.append(f"{word} is {json.dumps(actual)}, the policy says {json.dumps(wanted)}")
    if policy.workdir is not None and (config.working_dir or "/") != policy.workdir:
        problems.append(f"WORKDIR is {config.working_dir or '/'}, the policy says {policy.workdir}")
    missing = [name for name in policy.env_required if name not in config.env]
    if missing:
        problems.append(f"ENV lacks {', '.join(missing)}")
    # Names only: a forbidden variable's value may be the secret it must not ship.
    forbidden = [name for name in policy.env_forbidden if name in config.env]
    if forbidden:
        problems.append(f"ENV sets {', '.join(forbidden)}, which the policy forbids")
    return problems


def _own_labels(image: ImageConfig) -> set[str] | None:
    try:
        parsed = parse_dockerfile_leniently(image.dockerfile_path.read_text(errors="replace"))
    except OSError:
        return None
    return parsed.labels_set(image.target)


def _user_problems(wanted: str, user: str) -> list[str]:
    shown = f"USER {user}" if user else "no USER instruction"
    if wanted == NON_ROOT:
        if is_root_spelling(user.split(":", 1)[0]):
            return [f'it runs as root ({shown}), the policy says user = "{NON_ROOT}"']
        return []
    if user != wanted:
        return [f"it runs as {shown}, the policy says USER {wanted}"]
    return []


def _root_user_why(image: ImageConfig, built: BuiltImage, problem: str) -> str:
    """`problem`, where it is the root user's, with the USER behind it: `USER ${RUNAS}` that
    came out empty (and why), or a USER written only in a stage the image is not built FROM."""
    if not problem.startswith("it runs as root ("):
        return problem
    written = user_instruction(image.dockerfile_path, image.target)
    if written is not None and written.variables:
        _, why = unset_variable(written, image.build_args, built.config.env)
        resolved = f"{built.config.user!r}" if built.config.user else "an empty user"
        detail = (
            f"`USER {written.instruction.value}` ({image.file_name}:"
            f"{written.instruction.line}) resolved to {resolved}{why}"
        )
    elif written is None:
        elsewhere = user_in_another_stage(image.dockerfile_path, image.target, image.file_name)
        if not elsewhere:
            return problem
        detail = f"no USER instruction in the stages it is built FROM; {elsewhere[:-2]}"
    else:
        return problem
    return f'it runs as root ({detail}), the policy says user = "{NON_ROOT}"'


def _named_user_problems(policy: MetadataPolicy, built: BuiltImage) -> list[str]:
    """`user = "non-root"` against a USER given by name: the name is root when the image's
    /etc/passwd gives it uid 0, and no user at all when the image does not define it."""
    user, _, group = built.config.user.partition(":")
    if policy.user != NON_ROOT or is_root_spelling(user):
        return []
    problem = named_user_problem(built, user, group)
    if problem is None:
        return []
    policy_says = f', the policy says user = "{NON_ROOT}"' if problem.is_root else ""
    return [f"it runs as USER {built.config.user}, {problem.why}{policy_says}"]


def _has_healthcheck(config: ImageConfigView) -> bool:
    test = (config.healthcheck or {}).get("Test") or []
    return bool(test) and test != ["NONE"]  # HEALTHCHECK NONE turns an inherited one off


def _list(ports: tuple[str, ...] | list[str]) -> str:
    return ", ".join(ports) if ports else "no port"


def _checked(policy: MetadataPolicy) -> list[str]:
    """What the policy asked, for the pass message."""
    names = [
        ("labels", bool(policy.labels)),
        ("ports", policy.expose is not None),
        ("user", policy.user is not None),
        ("healthcheck", policy.healthcheck),
        ("entrypoint", policy.entrypoint is not None),
        ("cmd", policy.cmd is not None),
        ("workdir", policy.workdir is not None),
        ("env", bool(policy.env_required or policy.env_forbidden)),
    ]
    return [name for name, asked in names if asked]
