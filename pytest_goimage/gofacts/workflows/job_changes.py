"""What a job's steps change that decides which Go and which files its setup-go sees: a
checkout of another folder, repository or ref, and GOTOOLCHAIN set by a step (its env, a
line written to $GITHUB_ENV, `go env -w`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import yaml

from .actions_yaml import env_of
from .go_folders import checks_out_elsewhere

# GOTOOLCHAIN set in a script: `echo GOTOOLCHAIN=local >> $GITHUB_ENV`, `go env -w
# GOTOOLCHAIN=...`, `export GOTOOLCHAIN=...`; not `$GOTOOLCHAIN` read.
_SETS_TOOLCHAIN = re.compile(r"(?<![$\w{])GOTOOLCHAIN\s*=")


def checks_out_other_tree(steps: Sequence[Mapping[str, yaml.Node]]) -> bool:
    """Whether a step checks out another folder, repository or ref than the repository's tree
    at the workspace's root: a file missing from this tree may be there."""
    return any(checks_out_elsewhere(step, ("path", "repository", "ref")) for step in steps)


def steps_set_gotoolchain(steps: Sequence[Mapping[str, yaml.Node]]) -> bool:
    """Whether a step sets GOTOOLCHAIN for itself or the steps after it (the review: a job
    that writes GOTOOLCHAIN=local to $GITHUB_ENV runs the Go setup-go installs)."""
    for step in steps:
        run = step.get("run")
        script = run.value if isinstance(run, yaml.ScalarNode) else ""
        if "GOTOOLCHAIN" in env_of(step) or _SETS_TOOLCHAIN.search(script):
            return True
    return False
