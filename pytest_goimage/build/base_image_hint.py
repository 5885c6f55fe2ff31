"""Why a base image could not be had, in words: the registry out of reach, a digest pin that
a local tag does not satisfy, and the engine's error cut so that its end (the cause) stays.

BuildKit's registry errors end with the reason (`... lookup registry-1.docker.io on
10.255.255.53:53: no such host`) after a long request URL; cutting them at the end keeps
the URL and drops the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..gofacts.dockerfile import Dockerfile, parser_directives
from ..gofacts.dockerfile_pins import resolved_bases
from ..gofacts.image_reference import split_reference

# The request BuildKit made and how it failed: `Head "https://host/v2/...": dial tcp: ...`.
_REQUEST = re.compile(r'\b(?:HEAD|GET|Head|Get) "(?:https?://)?([^/"]+)[^"]*": (.+)$')
_LOOKUP = re.compile(r"lookup (\S+?)(?: on \S+)?: ")
_DIAL = re.compile(r"dial tcp (\S+?):\d+: ")
# What the network said, in the order a message names it (as tests/seed_images.sh reads it).
_UNREACHABLE = (
    (re.compile(r"no such host|server misbehaving|name resolution", re.I), "its DNS lookup failed"),
    (re.compile(r"connection refused", re.I), "it refused the connection"),
    (re.compile(r"network is unreachable|no route to host", re.I), "no network route leads to it"),
    (re.compile(r"timeout|deadline exceeded", re.I), "the connection timed out"),
    (re.compile(r"connection reset", re.I), "it reset the connection"),
)
_DIGEST = re.compile(r"(sha256:[0-9a-f]{12})[0-9a-f]{52}")
_NOT_FOUND = re.compile(r"manifest unknown|: not found$")


def one_line(error: str, limit: int) -> str:
    """`error` on one line in at most `limit` characters, keeping its end, which says why:
    digests are shortened first, then the middle (the request URL) gives way."""
    text = " ".join(error.split())
    if len(text) > limit:
        text = _DIGEST.sub(r"\1…", text)
    if len(text) <= limit:
        return text
    # Cut between words: about a third of the room for the start, the rest for the end.
    head = text[: limit // 3].rsplit(" ", 1)[0]
    tail = text[len(text) - (limit - len(head) - 3) :].split(" ", 1)[-1]
    return f"{head} … {tail}"


def unreachable_registry(error: str) -> str | None:
    """`the registry <host> could not be reached, <why in words> (<the network's error>)`, or
    None when the error is not a network failure (a missing tag, a refused login)."""
    request = _REQUEST.search(error)
    cause = request.group(2) if request else error
    words = next((words for pattern, words in _UNREACHABLE if pattern.search(cause)), None)
    if words is None:
        return None
    named = _LOOKUP.search(cause) or _DIAL.search(cause)
    host = request.group(1) if request else named.group(1) if named else ""
    where = f"the registry {host}" if host else "the registry"
    return f"{where} could not be reached, {words} ({one_line(cause, 160)})"


def digest_pin_hint(reference: str, error: str) -> str:
    """What a failed `FROM name:tag@sha256:...` means and how to fix it, without its line."""
    repository, tag, _ = split_reference(reference)
    local = f"{repository}:{tag}" if tag else repository
    unreachable = unreachable_registry(error)
    if unreachable:
        why = f"Here {unreachable}."
        fix = (
            f"Give the engine registry access, `docker pull {reference}` where a registry "
            "answers, or drop the pin for an offline build."
        )
    elif _NOT_FOUND.search(error):
        why = f"Here the registry has no manifest under that digest ({one_line(error, 200)})."
        fix = (
            "Pin a digest the registry has (`docker images --digests` after a pull shows it), "
            "or drop the pin."
        )
    else:
        why = f"Here fetching it failed ({one_line(error, 200)})."
        fix = (
            f"`docker pull {reference}` where a registry answers (after `docker login` if it "
            "asks for one), or drop the pin for an offline build."
        )
    shown = _DIGEST.sub(r"\1…", reference)
    return (
        f"base image {shown} is pinned by digest, and BuildKit resolves a digest pin against "
        "the registry: the pinned manifest must be fetched, or be in the engine's content store "
        f"under that digest. {why} An image tagged {local} on the engine does not satisfy the "
        "pin unless it was pulled by that digest (then `docker image inspect --format "
        f"'{{{{.RepoDigests}}}}' {local}` lists it); an image ID (`docker images -q`) is not a "
        f"manifest digest (`docker images --digests` shows those). {fix}"
    )


def why_not_had(error: str, limit: int) -> str:
    """`: <the registry out of reach, in words>`, else ` (<the engine's error, its end kept>)`:
    what follows "could not be had" in a message."""
    unreachable = unreachable_registry(error)
    return f": {unreachable}" if unreachable else f" ({one_line(error, limit)})"


def mentions_image(error: str, reference: str) -> bool:
    """True when a registry error names `reference` (`host/repo:tag`, `library/name:tag`, or
    a request for its manifest by tag or, when pinned, by digest)."""
    repository, tag, digest = split_reference(reference)
    short = repository.rsplit("/", 1)[-1]
    wanted = digest or tag
    return (
        reference in error
        or f"library/{reference}" in error
        or (bool(wanted) and f"{short}/manifests/{wanted}" in error)
    )


def syntax_directive(text: str) -> tuple[int, str] | None:
    """(line, image) of a `# syntax=` parser directive, or None."""
    for number, name, value in parser_directives(text):
        if name == "syntax":
            return number, value.strip()
    return None


def base_image_error(
    error: str, parsed: Dockerfile, text: str, build_args: Mapping[str, str]
) -> tuple[int, str] | None:
    """(line, why) where `error` says a base image (or the `# syntax=` frontend) could not be
    had: the stage whose resolved FROM the error names, else the first; None otherwise."""
    if not re.search(
        r"pull access denied|failed to resolve source metadata|repository does not exist|"
        r"failed to do request|no such host|manifest unknown|: not found$",
        error,
    ):
        return None
    directive = syntax_directive(text)
    if directive and ("frontend gateway" in error or mentions_image(error, directive[1])):
        line, frontend = directive
        return line, (
            f"the `# syntax={frontend}` directive makes BuildKit fetch the Dockerfile frontend "
            f"image {frontend} before it reads the Dockerfile, and it could not be had"
            f"{why_not_had(error, 200)}. Remove the directive to use the engine's built-in "
            "frontend (it handles RUN --mount; newer syntax such as heredocs needs the "
            "directive), or make the image reachable (a registry mirror, or `docker pull` it "
            "where a registry answers)."
        )
    for stage, resolved in zip(parsed.stages, resolved_bases(parsed, build_args), strict=True):
        if resolved and mentions_image(error, resolved):
            if split_reference(resolved)[2]:
                return stage.line, digest_pin_hint(resolved, error)
            written = f" ({stage.base} as written)" if resolved != stage.base else ""
            return stage.line, (
                f"base image {resolved}{written} is not on the engine and could not be pulled"
                f"{why_not_had(error, 200)}. Pull or load it (offline: build a stand-in, see "
                "the README), or fix the FROM line."
            )
    line = parsed.stages[0].line if parsed.stages else 1
    return line, (
        "a base image could not be resolved: "
        f"{unreachable_registry(error) or one_line(error, 300)}. Pull or load it, or fix the "
        "FROM line."
    )
