"""A USER given by name, looked up in the image's own /etc/passwd and /etc/group the way the
engine does when a container starts: a name the files do not define stops the start, and a
name whose uid is 0 is root whatever it is called."""

from __future__ import annotations

from dataclasses import dataclass

from .image import BuiltImage

_NOBODY = 65534  # the kernel's overflow id: owns nothing, so no service's user
_FIRST_REGULAR_UID = 1000  # below are system accounts (daemon, bin, mail, ...)


@dataclass(frozen=True)
class NameProblem:
    """Why a named USER fails (a clause after "runs as USER ...") and what to do."""

    why: str
    fix: str
    is_root: bool = False  # the name is uid 0 (else: the engine cannot start it at all)


@dataclass(frozen=True)
class PasswdUser:
    name: str
    uid: int


def is_root_spelling(user: str) -> bool:
    """USER's user part that is root without a lookup: none, `root`, or a uid of 0 (`0`, `00`)."""
    return user in ("", "root") or (user.isdigit() and int(user) == 0)


def named_user_problem(built: BuiltImage, user: str, group: str) -> NameProblem | None:
    """What is wrong with `USER user:group` by name; None when the names resolve to a user that
    is not root (numbers need no lookup)."""
    if not user.isdigit():
        uids = ids_in(built, "/etc/passwd")
        if user not in uids:
            return NameProblem(
                f"but {_missing(uids, '/etc/passwd', f'user {user!r}')}, so the engine "
                f"refuses to start it (`unable to find user {user}`)",
                "Use a numeric USER (such as `USER 65532:65532`), or create the user in the final "
                "stage.",
            )
        if uids[user] == 0:
            return NameProblem(
                f"and the image's /etc/passwd gives {user!r} uid 0: it runs as root",
                "Give the service a user with a uid of its own (such as `USER 65532:65532`).",
                is_root=True,
            )
    if group and not group.isdigit():
        gids = ids_in(built, "/etc/group")
        if group not in gids:
            return NameProblem(
                f"but {_missing(gids, '/etc/group', f'group {group!r}')}, so the engine "
                f"refuses to start it (`unable to find group {group}`)",
                "Use a numeric group (`USER 65532:65532`), or create the group in the final stage.",
            )
    return None


def ids_in(built: BuiltImage, path: str) -> dict[str, int]:
    """name -> id of an /etc/passwd or /etc/group in the image; {} when it has none."""
    try:
        text = built.read_file(path).decode("utf-8", "replace")
    except (OSError, ValueError):
        return {}
    ids: dict[str, int] = {}
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] and fields[2].isdigit():
            ids.setdefault(fields[0], int(fields[2]))
    return ids


def service_user(built: BuiltImage) -> PasswdUser | None:
    """A regular (uid 1000 and up, not nobody) user the image's /etc/passwd defines."""
    for name, uid in ids_in(built, "/etc/passwd").items():
        if uid >= _FIRST_REGULAR_UID and uid != _NOBODY:
            return PasswdUser(name, uid)
    return None


def _missing(ids: dict[str, int], path: str, what: str) -> str:
    if ids:
        return f"the image's {path} defines no {what}"
    return f"the image has no {path} to define {what}"
