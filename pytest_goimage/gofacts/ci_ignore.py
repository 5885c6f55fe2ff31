"""`[tool.goimage] go_version_ignore`: the CI pins it leaves out, GitHub Actions workflows and
jobs (`docs.yml`, `release.yml:docs`) and GitLab CI jobs (`.gitlab-ci.yml:lint`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .gitlab_ci import GITLAB_CI_FILE
from .versions import (
    SOURCE_CI_BUILD,
    SOURCE_GITLAB_IMAGE,
    SOURCE_SETUP_GO,
    SOURCE_SETUP_GO_FILE,
    SOURCE_WORKFLOW_CONTAINER,
    Pin,
)

CI_SOURCES = (
    SOURCE_SETUP_GO,
    SOURCE_SETUP_GO_FILE,
    SOURCE_GITLAB_IMAGE,
    SOURCE_WORKFLOW_CONTAINER,
    SOURCE_CI_BUILD,
)


def split_ignore_entry(entry: str) -> tuple[str, str]:
    """`release.yml:docs` -> ("release.yml", "docs"); `docs.yml` -> ("docs.yml", "")."""
    workflow, _, job = entry.strip().partition(":")
    return workflow.strip().removeprefix("./"), job.strip()


def apply_ignore(pins: Sequence[Pin], entries: Sequence[str]) -> list[Pin]:
    """CI pins of the workflows or jobs `entries` name, marked ignored with the entry.

    A workflow is named by its file name (`docs.yml`) or its path as the pin names it
    (`.github/workflows/docs.yml`); `workflow:job` names one job by its id. A GitLab job is
    named through its pipeline, also when an included file defines it: `.gitlab-ci.yml:job`
    in any pipeline of the checkout, `ci/child.yml:job` only in the pipeline of that file.
    """
    result = []
    for pin in pins:
        if pin.source in CI_SOURCES and not pin.ignored:
            for entry in entries:
                workflow, job = split_ignore_entry(entry)
                if _names(workflow, pin) and job in ("", pin.job):
                    pin = replace(pin, ignored=f"left out by go_version_ignore entry {entry!r}")
                    break
        result.append(pin)
    return result


def _names(workflow: str, pin: Pin) -> bool:
    if pin.pipeline:  # a GitLab CI job's (its image, or an image it builds)
        return workflow in (GITLAB_CI_FILE, pin.pipeline)
    file = pin.workflow or pin.file  # a composite action's pin: its job's workflow
    return workflow in (file, file.rsplit("/", 1)[-1])


def gitlab_entry(pin: Pin) -> str:
    """The pipeline part of the go_version_ignore entry that names `pin`'s job: the plain file
    name for the checkout's own pipeline, else the pipeline's path."""
    return GITLAB_CI_FILE if pin.pipeline in ("", GITLAB_CI_FILE) else pin.pipeline
