"""`secrets_ignore`: the findings a team has looked at and accepts (a package's sample
configuration, a public Sentry DSN), named by the file's path or the variable's name, so that one
accepted finding does not make a team switch the whole check off.

An entry that starts with `/` is a path in the image (`/etc/fail2ban/**`); any other is a name
(an ENV, build argument or label's, `SENTRY_DSN`), or a finding's place and name as the failure
shows them (`ENTRYPOINT word 3`, `binary /app/server -X main.dsn`). `*` and `?` stay within one
folder of a path, `**` crosses folders; nothing else is special, and case counts, as in the
image's file system and the engine's ENV.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .secrets_scan import Finding

# `**` before `*`: the longer wildcard is the one that crosses folders.
_WILDCARD = re.compile(r"\*\*|\*|\?")
_WILDCARD_REGEX = {"**": ".*", "*": "[^/]*", "?": "[^/]"}


def compiled(entry: str) -> re.Pattern[str]:
    """The regular expression an entry stands for, matched against a whole name."""
    parts: list[str] = []
    end = 0
    for wildcard in _WILDCARD.finditer(entry):
        parts.append(re.escape(entry[end : wildcard.start()]))
        parts.append(_WILDCARD_REGEX[wildcard.group()])
        end = wildcard.end()
    parts.append(re.escape(entry[end:]))
    return re.compile("".join(parts))


@dataclass(frozen=True)
class Accepted:
    """The findings `secrets_ignore` took out, each with the entry that matched it, and the
    entries that matched none (a file since renamed: the entry hides nothing now, and would
    hide whatever later takes that name)."""

    findings: tuple[tuple[Finding, str], ...]
    unused: tuple[str, ...]

    def note(self) -> str:
        """One sentence for the check's result; empty when there were no entries."""
        parts = []
        if self.findings:
            named = ", ".join(f.describe_place() for f, _ in self.findings[:4])
            more = len(self.findings) - 4
            named += f" and {more} more" if more > 0 else ""
            parts.append(f"secrets_ignore accepted {len(self.findings)} finding(s): {named}")
        if self.unused:
            listed = ", ".join(f"{entry!r}" for entry in self.unused)
            parts.append(
                f"secrets_ignore entries that matched no finding (remove them, or they hide "
                f"whatever comes to carry that name): {listed}"
            )
        return "; ".join(parts)


def _matches(pattern: re.Pattern[str], entry: str, finding: Finding) -> bool:
    if entry.startswith("/"):  # a path: only a file's finding has one as its name
        return finding.where == "file" and bool(pattern.fullmatch(finding.name))
    return bool(pattern.fullmatch(finding.name) or pattern.fullmatch(finding.describe_place()))


def split_accepted(
    findings: Iterable[Finding], entries: Sequence[str]
) -> tuple[list[Finding], Accepted]:
    """The findings no entry accepts, and what the entries accepted."""
    patterns = [(entry, compiled(entry)) for entry in entries]
    kept: list[Finding] = []
    accepted: list[tuple[Finding, str]] = []
    used: set[str] = set()
    for finding in findings:
        entry = next((e for e, p in patterns if _matches(p, e, finding)), None)
        if entry is None:
            kept.append(finding)
        else:
            accepted.append((finding, entry))
            used.add(entry)
    unused = tuple(entry for entry in entries if entry not in used)
    return kept, Accepted(tuple(accepted), unused)
