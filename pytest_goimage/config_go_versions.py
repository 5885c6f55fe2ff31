"""`go_version_policy` and `go_version_ignore`: which go.mod line Go version pins must reach,
and which CI workflows or jobs are left out; each entry must name something that exists."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .config_keys import did_you_mean, no_nul, typed
from .errors import ConfigError
from .gofacts.versions import POLICIES, POLICY_TOOLCHAIN

DEFAULT_GO_VERSION_POLICY = POLICY_TOOLCHAIN


def go_version_policy(table: Mapping[str, Any], where: str, src: Path) -> str:
    policy: str = typed(table, "go_version_policy", str, DEFAULT_GO_VERSION_POLICY, where, src)
    if policy not in POLICIES:
        hint = did_you_mean(policy, POLICIES)
        raise ConfigError(
            f"{src}: {where} go_version_policy = {policy!r} is not a policy{hint}; use "
            '"toolchain" (the default: pins must reach go.mod\'s toolchain line, so what is '
            'tested is what ships) or "go" (pins must reach its go line, the minimum that builds).'
        )
    return policy


def go_version_ignore(
    table: Mapping[str, Any], where: str, rootdir: Path, project: Path, src: Path
) -> tuple[str, ...]:
    """`go_version_ignore`: each entry names a workflow (`docs.yml`, or its path from the
    rootdir) or one of its jobs (`release.yml:docs`), or a GitLab CI job (`.gitlab-ci.yml:lint`),
    that exists, so a typo cannot silently leave nothing out."""
    entries = table.get("go_version_ignore", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise ConfigError(
            f"{src}: {where} key 'go_version_ignore' must be a list of workflow names or "
            f'workflow:job pairs, such as ["docs.yml", "release.yml:docs"], got {entries!r}.'
        )
    if not entries:
        return ()
    # Only here: a run whose configuration ignores no workflow does not import YAML.
    from .gofacts.ci_ignore import split_ignore_entry
    from .gofacts.gitlab_ci import GITLAB_CI_FILE
    from .gofacts.workflows import workflow_files, workflow_jobs

    roots = [rootdir] if project == rootdir.resolve() else [rootdir, project]
    found = [workflow for root in roots for workflow in workflow_files(root, rootdir)]
    pipelines = [root for root in roots if (root / GITLAB_CI_FILE).is_file()]
    names = sorted({path.name for path, _ in found} | ({GITLAB_CI_FILE} if pipelines else set()))
    for entry in entries:
        no_nul(entry, f"{where} go_version_ignore entry", src)
        workflow, job = split_ignore_entry(entry)
        if pipelines and workflow.rsplit("/", 1)[-1] == GITLAB_CI_FILE:
            _gitlab_job_exists(entry, job, pipelines, where, src)
            continue
        matching = [(p, n) for p, n in found if workflow in (p.name, n)]
        if not matching:
            hint = did_you_mean(workflow, names)
            listing = f"workflows found: {', '.join(names)}" if names else "none found"
            gitlab = f" ({GITLAB_CI_FILE}:job for a GitLab CI job)" if pipelines else ""
            raise ConfigError(
                f"{src}: {where} go_version_ignore entry {entry!r} names no workflow under "
                f".github/workflows/{hint}; {listing}. Name a workflow file, or workflow:job for "
                f"one job{gitlab}."
            )
        if not job:
            continue
        jobs = [
            workflow_jobs(path.read_text(encoding="utf-8", errors="replace"))
            for path, _ in matching
        ]
        if any(found_jobs is None or job in found_jobs for found_jobs in jobs):
            continue  # an unreadable workflow is reported by the go-version check
        known = sorted({j for found_jobs in jobs for j in found_jobs or []})
        hint = did_you_mean(job, known)
        raise ConfigError(
            f"{src}: {where} go_version_ignore entry {entry!r}: {workflow} has no job "
            f"{job!r}{hint}; its jobs are {', '.join(known) or 'none'}."
        )
    return tuple(entries)


def _gitlab_job_exists(entry: str, job: str, pipelines: list[Path], where: str, src: Path) -> None:
    """A `.gitlab-ci.yml:job` entry names a job the pipeline runs."""
    from .errors import GoImageError
    from .gofacts.gitlab_ci import gitlab_ci_jobs

    if not job:
        return
    known: set[str] = set()
    for root in pipelines:
        try:
            known.update(gitlab_ci_jobs(root))
        except GoImageError:
            return  # an unreadable pipeline is reported by the go-version check
    if job not in known:
        hint = did_you_mean(job, sorted(known))
        raise ConfigError(
            f"{src}: {where} go_version_ignore entry {entry!r}: the GitLab CI pipeline has no "
            f"job {job!r}{hint}; its jobs are {', '.join(sorted(known)) or 'none'}."
        )
