"""The Go versions a GitLab CI pipeline pins: the golang image of every job that runs.

Each file is read as GitLab reads it (`pipeline_yaml`: YAML 1.1, merge keys, `spec:` inputs),
and the pipeline put together as GitLab composes it (`composition`: `.gitlab-ci.yml` with its
local includes, then `extends`, then `!reference` tags; child pipelines from the checkout). Each job's image is
resolved with its variables and every `parallel: matrix` combination, and counts only where
the job's scripts run the Go toolchain on the module (`image_pins`). A GOTOOLCHAIN variable (the
job's, else the pipeline's) changes the Go the job runs, as in a workflow job's container.
The jobs' image builds (`docker build` in their scripts) are read too (`image_builds`), for
ci_build_pins to compare with this run's build.
"""

from .image_builds import read_gitlab_image_builds
from .image_pins import gitlab_ci_jobs, read_gitlab_ci
from .pipeline_yaml import GITLAB_CI_FILE

__all__ = ["GITLAB_CI_FILE", "gitlab_ci_jobs", "read_gitlab_ci", "read_gitlab_image_builds"]
