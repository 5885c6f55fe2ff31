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
    has_pipeline = any((root / GITLAB_CI_FILE).is_file() for root in roots)
    names = sorted({path.name for path, _ in found} | ({GITLAB_CI_FILE} if has_pipeline else set()))
    gitlab = _GitlabJobs(roots, rootdir)
    for entry in entries:
        no_nul(entry, f"{where} go_version_ignore entry", src)
        workflow, job = split_ignore_entry(entry)
        matching = [(p, n) for p, n in found if workflow in (p.name, n)]
        if has_pipeline and not matching and gitlab.names(workflow):
            _gitlab_job_exists(entry, workflow, job, gitlab, where, src)
            continue
        if not matching:
            hint = did_you_mean(workflow, names)
            listing = f"workflows found: {', '.join(names)}" if names else "none found"
            gitlab_hint = f" ({GITLAB_CI_FILE}:job for a GitLab CI job)" if has_pipeline else ""
            raise ConfigError(
                f"{src}: {where} go_version_ignore entry {entry!r} names no workflow under "
                f".github/workflows/{hint}; {listing}. Name a workflow file, or workflow:job for "
                f"one job{gitlab_hint}."
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


class _GitlabJobs:
    """The jobs of the checkout's GitLab CI pipelines by pipeline file, read once and only when
    an entry may name one; None when a pipeline cannot be read (the go-version check says why)."""

    def __init__(self, roots: list[Path], rootdir: Path) -> None:
        self._roots, self._rootdir = roots, rootdir
        self._jobs: dict[str, list[str]] | None = None
        self._read = False

    def by_pipeline(self) -> dict[str, list[str]] | None:
        if not self._read:
            from .errors import GoImageError
            from .gofacts.gitlab_ci import gitlab_ci_jobs

            self._read = True
            try:
                self._jobs = gitlab_ci_jobs(self._roots, self._rootdir)
            except GoImageError:
                self._jobs = None
        return self._jobs

    def names(self, workflow: str) -> bool:
        """Whether `workflow` names a pipeline: `.gitlab-ci.yml` (any of them), a pipeline's
        path, or a path ending in `.gitlab-ci.yml` (reported when it is none of them)."""
        from .gofacts.gitlab_ci import GITLAB_CI_FILE

        if workflow == GITLAB_CI_FILE or workflow.rsplit("/", 1)[-1] == GITLAB_CI_FILE:
            return True
        jobs = self.by_pipeline()
        return jobs is not None and workflow in jobs


def _gitlab_job_exists(
    entry: str, workflow: str, job: str, gitlab: _GitlabJobs, where: str, src: Path
) -> None:
    """A GitLab entry names a pipeline of the checkout, and a job that pipeline runs."""
    from .gofacts.gitlab_ci import GITLAB_CI_FILE

    by_pipeline = gitlab.by_pipeline()
    if by_pipeline is None:
        return  # an unreadable pipeline is reported by the go-version check
    if workflow == GITLAB_CI_FILE:
        known = sorted({name for jobs in by_pipeline.values() for name in jobs})
        what = "the GitLab CI pipeline"
    elif workflow in by_pipeline:
        known = sorted(by_pipeline[workflow])
        what = f"the GitLab CI pipeline {workflow}"
    else:
        pipelines = ", ".join(sorted(by_pipeline))
        raise ConfigError(
            f"{src}: {where} go_version_ignore entry {entry!r}: {workflow} is not a GitLab CI "
            f"pipeline GitLab runs here (an included file's jobs belong to the pipeline that "
            f"includes it); the pipelines are {pipelines or 'none'}. Use "
            f"{GITLAB_CI_FILE}:job, or a pipeline's path."
        )
    if job and job not in known:
        hint = did_you_mean(job, known)
        raise ConfigError(
            f"{src}: {where} go_version_ignore entry {entry!r}: {what} has no "
            f"job {job!r}{hint}; its jobs are {', '.join(known) or 'none'}."
        )
